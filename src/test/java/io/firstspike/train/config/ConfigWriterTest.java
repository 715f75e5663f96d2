package io.firstspike.train.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.testsupport.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** YAML -> record -> YAML -> record gives an equal record, and the YAML is the original's schema. */
class ConfigWriterTest {

  /** A config exercising every optional form: files data set, per-layer biases, MSE, ... */
  static final String EVERYTHING = """
      data_dir: data/my files
      dataset: {type: npy, train: tr.npy, validation: va.npy, test: te.npy}
      neuron_params: {g_leak: 0.5, leak: -0.25, threshold: 1.5, tau_syn: 1.0, tau_mem: 2.0}
      network_layout:
        n_inputs: 6
        n_layers: 3
        layer_sizes: [7, 5, 2]
        n_biases: [2, 0, 1]
        bias_times: [[0.1, 0.2], [], [1.0e-7]]
        weight_means: [1.0, 0.0, -0.5]
        weight_stdevs: [0.5, 0.25, 0.0]
        width_pixel: 9
      training_params:
        batch_size: 3
        epoch_number: 7
        learning_rate: 1e-3
        optimizer: sgd
        momentum: 0.9
        loss: {type: MSE, t_correct: 1.7, t_wrong: 1.0}
        xi: 0.3
        lr_scheduler: {type: MultiStepLR, milestones: [2, 5], gamma: 0.5}
        max_dw_norm: null
        max_num_missing_spikes: 0.25
        rounding_precision: 0.0625
        training_noise: {mean: 0.1, std_dev: 0.2}
        use_forward_integrator: true
        weight_bumping_exp: false
        weight_bumping_targeted: false
        weight_bumping_value: 12345678.5
      """;

