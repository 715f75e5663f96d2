package io.firstspike.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.ConfigWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's small YAML reader (webroot/js/yaml.js), run in the browser: the Compare table must
 * not show a hand-written config and the server's normalised copy of it (config.yaml, written by
 * ConfigWriter) as different, and error messages must point at the line of the key they name.
 */
class YamlModuleTest {
  @TempDir static Path tmp;
  private static WebTestServer server;
  @RegisterExtension static final BrowserExtension CHROME = new BrowserExtension();
  private static Browser browser;

  @BeforeAll
  static void start() throws IOException {
    browser = CHROME.browser();
    server = new WebTestServer(tmp.resolve("runs"), Path.of("configs").toAbsolutePath(), 0, 1).start();
    browser.driver.get(server.url() + "#/runs");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Calls {@code fn(module, ...args)} on the page's yaml.js and returns its result. */
  private static Object callYaml(String fnBody, Object... args) {
    String script = "const done = arguments[arguments.length - 1]; const args = [...arguments].slice(0, -1);"
        + "import('/js/yaml.js').then((m) => { const f = " + fnBody + "; done(f(m, ...args)); })"
        + ".catch((e) => done('error: ' + e));";
    return browser.driver.executeAsyncScript(script, args);
  }

  @Test
  @DisplayName("The data set shown for a config: a name, a name in a map, the type of user files")
  void datasetShown() throws IOException {
    String script = "const done = arguments[arguments.length - 1];"
        + "import('/js/util.js').then((m) => done(arguments[0].map((y) => m.datasetOf(y))))"
        + ".catch((e) => done('error: ' + e));";
    Object shown = browser.driver.executeAsyncScript(script, List.of(
        Files.readString(Path.of("configs", "fashion_mnist.yaml")),
        "dataset: {name: fashion_mnist, validation: test}\ndata_dir: x\n",
        "dataset:\n  name: mnist\n  validation: test\n",
        "dataset: {type: npy, train: a, test: b}\n",
        "dataset:\n  type: csv\n  train: a.csv\n  test: b.csv\n",
        Files.readString(Path.of("configs", "yin_yang_H30_WS.yaml")),
        "network_layout: {n_inputs: 4}\n"));
    assertThat(shown).isEqualTo(List.of("fashion_mnist", "fashion_mnist", "mnist", "npy", "csv",
        "yin_yang", "–"));
  }

  @Test
  @DisplayName("A shipped config and the server's normalised copy flatten to the same key paths and values")
  void writerOutputHasNoSpuriousDifferences() throws IOException {
    for (String name : List.of("yin_yang_small", "mnist", "bars")) {
      String original = Files.readString(Path.of("configs", name + ".yaml"));
      String written = ConfigWriter.toYaml(ConfigLoader.parse(original, name));
      @SuppressWarnings("unchecked")
      List<String> diff = (List<String>) callYaml("(m, a, b) => {"
          + " const fa = m.flattenYaml(a), fb = m.flattenYaml(b);"
          + " const same = (x, y) => x === y || (x != null && y != null && x !== '' && Number(x) === Number(y));"
          + " const keys = new Set([...fa.keys(), ...fb.keys()]);"
          + " return [...keys].filter((k) => !same(fa.get(k), fb.get(k))).map((k) => k + ': ' + fa.get(k) + ' | ' + fb.get(k)); }",
          original, written);
      // Keys the writer adds with their default values are differences in text, not in meaning;
      // every key of the original must survive with its value.
      @SuppressWarnings("unchecked")
      Map<String, Object> missing = (Map<String, Object>) callYaml("(m, a, b) => {"
          + " const fa = m.flattenYaml(a), fb = m.flattenYaml(b); const out = {};"
          + " for (const [k, v] of fa) if (!fb.has(k)) out[k] = v; return out; }", original, written);
      assertThat(missing).as("%s: keys of the original that the reader lost in the written copy", name).isEmpty();
      assertThat(diff.stream().filter(d -> !d.contains(": undefined |")))
          .as("%s: values that differ between the original and the written copy", name).isEmpty();
    }
  }

  @Test
  @DisplayName("Validation messages point at the line of the key path they name; syntax errors at their line")
  void errorsPointAtTheirLine() throws IOException {
    String text = Files.readString(Path.of("configs", "yin_yang_small.yaml"));
    for (String key : List.of("training_params.lr_scheduler.gamma", "network_layout.layer_sizes",
        "neuron_params.threshold", "training_params.batch_size", "dataset")) {
      Object line = callYaml("(m, msg, t) => m.locateError(msg, t, 'yin_yang_small').line",
          "yin_yang_small: " + key + ": must be something else", text);
      String last = key.substring(key.lastIndexOf('.') + 1);
      String atLine = text.split("\n", -1)[((Number) line).intValue() - 1];
      assertThat(atLine.trim()).as("line %s for %s", line, key).startsWith(last + ":");
    }
    Object indexed = callYaml("(m, t) => m.lineOfKeyPath(t, 'network_layout.layer_sizes[1]')",
        "network_layout:\n  layer_sizes:\n  - 30\n  - 3\n");
    assertThat(((Number) indexed).intValue()).as("the second list entry").isEqualTo(4);
    Object syntax = callYaml("(m, msg, t) => m.locateError(msg, t, 'custom').line",
        "custom: line 7, column 3: not valid YAML: mapping values are not allowed here", text);
    assertThat(((Number) syntax).intValue()).isEqualTo(7);
  }
}
