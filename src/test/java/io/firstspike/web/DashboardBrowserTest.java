package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in a real browser against a real workbench (real Yin-Yang training): start a run
 * from the New-run view, watch the charts fill, restart the server under the page, stop and
 * resume, and check that the page ends with exactly the curves the run folder holds.
 */
class DashboardBrowserTest {
  /** Long enough for a loaded 2-core machine; the whole test normally takes about a minute. */
  private static final Duration WAIT = Duration.ofSeconds(45);
  /**
   * The run the test starts: small Yin-Yang, epochs of 100 batches (under a second each since the
   * fourth session's speed work). Enough epochs that, after the restart and the resume, the run
   * is still running when the test stops it (with 5, and once with 12, the run finished first),
   * and few enough batches that the page holds every one of them (the server decimates above
   * 2000).
   */
  private static final String CONFIG = "yin_yang_web";
  private static final int EPOCHS = 18;
  /** Batches per epoch: 5000 Yin-Yang training samples in batches of 50. */
  private static final int BATCHES = 100;

  @TempDir Path tmp;
  private WebTestServer server;
  @RegisterExtension final BrowserExtension chrome = new BrowserExtension();
  private Browser browser;
  private final List<String> log = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    browser = chrome.browser();
    Path configs = Files.createDirectories(tmp.resolve("configs"));
    String small = Files.readString(Path.of("configs", "yin_yang_small.yaml"));
    // A hidden layer of 250 and a third of the batch size: slow enough to watch, a few s/epoch.
    String web = small.replace("layer_sizes: [30, 3]", "layer_sizes: [250, 3]")
        .replace("batch_size: 150", "batch_size: 50");
    assertThat(web).as("the test config derives from configs/yin_yang_small.yaml").isNotEqualTo(small);
    Files.writeString(configs.resolve(CONFIG + ".yaml"), web);
    server = new WebTestServer(tmp.resolve("runs"), configs, 0, 1).start();
  }

  @AfterEach
  void stop() {
    try {
      try {
        shot("zz-last", false); // the browser is quit after this, by BrowserExtension
      } catch (RuntimeException | IOException e) {
        log.add("no last screenshot: " + e);
      }
    } finally {
      if (server != null) {
        server.close();
      }
      log.forEach(System.out::println);
    }
  }

  @Test
  @DisplayName("A run started in the page streams live, survives a server restart, stops, resumes and ends with the folder's exact curves")
  void liveRunSurvivesRestartStopAndResume() throws Exception {
    var d = browser.driver;
    // New run: an invalid value is refused by the server and marked at its line.
    WebElement editor = openNewRun();
    String good = editor.getAttribute("value");
    browser.js("const t = arguments[0]; t.value = arguments[1]; t.dispatchEvent(new Event('input'));",
        editor, good.replace("batch_size: 50", "batch_size: 0"));
    d.findElement(By.id("start-run")).click();
    WebElement error = browser.waiting(WAIT).until(x -> {
      WebElement e = x.findElement(By.id("start-error"));
      return e.isDisplayed() ? e : null;
    });
    assertThat(error.getText()).contains("batch_size");
    int badLine = lineOf(good, "batch_size:");
    assertThat(d.findElement(By.cssSelector(".gutter .err")).getText())
        .as("the gutter marks the line of training_params.batch_size").isEqualTo(String.valueOf(badLine));
    shot("01-new-run-validation-error", false);

    // Start the real run with 5 epochs.
    browser.js("const t = arguments[0]; t.value = arguments[1]; t.dispatchEvent(new Event('input'));", editor, good);
    d.findElement(By.id("override-epochs")).sendKeys(String.valueOf(EPOCHS));
    d.findElement(By.id("override-seed")).sendKeys("7");
    d.findElement(By.id("start-run")).click();
    browser.waiting(WAIT).until(x -> x.getCurrentUrl().contains("#/run/"));
    String id = java.net.URLDecoder.decode(d.getCurrentUrl().replaceFirst(".*#/run/", ""), "UTF-8");
    log.add("run id: " + id);

    // The charts receive data: the error chart's point count grows while the run streams.
    long first = waitPoints("chart-error", 1);
    long later = waitPoints("chart-error", first + 5);
    assertThat(later).isGreaterThan(first);
    shot("02-live-run-started", false);

    // Restart the server mid-run: graceful stop (the run is interrupted with a snapshot), then a
    // new workbench on the same port and folder. The page reconnects by itself.
    assertThat(state()).isEqualTo("running");
    int port = server.port();
    log.add("restart with " + serverBatchCount(id) + " of " + EPOCHS * BATCHES + " batches on disk");
    server.stop();
    browser.waiting(WAIT).until(x -> !"connected".equals(conn()));
    shot("03-reconnecting", false);
    server.start();
    assertThat(server.port()).isEqualTo(port);
    browser.waiting(WAIT).until(x -> "connected".equals(conn()));
    browser.waiting(WAIT).until(x -> "interrupted".equals(state()));
    log.add("reconnected; run shown as " + state());
    shot("04-reconnected-interrupted", false);

    // Resume, stop at once, resume again and watch every chart fill while it runs to the end.
    clickWhenEnabled("resume-run");
    browser.waiting(WAIT).until(x -> "running".equals(state()));
    // Stop as soon as the page shows the run running again: the resumed run streams at about
    // 100 batches per second, so waiting here for a new point let it reach its end first on a
    // loaded CI machine (the page then rightly showed "finished"). The second resume below
    // checks the streaming.
    clickWhenEnabled("stop-run");
    log.add("stop clicked with " + serverBatchCount(id) + " of " + EPOCHS * BATCHES
        + " batches on disk");
    browser.waiting(WAIT).withMessage(() -> "the page shows " + state() + ", the server says " + serverState(id))
        .until(x -> "stopped".equals(state()));
    shot("05-stopped", false);
    clickWhenEnabled("resume-run");
    browser.waiting(WAIT).until(x -> "running".equals(state()));
    long epochsShown = points("chart-epochs");
    waitPoints("chart-epochs", epochsShown + 2); // a new epoch: every chart has its data
    waitPoints("chart-map", 100);
    assertThat(points("chart-raster")).isPositive();
    assertThat(points("chart-hist")).isPositive();
    assertThat(points("chart-class-times")).isPositive();
    assertThat(points("chart-weights")).isPositive();
    if ("running".equals(state())) {
      measure("while streaming (" + EPOCHS + "-epoch run)", 3000);
    }
    shot("06-live-run-streaming", true);
    browser.waiting(Duration.ofSeconds(90)).until(x -> "finished".equals(state()));

    // No duplicate or missing point: the page holds exactly the folder's batch steps and epochs.
    browser.waiting(WAIT).withMessage(() -> "page steps " + summarize(pageSteps()) + ", folder holds "
        + serverBatchCount(id) + " batches").until(x -> pageSteps().size() == serverBatchCount(id));
    List<Long> steps = pageSteps();
    for (int i = 0; i < steps.size(); i++) {
      assertThat(steps.get(i)).as("batch step at position %d", i).isEqualTo((long) i);
    }
    assertThat(pageEpochs()).containsExactlyElementsOf(
        java.util.stream.LongStream.rangeClosed(0, EPOCHS).boxed().toList());
    log.add("finished: " + steps.size() + " batch points, epochs " + pageEpochs());
    measure("idle on the finished run", 3000);
    shot("07-finished", true);
    // A fresh page on the finished run: the raster, spike-time and weight histograms come from
    // the run folder's activity.json, the silent fractions from its batch lines.
    d.navigate().refresh();
    waitPoints("chart-epochs", EPOCHS + 1);
    waitPoints("chart-raster", 1);
    assertThat(points("chart-hist")).isPositive();
    assertThat(points("chart-weights")).isPositive();
    assertThat(points("chart-silent")).isPositive();
    assertThat(d.findElement(By.id("chart-weights")).getText()).contains("against epoch 0");

    // Other views.
    d.get(server.url() + "#/runs");
    browser.waiting(WAIT).until(x -> !x.findElements(By.cssSelector("tr[data-state='finished']")).isEmpty());
    shot("08-runs", false);
    d.get(server.url() + "#/compare?ids=" + id);
    browser.waiting(WAIT).until(x -> points("compare-acc") >= EPOCHS);
    shot("09-compare", false);
    d.get(server.url() + "#/evaluate/" + id);
    browser.waiting(WAIT).until(x -> !x.findElement(By.id("eval-status")).getText().startsWith("Checking"));
    d.findElement(By.id("request-eval")).click();
    Browser.sleep(500);
    log.add("evaluate view says: " + d.findElement(By.id("eval-status")).getText());
    shot("10-evaluate", false);

    // Phone width.
    d.manage().window().setSize(new Dimension(390, 844));
    d.get(server.url() + "#/run/" + id);
    waitPoints("chart-epochs", EPOCHS + 1);
    shot("11-phone-live", false);
    d.get(server.url() + "#/runs");
    browser.waiting(WAIT).until(x -> !x.findElements(By.cssSelector("tr[data-run]")).isEmpty());
    shot("12-phone-runs", false);
  }

  @Test
  @DisplayName("Stop: an answer about the run that left the server before the stop and arrives after it never leaves the page on a stale state")
  void staleSummaryAnswerLosesToNewerOnes() throws Exception {
    var d = browser.driver;
    startLongRun();
    // The run's summary is read now, while it runs, and that answer is handed to the page's next
    // summary request 3 s late: after the answers to the requests the stop makes, as answers on
    // parallel connections from a server that reads folders on a pool can arrive.
    browser.js("""
        const real = window.fetch;
        const path = location.pathname.replace(/\\/$/, '') + '/api/runs/' + arguments[0];
        const stale = real(path, { credentials: 'same-origin' });
        let held = false;
        window.fetch = async (url, init) => {
          const isSummary = typeof url === 'string' && url.endsWith(path) && (!init || init.method === 'GET');
          if (!isSummary || held) return real(url, init);
          held = true;
          real(url, init); // the page's own request still reaches the server
          const r = await stale;
          await new Promise((ok) => setTimeout(ok, 3000));
          window.firstspike.staleDelivered = (await r.clone().json()).state;
          return r;
        };""", java.net.URLDecoder.decode(d.getCurrentUrl().replaceFirst(".*#/run/", ""), "UTF-8"));
    d.findElement(By.id("stop-run")).click();
    browser.waiting(WAIT).until(x -> "stopped".equals(state()));
    browser.waiting(WAIT).until(x -> browser.js("return window.firstspike.staleDelivered") != null);
    assertThat(browser.js("return window.firstspike.staleDelivered")).as("the held answer was read while running")
        .isEqualTo("running");
    Browser.sleep(1500); // two renders after the stale answer
    assertThat(state()).as("the page after the stale answer arrived").isEqualTo("stopped");
  }

  @Test
  @DisplayName("Stop: a reply to the stop that arrives after the run has stopped does not turn the page back to stopping (Resume stays enabled)")
  void lateStopReplyDoesNotUndoStopped() throws Exception {
    var d = browser.driver;
    startLongRun();
    // The stop's reply reaches the page 3 s late, long after the run has stopped and said so,
    // and the answers to the summary requests made after it take 2 s (so that what the reply
    // says would be on screen meanwhile); every state the page shows from now on is recorded.
    browser.js("""
        const real = window.fetch;
        window.fetch = async (url, init) => {
          const afterReply = window.firstspike.stopReplied === true;
          const r = await real(url, init);
          if (typeof url === 'string' && url.endsWith('/stop') && init && init.method === 'POST') {
            await new Promise((ok) => setTimeout(ok, 3000));
            window.firstspike.stopReplied = true;
          } else if (afterReply && typeof url === 'string' && /\\/api\\/runs\\/[^/?]+$/.test(url)) {
            await new Promise((ok) => setTimeout(ok, 2000));
          }
          return r;
        };
        const view = document.querySelector('.live-view');
        window.firstspike.states = [];
        new MutationObserver(() => window.firstspike.states.push(view.dataset.state))
            .observe(view, { attributes: true, attributeFilter: ['data-state'] });""");
    d.findElement(By.id("stop-run")).click();
    browser.waiting(WAIT).until(x -> "stopped".equals(state()));
    browser.waiting(WAIT).until(x -> Boolean.TRUE.equals(browser.js("return window.firstspike.stopReplied === true")));
    Browser.sleep(3000); // renders after the late reply, and the delayed answers after it
    @SuppressWarnings("unchecked")
    List<String> states = (List<String>) browser.js("return window.firstspike.states");
    log.add("states after the stop: " + states);
    assertThat(states.subList(states.indexOf("stopped"), states.size()))
        .as("the states shown once the page showed stopped (all: %s)", states).containsOnly("stopped");
    assertThat(d.findElement(By.id("resume-run")).isEnabled()).isTrue();
  }

  @Test
  @DisplayName("Folders that cannot be read as runs are listed as damaged with their reason, without a link, under their own filter chip")
  void damagedFoldersListed() throws Exception {
    Path runs = tmp.resolve("runs");
    Files.createDirectories(runs.resolve("broken_1"));
    Files.writeString(runs.resolve("broken_1").resolve("config.yaml"), "epochs: 2\n");
    Path spaced = Files.createDirectories(runs.resolve("my run"));
    Files.writeString(spaced.resolve("config.yaml"), "epochs: 2\n");
    Files.writeString(spaced.resolve("status.json"), "{\"state\":\"FINISHED\",\"epochsDone\":2,\"epochs\":2}");
    var d = browser.driver;
    d.get(server.url() + "#/runs");
    browser.waiting(WAIT).until(x -> x.findElements(By.cssSelector("tr[data-state='damaged']")).size() == 2);
    // The list re-renders every 2 s: read each row inside one wait, so a refresh between finding a
    // row and reading it retries instead of failing on a stale element.
    String brokenRow = "tr[data-run='broken_1']";
    String spacedRow = "tr[data-run='my run']";
    assertThat(rowText(brokenRow, ".row-reason")).isEqualTo("status.json is missing");
    // No link, and a disabled checkbox (each a wait: it fails with a timeout if never true).
    browser.waiting(WAIT).until(x -> x.findElement(By.cssSelector(brokenRow))
        .findElements(By.cssSelector("td.run-id a")).isEmpty());
    browser.waiting(WAIT).until(x -> !x.findElement(By.cssSelector(brokenRow))
        .findElement(By.cssSelector("input[type='checkbox']")).isEnabled());
    assertThat(rowText(spacedRow, ".row-reason"))
        .startsWith("folder name not usable as a run id: it contains ' ' (character 3)");
    d.findElement(By.cssSelector("button.chip[data-filter='damaged']")).click();
    browser.waiting(WAIT).until(x -> x.findElements(By.cssSelector("tbody tr")).size() == 2);
    shot("damaged-runs", false);
  }

  @Test
  @DisplayName("A run a CLI train writes into the workbench's folder: the page follows its epochs from the files and stops it")
  void followsAndStopsACliRun() throws Exception {
    Path runs = tmp.resolve("runs");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process cli = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
        io.firstspike.cli.Main.class.getName(), "train",
        tmp.resolve("configs").resolve(CONFIG + ".yaml").toString(), "--out", runs.toString(),
        "--epochs", "40", "--threads", "1")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("cli.log").toFile()).start();
    try {
      var d = browser.driver;
      String id = browser.waiting(WAIT).withMessage(() -> "the CLI's run folder; log: " + cliLog())
          .until(x -> cliRunId(runs));
      log.add("CLI run id: " + id);
      d.get(server.url() + "#/run/" + id);
      browser.waiting(WAIT).until(x -> "running".equals(state()));
      // no live stream for it: the epochs arrive by polling the run's files
      long shown = waitPoints("chart-epochs", 2);
      waitPoints("chart-epochs", shown + 1);
      // and with each poll the run folder's newest raster and histograms
      waitPoints("chart-raster", 1);
      assertThat(points("chart-hist")).isPositive();
      shot("13-cli-run-followed", false);
      d.findElement(By.id("stop-run")).click();
      browser.waiting(WAIT).until(x -> "stopped".equals(state()));
      assertThat(cli.waitFor(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
          .as("the CLI stopped; log: %s", cliLog()).isTrue();
      assertThat(cli.exitValue()).as(cliLog()).isZero();
      // the page ends with every epoch the folder holds
      browser.waiting(WAIT).until(x -> pageEpochs().size() == epochLines(runs.resolve(id)));
      log.add("CLI run stopped; page epochs " + pageEpochs());
      shot("14-cli-run-stopped", false);
    } finally {
      cli.destroyForcibly();
    }
  }

  /** The id of the CLI's run once its folder has a status, else null. */
  private static String cliRunId(Path runs) {
    try (var dirs = Files.list(runs)) {
      return dirs.filter(p -> Files.exists(p.resolve("status.json")))
          .map(p -> p.getFileName().toString()).findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static int epochLines(Path run) {
    try {
      return (int) Files.readAllLines(run.resolve("metrics.jsonl")).stream()
          .filter(l -> !l.isBlank()).count();
    } catch (IOException e) {
      return -1;
    }
  }

  private String cliLog() {
    try {
      return Files.readString(tmp.resolve("cli.log"));
    } catch (IOException e) {
      return "";
    }
  }

  /** A 40-epoch run started from the New-run view, once its page shows it running with data. */
  private void startLongRun() {
    openNewRun();
    browser.driver.findElement(By.id("override-epochs")).sendKeys("40");
    browser.driver.findElement(By.id("start-run")).click();
    browser.waiting(WAIT).until(x -> x.getCurrentUrl().contains("#/run/"));
    browser.waiting(WAIT).until(x -> "running".equals(state()));
    waitPoints("chart-error", 1);
  }

  /** Clicks the button once it is enabled, as a user would (a click on a disabled one is lost). */
  private void clickWhenEnabled(String id) {
    browser.waiting(WAIT).withMessage(() -> id + " stays disabled; the page shows " + state())
        .until(x -> x.findElement(By.id(id)).isEnabled());
    browser.driver.findElement(By.id(id)).click();
  }

  /** The New-run view with the test's config loaded into the editor; returns the editor. */
  private WebElement openNewRun() {
    browser.driver.get(server.url() + "#/new");
    Select configSelect = new Select(browser.waiting(WAIT).until(x -> {
      WebElement s = x.findElement(By.id("config-select"));
      return s.findElements(By.cssSelector("option[value='" + CONFIG + "']")).isEmpty() ? null : s;
    }));
    configSelect.selectByValue(CONFIG);
    WebElement editor = browser.driver.findElement(By.id("yaml-editor"));
    browser.waiting(WAIT).until(x -> editor.getAttribute("value").contains("batch_size: 50"));
    return editor;
  }

  private String state() {
    Object s = browser.js("const v = document.querySelector('.live-view'); return v ? v.dataset.state : null;");
    return s == null ? null : s.toString();
  }

  private String conn() {
    return String.valueOf(browser.js("return document.getElementById('conn').dataset.state;"));
  }

  private long points(String cardId) {
    Object n = browser.js("const c = document.getElementById(arguments[0]); return c ? Number(c.dataset.points) : -1;", cardId);
    return ((Number) n).longValue();
  }

  private long waitPoints(String cardId, long atLeast) {
    browser.waiting(WAIT).withMessage(() -> cardId + " never held " + atLeast + " points (has " + points(cardId) + ")")
        .until(x -> points(cardId) >= atLeast);
    return points(cardId);
  }

  @SuppressWarnings("unchecked")
  private List<Long> pageSteps() {
    return (List<Long>) browser.js("return window.firstspike.data.batches.map(p => p.step);");
  }

  @SuppressWarnings("unchecked")
  private List<Long> pageEpochs() {
    return (List<Long>) browser.js("return window.firstspike.data.epochs.map(e => e.epoch);");
  }

  /** The run's state as GET /api/runs/{id} gives it now (for failure messages). */
  private String serverState(String id) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(server.url() + "api/runs/" + id)).build(), HttpResponse.BodyHandlers.ofString());
      var m = java.util.regex.Pattern.compile("\"state\":\"(\\w+)\"").matcher(r.body());
      return m.find() ? m.group(1) : r.statusCode() + " " + r.body();
    } catch (IOException e) {
      return e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e.toString();
    }
  }

  /** totalBatches of the run's metrics on disk, through the API the page uses. */
  private int serverBatchCount(String id) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(server.url() + "api/runs/" + id + "/metrics?points=10")).build(),
          HttpResponse.BodyHandlers.ofString());
      var m = java.util.regex.Pattern.compile("\"totalBatches\":(\\d+)").matcher(r.body());
      assertThat(m.find()).as(r.body()).isTrue();
      return Integer.parseInt(m.group(1));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Heap in use and main-thread task time per wall second over {@code millis}, printed. */
  private void measure(String label, long millis) {
    Map<String, Double> a = browser.metrics();
    long t0 = System.nanoTime();
    Browser.sleep(millis);
    Map<String, Double> b = browser.metrics();
    double wall = (System.nanoTime() - t0) / 1e9;
    double cpu = (b.get("TaskDuration") - a.get("TaskDuration")) / wall;
    java.util.function.Function<String, Double> share = k -> 100 * (b.get(k) - a.get(k)) / wall;
    log.add(String.format("page %s: JSHeapUsedSize %.1f MB (total %.1f MB), TaskDuration %.1f%% of one core "
        + "(script %.1f%%, layout %.1f%%, style %.1f%%) over %.1f s, %d bus messages so far", label,
        b.get("JSHeapUsedSize") / 1e6, b.get("JSHeapTotalSize") / 1e6, 100 * cpu, share.apply("ScriptDuration"),
        share.apply("LayoutDuration"), share.apply("RecalcStyleDuration"), wall,
        ((Number) browser.js("return window.firstspike.bus.messages")).longValue()));
  }

  private void shot(String name, boolean fullPage) throws IOException {
    log.add("screenshot " + browser.screenshot(name, fullPage).toAbsolutePath());
  }

  /** "n points, first gap or repeat at ..." for failure messages. */
  private static String summarize(List<Long> steps) {
    for (int i = 0; i < steps.size(); i++) {
      if (steps.get(i) != i) {
        return steps.size() + " points, first mismatch at position " + i + ": step " + steps.get(i)
            + " (around: " + steps.subList(Math.max(0, i - 3), Math.min(steps.size(), i + 3)) + ")";
      }
    }
    return steps.size() + " points, 0.." + (steps.size() - 1) + " without gaps";
  }

  private static int lineOf(String text, String needle) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(needle)) {
        return i + 1;
      }
    }
    throw new AssertionError("no line with " + needle);
  }

  /** The text of {@code inner} inside the row {@code row}, read in one wait (rows re-render). */
  private String rowText(String row, String inner) {
    return browser.waiting(WAIT).until(
        x -> x.findElement(By.cssSelector(row)).findElement(By.cssSelector(inner)).getText());
  }
}
