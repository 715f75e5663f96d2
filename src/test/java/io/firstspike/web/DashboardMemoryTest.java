package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live page's memory stays bounded over a long Yin-Yang run with every batch streamed, and the
 * page decimates nothing itself. A 2000-epoch history is written to a run folder (SyntheticRun);
 * then 300 more epochs go out on the server's event bus with every one of their 34 batches (no
 * sampling: the worst case), while the files grow behind the page's backfills. Heap and held
 * points are measured after a forced garbage collection 50 and 300 epochs in; then the page's CPU
 * is measured while the stream goes on at the live rate (10 batch messages per second).
 */
class DashboardMemoryTest {
  private static final int HISTORY = 2000;
  private static final int STREAMED = 300;
  /** The page holds at most twice the server's bound, plus one backfill answer and live points. */
  private static final int HELD_BOUNDS = 3;
  private static final int LIVE_SLACK = 100;
  /** Allowed heap growth between epoch 50 and epoch 300 of the stream: the store is bounded, so little. */
  private static final double MAX_HEAP_GROWTH_MB = 8.0;

  @TempDir Path tmp;
  private WebTestServer server;
  @RegisterExtension final BrowserExtension chrome = new BrowserExtension();
  @RegisterExtension final WebServerExtension web = new WebServerExtension();
  private Browser browser;

  @BeforeEach
  void start() throws IOException {
    browser = chrome.browser();
    server = web.start(tmp.resolve("runs"));
  }

  @Test
  @DisplayName("A long run with every batch streamed keeps the page's points and heap bounded")
  void memoryStaysBoundedForALongRun() throws Exception {
    SyntheticRun run = new SyntheticRun(tmp.resolve("runs"), "long_memory", HISTORY + STREAMED + 10, 42);
    run.writeUpTo(HISTORY);
    browser.driver.get(server.url() + "#/run/" + run.id);
    browser.waiting(Duration.ofSeconds(60)).until(x -> heldEpoch() == HISTORY);
    int bound = ((Number) browser.js("return window.firstspike.data.batchPoints")).intValue();
    long bucketWidth = ((Number) browser.js("return window.firstspike.data.bucketWidth")).longValue();
    assertThat(batchesHeld()).as("batch points of the whole-run load (bound %d, %d lines on disk)", bound,
        HISTORY * SyntheticRun.BATCHES_PER_EPOCH).isLessThanOrEqualTo(bound).isGreaterThan(bound / 4);
    assertThat(bucketWidth).as("the server's bucket width for %d steps", run.step()).isGreaterThan(1);

    long maxHeld = stream(run, 50, 20);
    Map<String, Double> at50 = heapAfterGc();
    maxHeld = Math.max(maxHeld, stream(run, STREAMED - 50, 20));
    browser.waiting(Duration.ofSeconds(30)).until(x -> heldEpoch() == HISTORY + STREAMED);
    Browser.sleep(1200); // the last redraw
    Map<String, Double> at300 = heapAfterGc();
    long heap50 = at50.get("JSHeapUsedSize").longValue();
    long heap300 = at300.get("JSHeapUsedSize").longValue();
    long held = batchesHeld();
    int epochs = ((Number) browser.js("return window.firstspike.data.epochs.length")).intValue();
    long errorPoints = ((Number) browser.js("return Number(document.getElementById('chart-error').dataset.points)")).longValue();
    long wholeLoads = ((Number) browser.js("return window.firstspike.data.received.wholeLoads")).longValue();
    long live = ((Number) browser.js("return window.firstspike.data.received.batch")).longValue();
    System.out.printf("%d epochs streamed after %d on disk, %d batch messages received: the page holds %d batch points"
        + " (at most %d, bound %d), %d epochs; %d whole-series loads; error chart %d points;"
        + " JSHeapUsedSize after GC %.1f MB 50 epochs in, %.1f MB 300 epochs in; DOM nodes %.0f%n",
        STREAMED, HISTORY, live, held, maxHeld, bound, epochs, wholeLoads, errorPoints, heap50 / 1e6, heap300 / 1e6,
        at300.get("Nodes"));
    assertThat(live).as("batch messages received").isGreaterThan((long) STREAMED * SyntheticRun.BATCHES_PER_EPOCH / 2);
    assertThat(epochs).as("epoch 0 to the last, each once").isEqualTo(HISTORY + STREAMED + 1);
    assertThat(maxHeld).as("batch points held at any time").isLessThanOrEqualTo((long) HELD_BOUNDS * bound + LIVE_SLACK);
    assertThat(held).as("batch points held at the end").isGreaterThan(bound / 4);
    assertThat((heap300 - heap50) / 1e6).as("heap growth from epoch 50 to 300 in MB").isLessThan(MAX_HEAP_GROWTH_MB);

    // CPU at the live rate with a full store: 10 batch messages/s for two epochs' worth of batches.
    Map<String, Double> a = browser.metrics();
    long t0 = System.nanoTime();
    stream(run, 2, SyntheticRun.BATCHES_PER_EPOCH * 100);
    double wall = (System.nanoTime() - t0) / 1e9;
    Map<String, Double> b = browser.metrics();
    System.out.printf("live rate after %d epochs: TaskDuration %.1f%% of one core (script %.1f%%) over %.1f s;"
        + " JSHeapUsedSize %.1f MB%n", HISTORY + STREAMED, 100 * (b.get("TaskDuration") - a.get("TaskDuration")) / wall,
        100 * (b.get("ScriptDuration") - a.get("ScriptDuration")) / wall, wall, b.get("JSHeapUsedSize") / 1e6);
    browser.screenshot("13-after-300-epochs", false);
  }

