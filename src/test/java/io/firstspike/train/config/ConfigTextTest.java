package io.firstspike.train.config;

import static io.firstspike.train.config.ConfigErrorsTest.BASE;
import static io.firstspike.train.config.ConfigErrorsTest.FILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the loader refuses before it looks at keys: text that is not UTF-8, too large, more than
 * one document, aliases, too deep, and YAML's non-finite numbers. Each message is one line naming
 * the file (and the key where there is one).
 */
class ConfigTextTest {
  /** Longest message we accept as "one line" even when the offending value is huge. */
  private static final int MAX_MESSAGE_CHARS = 400;

  private static String base(String target, String replacement) {
    assertThat(BASE).contains(target);
    return BASE.replace(target, replacement);
  }

  private static ConfigException parseError(String yaml) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, FILE));
    assertThat(e).as("expected a ConfigException").isNotNull();
    assertThat(e.file()).isEqualTo(FILE);
    assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(MAX_MESSAGE_CHARS);
    return e;
  }

  private static ConfigException loadError(Path file) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    assertThat(e).as("expected a ConfigException").isNotNull();
    assertThat(e.file()).isEqualTo(file.toString());
    assertThat(e.getMessage()).doesNotContain("\n").hasSizeLessThan(MAX_MESSAGE_CHARS);
    return e;
  }

  @Test
  @DisplayName(".nan and .inf name the key and ask for a finite number")
  void nonFiniteNumbers() {
    ConfigException nan = parseError(base("learning_rate: 0.005", "learning_rate: .nan"));
    assertThat(nan.keyPath()).isEqualTo("training_params.learning_rate");
    assertThat(nan.getMessage()).isEqualTo(FILE + ": training_params.learning_rate: .nan is not a"
        + " number; expected a finite number");
    ConfigException inf = parseError(base("weight_means: [1.5, 0.5]", "weight_means: [1.5, -.inf]"));
    assertThat(inf.keyPath()).isEqualTo("network_layout.weight_means[1]");
    assertThat(inf.detail()).isEqualTo("-.inf is infinite; expected a finite number");
    ConfigException big = parseError(base("learning_rate: 0.005", "learning_rate: 1e400"));
    assertThat(big.keyPath()).isEqualTo("training_params.learning_rate");
    assertThat(big.detail()).contains("1e400", "beyond", "1.8e308");
    ConfigException big2 = parseError(base("xi: 0.2", "xi: 2.0e+400"));
    assertThat(big2.keyPath()).isEqualTo("training_params.xi");
    assertThat(big2.detail()).contains("beyond", "1.8e308");
  }

  @Test
  @DisplayName("a Latin-1 or binary file is refused as not UTF-8, naming the byte and its offset")
  void notUtf8(@TempDir Path dir) throws Exception {
    Path latin1 = dir.resolve("latin1.yaml");
    String text = "# r\u00e9seau\n" + BASE;
    Files.write(latin1, text.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(loadError(latin1).getMessage()).isEqualTo(latin1 + ": " + latin1.getFileName()
        + " is not UTF-8 text (byte 0xE9 at offset 3); save it as UTF-8");
    Path png = dir.resolve("picture.yaml");
    Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0});
    assertThat(loadError(png).detail()).isEqualTo(
        "picture.yaml is not UTF-8 text (byte 0x89 at offset 0); save it as UTF-8");
    Path utf8 = dir.resolve("utf8.yaml");
    Files.writeString(utf8, text, StandardCharsets.UTF_8);
    assertThat(ConfigLoader.load(utf8).networkLayout().nInputs()).isEqualTo(4);
    assertThat(ConfigLoader.readText(utf8)).isEqualTo(text);
  }

  @Test
  @DisplayName("control characters (a binary file that happens to be UTF-8) name line and column")
  void controlCharacters(@TempDir Path dir) throws Exception {
    ConfigException e = parseError(base("batch_size: 10", "batch_size: 10\u0000"));
    assertThat(e.detail()).isEqualTo("contains the control character U+0000 at line 19, column 17;"
        + " a config is YAML text");
    Path bin = dir.resolve("zeros.yaml");
    Files.write(bin, new byte[64]);
    assertThat(loadError(bin).detail()).contains("U+0000 at line 1, column 1");
    assertThat(ConfigLoader.parse(base("batch_size: 10", "batch_size: 10\t# tab\r"), FILE)
        .trainingParams().batchSize()).as("tab and CR are allowed").isEqualTo(10);
  }

  @Test
  @DisplayName("a config larger than 1 MiB is refused before it is parsed, with both sizes")
  void sizeCap(@TempDir Path dir) throws Exception {
    assertThat(ConfigLoader.MAX_CONFIG_BYTES).isEqualTo(1 << 20);
    String padding = "#" + "x".repeat(99) + "\n";
    String big = BASE + padding.repeat(ConfigLoader.MAX_CONFIG_BYTES / padding.length() + 1);
    assertThat(parseError(big).detail()).isEqualTo("the config has " + big.length()
        + " bytes; at most 1048576 (1 MiB) are read (configs are a few KB)");
    String almost = BASE + padding.repeat((ConfigLoader.MAX_CONFIG_BYTES - BASE.length()) / padding.length());
    assertThat(ConfigLoader.parse(almost, FILE).networkLayout().nInputs()).isEqualTo(4);
    // multi-byte characters count as bytes, as in the file
    String wide = BASE + "# " + "\u00e9".repeat(ConfigLoader.MAX_CONFIG_BYTES / 2) + "\n";
    assertThat(wide.length()).isLessThan(ConfigLoader.MAX_CONFIG_BYTES);
    assertThat(parseError(wide).detail()).contains("at most 1048576 (1 MiB)");
    Path file = dir.resolve("huge.yaml");
    Files.writeString(file, BASE + padding.repeat(100_000)); // 10 MB
    assertThat(loadError(file).detail()).isEqualTo("the config has " + Files.size(file)
        + " bytes; at most 1048576 (1 MiB) are read (configs are a few KB)");
  }

  @Test
  @DisplayName("a second YAML document is refused with its line; a leading --- or a closing ... is fine")
  void secondDocument() {
    assertThat(parseError(BASE + "---\nfoo: 1\n").detail()).isEqualTo("a second YAML document"
        + " starts at line 26 ('---'); a config is one document: remove the second");
    assertThat(parseError(BASE + "---\n").detail()).startsWith("a second YAML document");
    assertThat(parseError(BASE + "---\n" + BASE).detail()).startsWith("a second YAML document");
    assertThat(ConfigLoader.parse("---\n" + BASE, FILE).networkLayout().nInputs()).isEqualTo(4);
    assertThat(ConfigLoader.parse(BASE + "...\n", FILE).networkLayout().nInputs()).isEqualTo(4);
  }

  @Test
  @DisplayName("aliases are refused at their key (Jackson would read *x as the string 'x')")
  void aliases() {
    ConfigException e = parseError(base("weight_stdevs: [0.8, 0.8]", "weight_stdevs: *means")
        .replace("weight_means: [1.5, 0.5]", "weight_means: &means [1.5, 0.5]"));
    assertThat(e.keyPath()).isEqualTo("network_layout.weight_stdevs");
    assertThat(e.detail()).isEqualTo("*means is a YAML alias; aliases are not supported in"
        + " configs: write the value out");
  }

  @Test
  @DisplayName("nesting deeper than the schema can use is refused at the key, however deep")
  void nesting() {
    ConfigException e = parseError(base("  optimizer: adam", "  optimizer: adam\n  deep: "
        + "[".repeat(100_000) + "]".repeat(100_000)));
    assertThat(e.keyPath()).isEqualTo("training_params.deep" + "[0]".repeat(ConfigLoader.MAX_NESTING_DEPTH - 2));
    assertThat(e.detail()).isEqualTo("nested deeper than " + ConfigLoader.MAX_NESTING_DEPTH
        + " levels; a config needs at most 5");
  }

  @Test
  @DisplayName("huge values are shortened in messages: one readable line")
  void longValuesAreShortened() {
    String times = "0.9, ".repeat(5_000) + "0.9";
    ConfigException e = parseError(base("bias_times: [0.9]", "bias_times: [" + times + "]"));
    assertThat(e.keyPath()).isEqualTo("network_layout.bias_times");
    assertThat(e.detail()).contains("layer 0 has n_biases[0] = 1 but 5001 bias time(s) [0.9, 0.9",
        "(5001 entries)");
    ConfigException s = parseError(base("batch_size: 10", "batch_size: " + "x".repeat(5_000)));
    assertThat(s.detail()).startsWith("expected an integer, got string 'xxxx").contains("(5000 characters)");
    ConfigException l = parseError(base("layer_sizes: [5, 3]", "layer_sizes: [" + "5, ".repeat(5_000) + "3]"));
    assertThat(l.detail()).contains("n_layers = 2 entries, got 5001 [5, 5, 5", "(5001 entries)");
  }
}
