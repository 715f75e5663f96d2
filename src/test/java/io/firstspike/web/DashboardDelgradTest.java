package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * DelGrad runs in the browser (issue 20, "In the workbench"): the New-run view offers the
 * new-schema configs and each starts from it; the live view of a run with delay layers shows one
 * delay histogram per delay layer, this epoch against the first, beside the weight histograms,
 * from the run folder's activity.json (the stream carries none of it). A real workbench trains
 * them through the same TrainingVerticle as 2021 runs.
 */
class DashboardDelgradTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  /** The shipped new-schema configs (configs/, also in the jar). */
  private static final List<String> DELGRAD = List.of("yin_yang_H30_W", "yin_yang_H30_WA",
      "yin_yang_H30_WS", "yin_yang_H5_WS", "yin_yang_hwAware");

  @TempDir Path tmp;
  private WebTestServer server;
  @RegisterExtension final BrowserExtension chrome = new BrowserExtension();
  @RegisterExtension final WebServerExtension web = new WebServerExtension();
  private Browser browser;
  private final List<String> log = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    browser = chrome.browser();
    server = web.start(tmp.resolve("runs"));
  }

  @AfterEach
  void stop() {
    log.forEach(System.out::println);
  }

  @Test
  @DisplayName("The New-run view lists and starts every DelGrad config; the live view of H30_WS shows"
      + " a delay histogram per delay layer, this epoch against epoch 0, beside the weights")
  void delgradRunsStartAndShowDelays() throws Exception {
    var d = browser.driver;
    List<String> ids = new ArrayList<>();
    for (String config : DELGRAD) {
      d.get(server.url() + "#/new?config=" + config);
      Select select = new Select(browser.waiting(WAIT).until(x -> {
        WebElement s = x.findElement(By.id("config-select"));
        return s.findElements(By.cssSelector("option[value='" + config + "']")).isEmpty() ? null : s;
      }));
      browser.waiting(WAIT).until(x -> config.equals(select.getFirstSelectedOption().getAttribute("value"))
          && x.findElement(By.id("yaml-editor")).getAttribute("value").contains("network_layout:"));
      int epochs = config.equals("yin_yang_H30_WS") ? 3 : 1;
      d.findElement(By.id("override-epochs")).sendKeys(String.valueOf(epochs));
      d.findElement(By.id("start-run")).click();
      browser.waiting(WAIT).until(x -> x.getCurrentUrl().contains("#/run/"));
      String url = d.getCurrentUrl();
      ids.add(java.net.URLDecoder.decode(url.substring(url.indexOf("#/run/") + 6),
          java.nio.charset.StandardCharsets.UTF_8));
    }
    log.add("started from the page: " + ids);
    for (String id : ids) {
      long until = System.currentTimeMillis() + WAIT.toMillis() * 2;
      String state = "";
      while (System.currentTimeMillis() < until && !state.equals("finished") && !state.equals("failed")) {
        Browser.sleep(500);
        state = runState(id);
      }
      assertThat(state).as("run %s (started from the New-run view)", id).isEqualTo("finished");
    }

    String ws = ids.get(DELGRAD.indexOf("yin_yang_H30_WS"));
    d.get(server.url() + "#/run/" + ws);
    browser.waiting(WAIT).until(x -> "finished".equals(x.findElement(By.cssSelector(".live-view")).getAttribute("data-state")));
    WebElement card = browser.waiting(WAIT).until(x -> {
      WebElement c = x.findElement(By.id("chart-delays"));
      return c.isDisplayed() && points("chart-delays") == 2 * 30 ? c : null;
    });
    List<String> titles = card.findElements(By.cssSelector(".class-title")).stream().map(WebElement::getText).toList();
    assertThat(titles).containsExactly("layers.0 DelaySynaptic", "layers.2 DelaySynaptic");
    assertThat(card.getText()).contains("epoch 3 (filled) against epoch 0 (dashed)");
    // Each chart: the newest epoch filled, the first dashed, both 30 bins with the layer's delays.
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> charts = (List<Map<String, Object>>) browser.js(
        "return [...document.querySelectorAll('#chart-delays canvas')].map((c) => { const ch = Chart.getChart(c);"
            + " const sum = (ds) => ds.data.reduce((a, p) => a + p.y, 0);"
            + " return { now: ch.data.datasets[0].data.length, first: ch.data.datasets[1].data.length,"
            + " nowSum: sum(ch.data.datasets[0]), firstSum: sum(ch.data.datasets[1]),"
            + " lo: ch.data.datasets[0].data[0].x, hi: ch.data.datasets[0].data[29].x }; })");
    assertThat(charts).hasSize(2);
    int[] delays = {4 * 30, 30 * 3};
    for (int l = 0; l < 2; l++) {
      Map<String, Object> c = charts.get(l);
      assertThat(((Number) c.get("now")).intValue()).isEqualTo(30);
      assertThat(((Number) c.get("first")).intValue()).isEqualTo(30);
      assertThat(((Number) c.get("nowSum")).intValue()).as("delays of layer %d", l).isEqualTo(delays[l]);
      assertThat(((Number) c.get("firstSum")).intValue()).isEqualTo(delays[l]);
      assertThat(((Number) c.get("lo")).doubleValue()).isGreaterThan(0.0); // sigmoid delays in (0, 1)
      assertThat(((Number) c.get("hi")).doubleValue()).isLessThan(1.0);
    }
    // Beside the weights: the weight card comes right before it; the subtitle names the data set.
    assertThat((Boolean) browser.js("return document.getElementById('chart-weights').nextElementSibling"
        + " === document.getElementById('chart-delays')")).isTrue();
    assertThat(points("chart-weights")).isEqualTo(2 * 30);
    assertThat(d.findElement(By.cssSelector(".run-sub")).getText()).startsWith("yin_yang ·");
    browser.js("document.getElementById('chart-weights').scrollIntoView()");
    Browser.sleep(500);
    browser.screenshot("30-delgrad-delays", false);

    // A network without delay layers (H30_W: BroadcastLayer only): the card stays hidden.
    String h30w = ids.get(DELGRAD.indexOf("yin_yang_H30_W"));
    d.get(server.url() + "#/run/" + h30w);
    browser.waiting(WAIT).until(x -> points("chart-weights") > 0);
    assertThat(d.findElement(By.id("chart-delays")).isDisplayed()).as("H30_W has no delay layer").isFalse();
  }

  private int points(String cardId) {
    Object v = browser.js("const c = document.getElementById(arguments[0]); return c ? Number(c.dataset.points) : -1;", cardId);
    return ((Number) v).intValue();
  }

  private String runState(String id) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(server.url() + "api/runs/" + id)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return new io.vertx.core.json.JsonObject(r.body()).getString("state");
  }
}
