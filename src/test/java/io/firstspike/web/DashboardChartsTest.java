package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.firstspike.train.RunState;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * The charts' tools and the page-wide features of issue 22 in real Chromium: the debiased EMA
 * smoother, zoom and pan, smoothing, log/linear and fitted y on a run's charts, CSV/JSON/PNG
 * exports, the live overlay of another run, the theme switch, notifications, keyboard access and
 * the ARIA of progress bars. Runs are written by SyntheticRun (no training).
 */
class DashboardChartsTest {
  private static final Duration WAIT = Duration.ofSeconds(45);
  /** Smoothed values against this test's own loop: both are double arithmetic in one order. */
  private static final double EXACT = 1e-12;

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

  private SyntheticRun finishedRun(String id, int epochs) throws IOException {
    SyntheticRun run = new SyntheticRun(tmp.resolve("runs"), id, epochs, id.hashCode()).pace(1.0, 0.0);
    run.writeUpTo(epochs);
    run.status(RunState.FINISHED);
    return run;
  }

  /** Opens a run's page and waits until its accuracy chart holds every epoch. */
  private void openRun(String id, int epochs) {
    browser.driver.get(server.url() + "#/run/" + id);
    browser.waiting(WAIT).until(d -> {
      Object n = browser.js("const c = Chart.getChart(document.querySelector('#chart-epochs canvas'));"
          + "return c ? c.data.datasets[1].data.length : 0");
      return ((Number) n).intValue() == epochs + 1;
    });
  }

