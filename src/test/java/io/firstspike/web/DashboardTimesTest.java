package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.train.RunState;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * The times the page states (issue 22): a run's duration is the time it trained, not the time
 * since it was queued (bug 9). Runs are written by
 * SyntheticRun (created two hours before the test, paced in elapsedSeconds), so no training runs.
 */
class DashboardTimesTest {
  private static final Duration WAIT = Duration.ofSeconds(45);

  @TempDir Path tmp;
  private WebTestServer server;
  private Browser browser;

  @BeforeEach
  void start() throws IOException {
    browser = Browser.start(tmp.resolve("chromium-profile"));
    server = new WebTestServer(tmp.resolve("runs"), Path.of("configs").toAbsolutePath(), 0, 1).start();
  }

  @AfterEach
  void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
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
}
