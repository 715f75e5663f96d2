package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The Sweeps page (issue 21) in Chromium over the real training: a sweep launched by picking a
 * config key, its values and seeds shows its settings' validation-accuracy bands while it runs,
 * then a sortable table of final metrics per setting and error against the swept parameter.
 */
class DashboardSweepTest {
  private static final Duration WAIT = Duration.ofSeconds(180);
  private static final String CONFIG = "sweepy";

  @TempDir Path tmp;
  private WebTestServer server;
  @RegisterExtension final BrowserExtension chrome = new BrowserExtension();
  private Browser browser;

  @BeforeEach
  void start() throws IOException {
    browser = chrome.browser();
    Path configs = Files.createDirectories(tmp.resolve("configs"));
    String small = Files.readString(Path.of("configs", "yin_yang_small.yaml"));
    String three = small.replace("epoch_number: 20", "epoch_number: 3")
        .replace("epoch_snapshots: [10, 20]", "epoch_snapshots: [3]");
    assertThat(three).as("the test config derives from configs/yin_yang_small.yaml").contains("epoch_number: 3")
        .contains("epoch_snapshots: [3]");
    Files.writeString(configs.resolve(CONFIG + ".yaml"), three);
    server = new WebTestServer(tmp.resolve("runs"), configs, 0, 1).start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @DisplayName("A sweep picked from config keys, values and seeds shows live bands per setting, a sortable table and error against the swept size")
  void launchWatchAndSort() {
    var d = browser.driver;
    d.get(server.url() + "#/sweeps");
    Select select = new Select(browser.waiting(WAIT).until(x -> {
      WebElement s = x.findElement(By.id("sweep-config"));
      return s.findElements(By.cssSelector("option[value='" + CONFIG + "']")).isEmpty() ? null : s;
    }));
    select.selectByValue(CONFIG);
    // the key list offers the config's keys as sweep paths
    browser.waiting(WAIT).until(x -> !x.findElements(By.cssSelector("#sweep-keys option[value='network_layout/layer_sizes/0']")).isEmpty());
    d.findElement(By.cssSelector(".sweep-axis .axis-path")).sendKeys("network_layout/layer_sizes/0");
    d.findElement(By.cssSelector(".sweep-axis .axis-values")).sendKeys("8, 16");
    d.findElement(By.id("sweep-seeds")).sendKeys("1..2");
    WebElement name = d.findElement(By.id("sweep-name"));
    name.clear();
    name.sendKeys("sizes");
    d.findElement(By.id("launch-sweep")).click();

    browser.waiting(WAIT).until(x -> x.getCurrentUrl().contains("#/sweep/sizes_"));
    // live: bands appear while runs are still training
    browser.waiting(WAIT).until(x -> "running".equals(badge()) && points("sweep-acc") > 0);
    browser.waiting(WAIT).until(x -> "finished".equals(badge()));
    browser.waiting(WAIT).until(x -> x.findElements(By.cssSelector("#sweep-table tbody tr")).size() == 2);

    // 2 settings x 3 epochs x (mean, lower, upper)
    assertThat(points("sweep-acc")).isEqualTo(2 * 3 * 3);
    assertThat(points("sweep-err")).as("error against the size: 2 points and their band").isEqualTo(2 * 3);
    assertThat(new Select(d.findElement(By.id("sweep-x"))).getFirstSelectedOption().getText())
        .isEqualTo("network_layout_layer_sizes_0");
    assertThat(rowKeys()).containsExactly("network_layout_layer_sizes_0=8", "network_layout_layer_sizes_0=16");
    List<WebElement> cells = d.findElements(By.cssSelector("#sweep-table tbody tr:first-child td"));
    assertThat(cells.get(1).getText()).as("two seeds per setting").isEqualTo("2");
    assertThat(cells.get(2).getText()).as("final validation accuracy, mean ± sample std").matches("\\d+\\.\\d\\d% ± \\d+\\.\\d\\d%");

    WebElement sizeHeader = d.findElement(By.cssSelector("#sweep-table th[data-sort='0']"));
    sizeHeader.click();
    sizeHeader = d.findElement(By.cssSelector("#sweep-table th[data-sort='0']"));
    sizeHeader.click(); // the second click sorts descending
    assertThat(rowKeys()).containsExactly("network_layout_layer_sizes_0=16", "network_layout_layer_sizes_0=8");

    assertThat(d.findElements(By.cssSelector("#sweep-runs li[data-run]"))).hasSize(4);
    assertThat(d.findElements(By.cssSelector("#sweep-runs .sweep-group"))).hasSize(2);
    // the runs are ordinary runs: the Runs page lists them
    d.get(server.url() + "#/runs");
    browser.waiting(WAIT).until(x -> x.findElements(By.cssSelector("[data-run^='sizes-']")).size() >= 4);
  }

  private String badge() {
    List<WebElement> b = browser.driver.findElements(By.cssSelector("#sweep-state .badge"));
    return b.isEmpty() ? null : b.get(0).getAttribute("data-state");
  }

  private int points(String card) {
    return Integer.parseInt(browser.driver.findElement(By.id(card)).getAttribute("data-points"));
  }

  private List<String> rowKeys() {
    return browser.driver.findElements(By.cssSelector("#sweep-table tbody tr")).stream()
        .map(r -> r.getAttribute("data-key")).toList();
  }
}
