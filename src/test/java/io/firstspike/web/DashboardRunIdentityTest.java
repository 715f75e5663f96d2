package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.train.RunState;
import io.vertx.core.json.JsonObject;
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
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Issue 22, run identity and the runs list in a real browser: name, tags and notes edited on the
 * run's page and kept in its folder; the run's config shown, and a new run started from it;
 * archive and delete only after a confirmation; the runs list sorted by any column, searched by
 * name, tag, notes and config values, with hyperparameter columns of the user's choice and state
 * filters. Runs are written by SyntheticRun (no training).
 */
class DashboardRunIdentityTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  private WebTestServer server;
  @RegisterExtension final BrowserExtension chrome = new BrowserExtension();
  private Browser browser;
  private Path runs;

  @BeforeEach
  void start() throws IOException {
    browser = chrome.browser();
    runs = tmp.resolve("runs");
    server = new WebTestServer(runs, Path.of("configs").toAbsolutePath(), 0, 1).start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** A finished or stopped synthetic run of {@code epochs} epochs with its own learning rate and batch size. */
  private SyntheticRun run(String id, int epochs, String lr, int batch, RunState state) throws IOException {
    SyntheticRun r = new SyntheticRun(runs, id, epochs, id.hashCode());
    Path cfg = r.folder.configFile();
    String text = Files.readString(cfg).replace("learning_rate: 0.005", "learning_rate: " + lr)
        .replace("batch_size: 150", "batch_size: " + batch);
    Files.writeString(cfg, text);
    r.writeUpTo(epochs);
    r.status(state);
    return r;
  }

  @Test
  @DisplayName("A run is named, tagged and noted on its page; the list sorts, searches, shows chosen config columns and filters")
  void identityAndRunsList() throws Exception {
    run("alpha_run", 30, "0.005", 150, RunState.FINISHED);
    run("beta_run", 60, "0.01", 50, RunState.STOPPED);
    run("gamma_run", 10, "0.002", 300, RunState.FINISHED);
    var d = browser.driver;

    // Name, tags and notes on the run's page, saved into the run folder.
    d.get(server.url() + "#/run/alpha_run");
    WebElement name = browser.waiting(WAIT).until(x -> x.findElement(By.id("run-name")));
    browser.waiting(WAIT).until(x -> text("#run-config").contains("learning_rate: 0.005"));
    name.sendKeys("baseline A");
    d.findElement(By.id("run-tags")).sendKeys("sweep, lr-low");
    d.findElement(By.id("run-notes")).sendKeys("first try");
    d.findElement(By.id("save-meta")).click();
    browser.waiting(WAIT).until(x -> "saved".equals(text("#meta-status")));
    JsonObject saved = new JsonObject(Files.readString(runs.resolve("alpha_run").resolve("meta.json")));
    assertThat(saved.getString("name")).isEqualTo("baseline A");
    assertThat(saved.getJsonArray("tags").getList()).containsExactly("sweep", "lr-low");
    assertThat(saved.getString("notes")).isEqualTo("first try");
    Browser.sleep(1500); // the page's once-a-second refresh must not put the old values back
    assertThat(d.findElement(By.id("run-name")).getAttribute("value")).isEqualTo("baseline A");
    d.navigate().refresh();
    browser.waiting(WAIT).until(x -> "baseline A".equals(x.findElement(By.id("run-name")).getAttribute("value")));
    assertThat(d.findElement(By.id("run-tags")).getAttribute("value")).isEqualTo("sweep, lr-low");
    browser.screenshot("22-run-identity", false);

    // New run from this run's config: the editor holds exactly its config.yaml.
    browser.js("window.scrollTo(0, 0);");
    d.findElement(By.id("new-from-run")).click();
    browser.waiting(WAIT).until(x -> x.getCurrentUrl().contains("#/new?from=alpha_run"));
    String yaml = Files.readString(runs.resolve("alpha_run").resolve("config.yaml"));
    browser.waiting(WAIT).until(x -> yaml.equals(x.findElement(By.id("yaml-editor")).getAttribute("value")));

    // The runs list: name and tags shown, default hyperparameter columns.
    d.get(server.url() + "#/runs");
    browser.waiting(WAIT).until(x -> rows().size() == 3 && cell("beta_run", "training_params.learning_rate").equals("0.01"));
    assertThat(text("tr[data-run='alpha_run'] td.run-id")).contains("baseline A").contains("sweep").contains("lr-low");
    assertThat(cell("gamma_run", "training_params.batch_size")).isEqualTo("300");
    assertThat(cell("alpha_run", "network_layout.layer_sizes")).isEqualTo("30, 3");
    browser.screenshot("23-runs-list", false);

    // Sorting: by best validation accuracy (the longer runs reach higher), then reversed.
    clickHeader("best");
    assertThat(rows()).containsExactly("beta_run", "alpha_run", "gamma_run");
    clickHeader("best");
    assertThat(rows()).containsExactly("gamma_run", "alpha_run", "beta_run");
    clickHeader("param:training_params.learning_rate");
    assertThat(rows()).containsExactly("beta_run", "alpha_run", "gamma_run");
    clickHeader("run");
    assertThat(rows()).as("by name, or id where none: 'baseline A' first").containsExactly("alpha_run", "beta_run", "gamma_run");

    // Search: by tag, by notes, by a config value, several terms.
    search("lr-low");
    assertThat(rows()).containsExactly("alpha_run");
    search("first try");
    assertThat(rows()).containsExactly("alpha_run");
    search("batch_size: 50");
    assertThat(rows()).containsExactly("beta_run");
    search("learning_rate: 0.00 finished");
    assertThat(rows()).containsExactlyInAnyOrder("alpha_run", "gamma_run");
    search("");

    // A column of the user's choice, remembered across a reload; one removed.
    d.findElement(By.cssSelector("#column-picker summary")).click();
    d.findElement(By.id("column-filter")).sendKeys("xi");
    click("#column-list label[data-key='training_params.xi'] input");
    browser.waiting(WAIT).until(x -> !x.findElements(By.cssSelector("th[data-sort='param:training_params.xi']")).isEmpty());
    assertThat(cell("alpha_run", "training_params.xi")).isEqualTo("0.2");
    d.navigate().refresh();
    browser.waiting(WAIT).until(x -> rows().size() == 3
        && !x.findElements(By.cssSelector("th[data-sort='param:training_params.xi']")).isEmpty());
    assertThat(d.findElements(By.cssSelector("th[data-sort='param:training_params.learning_rate']"))).hasSize(1);

    // Filter by state.
    click(".chip[data-filter='stopped']");
    assertThat(rows()).containsExactly("beta_run");
    click(".chip[data-filter='all']");

    // Archive (after a confirmation): hidden from the list until archived runs are shown.
    d.get(server.url() + "#/run/beta_run");
    WebElement archive = browser.waiting(WAIT).until(x -> x.findElement(By.id("archive-run")));
    browser.waiting(WAIT).until(x -> !text("#run-config").isEmpty());
    archive.click();
    d.switchTo().alert().dismiss();
    Browser.sleep(300);
    assertThat(Files.exists(runs.resolve("beta_run").resolve("meta.json"))).as("dismissed: nothing written").isFalse();
    archive.click();
    d.switchTo().alert().accept();
    browser.waiting(WAIT).until(x -> "Unarchive".equals(x.findElement(By.id("archive-run")).getText()));
    d.get(server.url() + "#/runs");
    browser.waiting(WAIT).until(x -> rows().size() == 2);
    assertThat(rows()).doesNotContain("beta_run");
    d.findElement(By.id("show-archived")).click();
    browser.waiting(WAIT).until(x -> rows().contains("beta_run"));

    // Delete: only with the run id typed again.
    d.get(server.url() + "#/run/gamma_run");
    WebElement delete = browser.waiting(WAIT).until(x -> x.findElement(By.id("delete-run")));
    browser.waiting(WAIT).until(x -> !text("#run-config").isEmpty() && delete.isEnabled());
    delete.click();
    d.switchTo().alert().dismiss();
    delete.click();
    Alert wrong = d.switchTo().alert();
    wrong.sendKeys("gamma");
    wrong.accept();
    Browser.sleep(500);
    assertThat(runs.resolve("gamma_run")).as("cancelled or mistyped: nothing deleted").isDirectory();
    delete.click();
    Alert right = d.switchTo().alert();
    right.sendKeys("gamma_run");
    right.accept();
    browser.waiting(WAIT).until(x -> x.getCurrentUrl().endsWith("#/runs"));
    browser.waiting(WAIT).until(x -> !Files.exists(runs.resolve("gamma_run")));
    browser.waiting(WAIT).until(x -> !rows().contains("gamma_run") && rows().contains("alpha_run"));
  }

  @Test
  @DisplayName("A running run cannot be deleted from its page")
  void runningRunIsNotDeleted() throws Exception {
    SyntheticRun r = new SyntheticRun(runs, "live_run", 100, 3);
    r.writeUpTo(5);
    r.status(RunState.RUNNING);
    browser.driver.get(server.url() + "#/run/live_run");
    WebElement delete = browser.waiting(WAIT).until(x -> x.findElement(By.id("delete-run")));
    browser.waiting(WAIT).until(x -> "running".equals(String.valueOf(browser.js(
        "return document.querySelector('.live-view').dataset.state"))));
    assertThat(delete.isEnabled()).isFalse();
    assertThat(runs.resolve("live_run")).isDirectory();
  }

  private void clickHeader(String key) {
    click("th[data-sort='" + key + "'] button");
  }

  /** A click in one script: the table is redrawn every 2 s, so a found element may be gone at the click. */
  private void click(String css) {
    browser.js("document.querySelector(arguments[0]).click();", css);
  }

  private void search(String q) {
    browser.js("const s = document.getElementById('runs-search'); s.value = arguments[0]; s.dispatchEvent(new Event('input'));", q);
  }

  @SuppressWarnings("unchecked")
  private List<String> rows() {
    return (List<String>) browser.js("return [...document.querySelectorAll('.runs-table tbody tr')].map(r => r.dataset.run);");
  }

  private String cell(String run, String key) {
    Object t = browser.js("const c = document.querySelector(`tr[data-run='${arguments[0]}'] td[data-key='${arguments[1]}']`);"
        + " return c ? c.textContent : '';", run, key);
    return String.valueOf(t);
  }

  private String text(String css) {
    Object t = browser.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : '';", css);
    return String.valueOf(t);
  }
}
