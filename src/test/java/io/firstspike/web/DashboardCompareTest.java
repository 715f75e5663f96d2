package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.train.EpochMetrics;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.ConfigWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The Compare view over three long runs (SyntheticRun: the files and messages of a training) in a
 * real browser (issue 22, bug 12 and "Comparison"; issue 20, the per-layer keys): it loads the
 * epochs only (no batch lines, no activity.json), fits its accuracy axis to runs at 97-99%, tables
 * each run's best and final metrics, follows a streaming run live from its epoch messages, and
 * shows two new-schema configs' layer lists side by side.
 */
class DashboardCompareTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int EPOCHS = 2000;
  private static final int PLANNED = 6000;

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
    try (InputStream in = DashboardCompareTest.class.getResourceAsStream("/web/net-recorder.js")) {
      browser.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
          Map.of("source", new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    }
  }

  @AfterEach
  void stop() {
    log.forEach(System.out::println);
  }

  @Test
  @DisplayName("Compare loads epochs only, fits its axis to runs at 97-99%, tables best and final"
      + " metrics, updates live while a run streams, and lines up new-schema layers")
  void compareIsLightFittedLiveAndLayered() throws Exception {
    Path runs = tmp.resolve("runs");
    List<SyntheticRun> rs = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      SyntheticRun r = new SyntheticRun(runs, "long_" + i, PLANNED, 10 + i);
      r.writeUpTo(EPOCHS);
      rs.add(r);
    }
    // Two of them trained new-schema configs (the config.yaml a run folder holds: ConfigWriter's).
    writeConfig(rs.get(1), "yin_yang_H30_WS");
    writeConfig(rs.get(2), "yin_yang_H5_WS");
    log.add(String.format(Locale.ROOT, "three run folders of %d epochs written in %.1f s", EPOCHS, (System.nanoTime() - t0) / 1e9));
    var d = browser.driver;
    String ids = String.join(",", rs.stream().map(r -> r.id).toList());
    d.get(server.url() + "#/compare?ids=" + ids);
    browser.waiting(WAIT).until(x -> "true".equals(x.findElement(By.cssSelector(".compare-view")).getAttribute("data-loaded")));
    double loadMillis = ((Number) browser.js("const m = window.__net.requests.filter((r) => r.kind === 'metrics' || r.kind === 'run');"
        + " return Math.max(...m.map((r) => r.t1)) - Math.min(...m.map((r) => r.t0));")).doubleValue();

    // Light: the epochs alone, no activity.json, no batch lines.
    @SuppressWarnings("unchecked")
    List<String> paths = (List<String>) browser.js("return window.__net.requests.map((r) => r.path)");
    assertThat(paths).noneMatch(p -> p.contains("/activity"));
    List<String> metrics = paths.stream().filter(p -> p.contains("/metrics")).toList();
    assertThat(metrics).hasSize(3).allMatch(p -> p.contains("activity=false") && p.contains("batches=false"));
    assertThat(paths.stream().filter(p -> p.matches("/api/runs/long_\\d(\\?.*)?")).toList())
        .as("the summaries (for the configs) skip the check of batches.jsonl").hasSize(3)
        .allMatch(p -> p.endsWith("?batches=false"));
    log.add("requests: " + browser.js("return window.__net.requests.map((r) => `${r.path} ${Math.round(r.t1 - r.t0)} ms`).join('; ')"));
    long bytes = ((Number) browser.js("return window.__net.requests.filter((r) => r.kind === 'metrics')"
        + ".reduce((a, r) => a + (r.bytes || 0), 0)")).longValue();
    // What the view loaded before (the whole-run load with activity and decimated batches), timed alike.
    d.manage().timeouts().scriptTimeout(Duration.ofSeconds(180));
    double oldMillis = ((Number) browser.driver.executeAsyncScript(
        "const done = arguments[arguments.length - 1]; const t0 = performance.now();"
            + " Promise.all(arguments[0].split(',').map((id) => fetch('/api/runs/' + id + '/metrics?since=-1&points=10&activity=true').then((r) => r.text())))"
            + ".then(() => done(performance.now() - t0));", ids)).doubleValue();
    double newMillis = ((Number) browser.driver.executeAsyncScript(
        "const done = arguments[arguments.length - 1]; const t0 = performance.now();"
            + " Promise.all(arguments[0].split(',').map((id) => fetch('/api/runs/' + id + '/metrics?since=-1&points=10&activity=false&batches=false').then((r) => r.text())))"
            + ".then(() => done(performance.now() - t0));", ids)).doubleValue();
    log.add(String.format(Locale.ROOT, "three runs of %d epochs: the view's load %.0f ms (%.2f MB of metrics);"
        + " the three metrics requests alone %.0f ms, as loaded before (activity, batches) %.0f ms",
        EPOCHS, loadMillis, bytes / 1e6, newMillis, oldMillis));

    // The accuracy axis fitted to the later half of the runs (97-99%), not 0-100%; a tick fits
    // it to every epoch (from the first epochs' 60%).
    double lo = Double.MAX_VALUE;
    double hi = 0;
    double first = 1;
    for (SyntheticRun r : rs) {
      for (EpochMetrics m : r.folder.metricsLog().values()) {
        first = Math.min(first, m.valAccuracy());
        if (m.epoch() >= EPOCHS / 2) {
          lo = Math.min(lo, m.valAccuracy());
          hi = Math.max(hi, m.valAccuracy());
        }
      }
    }
    assertThat(lo).isGreaterThan(0.96);
    double pad = Math.max(0.002, 0.1 * (hi - lo)) + 1e-9;
    assertThat(axis("min")).as("axis minimum, later halves from %s to %s", lo, hi).isBetween(lo - pad, lo);
    assertThat(axis("max")).isBetween(hi, Math.min(1.0, hi + pad));
    assertThat(points("compare-acc")).isEqualTo(3 * (EPOCHS + 1));
    d.findElement(By.id("compare-fit-all")).click();
    assertThat(axis("min")).isBetween(first - 0.1, first);
    d.findElement(By.id("compare-fit-all")).click();
    assertThat(axis("min")).isBetween(lo - pad, lo);

    // Best and final metrics per run, as the files say.
    for (SyntheticRun r : rs) {
      assertMetricsRow(r);
    }

    // Live: epochs streamed into run 0 reach the chart and the table without a request.
    int requestsBefore = requests();
    for (int i = 0; i < 5; i++) {
      rs.get(0).streamNext(server.vertx(), 4);
      Browser.sleep(150);
    }
    browser.waiting(WAIT).until(x -> cell(rs.get(0).id, "epoch").startsWith((EPOCHS + 5) + " /"));
    browser.waiting(WAIT).until(x -> points("compare-acc") == 3 * (EPOCHS + 1) + 5);
    assertMetricsRow(rs.get(0));
    assertThat(requests()).as("requests while epoch messages came in order").isEqualTo(requestsBefore);

    // New-schema configs: their layer lists side by side, one header row per layer entry.
    // Run 0 is a 2021 config: every layer key differs from its (absent) value.
    WebElement table = d.findElement(By.cssSelector("#compare-config table"));
    List<String> heads = table.findElements(By.cssSelector("tr.layer-head")).stream()
        .map(e -> e.getAttribute("data-layer")).toList();
    assertThat(heads).containsExactly("0", "1", "2", "3");
    WebElement size = table.findElement(By.cssSelector("tr[data-key='network_layout.layers[1].size']"));
    assertThat(size.getAttribute("class")).contains("differs");
    assertThat(size.findElements(By.tagName("td")).stream().map(WebElement::getText).toList())
        .containsExactly("network_layout.layers[1].size", "—", "30", "5");
    assertThat(table.findElement(By.cssSelector("tr.layer-head[data-layer='1']")).getText())
        .contains("NeuronLayer (30)", "NeuronLayer (5)");
    List<String> keys = d.findElements(By.cssSelector("#compare-config tr[data-key]")).stream()
        .map(e -> e.getAttribute("data-key")).filter(k -> k.startsWith("network_layout.layers[")).toList();
    assertThat(keys).contains("network_layout.layers[0].positivity.scale", "network_layout.layers[2].delay_std");
    assertThat(keys.indexOf("network_layout.layers[0].name")).isLessThan(keys.indexOf("network_layout.layers[1].name"));
    // The legend names the data set of a new-schema config too.
    @SuppressWarnings("unchecked")
    List<String> labels = (List<String>) browser.js("return window.firstspike.compare.acc.data.datasets.map((s) => s.label)");
    assertThat(labels).allMatch(l -> l.endsWith("(yin_yang)"));
    browser.screenshot("31-compare-long-runs", true);
  }

  private void writeConfig(SyntheticRun r, String config) throws IOException {
    String yaml = Files.readString(Path.of("configs", config + ".yaml"));
    Files.writeString(r.folder.configFile(), ConfigWriter.toYaml(ConfigLoader.parseAny(yaml, config)));
  }

  private void assertMetricsRow(SyntheticRun r) {
    List<EpochMetrics> ms = r.folder.metricsLog().values();
    EpochMetrics best = ms.get(0);
    for (EpochMetrics m : ms) {
      if (m.valAccuracy() > best.valAccuracy()) {
        best = m;
      }
    }
    EpochMetrics last = ms.get(ms.size() - 1);
    assertThat(cell(r.id, "best")).isEqualTo(pct(best.valAccuracy()));
    assertThat(cell(r.id, "bestEpoch")).isEqualTo(String.valueOf(best.epoch()));
    assertThat(cell(r.id, "final")).isEqualTo(pct(last.valAccuracy()));
    assertThat(cell(r.id, "finalLoss")).isEqualTo(String.format(Locale.ROOT, "%.4f", last.valLoss()));
    assertThat(cell(r.id, "epoch")).isEqualTo(last.epoch() + " / " + PLANNED);
  }

  private static String pct(double x) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * x);
  }

  private String cell(String run, String key) {
    return (String) browser.js("const c = document.querySelector(`#compare-metrics tr[data-run='${arguments[0]}'] td[data-k='${arguments[1]}']`);"
        + " return c ? c.textContent : '';", run, key);
  }

  private int points(String cardId) {
    return ((Number) browser.js("return Number(document.getElementById(arguments[0]).dataset.points)", cardId)).intValue();
  }

  private double axis(String end) {
    return ((Number) browser.js("return window.firstspike.compare.acc.scales.y." + end)).doubleValue();
  }

  private int requests() {
    return ((Number) browser.js("return window.__net.requests.length")).intValue();
  }
}