  @Test
  @DisplayName("The page's store keeps every point it is given and thins none: past twice the bound it asks the server, whose answer replaces what it covers")
  void theStoreDecimatesNothing() throws Exception {
    SyntheticRun run = new SyntheticRun(tmp.resolve("runs"), "store_run", 400, 7);
    run.writeUpTo(300);
    browser.driver.get(server.url() + "#/runs");
    browser.waiting(Duration.ofSeconds(30)).until(x -> browser.js("return window.firstspike.view") != null);
    Object r = browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + " (async () => { const m = await import('/js/store.js'); const d = new m.RunData('store_run', 100);"
        + " const out = {};"
        + " for (let s = 0; s < 50000; s++) d.onBatchMessage({ step: s, epoch: 1, batch: s, runningError: (s % 977) / 977,"
        + "   accuracy: 0.9, loss: s === 31337 ? 99 : 0.5, silentFraction: [0.1, 0] });"
        + " out.kept = d.batches.length; out.over = d.overLimit();"
        + " out.spike = d.batches.some((p) => p.loss === 99);"
        + " const whole = await (await fetch('/api/runs/store_run/metrics?since=-1&epochs=false&activity=false')).json();"
        + " const e = new m.RunData('store_run', 100); e.merge(whole, -1);"
        + " out.served = whole.batches.length; out.heldAfterLoad = e.batches.length;"
        + " out.width = whole.bucketWidth; out.pageWidth = e.bucketWidth;"
        + " out.same = JSON.stringify(e.batches.map((p) => p.step)) === JSON.stringify(whole.batches.map((b) => b.step));"
        + " out.exports = Object.keys(m).sort(); out.bound = (await (await fetch('/api/meta')).json()).batchPoints;"
        + " return out; })().then(done, (e) => done({ error: String(e) }));");
    @SuppressWarnings("unchecked")
    Map<String, Object> out = (Map<String, Object>) r;
    assertThat(out).doesNotContainKey("error");
    assertThat(((Number) out.get("kept")).intValue()).as("live points kept of 50000 given").isEqualTo(50_000);
    assertThat(out.get("over")).as("over twice its bound of 100: the view asks the server").isEqualTo(true);
    assertThat(out.get("spike")).isEqualTo(true);
    assertThat(out.get("same")).as("after a whole load the page holds the server's series, point for point").isEqualTo(true);
    assertThat(((Number) out.get("served")).intValue()).as("the server's whole series of %d lines", 300 * SyntheticRun.BATCHES_PER_EPOCH)
        .isLessThanOrEqualTo(((Number) out.get("bound")).intValue()).isLessThan(300 * SyntheticRun.BATCHES_PER_EPOCH);
    assertThat(((Number) out.get("pageWidth")).longValue()).isEqualTo(((Number) out.get("width")).longValue());
    @SuppressWarnings("unchecked")
    List<String> exports = (List<String>) out.get("exports");
    assertThat(exports).as("store.js exports").containsExactlyInAnyOrder("DEFAULT_BATCH_POINTS", "RunData", "batchPoint");
  }

  /** Streams n more epochs with every batch on the bus, pausing between epochs; the most batch points held. */
  private long stream(SyntheticRun run, int n, long pauseMillis) throws IOException {
    long max = 0;
    for (int i = 0; i < n; i++) {
      run.streamNext(server.vertx(), 1);
      Browser.sleep(pauseMillis);
      if (i % 5 == 0) {
        max = Math.max(max, batchesHeld());
      }
    }
    return Math.max(max, batchesHeld());
  }

  private int heldEpoch() {
    Object e = browser.js("const d = window.firstspike.data; return d && d.epochs.length ? d.epochs[d.epochs.length - 1].epoch : -1;");
    return ((Number) e).intValue();
  }

  private long batchesHeld() {
    return ((Number) browser.js("return window.firstspike.data.batches.length")).longValue();
  }

  private Map<String, Double> heapAfterGc() {
    browser.driver.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
    return browser.metrics();
  }

}
