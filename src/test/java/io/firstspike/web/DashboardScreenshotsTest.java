package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.train.RunState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * Every view at desktop (1280x800) and phone (390x844) width in the light and the dark theme:
 * a full-page screenshot each, {@code target/screenshots/<view>-<desktop|phone>-<light|dark>.png}
 * (views: runs, new, run, evaluate, compare; not committed), and the contrast of every visible
 * piece of small text at least 4.5:1 (large 3:1) against the background it is drawn on
 * ({@code src/test/resources/web/contrast.js}).
 */
class DashboardScreenshotsTest {
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final Map<String, int[]> WIDTHS = Map.of("desktop", new int[] {1280, 800}, "phone", new int[] {390, 844});

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
  @DisplayName("Every view, desktop and phone, light and dark: a screenshot each, and small text at a contrast of at least 4.5:1")
  void screenshotsAndContrast() throws IOException {
    SyntheticRun a = new SyntheticRun(tmp.resolve("runs"), "yin_yang_2026-12-01_10-00-00", 60, 1).pace(1.0, 0.0);
    a.writeUpTo(60);
    a.status(RunState.FINISHED);
    SyntheticRun b = new SyntheticRun(tmp.resolve("runs"), "yin_yang_2026-12-02_09-30-00", 300, 2).pace(1.0, 0.0);
    b.writeUpTo(45);
    Path plots = Files.createDirectories(a.folder.dir().resolve("plots"));
    for (String name : new String[] {"yin_yang_classification_test.png", "yin_yang_training_curves.png"}) {
      Files.copy(Path.of("src/test/resources/web/tiny.png"), plots.resolve(name));
    }
    String contrast = Files.readString(Path.of("src/test/resources/web/contrast.js"), StandardCharsets.UTF_8)
        .strip().replaceAll(";$", ""); // one expression: returned as (expression)

    Map<String, Function<WebDriver, Boolean>> views = new LinkedHashMap<>();
    views.put("runs", d -> d.findElements(By.cssSelector("tr[data-run]")).size() == 2);
    views.put("new", d -> !d.findElement(By.id("yaml-editor")).getAttribute("value").isBlank());
    views.put("run", d -> ((Number) browser.js("const c = Chart.getChart(document.querySelector('#chart-epochs canvas'));"
        + "return c ? c.data.datasets[1].data.length : 0")).intValue() == 61);
    views.put("evaluate", d -> d.findElements(By.cssSelector("#plot-gallery figure")).size() == 2);
    views.put("compare", d -> Integer.parseInt(d.findElement(By.id("compare-acc")).getAttribute("data-points")) > 100);
    Map<String, String> hashes = Map.of("runs", "#/runs", "new", "#/new", "run", "#/run/" + a.id,
        "evaluate", "#/evaluate/" + a.id, "compare", "#/compare?ids=" + a.id + "," + b.id);

    List<String> violations = new ArrayList<>();
    List<String> written = new ArrayList<>();
    for (String theme : new String[] {"light", "dark"}) {
      for (String width : new String[] {"desktop", "phone"}) {
        int[] size = WIDTHS.get(width);
        browser.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", size[0], "height", size[1],
            "deviceScaleFactor", 1, "mobile", width.equals("phone")));
        for (var v : views.entrySet()) {
          browser.driver.get(server.url() + hashes.get(v.getKey()));
          browser.js("localStorage.setItem('firstspike.theme', arguments[0])", theme);
          browser.driver.navigate().refresh();
          browser.waiting(WAIT).until(d -> v.getValue().apply(d));
          assertThat(browser.js("return document.documentElement.dataset.theme")).isEqualTo(theme);
          Browser.sleep(600); // the charts' next frame
          @SuppressWarnings("unchecked")
          List<String> bad = (List<String>) browser.js("return (" + contrast + "\n)");
          bad.forEach(x -> violations.add(v.getKey() + "-" + width + "-" + theme + ": " + x));
          written.add(fullPage(v.getKey() + "-" + width + "-" + theme, size).toString());
        }
      }
    }
    System.out.println("screenshots: " + written);
    assertThat(written).hasSize(20);
    assertThat(violations).as("text below the contrast minimum").isEmpty();
  }

  /** The whole page at this width: the viewport made as tall as the page, so every chart is drawn. */
  private Path fullPage(String name, int[] size) throws IOException {
    long height = ((Number) browser.js("return document.documentElement.scrollHeight")).longValue();
    browser.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", size[0],
        "height", (int) Math.min(8000, height), "deviceScaleFactor", 1, "mobile", size[0] < 500));
    Browser.sleep(700);
    Map<String, Object> r = browser.driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
    Files.createDirectories(Browser.SCREENSHOTS);
    Path file = Browser.SCREENSHOTS.resolve(name + ".png");
    Files.write(file, Base64.getDecoder().decode((String) r.get("data")));
    browser.driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", size[0], "height", size[1],
        "deviceScaleFactor", 1, "mobile", size[0] < 500));
    return file;
  }
}
