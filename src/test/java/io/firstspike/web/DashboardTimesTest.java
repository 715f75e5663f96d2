package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.train.RunState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The times the page states (issue 22): a run's duration is the time it trained, not the time
 * since it was queued (bug 9); the ETA of a resumed run follows the current session's pace, not
 * the trainer's estimate that counts the session's start-up (bug 7). Runs are written by
 * SyntheticRun (created two hours before the test, paced in elapsedSeconds), so no training runs.
 */
class DashboardTimesTest {
  private static final Duration WAIT = Duration.ofSeconds(45);

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
  @DisplayName("Durations count the time trained (every session), not the time since the run was queued")
  void durationIsTimeTrained() throws IOException {
    // Created two hours ago; trained 31 s (epochs 0-30, 1 s each), stopped, resumed for 20 s.
    SyntheticRun run = new SyntheticRun(tmp.resolve("runs"), "resumed_run", 50, 7).pace(1.0, 0.0);
    run.writeUpTo(30);
    run.newSession();
    run.writeUpTo(50);
    run.status(RunState.FINISHED);

    browser.driver.get(server.url() + "#/runs");
    String cell = browser.waiting(WAIT).until(x -> {
      var cells = x.findElements(By.cssSelector("tr[data-run='resumed_run'] td[data-label='duration']"));
      return cells.isEmpty() || cells.get(0).getText().isBlank() ? null : cells.get(0).getText();
    });
    assertThat(cell).as("duration in the runs list (before the fix: 2 h 00 min since it was created)").isEqualTo("51 s");

    browser.driver.get(server.url() + "#/run/resumed_run");
    String sub = browser.waiting(WAIT).until(x -> {
      String t = x.findElement(By.cssSelector(".run-sub")).getText();
      return t.matches("(?s).*trained for \\d.*") || t.contains("took") ? t : null;
    });
    assertThat(sub).as("the run page's line under the title").contains("trained for 51 s");
  }

  @Test
  @DisplayName("After a resume the ETA follows the session's pace, not the trainer's estimate inflated by the start-up")
  void etaFollowsTheSessionsPace() throws Exception {
    int epochs = 300;
    SyntheticRun run = new SyntheticRun(tmp.resolve("runs"), "eta_run", epochs, 11).pace(1.0, 0.0);
    run.writeUpTo(100);
    // The resumed session: 4 epochs a second after a 10-minute start-up, which the trainer's
    // estimate (session time / session epochs x epochs left) spreads over its first epochs.
    run.newSession();
    run.pace(0.25, 600);
    browser.driver.get(server.url() + "#/run/eta_run");
    browser.waiting(WAIT).until(x -> x.findElement(By.cssSelector(".progress-eta")).getText().startsWith("ETA"));

    java.util.List<String> seen = new java.util.ArrayList<>();
    long start = System.nanoTime();
    long next = start;
    while (run.done() < 100 + 48) { // 12 s at 4 epochs a second
      run.streamNext(server.vertx(), 4);
      next += 250_000_000L;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000);
      }
      if (run.done() >= 100 + 24 && run.done() % 8 == 0) { // from 6 s on, every 2 s
        String eta = browser.driver.findElement(By.cssSelector(".progress-eta")).getText();
        double left = (epochs - run.done()) / 4.0;
        double pageLeft = seconds(eta);
        seen.add(String.format(java.util.Locale.ROOT, "epoch %d: page '%s', about %.0f s left", run.done(), eta, left));
        assertThat(pageLeft).as("ETA at epoch %d (about %.0f s left at 4 epochs/s); so far %s", run.done(), left, seen)
            .isBetween(0.5 * left, 1.6 * left);
      }
    }
    run.status(RunState.STOPPED);
  }

  /** "ETA 45 s", "ETA 1 min 02 s", "ETA 1 h 30 min", "ETA 2 d 3 h" in seconds; NaN for "ETA –". */
  private static double seconds(String eta) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) (d|h|min|s)\\b").matcher(eta);
    double t = 0;
    boolean any = false;
    while (m.find()) {
      any = true;
      int v = Integer.parseInt(m.group(1));
      t += switch (m.group(2)) {
        case "d" -> v * 86400.0;
        case "h" -> v * 3600.0;
        case "min" -> v * 60.0;
        default -> v;
      };
    }
    return any ? t : Double.NaN;
  }
}
