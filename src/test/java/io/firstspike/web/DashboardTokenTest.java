package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * With a token configured, the page asks for it once (after the first 401), logs in, and then both
 * the API and the event-bus WebSocket work for the rest of the session; a wrong token is refused
 * with a message in the dialog.
 */
class DashboardTokenTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String TOKEN = "s3cret-token-for-the-browser-test";

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
  @DisplayName("The page asks once for the token, refuses a wrong one, and keeps the right one for API and WebSocket")
  void asksForTheTokenOnce() throws IOException {
    browser = chrome.browser();
    server = new WebTestServer(tmp.resolve("runs"), Path.of("configs").toAbsolutePath(), 0, 1)
        .withToken(TOKEN).start();
    var d = browser.driver;
    d.get(server.url() + "#/runs");

    WebElement dialog = browser.waiting(WAIT).until(x -> {
      WebElement e = x.findElement(By.id("token-dialog"));
      return e.isDisplayed() ? e : null;
    });
    WebElement input = dialog.findElement(By.cssSelector("input"));
    input.sendKeys("wrong-token");
    dialog.findElement(By.cssSelector("button[value='ok']")).click();
    browser.waiting(WAIT).until(x -> dialog.isDisplayed()
        && !dialog.findElement(By.cssSelector(".dialog-error")).getText().isBlank());
    assertThat(dialog.findElement(By.cssSelector(".dialog-error")).getText()).contains("not accepted");
    browser.screenshot("15-token-dialog", false);

    input.sendKeys(TOKEN);
    dialog.findElement(By.cssSelector("button[value='ok']")).click();
    browser.waiting(WAIT).until(x -> !dialog.isDisplayed());
    browser.waiting(WAIT).until(x -> "connected".equals(browser.js("return document.getElementById('conn').dataset.state")));
    browser.waiting(WAIT).until(x -> !x.findElements(By.cssSelector(".runs-view .empty p")).isEmpty());

    // Other views in the same session: no second prompt.
    d.findElement(By.cssSelector("nav.tabs a[data-nav='new']")).click();
    browser.waiting(WAIT).until(x -> x.findElements(By.cssSelector("#config-select option")).size() > 1);
    assertThat(dialog.isDisplayed()).as("the token is asked for once per session").isFalse();
  }

  @Test
  @DisplayName("Enter in the token field submits the token (Unlock), it does not cancel the dialog")
  void enterSubmitsTheToken() throws IOException {
    browser = chrome.browser();
    server = new WebTestServer(tmp.resolve("runs"), Path.of("configs").toAbsolutePath(), 0, 1)
        .withToken(TOKEN).start();
    browser.driver.get(server.url() + "#/runs");
    WebElement dialog = browser.waiting(WAIT).until(x -> {
      WebElement e = x.findElement(By.id("token-dialog"));
      return e.isDisplayed() ? e : null;
    });
    dialog.findElement(By.cssSelector("input")).sendKeys(TOKEN + Keys.ENTER);
    browser.waiting(WAIT).until(x -> !dialog.isDisplayed());
    browser.waiting(WAIT).until(x -> !x.findElements(By.cssSelector(".runs-view .empty p, .toast.error, .notice.error")).isEmpty());
    assertThat(browser.driver.findElements(By.cssSelector(".toast.error, .notice.error")))
        .as("no error (before the fix: 'Cannot start the dashboard: no token entered')").isEmpty();
    browser.waiting(WAIT).until(x -> "connected".equals(browser.js("return document.getElementById('conn').dataset.state")));
  }
}
