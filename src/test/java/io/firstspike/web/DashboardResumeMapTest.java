package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.server.Addresses;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * Issue 22, bug 6: the Yin-Yang validation map of a resumed run. A real run (real training) is
 * stopped after its first epoch, resumed from the page and stopped again as soon as it runs, before the resumed
 * session finishes an epoch: the map must still show the snapshot's epoch (it was empty, "shown
 * once an epoch has been recorded", with the epochs held), as a square (it was stretched to the
 * card: an ellipse), with round tick labels (it showed "-0.0").
 */
class DashboardResumeMapTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String CONFIG = "yin_yang_slow";

  @TempDir Path tmp;
  private WebTestServer server;
  @RegisterExtension final BrowserExtension chrome = new BrowserExtension();
  private Browser browser;

  @BeforeEach
  void start() throws IOException {
    browser = chrome.browser();
    Path configs = Files.createDirectories(tmp.resolve("configs"));
    String small = Files.readString(Path.of("configs", "yin_yang_small.yaml"));
    // Epochs of 100 batches of a 400-neuron hidden layer: the resumed session is stopped after
    // its first batch, long before its first epoch ends.
    String slow = small.replace("layer_sizes: [30, 3]", "layer_sizes: [400, 3]")
        .replace("batch_size: 150", "batch_size: 50");
    assertThat(slow).isNotEqualTo(small);
    Files.writeString(configs.resolve(CONFIG + ".yaml"), slow);
    server = new WebTestServer(tmp.resolve("runs"), configs, 0, 1).start();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  @DisplayName("After a resume the validation map shows the snapshot's epoch, square, with round ticks")
  void mapSurvivesAResume() throws Exception {
    Rest rest = new Rest(server.url());
    String id = rest.startRun(CONFIG, 50);
    rest.await(id, s -> s.getInteger("epochsDone") >= 1, WAIT);
    rest.post("api/runs/" + id + "/stop", null);
    int snapshot = rest.await(id, s -> "stopped".equals(s.getString("state")), WAIT).getInteger("lastSnapshot");
    assertThat(snapshot).isPositive();

    var d = browser.driver;
    d.get(server.url() + "#/run/" + id);
    waitMap(snapshot);
    assertSquareWithRoundTicks();

    // The resumed session is stopped the moment it reports running (a button click came too late
    // on a loaded machine: the session finished an epoch first): it ends after its first batch.
    var bus = server.vertx().eventBus();
    java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
    var stopper = bus.<JsonObject>consumer(Addresses.state(id), m -> {
      if ("running".equals(m.body().getString("state")) && !m.body().containsKey("evaluation")) {
        ran.set(true);
        bus.request(Addresses.CMD_STOP, new JsonObject().put("id", id));
      }
    });
    stopper.completion().toCompletionStage().toCompletableFuture().get();
    browser.js("window.scrollTo(0, 0);");
    d.findElement(By.id("resume-run")).click();
    browser.waiting(WAIT).until(x -> ran.get() && "stopped".equals(state())
        && "stopped".equals(rest.get("api/runs/" + id).getString("state")));
    stopper.unregister();
    JsonObject after = rest.get("api/runs/" + id);
    assertThat(after.getInteger("epochsDone"))
        .as("the resumed session was stopped before it finished an epoch (else this test shows nothing)")
        .isEqualTo(snapshot);
    Browser.sleep(1500); // the page's fetches after the stop (activity, backfill) have answered
    assertThat(mapNote()).as("the map after resume and stop").contains("epoch " + snapshot + ":");
    assertThat(points()).isPositive();

    d.navigate().refresh(); // a fresh page on the resumed run
    waitMap(snapshot);
    assertSquareWithRoundTicks();
    d.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844)); // phone: a narrow card
    d.navigate().refresh();
    waitMap(snapshot);
    assertSquareWithRoundTicks();
  }

  private void waitMap(int epoch) {
    browser.waiting(WAIT).withMessage(() -> "map note: '" + mapNote() + "', " + points() + " points")
        .until(x -> mapNote().contains("epoch " + epoch + ":") && points() > 0);
  }

  /** One data unit is as long on x as on y, and every tick label is a round number, none "-0". */
  @SuppressWarnings("unchecked")
  private void assertSquareWithRoundTicks() {
    browser.js("document.getElementById('chart-map').scrollIntoView();");
    Map<String, Object> m = browser.waiting(WAIT).until(x -> {
      Map<String, Object> r = (Map<String, Object>) browser.js("""
          const c = Chart.getChart(document.querySelector('#chart-map canvas'));
          const a = c.chartArea, x = c.scales.x, y = c.scales.y;
          return {w: a.right - a.left, h: a.bottom - a.top, xr: x.max - x.min, yr: y.max - y.min,
                  xl: x.ticks.map(t => String(t.label)), yl: y.ticks.map(t => String(t.label))};""");
      double w = ((Number) r.get("w")).doubleValue();
      double h = ((Number) r.get("h")).doubleValue();
      return Math.abs(w - h) <= 2 ? r : null; // the square layout takes one more frame
    });
    double xPerPx = ((Number) m.get("xr")).doubleValue() / ((Number) m.get("w")).doubleValue();
    double yPerPx = ((Number) m.get("yr")).doubleValue() / ((Number) m.get("h")).doubleValue();
    assertThat(xPerPx / yPerPx).as("x units per pixel over y units per pixel: %s", m).isCloseTo(1.0,
        org.assertj.core.data.Offset.offset(0.02));
    for (String key : List.of("xl", "yl")) {
      List<String> labels = (List<String>) m.get(key);
      assertThat(labels).as("%s tick labels", key).isNotEmpty();
      for (String l : labels) {
        assertThat(l).as("tick labels %s", labels).doesNotMatch("-0(\\.0*)?");
        double v = Double.parseDouble(l);
        assertThat(Math.abs(v * 20 - Math.rint(v * 20))).as("tick %s is a multiple of 0.05 (%s)", l, labels)
            .isLessThan(1e-9);
      }
    }
  }

  private String mapNote() {
    Object t = browser.js("const n = document.querySelector('#chart-map .chart-note'); return n ? n.textContent : '';");
    return String.valueOf(t);
  }

  private long points() {
    return ((Number) browser.js("const c = document.getElementById('chart-map'); return c ? Number(c.dataset.points) : -1;")).longValue();
  }

  private String state() {
    Object s = browser.js("const v = document.querySelector('.live-view'); return v ? v.dataset.state : null;");
    return s == null ? null : s.toString();
  }
}