  /** The page's downloads: the anchor clicks of the export buttons, with the blob's content. */
  private void recordDownloads() {
    browser.js("window.__downloads = [];"
        + "HTMLAnchorElement.prototype.click = function () {"
        + "  const a = this; const rec = {name: a.download, href: a.href};"
        + "  window.__downloads.push(rec);"
        + "  if (a.href.startsWith('blob:')) fetch(a.href).then(r => r.arrayBuffer()).then(b => {"
        + "    const u = new Uint8Array(b); rec.size = u.length; rec.head = Array.from(u.slice(0, 8));"
        + "    rec.text = new TextDecoder().decode(u.slice(0, 200000)); });"
        + "};");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> download(int index) {
    return (Map<String, Object>) browser.waiting(WAIT).until(d -> {
      Object r = browser.js("const x = window.__downloads[arguments[0]]; return x && x.size != null ? x : null", index);
      return r;
    });
  }

  @Test
  @DisplayName("The page's smoother is the debiased EMA: s_k = w s_(k-1) + (1-w) y_k shown as s_k / (1 - w^k)")
  void smootherIsDebiasedEma() throws IOException {
    finishedRun("smooth_run", 3);
    browser.driver.get(server.url() + "#/runs");
    browser.waiting(WAIT).until(d -> browser.js("return !!document.querySelector('tr[data-run]')"));
    double[] ys = {0.9, 0.7, Double.NaN, 0.4, 0.42, 0.1, 0.3, 0.25};
    double w = 0.8;
    List<Double> in = new ArrayList<>();
    for (double y : ys) {
      in.add(Double.isNaN(y) ? null : y);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
        + "import('/js/chart-tools.js').then(m => done({"
        + "  s: m.emaSmooth(arguments[0], arguments[1]),"
        + "  constant: m.emaSmooth([3, 3, 3, 3], 0.95),"
        + "  off: m.emaSmooth([1, 5, 2], 0),"
        + "  pts: m.smoothPoints([{x: 1, y: 2}, {x: 2, y: 4}], 0.5)}))", in, w);
    List<Object> s = (List<Object>) r.get("s");
    double last = 0;
    int k = 0;
    for (int i = 0; i < ys.length; i++) {
      if (Double.isNaN(ys[i])) {
        assertThat(s.get(i)).as("a gap stays a gap and does not count").isNull();
        continue;
      }
      k++;
      last = last * w + (1 - w) * ys[i];
      assertThat(((Number) s.get(i)).doubleValue()).as("point " + i).isCloseTo(last / (1 - Math.pow(w, k)), within(EXACT));
    }
    assertThat(((Number) s.get(0)).doubleValue()).as("the first point is the first value, not 0.2 of it").isCloseTo(0.9, within(EXACT));
    assertThat((List<Object>) r.get("constant")).as("a constant series stays constant")
        .allSatisfy(v -> assertThat(((Number) v).doubleValue()).isCloseTo(3.0, within(1e-12)));
    assertThat((List<Object>) r.get("off")).as("weight 0 is the identity").containsExactly(1L, 5L, 2L);
    List<Map<String, Object>> pts = (List<Map<String, Object>>) r.get("pts");
    assertThat(((Number) pts.get(1).get("y")).doubleValue()).isCloseTo((0.25 * 2 + 0.5 * 4) / 0.75, within(EXACT));
  }

  @Test
  @DisplayName("A run's charts zoom and pan by keyboard and drag, smooth, switch log/linear, fit y, and export CSV, JSON and PNG")
  void chartTools() throws IOException {
    finishedRun("tools_run", 40);
    openRun("tools_run", 40);
    assertThat(browser.js("return !!window.ChartZoom && !!window.Hammer")).as("the zoom plugin and hammerjs WebJars loaded").isEqualTo(true);
    for (String card : new String[] {"chart-error", "chart-epochs", "chart-map", "chart-hist", "chart-silent", "chart-raster",
        "chart-class-times", "chart-weights"}) {
      assertThat(browser.driver.findElements(By.cssSelector("#" + card + " .chart-tools .export-csv"))).as(card + " CSV").hasSize(1);
      assertThat(browser.driver.findElements(By.cssSelector("#" + card + " .chart-tools .export-png"))).as(card + " PNG").hasSize(1);
    }

    // Summary line = the canvas's text alternative.
    String summary = browser.waiting(WAIT).until(d -> {
      String t = d.findElement(By.cssSelector("#chart-epochs .chart-summary")).getText();
      return t.contains("validation accuracy") ? t : null;
    });
    assertThat(summary).matches("(?s).*validation accuracy: \\d+\\.\\d% at 40 \\(range .*41 points.*|.*validation accuracy: \\d+\\.\\d% at 40 \\(range .*");
    assertThat(browser.js("return document.querySelector('#chart-epochs canvas').getAttribute('aria-label')")).asString()
        .contains("Accuracy and loss per epoch").contains(summary.substring(0, 30));
    assertThat(browser.js("return document.querySelector('#chart-epochs canvas').getAttribute('role')")).isEqualTo("img");

    // Fit y: the accuracy axis spans the data, not 0-100 %; off: the full range.
    String acc = "const c = Chart.getChart(document.querySelector('#chart-epochs canvas'));";
    assertThat(((Number) browser.js(acc + "return c.scales.acc.min")).doubleValue()).as("fitted").isGreaterThan(0.0);
    browser.driver.findElement(By.cssSelector("#chart-epochs .tool-fit input")).click();
    browser.waiting(WAIT).until(d -> ((Number) browser.js(acc + "return c.scales.acc.min")).doubleValue() == 0.0);
    assertThat(((Number) browser.js(acc + "return c.scales.acc.max")).doubleValue()).isEqualTo(1.0);

    // Log/linear on the loss axis.
    assertThat(browser.js(acc + "return c.scales.loss.type")).isEqualTo("logarithmic");
    new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.cssSelector("#chart-epochs .tool-scale"))).selectByValue("linear");
    browser.waiting(WAIT).until(d -> "linear".equals(browser.js(acc + "return c.scales.loss.type")));