  static Stream<String> yamlSources() throws Exception {
    Stream<String> shipped = ShippedConfigsTest.shipped().map(p -> read(p));
    String csvWithoutValidation = minimalTtfsSection()
        .replace("dataset: xor", "dataset: {type: csv, train: a.csv, test: '7.csv'}");
    String wholeTrainingFile = minimalTtfsSection()
        .replace("dataset: xor", "dataset: {name: fashion_mnist, validation: test}");
    return Stream.concat(Stream.of(EVERYTHING, minimalTtfsSection(), exponential(),
        csvWithoutValidation, wholeTrainingFile), shipped);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String minimalTtfsSection() {
    return """
        dataset: xor
        neuron_params: {g_leak: 1, leak: 0, threshold: 1, tau_syn: 1}
        network_layout: {n_inputs: 4, n_layers: 1, layer_sizes: [2], n_biases: [0],
                         weight_means: [1], weight_stdevs: [1]}
        training_params:
          batch_size: 4
          epoch_number: 1
          learning_rate: 0.1
          optimizer: adam
          max_num_missing_spikes: [1]
          loss: {type: TTFS, xi: 0.2, alpha: 0.0, beta: 2}
        """;
  }

  private static String exponential() {
    return minimalTtfsSection().replace("max_num_missing_spikes: [1]",
        "max_num_missing_spikes: [1]\n  lr_scheduler: {type: ExponentialLR, gamma: 0.99}\n  alpha: 0.0");
  }

  @ParameterizedTest
  @MethodSource("yamlSources")
  @DisplayName("YAML -> record -> YAML -> record is the identity on records, and YAML is stable")
  void roundTrip(String yaml) {
    AnyConfig first = ConfigLoader.parseAny(yaml, "in.yaml");
    String written = ConfigWriter.toYaml(first);
    AnyConfig second = ConfigLoader.parseAny(written, "in.yaml");
    assertThat(second).isEqualTo(first);
    assertThat(ConfigWriter.toYaml(second)).isEqualTo(written);
  }

  @Test
  @DisplayName("the original's config.yaml is written back key for key (values normalised)")
  void originalSchema() throws Exception {
    Path file = Shared.file("reference/fastanddeep/yinyang_et_300epochs/config.yaml");
    String written = ConfigWriter.toYaml(ConfigLoader.load(file));
    // The original writes 'momentum: 0' (an integer); we write the float 0.0. Otherwise equal.
    String original = Files.readString(file).replace("momentum: 0\n", "momentum: 0.0\n");
    assertThat(written).isEqualTo(original);
  }

  @Test
  @DisplayName("optional keys: absent stays absent, explicit null max_dw_norm stays null")
  void optionalKeys() {
    ExperimentConfig c = ConfigLoader.parse(EVERYTHING, "e.yaml");
    String y = ConfigWriter.toYaml(c);
    assertThat(y).contains("max_dw_norm: null").contains("tau_mem: 2.0").contains("width_pixel: 9")
        .contains("rounding_precision: 0.0625").contains("type: MSE").contains("xi: 0.3")
        .doesNotContain("alpha:").doesNotContain("beta:");
    assertThat(c.trainingParams().maxDwNorm()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(c.trainingParams().maxNumMissingSpikes()).containsExactly(0.25, 0.25, 0.25);
    assertThat(c.networkLayout().biasTimes())
        .containsExactly(List.of(0.1, 0.2), List.of(), List.of(1.0e-7));
    assertThat(c.dataDir()).isEqualTo(Path.of("data/my files"));
    assertThat(c.dataset().files().type()).isEqualTo(DatasetConfig.Format.NPY);
    assertThat(c.trainingParams().learningRate()).isEqualTo(0.001);

    String minimal = ConfigWriter.toYaml(ConfigLoader.parse(minimalTtfsSection(), "m.yaml"));
    assertThat(minimal).doesNotContain("lr_scheduler").doesNotContain("tau_mem")
        .doesNotContain("data_dir").doesNotContain("width_pixel").contains("max_dw_norm: 0.2")
        .contains("type: TTFS").contains("bias_times: []");
  }

  /** The float pattern of YAML 1.1 (PyYAML's resolver): a point is required, a signed exponent. */
  static final String YAML11_FLOAT = "[-+]?[0-9][0-9_]*\\.[0-9_]*([eE][-+][0-9]+)?";

  @Test
  @DisplayName("random doubles survive the writer bit for bit and stay floats for PyYAML")
  void doublesExact() {
    Random random = new Random(20210101L);
    for (int i = 0; i < 2000; i++) {
      double v = switch (i % 6) {
        case 0 -> random.nextDouble();
        case 1 -> random.nextGaussian() * 1e-9;
        case 2 -> random.nextGaussian() * 1e12;
        case 3 -> Math.pow(10, -random.nextInt(300));
        case 4 -> Math.pow(10, random.nextInt(300));
        default -> Math.round(random.nextGaussian() * 100) / 8.0;
      };
      String text = ConfigWriter.num(v).toString();
      assertThat(Double.parseDouble(text)).as(text).isEqualTo(v);
      assertThat(text).as("a float by YAML 1.1 (PyYAML) rules").matches(YAML11_FLOAT);
    }
  }

  @Test
  @DisplayName("paths that look like numbers, booleans or YAML syntax stay strings")
  void awkwardPaths() {
    ExperimentConfig c = ConfigLoader.parse(EVERYTHING, "e.yaml");
    for (String dir : List.of("123", "1.5", "1e3", "0x1F", "true", "null", "~", "a: b", "#c",
        "- x", "'q'", "No", "", " lead", "a #b", "\u00e9/\u00fc", ".5", "-.inf", "+1", "1_000",
        "2024-01-01", "12:30", "0o17", "./data", "-x")) {
      ExperimentConfig changed = c.withDataDir(Path.of(dir));
      assertThat(ConfigLoader.parse(ConfigWriter.toYaml(changed), "e.yaml")).as(dir).isEqualTo(changed);
    }
  }

  @Test
  @DisplayName("a config travels as a JSON tree too (for the dashboard)")
  void treeRoundTrip() throws Exception {
    ExperimentConfig c = ConfigLoader.parse(EVERYTHING, "e.yaml");
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    String text = json.writeValueAsString(ConfigWriter.toTree(c));
    assertThat(ConfigLoader.fromTree(json.readTree(text), "e.yaml")).isEqualTo(c);
  }

  @Test
  void writesFile(@TempDir Path dir) {
    ExperimentConfig c = ConfigLoader.parse(EVERYTHING, "e.yaml");
    Path out = dir.resolve("config.yaml");
    ConfigWriter.write(c, out);
    assertThat(ConfigLoader.load(out)).isEqualTo(c.withSource(out.toString()));
  }
}
