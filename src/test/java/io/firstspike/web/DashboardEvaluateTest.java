package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The Evaluate view in a real browser: a tiny Yin-Yang run trained by the real workbench, then
 * "Render plots" clicked; the view must follow the progress on the state stream, fill the gallery
 * with loaded images, and enlarge one on a click.
 */
class DashboardEvaluateTest {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final String CONFIG = "yin_yang_tiny";

  @TempDir Path tmp;
  private WebTestServer server;
  @RegisterExtension final BrowserExtension chrome = new BrowserExtension();
  private Browser browser;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @DisplayName("Render plots shows live progress, then a gallery of loaded PNGs; a click enlarges one")
  void rendersTheGallery() throws Exception {
    Path configs = Files.createDirectories(tmp.resolve("configs"));
    try (InputStream in = getClass().getResourceAsStream("/server/yin_yang_tiny.yaml")) {
      Files.write(configs.resolve(CONFIG + ".yaml"), in.readAllBytes());
    }
    server = new WebTestServer(tmp.resolve("runs"), configs, 0, 1).start();
    String id = startRun();
    awaitFinished(id);

    browser = chrome.browser();
    var d = browser.driver;
    d.get(server.url() + "#/evaluate/" + id);
    browser.waiting(WAIT).until(x -> x.findElement(By.id("eval-status")).getText().startsWith("No plots yet"));
    assertThat(d.findElements(By.cssSelector("#plot-gallery img"))).isEmpty();

    d.findElement(By.id("request-eval")).click();
    browser.waiting(WAIT).withMessage(() -> "no loaded gallery image; status: " + statusText())
        .until(x -> loadedImages() > 0 && !"true".equals(browser.js(
            "return document.querySelector('.eval-view').dataset.evaluating")));
    assertThat(String.valueOf(browser.js("return document.getElementById('eval-progress-text').textContent")))
        .as("the last progress line from the state stream").startsWith("Rendering plots:");
    assertThat(statusText()).as("which snapshot was evaluated (issue 22, bug 11)")
        .contains("plots of the snapshot of epoch 1, rendered");
    int images = d.findElements(By.cssSelector("#plot-gallery img")).size();
    assertThat(images).isGreaterThan(10);
    browser.screenshot("16-evaluate-gallery", true);

    d.findElement(By.cssSelector("#plot-gallery figure[data-file='yin_yang_classification_test.png'] button")).click();
    browser.waiting(WAIT).until(x -> x.findElement(By.id("lightbox")).isDisplayed()
        && ((Number) browser.js("return document.getElementById('lightbox-img').naturalWidth")).intValue() > 0);
    browser.screenshot("17-evaluate-enlarged", false);
    d.findElement(By.id("lightbox")).click();
    browser.waiting(WAIT).until(x -> !x.findElement(By.id("lightbox")).isDisplayed());
  }

  private long loadedImages() {
    return ((Number) browser.js("return [...document.querySelectorAll('#plot-gallery img')]"
        + ".filter(i => i.complete && i.naturalWidth > 0).length")).longValue();
  }

  private String statusText() {
    return String.valueOf(browser.js("return document.getElementById('eval-status').textContent"));
  }

  private String startRun() throws IOException, InterruptedException {
    HttpResponse<String> r = http(HttpRequest.newBuilder(URI.create(server.url() + "api/runs"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"config\": \"" + CONFIG + "\", \"overrides\": {\"epochs\": 1}}")).build());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    Matcher m = Pattern.compile("\"id\":\"([^\"]+)\"").matcher(r.body());
    assertThat(m.find()).as(r.body()).isTrue();
    return m.group(1);
  }

  private void awaitFinished(String id) throws IOException, InterruptedException {
    long end = System.currentTimeMillis() + WAIT.toMillis();
    String body = "";
    while (System.currentTimeMillis() < end) {
      body = http(HttpRequest.newBuilder(URI.create(server.url() + "api/runs/" + id)).build()).body();
      if (body.contains("\"state\":\"finished\"")) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("run " + id + " did not finish within " + WAIT + ": " + body);
  }

  private static HttpResponse<String> http(HttpRequest req) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
  }
}