    // Smoothing: the drawn series is the debiased EMA of the raw one; the raw stays in the store.
    browser.js("const s = document.querySelector('#chart-epochs input.smooth'); s.value = '0.9';"
        + "s.dispatchEvent(new Event('input'))");
    @SuppressWarnings("unchecked")
    Map<String, Object> sm = (Map<String, Object>) browser.js(acc
        + "const raw = window.firstspike.data.epochs.filter(e => Number.isFinite(e.valAccuracy)).map(e => e.valAccuracy);"
        + "return {raw, shown: c.data.datasets[1].data.map(p => p.y)}");
    @SuppressWarnings("unchecked")
    List<Number> raw = (List<Number>) sm.get("raw");
    @SuppressWarnings("unchecked")
    List<Number> shown = (List<Number>) sm.get("shown");
    assertThat(shown).hasSameSizeAs(raw);
    double last = 0;
    for (int i = 0; i < raw.size(); i++) {
      last = 0.9 * last + 0.1 * raw.get(i).doubleValue();
      assertThat(shown.get(i).doubleValue()).as("smoothed point " + i).isCloseTo(last / (1 - Math.pow(0.9, i + 1)), within(1e-9));
    }

    // Exports: CSV (raw and smoothed), JSON, PNG.
    recordDownloads();
    browser.driver.findElement(By.cssSelector("#chart-epochs .export-csv")).click();
    Map<String, Object> csv = download(0);
    assertThat(csv.get("name")).isEqualTo("tools_run_accuracy_and_loss_per_epoch.csv");
    String csvText = (String) csv.get("text");
    assertThat(csvText).startsWith("series,x,y,y_smoothed\n");
    assertThat(csvText.lines().filter(l -> l.startsWith("validation accuracy,")).count()).isEqualTo(41);
    assertThat(csvText.lines().filter(l -> l.startsWith("validation accuracy,0,")).findFirst().orElseThrow())
        .isEqualTo("validation accuracy,0," + raw.get(0) + "," + shown.get(0));
    browser.driver.findElement(By.cssSelector("#chart-epochs .export-json")).click();
    JsonObject json = new JsonObject((String) download(1).get("text"));
    assertThat(json.getString("chart")).isEqualTo("Accuracy and loss per epoch");
    assertThat(json.getDouble("smoothing")).isEqualTo(0.9);
    assertThat(json.getJsonArray("series").getJsonObject(1).getString("label")).isEqualTo("validation accuracy");
    assertThat(json.getJsonArray("series").getJsonObject(1).getJsonArray("points")).hasSize(41);
    browser.driver.findElement(By.cssSelector("#chart-error .export-png")).click();
    Map<String, Object> png = download(2);
    assertThat(png.get("name")).isEqualTo("tools_run_training_error_per_batch.png");
    assertThat(String.valueOf(png.get("head"))).as("PNG signature").startsWith("[137, 80, 78, 71,");
    assertThat(((Number) png.get("size")).intValue()).isGreaterThan(2000);
    browser.driver.findElement(By.cssSelector("#chart-weights .export-csv")).click();
    assertThat((String) download(3).get("text")).startsWith("panel,series,x,y\n").contains("layer 1 → hidden,now,");

