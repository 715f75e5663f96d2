package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The New-run page (issue 22): a config the server refuses for its YAML syntax (bug 5; the server
 * says "yin_yang_small.yaml: not valid YAML: ... (line L, column C)") gets line L marked in the
 * gutter and a "Go to line L" button, and a refusal that names no line shows no stray "null";
 * edits are not lost without a question when the page is left (bug 13).
 */
class DashboardNewRunTest {
  private static final Duration WAIT = Duration.ofSeconds(45);
  private static final String CONFIG = "yin_yang_small";

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
  @DisplayName("A YAML syntax error is marked at its line with a Go-to-line button; a refusal without a line shows no 'null'")
  void syntaxErrorIsMarkedAtItsLine() {
    var d = browser.driver;
    d.get(server.url() + "#/new");
    Select select = new Select(browser.waiting(WAIT).until(x -> {
      WebElement s = x.findElement(By.id("config-select"));
      return s.findElements(By.cssSelector("option[value='" + CONFIG + "']")).isEmpty() ? null : s;
    }));
    select.selectByValue(CONFIG);
    WebElement editor = d.findElement(By.id("yaml-editor"));
    browser.waiting(WAIT).until(x -> editor.getAttribute("value").contains("batch_size: 150"));
    String good = editor.getAttribute("value");
    int line = 1 + (int) good.substring(0, good.indexOf("batch_size: 150")).chars().filter(c -> c == '\n').count();

    setText(editor, good.replace("batch_size: 150 ", "batch_size: 150: 3 "));
    d.findElement(By.id("start-run")).click();
    WebElement box = shownError();
    assertThat(box.getText()).as("the server's message").contains("not valid YAML").contains("(line " + line);
    assertThat(d.findElements(By.cssSelector(".gutter .err"))).as("the gutter marks one line").hasSize(1);
    assertThat(d.findElement(By.cssSelector(".gutter .err")).getText()).as("the marked line").isEqualTo(String.valueOf(line));
    assertThat(box.findElements(By.cssSelector("button"))).as("a Go-to-line button")
        .anySatisfy(b -> assertThat(b.getText()).isEqualTo("Go to line " + line));
    assertThat(box.getText()).doesNotContain("null");

    // A refusal that names no line: a config that is a list, not a mapping.
    setText(editor, "- 1\n- 2\n");
    d.findElement(By.id("start-run")).click();
    browser.waiting(WAIT).until(x -> !box.getText().contains("not valid YAML"));
    String text = box.getText();
    assertThat(text).as("the error box of a refusal without a line").doesNotContain("null");
  }

  @Test
  @DisplayName("Leaving the New-run page with edited YAML asks first; declining keeps the page and the edits")
  void editsAreNotLostWithoutAsking() {
    var d = browser.driver;
    d.get(server.url() + "#/new");
    browser.waiting(WAIT).until(x -> x.findElement(By.id("yaml-editor")).getAttribute("value").contains("batch_size"));
    // Unedited: leaving asks nothing.
    d.findElement(By.cssSelector("nav.tabs a[data-nav='runs']")).click();
    browser.waiting(WAIT).until(x -> "runs".equals(browser.js("return window.firstspike.view")));
    d.findElement(By.cssSelector("nav.tabs a[data-nav='new']")).click();
    WebElement again = browser.waiting(WAIT).until(x -> {
      WebElement e = x.findElement(By.id("yaml-editor"));
      return e.getAttribute("value").contains("batch_size") ? e : null;
    });
    String edited = again.getAttribute("value") + "\n# my edit\n";
    setText(again, edited);

    d.findElement(By.cssSelector("nav.tabs a[data-nav='runs']")).click();
    var alert = browser.waiting(WAIT).until(ExpectedConditions.alertIsPresent());
    assertThat(alert.getText()).contains("not saved");
    alert.dismiss();
    browser.waiting(WAIT).until(x -> x.getCurrentUrl().contains("#/new"));
    assertThat(browser.js("return window.firstspike.view")).isEqualTo("new");
    assertThat(d.findElement(By.id("yaml-editor")).getAttribute("value")).as("the edits are still there").isEqualTo(edited);

    d.findElement(By.cssSelector("nav.tabs a[data-nav='runs']")).click();
    browser.waiting(WAIT).until(ExpectedConditions.alertIsPresent()).accept();
    browser.waiting(WAIT).until(x -> "runs".equals(browser.js("return window.firstspike.view")));
  }

  private WebElement shownError() {
    return browser.waiting(WAIT).until(x -> {
      WebElement e = x.findElement(By.id("start-error"));
      return e.isDisplayed() ? e : null;
    });
  }

  private void setText(WebElement editor, String text) {
    browser.js("const t = arguments[0]; t.value = arguments[1]; t.dispatchEvent(new Event('input'));", editor, text);
  }
}
