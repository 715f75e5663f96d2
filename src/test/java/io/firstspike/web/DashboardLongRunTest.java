package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.train.RunState;
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
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long run in a real browser against a real workbench: the run folder grows as a training's
 * would (SyntheticRun: thousands of epochs of Yin-Yang files, written in seconds) and its
 * messages go out on the server's event bus to the page's WebSocket, while the page backfills
 * from the files. Measures, for a young run (opened at epoch 10) and a long one (epoch 2000 and
 * more of 6000) at the same pace, the page's requests and bytes per minute, its JS heap and its
 * main-thread share, and checks that they do not grow with the run: one backfill in flight,
 * each starting where the last ended, none while the stream is down; the point counts bounded
 * and the thinned series stable (issue 22, bugs 1, 4 and 8).
 */
class DashboardLongRunTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int EPOCHS = 6000;
  /** The pace of the measured windows: about the (584 epochs in 150 s). */
  private static final double EPOCHS_PER_SECOND = 4;
  /** Every 4th batch and each epoch's last: 10 of 34 per epoch, the server's 10 a second at 4 epochs/s ~ 40. */
  private static final int BATCH_EVERY = 4;
  private static final long WINDOW_MILLIS = 30_000;
  /** Epochs streamed into the open page between the young and the long measurement. */
  private static final int STREAMED = 2000;
  private static final double FAST_EPOCHS_PER_SECOND = 40;
  /**
   * The page holds at most twice the server's bound (/api/meta batchPoints) before it loads the
   * whole series again, plus one backfill answer (at most the bound) and the live points between.
   */
  private static final int HELD_BOUNDS = 3;
  private static final int LIVE_SLACK = 100;

  @TempDir Path tmp;
  private WebTestServer server;
  @RegisterExtension final BrowserExtension chrome = new BrowserExtension();
  @RegisterExtension final WebServerExtension web = new WebServerExtension();
  private Browser browser;
  private Feeder feeder;
  private final List<String> log = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    browser = chrome.browser();
    server = web.start(tmp.resolve("runs"));
    browser.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
        Map.of("source", resource("/web/net-recorder.js")));
  }

  @AfterEach
  void stop() {
    try {
      if (feeder != null) {
        feeder.halt();
      }
    } finally {
      log.forEach(System.out::println);
    }
  }

  @Test
  @DisplayName("A long run costs the page what a young one costs: one backfill at a time from the newest step, bounded points, nothing fetched while the stream is down")
  void longRunCostsWhatAYoungRunCosts() throws Exception {
    SyntheticRun run = new SyntheticRun(tmp.resolve("runs"), "long_run", EPOCHS, 42);
    run.writeUpTo(10);
    var d = browser.driver;
    d.get(server.url() + "#/run/" + run.id);
    browser.waiting(WAIT).until(x -> heldEpoch() == 10 && pointRadius() >= 0);
    assertThat(pointRadius()).as("markers on the epoch chart while it has few epochs").isEqualTo(2);

    // Young: 30 s at the live pace.
    feeder = new Feeder(run, EPOCHS_PER_SECOND);
    Browser.sleep(3000);
    Window young = measure("young run (epoch " + run.done() + ")");
    browser.screenshot("20-young-run", false);

    // 2000 epochs streamed into the open page, fast; the points held are watched.
    int batchPoints = ((Number) browser.js("return window.firstspike.data.batchPoints")).intValue();
    feeder.rate(FAST_EPOCHS_PER_SECOND);
    int target = run.done() + STREAMED;
    long maxHeld = 0;
    String gapsAtHalf = null;
    while (run.done() < target) {
      Browser.sleep(1000);
      feeder.check();
      maxHeld = Math.max(maxHeld, batchesHeld());
      if (gapsAtHalf == null && run.done() > target - STREAMED / 2) {
        gapsAtHalf = gaps();
      }
    }
    feeder.rate(EPOCHS_PER_SECOND);
    Browser.sleep(3000);
    browser.waiting(WAIT).until(x -> heldEpoch() >= target);
    String gapsAfter = gaps();
    long wholeLoads = ((Number) browser.js("return window.firstspike.data.received.wholeLoads")).longValue();
    Window streamed = measure("page that streamed " + STREAMED + " epochs (epoch " + run.done() + ")");
    browser.screenshot("21-long-run-streamed", true);

    // A fresh page on the long run (the case: a run opened at a late epoch).
    browser.js("window.__stale = true;");
    d.navigate().refresh();
    browser.waiting(WAIT).until(x -> browser.js("return window.__stale") == null && (Boolean) browser.js(
        "return window.__net.requests.some((r) => r.kind === 'metrics' && r.since === -1 && r.t1 != null)"));
    browser.waiting(WAIT).until(x -> heldEpoch() >= target);
    double loadMillis = ((Number) browser.js("const r = window.__net.requests.find((q) => q.kind === 'metrics');"
        + " return r.t1 - r.t0;")).doubleValue();
    long loadBytes = ((Number) browser.js("const r = window.__net.requests.find((q) => q.kind === 'metrics');"
        + " return r.bytes == null ? -1 : r.bytes;")).longValue();
    log.add(String.format(Locale.ROOT, "fresh page on the long run (epoch %d): the whole-run load took %.0f ms, %.2f MB",
        run.done(), loadMillis, loadBytes / 1e6));
    Browser.sleep(3000);
    Window long_ = measure("fresh page on the long run (epoch " + run.done() + ")");
    browser.screenshot("22-long-run-fresh-page", false);
    String gapsReload = gaps();
    String asServed = sameAsServer(run.id);

    SoftAssertions softly = new SoftAssertions();
    for (Window w : List.of(young, streamed, long_)) {
      log.add(w.toString());
      softly.assertThat(w.maxInFlight).as("%s: backfills in flight at once", w.label).isLessThanOrEqualTo(1);
      softly.assertThat(w.maxOverlap).as("%s: epochs a backfill fetched again that the one before it had brought", w.label)
          .isLessThanOrEqualTo(1);
    }
    // The same pace gives the same traffic and costs the server the same, however long the run.
    // The page draws more (every epoch, up to 3000 batch points), so its main thread may cost
    // more: bounded, not equal.
    for (Window w : List.of(streamed, long_)) {
      softly.assertThat(w.mainThreadShare / young.mainThreadShare).as("main-thread share, %s / young run", w.label)
          .isLessThan(4);
      softly.assertThat(w.metricsMillis).as("milliseconds per backfill, %s (young run: %.0f)", w.label, young.metricsMillis)
          .isLessThan(4 * young.metricsMillis + 100);
      // the long run's backfills come decimated into wider buckets: fewer bytes, never more
      softly.assertThat(w.bytesPerMinute / young.bytesPerMinute).as("bytes per minute, %s / young run", w.label)
          .isLessThan(1.4);
      softly.assertThat((double) w.requestsPerMinute / young.requestsPerMinute).as("requests per minute, %s / young run", w.label)
          .isBetween(0.7, 1.4);
    }

    // Bounded points (bug 1), decimated by the server alone, and no bucket left empty (bug 4).
    log.add(String.format(Locale.ROOT, "batch points held: at most %d while streaming (bound %d); whole-series loads %d",
        maxHeld, batchPoints, wholeLoads));
    softly.assertThat(maxHeld).as("batch points held while 2000 epochs streamed in")
        .isLessThanOrEqualTo((long) HELD_BOUNDS * batchPoints + LIVE_SLACK);
    softly.assertThat(wholeLoads).as("whole-series loads of the page that streamed 2000 epochs (the run grew 200-fold)")
        .isBetween(2L, 20L);
    softly.assertThat(batchesHeld()).as("batch points of the fresh page").isLessThanOrEqualTo(batchPoints + LIVE_SLACK);
    softly.assertThat(asServed).as("the fresh page holds the server's decimated series").isEmpty();
    softly.assertThat(gapsAtHalf).as("silent series of the page that streamed the run, halfway").isEmpty();
    softly.assertThat(gapsAfter).as("silent series of the page that streamed the run").isEmpty();
    softly.assertThat(gapsReload).as("silent series of the page opened on the long run").isEmpty();
    softly.assertThat(pointRadius()).as("no markers on the epoch chart beyond 60 epochs (bug 8)").isZero();

    // The stream goes down: whatever was waiting is aborted, nothing new starts until it is back.
    browser.js("window.__net.down = null; window.firstspike.bus.onStatus((s) => {"
        + " if (s.state !== 'connected' && window.__net.down == null) window.__net.down = performance.now(); });");
    feeder.halt();
    server.stop();
    browser.waiting(WAIT).until(x -> browser.js("return window.__net.down") != null);
    Browser.sleep(8000);
    Number started = (Number) browser.js("return window.__net.requests.filter((r) => (r.kind === 'metrics' || r.kind === 'activity')"
        + " && r.t0 > window.__net.down).length");
    softly.assertThat(started.intValue()).as("backfills or activity fetches started while the stream was down").isZero();
    server.start();
    browser.waiting(WAIT).until(x -> ((Number) browser.js("return window.__net.requests.filter((r) => r.kind === 'metrics'"
        + " && r.t0 > window.__net.down && r.status === 200).length")).intValue() >= 1);
    softly.assertAll();
  }

  /**
   * Checks that the page's silent series (the silent fractions of the batch points it holds) has
   * no empty bucket: over the steps the backfills brought, no two points are further apart than
   * twice the bucket width the page asks the server for. Returns what differs, or "".
   */
  private String gaps() {
    @SuppressWarnings("unchecked")
    List<Number> steps = (List<Number>) browser.js("const d = window.firstspike.data;"
        + " return d.batches.filter((p) => p.silent && p.step <= d.filledTo).map((p) => p.step)");
    long width = ((Number) browser.js("return window.firstspike.data.bucketWidth")).longValue();
    List<Long> s = steps.stream().map(Number::longValue).toList();
    if (s.size() < 2) {
      return "only " + s.size() + " silent points";
    }
    long gap = maxGap(s);
    return gap <= 2 * width ? "" : "a gap of " + gap + " steps between two silent points, bucket width " + width;
  }

  /**
   * "" when the page holds every batch step of the server's whole decimated series in the buckets
   * that both have closed (the files grow meanwhile: the newest bucket of either is partial, its
   * extremes those of fewer lines), at the same bucket width. A backfill replaces the steps after its {@code since}, so a
   * bucket it cut in two holds the extremes of both halves: a few points more than the whole
   * series has, never one less.
   */
  private String sameAsServer(String id) {
    Object r = browser.driver.executeAsyncScript("const done = arguments[arguments.length - 1];"
        + " fetch('/api/runs/' + arguments[0] + '/metrics?since=-1&epochs=false&activity=false').then((x) => x.json()).then((m) => {"
        + " const d = window.firstspike.data; const all = m.batches.map((b) => b.step);"
        + " const closed = Math.floor(Math.min(all[all.length - 1], d.filledTo) / m.bucketWidth) * m.bucketWidth;"
        + " const served = all.filter((s) => s < closed); const last = served[served.length - 1];"
        + " const held = new Set(d.batches.map((p) => p.step).filter((s) => s <= last));"
        + " const missing = served.filter((s) => !held.has(s));"
        + " if (m.bucketWidth !== d.bucketWidth) done(`bucket width ${d.bucketWidth} on the page, ${m.bucketWidth} served`);"
        + " else if (missing.length) done(`${missing.length} of the ${served.length} served steps not held, the first ${missing[0]}`);"
        + " else if (held.size > served.length + served.length / 4) done(`${held.size} points held, ${served.length} served`);"
        + " else done(''); }).catch((e) => done(String(e)));", id);
    return (String) r;
  }

  private long batchesHeld() {
    return ((Number) browser.js("return window.firstspike.data.batches.length")).longValue();
  }

  /** Traffic, heap and main-thread share of the page over WINDOW_MILLIS. */
  private Window measure(String label) {
    browser.driver.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
    Map<String, Double> a = browser.metrics();
    double t0 = ((Number) browser.js("return performance.now()")).doubleValue();
    long n0 = System.nanoTime();
    Browser.sleep(WINDOW_MILLIS);
    feeder.check();
    double t1 = ((Number) browser.js("return performance.now()")).doubleValue();
    Map<String, Double> b = browser.metrics();
    double wall = (System.nanoTime() - n0) / 1e9;
    browser.driver.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
    double heap = browser.metrics().get("JSHeapUsedSize");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> reqs = (List<Map<String, Object>>) browser.js(
        "return window.__net.requests.filter((r) => r.t0 >= arguments[0] && r.t0 < arguments[1])"
            + ".map((r) => ({kind: r.kind, bytes: r.bytes, since: r.since, first: r.firstEpoch, last: r.lastEpoch,"
            + " t0: r.t0, t1: r.t1, aborted: r.aborted}))", t0, t1);
    Window w = new Window(label);
    w.minutes = (t1 - t0) / 60_000;
    long bytes = 0;
    Integer lastOfPrevious = null;
    List<double[]> spans = new ArrayList<>();
    for (Map<String, Object> r : reqs) {
      w.requests++;
      bytes += r.get("bytes") == null ? 0 : ((Number) r.get("bytes")).longValue();
      String kind = (String) r.get("kind");
      w.byKind.merge(kind, 1, Integer::sum);
      if ("metrics".equals(kind)) {
        spans.add(new double[] {((Number) r.get("t0")).doubleValue(),
            r.get("t1") == null ? t1 : ((Number) r.get("t1")).doubleValue()});
        w.metricsMillis += spans.get(spans.size() - 1)[1] - spans.get(spans.size() - 1)[0];
        if (r.get("first") != null && lastOfPrevious != null) {
          w.maxOverlap = Math.max(w.maxOverlap, lastOfPrevious - ((Number) r.get("first")).intValue() + 1);
        }
        if (r.get("last") != null) {
          lastOfPrevious = ((Number) r.get("last")).intValue();
        }
        if (r.get("first") != null) {
          w.maxEpochsPerReply = Math.max(w.maxEpochsPerReply,
              ((Number) r.get("last")).intValue() - ((Number) r.get("first")).intValue() + 1);
        }
      }
    }
    for (int i = 0; i < spans.size(); i++) {
      int at = 1;
      for (int j = 0; j < i; j++) {
        if (spans.get(j)[1] > spans.get(i)[0]) {
          at++;
        }
      }
      w.maxInFlight = Math.max(w.maxInFlight, at);
    }
    w.metricsMillis /= Math.max(1, spans.size());
    w.requestsPerMinute = w.requests / w.minutes;
    w.bytesPerMinute = bytes / w.minutes;
    w.heapMb = heap / 1e6;
    w.mainThreadShare = (b.get("TaskDuration") - a.get("TaskDuration")) / wall;
    w.batchPoints = ((Number) browser.js("return window.firstspike.data.batches.length")).intValue();
    w.silentPoints = ((Number) browser.js("return window.firstspike.data.batches.filter((p) => p.silent).length")).intValue();
    return w;
  }

  private int heldEpoch() {
    Object e = browser.js("const d = window.firstspike.data; return d && d.epochs.length ? d.epochs[d.epochs.length - 1].epoch : -1;");
    return ((Number) e).intValue();
  }

  private double pointRadius() {
    return ((Number) browser.js("const c = Chart.getChart(document.querySelector('#chart-epochs canvas'));"
        + " const m = c.getDatasetMeta(1); return m.data.length ? m.data[0].options.radius : -1;")).doubleValue();
  }

  private static long maxGap(List<Long> steps) {
    long gap = 0;
    for (int i = 1; i < steps.size(); i++) {
      gap = Math.max(gap, steps.get(i) - steps.get(i - 1));
    }
    return gap;
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DashboardLongRunTest.class.getResourceAsStream(name)) {
      assertThat(in).as("test resource " + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** One measured window. */
  private static final class Window {
    final String label;
    final Map<String, Integer> byKind = new java.util.TreeMap<>();
    double minutes;
    int requests;
    double requestsPerMinute;
    double bytesPerMinute;
    double heapMb;
    double mainThreadShare;
    int maxInFlight;
    double metricsMillis;
    int maxOverlap;
    int maxEpochsPerReply;
    int batchPoints;
    int silentPoints;

    Window(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s: %.0f requests/min %s, %.0f kB/min, JS heap after GC %.1f MB,"
          + " main thread %.1f%% of one core; backfills in flight at most %d (%.0f ms each on average),"
          + " overlap at most %d epoch(s), at most %d epochs per answer; %d batch and %d silent points held",
          label, requestsPerMinute, byKind, bytesPerMinute / 1e3, heapMb, 100 * mainThreadShare,
          maxInFlight, metricsMillis, maxOverlap, maxEpochsPerReply, batchPoints, silentPoints);
    }
  }

  /** Streams the run's next epochs at a pace, on its own thread, until halted. */
  private final class Feeder {
    private final SyntheticRun run;
    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile double rate;
    private volatile boolean stop;

    Feeder(SyntheticRun run, double rate) {
      this.run = run;
      this.rate = rate;
      this.thread = new Thread(this::loop, "synthetic-run-feeder");
      thread.setDaemon(true);
      thread.start();
    }

    void rate(double r) {
      rate = r;
    }

    private void loop() {
      long next = System.nanoTime();
      try {
        while (!stop && run.done() < EPOCHS) {
          run.streamNext(server.vertx(), BATCH_EVERY);
          next += (long) (1e9 / rate);
          long wait = next - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          } else if (wait < -1_000_000_000L) {
            next = System.nanoTime(); // fell behind (a loaded machine): do not race to catch up
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Throwable t) {
        failure.set(t);
      }
    }

    void check() {
      if (failure.get() != null) {
        throw new AssertionError("the feeder failed", failure.get());
      }
    }

    void halt() {
      stop = true;
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      run.status(RunState.STOPPED);
    }
  }
}