    // Zoom by keyboard on the focused chart, pan, reset; then by dragging a range.
    String err = "const c = Chart.getChart(document.querySelector('#chart-error canvas'));";
    double fullWidth = ((Number) browser.js(err + "return c.scales.x.max - c.scales.x.min")).doubleValue();
    WebElement canvas = browser.driver.findElement(By.cssSelector("#chart-error canvas"));
    assertThat(browser.js(err + "return c.isZoomedOrPanned()")).isEqualTo(false);
    canvas.sendKeys("+");
    canvas.sendKeys("+");
    double zoomed = ((Number) browser.js(err + "return c.scales.x.max - c.scales.x.min")).doubleValue();
    // the plugin's zoom(1.25) keeps 2 - 1.25 = 75 % of the range
    assertThat(zoomed).as("two zooms of 1.25").isCloseTo(fullWidth * 0.75 * 0.75, within(fullWidth * 0.02));
    assertThat(browser.js("return document.querySelector('#chart-error .reset-zoom').disabled")).isEqualTo(false);
    double minBefore = ((Number) browser.js(err + "return c.scales.x.min")).doubleValue();
    canvas.sendKeys(Keys.ARROW_LEFT);
    assertThat(((Number) browser.js(err + "return c.scales.x.min")).doubleValue()).as("panned left").isLessThan(minBefore);
    canvas.sendKeys("0");
    assertThat(((Number) browser.js(err + "return c.scales.x.max - c.scales.x.min")).doubleValue()).isCloseTo(fullWidth, within(1e-6));
    new org.openqa.selenium.interactions.Actions(browser.driver).moveToElement(canvas, -200, 0).clickAndHold()
        .moveByOffset(150, 0).release().perform();
    browser.waiting(WAIT).until(d -> Boolean.TRUE.equals(browser.js(err + "return c.isZoomedOrPanned()")));
    double dragged = ((Number) browser.js(err + "return c.scales.x.max - c.scales.x.min")).doubleValue();
    assertThat(dragged).as("a dragged range").isLessThan(fullWidth * 0.4);
    browser.driver.findElement(By.cssSelector("#chart-error .reset-zoom")).click();
    assertThat(browser.js(err + "return c.isZoomedOrPanned()")).isEqualTo(false);
  }

  @Test
  @DisplayName("Another run overlaid on a run's accuracy chart follows that run's epochs live")
  void overlayFollowsAnotherRunLive() throws IOException {
    finishedRun("own_run", 20);
    SyntheticRun other = new SyntheticRun(tmp.resolve("runs"), "other_run", 400, 5).pace(1.0, 0.0);
    other.writeUpTo(10);
    openRun("own_run", 20);
    assertThat(browser.driver.findElements(By.cssSelector("#chart-epochs .overlay-select option"))).as("no listing before use").hasSize(1);
    browser.driver.findElement(By.cssSelector("#chart-epochs .overlay-select")).click(); // focus lists the runs
    browser.waiting(WAIT).until(d -> !d.findElements(By.cssSelector("#chart-epochs .overlay-select option[value='other_run']")).isEmpty());
    new org.openqa.selenium.support.ui.Select(browser.driver.findElement(By.cssSelector("#chart-epochs .overlay-select")))
        .selectByValue("other_run");
    String count = "const c = Chart.getChart(document.querySelector('#chart-epochs canvas'));"
        + "const d = c.data.datasets.find(x => x.overlayOf === 'other_run' && x.yAxisID === 'acc'); return d ? d.data.length : -1";
    browser.waiting(WAIT).until(d -> ((Number) browser.js(count)).intValue() == 11);
    assertThat(browser.driver.findElements(By.cssSelector("#chart-epochs .overlay-chip[data-overlay='other_run']"))).hasSize(1);
    Browser.sleep(1500); // the page's subscription to other_run's epochs is registered
    for (int i = 0; i < 15; i++) {
      other.streamNext(server.vertx(), 8);
      Browser.sleep(120);
    }
    browser.waiting(WAIT).until(d -> ((Number) browser.js(count)).intValue() == 26);
    assertThat(((Number) browser.js("const c = Chart.getChart(document.querySelector('#chart-epochs canvas'));"
        + "return c.data.datasets[1].data.length")).intValue()).as("the own run is untouched").isEqualTo(21);
    browser.driver.findElement(By.cssSelector(".overlay-chip[data-overlay='other_run']")).click();
    browser.waiting(WAIT).until(d -> ((Number) browser.js(count)).intValue() == -1);
  }

  @Test
  @DisplayName("Dark mode follows the system setting until the switch chooses, and the choice is remembered")
  void themeFollowsSystemAndSwitch() throws IOException {
    finishedRun("theme_run", 5);
    browser.driver.executeCdpCommand("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
    openRun("theme_run", 5);
    String bg = "return getComputedStyle(document.documentElement).backgroundColor";
    assertThat(browser.js("return document.documentElement.dataset.theme")).as("system: dark").isEqualTo("dark");
    assertThat(browser.js(bg)).isEqualTo("rgb(15, 20, 27)");
    assertThat(browser.js("return Chart.defaults.color")).isEqualTo("#c4c9d2");
    browser.driver.executeCdpCommand("Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "light"))));
    browser.waiting(WAIT).until(d -> "light".equals(browser.js("return document.documentElement.dataset.theme")));

    WebElement toggle = browser.driver.findElement(By.id("theme-toggle"));
    toggle.click(); // system -> dark
    assertThat(browser.js("return document.documentElement.dataset.theme")).isEqualTo("dark");
    assertThat(browser.js("const c = Chart.getChart(document.querySelector('#chart-epochs canvas'));"
        + "return c.options.scales.x.grid.color")).as("grid lines follow").isEqualTo("#252c36");
    browser.driver.navigate().refresh();
    openRun("theme_run", 5);
    assertThat(browser.js("return document.documentElement.dataset.theme")).as("remembered over a reload, the system being light").isEqualTo("dark");
    assertThat(browser.driver.findElement(By.id("theme-toggle")).getAttribute("aria-label")).contains("dark");
    browser.driver.findElement(By.id("theme-toggle")).click(); // dark -> light
    assertThat(browser.js(bg)).isEqualTo("rgb(246, 247, 249)");
    browser.driver.findElement(By.id("theme-toggle")).click(); // light -> system
    assertThat(browser.js("return localStorage.getItem('firstspike.theme')")).isNull();
  }

  @Test
  @DisplayName("Opted-in notifications tell when a run finishes, fails or diverges, once each; none before opting in")
  void notifications() throws IOException {
    // A recording stand-in for the browser's Notification (headless Chromium shows none).
    browser.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
        "window.__shown = []; window.Notification = class { constructor(t, o) { window.__shown.push({title: t, body: o && o.body}); }"
        + " static requestPermission() { localStorage.setItem('granted', '1'); window.Notification.permission = 'granted'; return Promise.resolve('granted'); } };"
        + " window.Notification.permission = localStorage.getItem('granted') ? 'granted' : 'default';"));
    List<SyntheticRun> runs = new ArrayList<>();
    for (String id : new String[] {"fin_run", "div_run", "err_run"}) {
      SyntheticRun r = new SyntheticRun(tmp.resolve("runs"), id, 50, id.hashCode());
      r.writeUpTo(3);
      runs.add(r);
    }
    browser.driver.get(server.url() + "#/runs");
    WebElement bell = browser.waiting(WAIT).until(d -> {
      WebElement b = d.findElement(By.id("notify-toggle"));
      return b.isDisplayed() ? b : null;
    });
    assertThat(bell.getAttribute("aria-pressed")).isEqualTo("false");
    Map<String, String> reasons = Map.of("fin_run", "", "div_run",
        "training diverged in epoch 4, batch 7: the loss is NaN", "err_run", "cannot read the data set: data.csv line 3");
    Map<String, String> states = Map.of("fin_run", "finished", "div_run", "failed", "err_run", "failed");
    publish(states, reasons, 3);
    assertThat(browser.js("return window.__shown.length")).as("nothing before opting in").isEqualTo(0L);

    bell.click();
    browser.waiting(WAIT).until(d -> "true".equals(bell.getAttribute("aria-pressed")));
    Browser.sleep(1500); // the active runs' state streams are registered
    Instant until = Instant.now().plusSeconds(30);
    while (((Number) browser.js("return window.__shown.length")).intValue() < 3 && Instant.now().isBefore(until)) {
      publish(states, reasons, 1);
    }
    publish(states, reasons, 2);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> shown = (List<Map<String, Object>>) browser.js("return window.__shown");
    assertThat(shown).extracting(m -> m.get("title")).containsExactlyInAnyOrder(
        "Run fin_run finished", "Run div_run diverged", "Run err_run failed");
    assertThat(shown).filteredOn(m -> m.get("title").equals("Run div_run diverged")).extracting(m -> m.get("body"))
        .containsExactly(reasons.get("div_run"));
    browser.driver.navigate().refresh();
    String pressed = browser.waiting(WAIT).until(d -> d.findElement(By.id("notify-toggle")).getAttribute("aria-pressed"));
    assertThat(pressed).as("the opt-in is remembered").isEqualTo("true");
  }

  private void publish(Map<String, String> states, Map<String, String> reasons, int rounds) {
    for (int i = 0; i < rounds; i++) {
      for (var e : states.entrySet()) {
        server.vertx().eventBus().publish("runs." + e.getKey() + ".state", new JsonObject().put("id", e.getKey())
            .put("state", e.getValue()).put("reason", reasons.get(e.getKey())).put("at", Instant.now().toString()));
      }
      Browser.sleep(300);
    }
  }

  @Test
  @DisplayName("Keyboard reaches every chart and its tools; progress bars carry their value for assistive technology; plots download as one zip")
  void keyboardAriaAndDownloads() throws IOException {
    SyntheticRun run = finishedRun("a11y_run", 12);
    openRun("a11y_run", 12);
    List<String> reached = new ArrayList<>();
    browser.js("document.activeElement.blur(); window.scrollTo(0, 0)");
    for (int i = 0; i < 160; i++) {
      browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
      reached.add((String) browser.js("const a = document.activeElement; const card = a.closest('.card');"
          + "return (card ? card.id : '') + ' ' + a.tagName.toLowerCase() + '.' + a.className"));
    }
    for (String card : new String[] {"chart-error", "chart-epochs", "chart-map", "chart-hist", "chart-silent", "chart-raster"}) {
      assertThat(reached).as(card + " canvas by Tab").contains(card + " canvas.");
      assertThat(reached).as(card + " CSV button by Tab").contains(card + " button.tool-btn export-csv");
    }
    WebElement bar = browser.driver.findElement(By.cssSelector(".live-view [role=progressbar]"));
    assertThat(bar.getAttribute("aria-valuenow")).isEqualTo("100");
    assertThat(bar.getAttribute("aria-valuemax")).isEqualTo("100");
    assertThat(bar.getAttribute("aria-valuetext")).startsWith("finished: 100%");

    Path plots = Files.createDirectories(run.folder.dir().resolve("plots"));
    Files.write(plots.resolve("a.png"), Files.readAllBytes(Path.of("src/test/resources/web/tiny.png")));
    browser.driver.get(server.url() + "#/evaluate/a11y_run");
    WebElement zip = browser.waiting(WAIT).until(d -> {
      WebElement z = d.findElement(By.id("download-plots"));
      return z.isDisplayed() ? z : null;
    });
    assertThat(zip.getAttribute("href")).endsWith("/api/runs/a11y_run/plots.zip");
    Object status = ((org.openqa.selenium.JavascriptExecutor) browser.driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
        + "fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done(r.status + ' ' + r.headers.get('content-type') + ' ' + b.byteLength)))",
        zip.getAttribute("href"));
    assertThat((String) status).startsWith("200 application/zip");
    assertThat(browser.driver.findElement(By.cssSelector("#plot-gallery .thumb")).getTagName()).as("thumbnails are buttons").isEqualTo("button");
    openRun("a11y_run", 12);
    assertThat(browser.driver.findElement(By.id("download-network")).getAttribute("href")).endsWith("/api/runs/a11y_run/network.zip");
    assertThat(browser.driver.findElement(By.id("download-folder")).getAttribute("href")).endsWith("/api/runs/a11y_run/folder.zip");
  }
}
