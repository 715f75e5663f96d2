package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live page's memory stays bounded over a 300-epoch Yin-Yang run with every batch streamed.
 * A real one-epoch run gives the page its history; then 299 more epochs of bridge frames (34
 * batches each, as yin_yang_small streams them, and an epoch message with 1000 validation
 * predictions) go through the page's own event-bus client. Heap and held points are measured
 * after a forced garbage collection at epoch 50 and at epoch 300; then the page's CPU is measured
 * while frames keep arriving at the live rate (10 batch messages per second).
 */
class DashboardMemoryTest {
  private static final int BATCHES_PER_EPOCH = 34;
  private static final int LAST_EPOCH = 300;
  /** The page keeps at most this many batch points (store.js MAX_BATCH_POINTS). */
  private static final int MAX_BATCH_POINTS = 3000;
  /** Allowed heap growth between epoch 50 and epoch 300: the store is bounded, so little. */
  private static final double MAX_HEAP_GROWTH_MB = 8.0;

  @TempDir Path tmp;
  private WebTestServer server;
  @RegisterExtension final BrowserExtension chrome = new BrowserExtension();
  private Browser browser;

  @BeforeEach
  void start() throws IOException {
    browser = chrome.browser();
    server = new WebTestServer(tmp.resolve("runs"), Path.of("configs").toAbsolutePath(), 0, 1).start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @DisplayName("A 300-epoch run with every batch streamed keeps the page's points and heap bounded")
  void memoryStaysBoundedFor300Epochs() throws Exception {
    String id = startOneEpochRun();
    browser.driver.get(server.url() + "#/run/" + id);
    browser.waiting(Duration.ofSeconds(60)).until(x -> "finished".equals(
        browser.js("const v = document.querySelector('.live-view'); return v && v.dataset.state;")));
    browser.waiting(Duration.ofSeconds(30)).until(x -> ((Number) browser.js(
        "return window.firstspike.data ? window.firstspike.data.batches.length : 0")).intValue() == BATCHES_PER_EPOCH);
    String feed = resource("/web/feed-run.js");
    browser.driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(120));

    long step = feed(feed, id, 2, 50, BATCHES_PER_EPOCH, 0);
    Map<String, Double> at50 = heapAfterGc();
    long heap50 = at50.get("JSHeapUsedSize").longValue();
    step = feed(feed, id, 51, LAST_EPOCH, step, 0);
    Browser.sleep(1200); // the last redraw
    Map<String, Double> at300 = heapAfterGc();
    long heap300 = at300.get("JSHeapUsedSize").longValue();

    int held = ((Number) browser.js("return window.firstspike.data.batches.length")).intValue();
    int epochs = ((Number) browser.js("return window.firstspike.data.epochs.length")).intValue();
    long errorPoints = ((Number) browser.js("return Number(document.getElementById('chart-error').dataset.points)")).longValue();
    System.out.printf("300-epoch feed: %d batch messages, page holds %d batch points, %d epochs; error chart %d points;"
        + " JSHeapUsedSize after GC %.1f MB at epoch 50, %.1f MB at epoch 300; DOM nodes %.0f%n",
        step, held, epochs, errorPoints, heap50 / 1e6, heap300 / 1e6, at300.get("Nodes"));
    assertThat(step).isEqualTo((long) LAST_EPOCH * BATCHES_PER_EPOCH);
    assertThat(epochs).as("epoch 0 to 300, each once").isEqualTo(LAST_EPOCH + 1);
    assertThat(held).as("batch points held").isLessThanOrEqualTo(MAX_BATCH_POINTS).isGreaterThan(MAX_BATCH_POINTS / 3);
    assertThat((heap300 - heap50) / 1e6).as("heap growth from epoch 50 to 300 in MB").isLessThan(MAX_HEAP_GROWTH_MB);

    // CPU at the live rate with a full store: 10 batch messages/s for two epochs' worth of batches.
    Map<String, Double> a = browser.metrics();
    long t0 = System.nanoTime();
    feed(feed, id, LAST_EPOCH + 1, LAST_EPOCH + 2, step, 3400);
    double wall = (System.nanoTime() - t0) / 1e9;
    Map<String, Double> b = browser.metrics();
    System.out.printf("live rate after 300 epochs: TaskDuration %.1f%% of one core (script %.1f%%) over %.1f s;"
        + " JSHeapUsedSize %.1f MB%n", 100 * (b.get("TaskDuration") - a.get("TaskDuration")) / wall,
        100 * (b.get("ScriptDuration") - a.get("ScriptDuration")) / wall, wall, b.get("JSHeapUsedSize") / 1e6);
    browser.screenshot("13-after-300-epochs", false);
  }

  /** Feeds epochs from..to as fast as the page takes them, or at 10 batch frames/s when pauseMs >= 1000. */
  private long feed(String script, String id, int from, int to, long firstStep, int pauseMs) {
    if (pauseMs >= 1000) {
      // Live pace: one batch frame per 100 ms, i.e. the server's 10 messages/s, epoch by epoch.
      long step = firstStep;
      for (int e = from; e <= to; e++) {
        for (int b = 0; b < BATCHES_PER_EPOCH; b++) {
          browser.js(batchOnly(), id, e, b, BATCHES_PER_EPOCH, step++);
          Browser.sleep(100);
        }
      }
      return step;
    }
    Object r = browser.driver.executeAsyncScript(script, id, from, to, firstStep, BATCHES_PER_EPOCH, pauseMs, 42);
    return ((Number) r).longValue();
  }

  private static String batchOnly() {
    return "const [id, e, b, n, step] = arguments;"
        + "window.firstspike.bus.receive(JSON.stringify({type: 'rec', address: `runs.${id}.batch`, body: {"
        + "id, epoch: e, batch: b, batchesPerEpoch: n, step, loss: 0.4, accuracy: 0.9, runningError: 0.1,"
        + "learningRate: 0.005, bumpedLayer: null, silentFraction: [0.05, 0],"
        + "spikeHistograms: [Array(30).fill(5), Array(30).fill(1)], histogramMax: 3,"
        + "raster: [[0.2, 0.5, 0.4, 0.9], Array(30).fill(1.1), [1.2, 1.3, 1.4]], rasterLabel: 0}}));";
  }

  private Map<String, Double> heapAfterGc() {
    browser.driver.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
    return browser.metrics();
  }

  private String startOneEpochRun() throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url() + "api/runs"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"config\": \"yin_yang_small\", \"overrides\": {\"epochs\": 1}}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    Matcher m = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
    assertThat(m.find()).as(r.body()).isTrue();
    return m.group(1);
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DashboardMemoryTest.class.getResourceAsStream(name)) {
      assertThat(in).as("test resource " + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
