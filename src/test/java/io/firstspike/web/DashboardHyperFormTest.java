package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The hyperparameter form beside the New-run YAML editor (issue 22): typing in a field rewrites
 * exactly that value's characters in the YAML (comments, their column and every other line
 * untouched), typing in the YAML updates the fields, invalid input is marked and not written, a
 * key the config lacks is a disabled field with a note, and the started run's config.yaml has the
 * form's values. Both schemas: 2021 (yin_yang_small) and DelGrad (yin_yang_H30_WS).
 */
class DashboardHyperFormTest {
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
  @DisplayName("2021 schema: learning rate and layer sizes from the form change only their lines; YAML batch size shows in the form; the run gets the values")
  void form2021() throws IOException {
    String original = open("yin_yang_small");
    assertThat(value("lr")).isEqualTo("0.005");
    assertThat(value("sizes")).isEqualTo("30, 3");
    assertThat(value("batch")).isEqualTo("150");
    assertThat(value("numpy-seed")).isEqualTo("12345");
    // yin_yang_small takes its TTFS loss from top-level keys: no training_params.loss.type.
    WebElement loss = browser.driver.findElement(By.id("hp-loss"));
    assertThat(loss.isEnabled()).as("the loss field of a config without training_params.loss").isFalse();
    assertThat(note("loss")).contains("training_params.loss.type is not in the config");

    type("lr", "0.0125");
    // Enter in a field must not start a run (it would submit the page's form)
    browser.driver.findElement(By.id("hp-lr")).sendKeys(org.openqa.selenium.Keys.ENTER);
    try {
      Thread.sleep(800);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(browser.driver.getCurrentUrl()).as("Enter in a form field").contains("#/new");
    assertThat(tmp.resolve("runs").toFile().list()).as("runs after Enter in a form field").isNullOrEmpty();
    type("sizes", "20, 3");
    String text = waitForText(t -> t.contains("[20, 3]") && t.contains("0.0125"));
    // A longer value takes one blank from the gap before the comment, which keeps its column.
    assertOnlyLinesChanged(original, text, Map.of(
        "  learning_rate: 0.005        # initial learning rate", "  learning_rate: 0.0125       # initial learning rate",
        "  layer_sizes: [30, 3]        # neurons per layer; the last is the label layer (one per class)",
        "  layer_sizes: [20, 3]        # neurons per layer; the last is the label layer (one per class)"));

    rejectsAndAcceptsEpochs(text);
    JsonNode cfg = startAndReadConfig("batch_size: 150             #", "batch_size: 75              #");
    assertThat(cfg.at("/training_params/learning_rate").asDouble()).isEqualTo(0.0125);
    assertThat(cfg.at("/network_layout/layer_sizes").toString()).isEqualTo("[20,3]");
    assertThat(cfg.at("/training_params/batch_size").asInt()).isEqualTo(75);
    assertThat(cfg.at("/training_params/epoch_number").asInt()).isEqualTo(1);
  }

  @Test
  @DisplayName("DelGrad schema: per-layer learning rates and NeuronLayer sizes from the form change only their lines; the run gets the values")
  void formDelgrad() throws IOException {
    String original = open("yin_yang_H30_WS");
    assertThat(value("lr")).isEqualTo("0.005");
    assertThat(value("layer-lrs")).isEqualTo("0.003, 0.01, 0.003, 0.01");
    assertThat(value("sizes")).isEqualTo("30, 3");
    assertThat(value("loss")).isEqualTo("shift_invariant_MSE");
    assertThat(browser.driver.findElement(By.id("hp-loss")).isEnabled()).isTrue();

    type("layer-lrs", "0.003, 0.02, 0.003, 0.02");
    type("sizes", "12, 3");
    String text = waitForText(t -> t.contains("size: 12 ") && t.contains("learning_rate: 0.02 "));
    assertOnlyLinesChanged(original, text, Map.of(
        "    size: 30                  # number of neurons", "    size: 12                  # number of neurons",
        "    learning_rate: 0.01       # learning rate of the weights", "    learning_rate: 0.02       # learning rate of the weights"));

    rejectsAndAcceptsEpochs(text);
    JsonNode cfg = startAndReadConfig("batch_size: 150             #", "batch_size: 75              #");
    JsonNode layers = cfg.at("/network_layout/layers");
    assertThat(layers.isArray()).as("config.yaml keeps the DelGrad layers: %s", cfg).isTrue();
    assertThat(layers.get(1).get("size").asInt()).isEqualTo(12);
    assertThat(layers.get(3).get("size").asInt()).isEqualTo(3);
    assertThat(layers.get(1).get("learning_rate").asDouble()).isEqualTo(0.02);
    assertThat(layers.get(3).get("learning_rate").asDouble()).isEqualTo(0.02);
    assertThat(layers.get(0).get("learning_rate").asDouble()).isEqualTo(0.003);
    assertThat(cfg.at("/training_params/batch_size").asInt()).isEqualTo(75);
    assertThat(cfg.at("/training_params/epoch_number").asInt()).isEqualTo(1);
  }

  @Test
  @DisplayName("A value that is not a plain scalar or a one-line list is a disabled field with a note")
  void notPlainValuesAreDisabled() throws IOException {
    open("yin_yang_small");
    String yaml = "network_layout:\n  layer_sizes:\n  - 30\n  - 3\ntraining_params:\n  learning_rate: &lr 0.1\n"
        + "  batch_size: 150 # samples\n";
    setText(yaml);
    browser.waiting(WAIT).until(x -> !x.findElement(By.id("hp-sizes")).isEnabled());
    assertThat(note("sizes")).contains("network_layout.layer_sizes is not a one-line list");
    assertThat(browser.driver.findElement(By.id("hp-lr")).isEnabled()).isFalse();
    assertThat(note("lr")).contains("training_params.learning_rate is not a plain value");
    assertThat(browser.driver.findElement(By.id("hp-epochs")).isEnabled()).isFalse();
    assertThat(note("epochs")).contains("training_params.epoch_number is not in the config");
    assertThat(value("batch")).isEqualTo("150");
    type("batch", "64");
    waitForText(t -> t.equals(yaml.replace("batch_size: 150 #", "batch_size: 64  #")));
  }

  /** "abc" in Epochs is marked and leaves the text alone; "1" is then written. */
  private void rejectsAndAcceptsEpochs(String before) {
    type("epochs", "abc");
    WebElement epochs = browser.driver.findElement(By.id("hp-epochs"));
    assertThat(epochs.getAttribute("class")).contains("invalid");
    assertThat(note("epochs")).startsWith("Not written");
    assertThat(editorText()).as("invalid input is not written").isEqualTo(before);
    type("epochs", "1");
    waitForText(t -> t.contains("epoch_number: 1 "));
    assertThat(epochs.getAttribute("class")).doesNotContain("invalid");
  }

  /** Edits the YAML's batch size (the form follows), starts the run and reads its config.yaml. */
  private JsonNode startAndReadConfig(String from, String to) throws IOException {
    String text = editorText();
    assertThat(text).contains(from);
    setText(text.replace(from, to));
    browser.waiting(WAIT).until(x -> "75".equals(x.findElement(By.id("hp-batch")).getAttribute("value")));
    browser.driver.findElement(By.id("start-run")).click();
    String url = browser.waiting(WAIT).until(x -> x.getCurrentUrl().contains("#/run/") ? x.getCurrentUrl() : null);
    String id = URLDecoder.decode(url.substring(url.indexOf("#/run/") + 6).replaceAll("[/?].*$", ""), StandardCharsets.UTF_8);
    Path cfg = tmp.resolve("runs").resolve(id).resolve("config.yaml");
    browser.waiting(WAIT).until(x -> Files.exists(cfg));
    return new ObjectMapper(new YAMLFactory()).readTree(Files.readString(cfg));
  }

  private String open(String config) {
    var d = browser.driver;
    d.get(server.url() + "#/new");
    Select select = new Select(browser.waiting(WAIT).until(x -> {
      WebElement s = x.findElement(By.id("config-select"));
      return s.findElements(By.cssSelector("option[value='" + config + "']")).isEmpty() ? null : s;
    }));
    select.selectByValue(config);
    String want = Path.of("configs", config + ".yaml").toString();
    String text;
    try {
      text = Files.readString(Path.of(want));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    browser.waiting(WAIT).until(x -> text.equals(editorText()) && x.findElements(By.id("hp-lr")).size() == 1
        && !x.findElement(By.id("hp-lr")).getAttribute("value").isEmpty());
    return text;
  }

  private String value(String field) {
    return browser.driver.findElement(By.id("hp-" + field)).getAttribute("value");
  }

  private String note(String field) {
    return browser.driver.findElement(By.cssSelector("#hp-field-" + field + " .hp-note")).getText();
  }

  /** Real typing: selects the field's text and types over it, one input event per key. */
  private void type(String field, String text) {
    WebElement e = browser.driver.findElement(By.id("hp-" + field));
    e.click();
    browser.js("arguments[0].select();", e);
    e.sendKeys(text);
  }

  private String editorText() {
    return browser.driver.findElement(By.id("yaml-editor")).getAttribute("value");
  }

  private String waitForText(java.util.function.Predicate<String> ok) {
    return browser.waiting(WAIT).until(x -> ok.test(editorText()) ? editorText() : null);
  }

  private void setText(String text) {
    browser.js("const t = document.getElementById('yaml-editor'); t.value = arguments[0]; t.dispatchEvent(new Event('input'));", text);
  }

  /** Every line of after equals before's, except the lines given as old -> new. */
  private static void assertOnlyLinesChanged(String before, String after, Map<String, String> changes) {
    String[] a = before.split("\n", -1);
    String[] b = after.split("\n", -1);
    assertThat(b.length).as("line count").isEqualTo(a.length);
    List<String> unexpected = new ArrayList<>();
    int changed = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i].equals(b[i])) {
        continue;
      }
      changed++;
      if (!b[i].equals(changes.get(a[i]))) {
        unexpected.add("line " + (i + 1) + ": '" + a[i] + "' -> '" + b[i] + "'");
      }
    }
    assertThat(unexpected).as("lines changed other than expected").isEmpty();
    assertThat(changed).as("changed lines").isGreaterThanOrEqualTo(changes.size());
  }
}
