package io.firstspike.train.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per validation rule: the message must name the file, the key path, the bad value and
 * what would be valid.
 */
class ConfigErrorsTest {
  static final String FILE = "bad.yaml";

  /** A valid 4-5-3 config; each test breaks one thing with a textual replacement. */
  static final String BASE = """
      dataset: yin_yang
      neuron_params:
        g_leak: 1.0
        leak: 0.0
        tau_syn: 1.0
        threshold: 1.0
      network_layout:
        n_inputs: 4
        n_layers: 2
        layer_sizes: [5, 3]
        n_biases: [1, 1]
        bias_times: [0.9]
        weight_means: [1.5, 0.5]
        weight_stdevs: [0.8, 0.8]
      training_params:
        alpha: 0.005
        beta: 1.0
        xi: 0.2
        batch_size: 10
        epoch_number: 3
        learning_rate: 0.005
        lr_scheduler: {type: StepLR, step_size: 20, gamma: 0.95}
        max_num_missing_spikes: [0.3, 0.0]
        optimizer: adam
        use_hicannx: false
      """;

  private static String base(String target, String replacement) {
    assertThat(BASE).contains(target);
    return BASE.replace(target, replacement);
  }

  private static ConfigException error(String yaml, String keyPath, String... mentions) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, FILE));
    assertThat(e).as("expected a ConfigException at %s", keyPath).isNotNull();
    assertThat(e.file()).isEqualTo(FILE);
    assertThat(e.keyPath()).isEqualTo(keyPath);
    assertThat(e.getMessage()).startsWith(keyPath.isEmpty() ? FILE + ": " : FILE + ": " + keyPath + ": ");
    assertThat(e.getMessage()).contains(mentions);
    return e;
  }

  @Test
  void baseIsValid() {
    assertThat(ConfigLoader.parse(BASE, FILE).networkLayout().layerSizes()).containsExactly(5, 3);
  }

  @Test
  @DisplayName("an unknown key is rejected with the closest known key and the list of keys")
  void unknownKey() {
    error(base("learning_rate:", "learning_rat:"), "training_params.learning_rate",
        "is required but missing", "(found 'learning_rat': misspelt?)");
    error(base("  epoch_number: 3", "  epoch_number: 3\n  learning_rat: 1"),
        "training_params.learning_rat", "unknown key 'learning_rat'",
        "did you mean 'learning_rate'?", "known keys in training_params are", "batch_size");
    error(base("dataset: yin_yang", "dataset: yin_yang\nneuron_param: {}"), "neuron_param",
        "did you mean 'neuron_params'?");
    error(base("  leak: 0.0", "  leak: 0.0\n  tau_men: 2.0"), "neuron_params.tau_men",
        "did you mean 'tau_mem'?");
  }

  @Test
  @DisplayName("a wrong type names what was given and what is expected")
  void wrongType() {
    error(base("batch_size: 10", "batch_size: ten"), "training_params.batch_size",
        "expected an integer", "string 'ten'");
    error(base("batch_size: 10", "batch_size: 10.5"), "training_params.batch_size",
        "expected an integer", "number 10.5");
    error(base("learning_rate: 0.005", "learning_rate: fast"), "training_params.learning_rate",
        "expected a number", "string 'fast'");
    error(base("layer_sizes: [5, 3]", "layer_sizes: 5"), "network_layout.layer_sizes",
        "expected a list", "integer 5");
    error(base("layer_sizes: [5, 3]", "layer_sizes: [5, x]"), "network_layout.layer_sizes[1]",
        "expected an integer", "string 'x'");
    error(base("use_hicannx: false", "use_hicannx: maybe"), "training_params.use_hicannx",
        "expected true or false");
    error(base("neuron_params:\n  g_leak: 1.0\n  leak: 0.0\n  tau_syn: 1.0\n  threshold: 1.0",
        "neuron_params: 3"), "neuron_params", "expected a mapping");
    error(base("dataset: yin_yang", "dataset: 7"), "dataset", "integer 7", "yin_yang");
    error(base("max_num_missing_spikes: [0.3, 0.0]", "max_num_missing_spikes: lots"),
        "training_params.max_num_missing_spikes", "a fraction in [0, 1] or one fraction per layer");
    error(base("  optimizer: adam", "  optimizer: adam\n  training_noise: true"),
        "training_params.training_noise", "false or {mean, std_dev}", "boolean true");
  }

  @Test
  void missingRequiredKey() {
    error(base("  n_inputs: 4\n", ""), "network_layout.n_inputs", "is required but missing",
        "in network_layout");
    error(base("  threshold: 1.0\n", ""), "neuron_params.threshold", "is required but missing");
    error(base("dataset: yin_yang\n", ""), "dataset", "is required but missing");
    error(base("  xi: 0.2\n", ""), "training_params.xi", "is required but missing",
        "{type: MSE, t_correct, t_wrong}");
    error(base("{type: StepLR, step_size: 20, gamma: 0.95}", "{type: StepLR, gamma: 0.95}"),
        "training_params.lr_scheduler.step_size", "is required");
  }

  @Test
  @DisplayName("sizes must be positive (biases non-negative)")
  void nonPositiveSizes() {
    error(base("n_inputs: 4", "n_inputs: 0"), "network_layout.n_inputs", ">= 1", "got 0");
    error(base("layer_sizes: [5, 3]", "layer_sizes: [5, -3]"), "network_layout.layer_sizes[1]",
        ">= 1", "got -3");
    error(base("n_biases: [1, 1]", "n_biases: [1, -1]"), "network_layout.n_biases[1]",
        ">= 0", "got -1");
    error(base("batch_size: 10", "batch_size: 0"), "training_params.batch_size", "got 0");
    error(base("epoch_number: 3", "epoch_number: -1"), "training_params.epoch_number", "got -1");
    error(base("n_layers: 2", "n_layers: 0"), "network_layout.n_layers", "got 0");
    error(base("learning_rate: 0.005", "learning_rate: 0"), "training_params.learning_rate",
        "> 0", "got 0.0");
    error(base("weight_stdevs: [0.8, 0.8]", "weight_stdevs: [0.8, -0.8]"),
        "network_layout.weight_stdevs[1]", ">= 0", "got -0.8");
    error(base("gamma: 0.95", "gamma: 0"), "training_params.lr_scheduler.gamma", "> 0");
  }

  @Test
  @DisplayName("every per-layer list must have n_layers entries")
  void listLengthsDisagreeWithNLayers() {
    error(base("layer_sizes: [5, 3]", "layer_sizes: [5, 4, 3]"), "network_layout.layer_sizes",
        "n_layers = 2", "got 3 [5, 4, 3]");
    error(base("n_biases: [1, 1]", "n_biases: [1]"), "network_layout.n_biases",
        "n_layers = 2", "got 1");
    error(base("weight_means: [1.5, 0.5]", "weight_means: [1.5]"), "network_layout.weight_means",
        "n_layers = 2", "got 1");
    error(base("weight_stdevs: [0.8, 0.8]", "weight_stdevs: [0.8, 0.8, 0.8]"),
        "network_layout.weight_stdevs", "n_layers = 2", "got 3");
    error(base("max_num_missing_spikes: [0.3, 0.0]", "max_num_missing_spikes: [0.3]"),
        "training_params.max_num_missing_spikes", "n_layers = 2", "got 1 [0.3]");
    error(base("bias_times: [0.9]", "bias_times: [[0.9], [0.9], [0.9]]"),
        "network_layout.bias_times", "n_layers = 2", "got 3");
  }

  @Test
  @DisplayName("bias_times must give exactly n_biases times for every layer")
  void biasTimesCount() {
    error(base("bias_times: [0.9]", "bias_times: [0.9, 1.2]"), "network_layout.bias_times",
        "layer 0 has n_biases[0] = 1 but 2 bias time(s) [0.9, 1.2]", "one list per layer");
    error(base("bias_times: [0.9]", "bias_times: []"), "network_layout.bias_times",
        "n_biases[0] = 1 but 0 bias time(s)");
    error(base("bias_times: [0.9]", "bias_times: [[0.9], [0.1, 0.2]]"),
        "network_layout.bias_times", "layer 1 has n_biases[1] = 1 but 2");
    error(base("  bias_times: [0.9]\n", ""), "network_layout.bias_times",
        "is required because n_biases = [1, 1]");
    error(base("bias_times: [0.9]", "bias_times: [[0.9], 0.9]"), "network_layout.bias_times[1]",
        "a list of times");
    error(base("bias_times: [0.9]", "bias_times: [-0.9]"), "network_layout.bias_times[0][0]",
        ">= 0", "-0.9");
  }

  @Test
  @DisplayName("use_hicannx: true is rejected: the chip cannot exist here")
  void hicannx() {
    error(base("use_hicannx: false", "use_hicannx: true"), "training_params.use_hicannx",
        "BrainScaleS-2", "set use_hicannx: false");
  }

  @Test
  @DisplayName("unsupported tau ratios use NeuronParams.variant()'s message")
  void tauRatio() {
    error(base("  leak: 0.0", "  leak: 0.0\n  tau_mem: 3.0"), "neuron_params.tau_mem",
        "unsupported ratio tau_mem / tau_syn = 3.0",
        "valid are tau_mem = tau_syn (et) or tau_mem = 2 * tau_syn (dt)");
    error(base("  leak: 0.0", "  leak: 0.0\n  tau_mem: 2.0"), "neuron_params.g_leak",
        "requires g_leak = tau_syn / tau_mem = 0.5", "got g_leak = 1.0");
    error(base("g_leak: 1.0", "g_leak: -1.0"), "neuron_params.g_leak", "> 0", "-1.0");
  }

  @Test
  @DisplayName("YAML syntax errors and duplicate keys report the line")
  void yamlSyntax() {
    error(base("layer_sizes: [5, 3]", "layer_sizes: [5, 3"), "", "line ", "not valid YAML");
    ConfigException e = error(base("  optimizer: adam", "  optimizer: adam\n   bad indent: 1"),
        "", "not valid YAML");
    assertThat(e.getMessage()).containsPattern("line (2[5-9]|3\\d)");
    ConfigException dup = error(base("n_inputs: 4", "n_inputs: 4\n  n_inputs: 5"), "",
        "Duplicate field 'n_inputs'");
    assertThat(dup.getMessage()).contains("line 9");
    error("", "", "the file is empty");
    error("- 1\n- 2\n", "", "expected a mapping");
  }

  @Test
  @DisplayName("names: data set, optimizer, loss and scheduler types suggest the valid ones")
  void unknownNames() {
    error(base("dataset: yin_yang", "dataset: yinyang"), "dataset", "unknown data set 'yinyang'",
        "did you mean 'yin_yang'?", "16x16_mnist");
    error(base("optimizer: adam", "optimizer: adma"), "training_params.optimizer",
        "unknown optimizer 'adma'", "did you mean 'adam'?", "valid are adam, sgd");
    error(base("type: StepLR", "type: StepLr"), "training_params.lr_scheduler.type",
        "did you mean 'StepLR'?", "StepLR, MultiStepLR, ExponentialLR");
    error(base("  optimizer: adam", "  optimizer: adam\n  loss: {type: MSA, t_correct: 1.7, t_wrong: 1}"),
        "training_params.loss.type", "unknown loss 'MSA'", "did you mean 'MSE'?", "TTFS");
    error(base("dataset: yin_yang", "dataset: {type: hdf5, train: a, validation: b, test: c}"),
        "dataset.type", "unknown file type 'hdf5'", "valid are csv, npy");
    error(base("dataset: yin_yang", "dataset: {name: mnist, validation: tset}"),
        "dataset.validation", "did you mean 'test'?", "carve, test");
    error(base("dataset: yin_yang", "dataset: {name: mnist, validaton: test}"),
        "dataset.validaton", "did you mean 'validation'?");
    error(base("dataset: yin_yang", "dataset: {name: yin_yang, validation: test}"),
        "dataset.validation", "for the data sets read from IDX files only", "not 'yin_yang'");
    error(base("dataset: yin_yang", "dataset: {name: minst}"), "dataset",
        "unknown data set 'minst'", "did you mean 'mnist'?");
    error(base("dataset: yin_yang", "dataset: yin_yang\ndata_dir: \"a\\0b\""), "data_dir",
        "is not a valid path");
    error(base("{type: StepLR, step_size: 20, gamma: 0.95}",
        "{type: ExponentialLR, step_size: 20, gamma: 0.95}"),
        "training_params.lr_scheduler.step_size", "only used by StepLR");
  }

  @Test
  @DisplayName("loss: MSE needs its targets; TTFS values given twice must agree")
  void lossRules() {
    error(base("  optimizer: adam", "  optimizer: adam\n  loss: {type: MSE, t_correct: 1.7}"),
        "training_params.loss.t_wrong", "is required but missing");
    error(base("  optimizer: adam", "  optimizer: adam\n  loss: {type: TTFS, xi: 0.3, alpha: 0.005, beta: 1}"),
        "training_params.xi", "is 0.2 but training_params.loss.xi is 0.3");
    error(base("xi: 0.2", "xi: 0"), "training_params.xi", "> 0");
    error(base("  optimizer: adam", "  optimizer: adam\n  numpy_seed: 4294967296"),
        "training_params.numpy_seed", "[0, 4294967295]", "got 4294967296");
    error(base("max_num_missing_spikes: [0.3, 0.0]", "max_num_missing_spikes: [1.3, 0.0]"),
        "training_params.max_num_missing_spikes[0]", "[0.0, 1.0]", "1.3");
  }

  @Test
  @DisplayName("integers beyond Java's int (or long, for seeds) name the allowed range")
  void integerRange() {
    error(base("batch_size: 10", "batch_size: 2147483648"), "training_params.batch_size",
        "2147483648 is out of range: expected an integer from -2147483648 to 2147483647");
    error(base("layer_sizes: [5, 3]", "layer_sizes: [5, -99999999999999999999]"),
        "network_layout.layer_sizes[1]", "-99999999999999999999 is out of range",
        "from -2147483648 to 2147483647");
    error(base("  optimizer: adam", "  optimizer: adam\n  epoch_snapshots: [1, 4294967296]"),
        "training_params.epoch_snapshots[1]", "4294967296 is out of range");
    error(base("  optimizer: adam", "  optimizer: adam\n  torch_seed: 99999999999999999999"),
        "training_params.torch_seed", "99999999999999999999 is out of range: expected an integer"
            + " seed from -9223372036854775808 to 9223372036854775807");
  }

  @Test
  @DisplayName("the Euler integrator's step count ceil(sim_time / resolution) is bounded")
  void integratorSteps() {
    String euler = base("  optimizer: adam", "  optimizer: adam\n  use_forward_integrator: true");
    assertThat(ConfigLoader.parse(euler, FILE).trainingParams().useForwardIntegrator()).isTrue();
    String maxSteps = String.valueOf(TrainingParams.MAX_INTEGRATOR_STEPS);
    error(euler.replace("  optimizer: adam", "  optimizer: adam\n  resolution: 1e-9"),
        "training_params.resolution", "sim_time 4.0 / resolution 1.0E-9 gives 4000000000 Euler"
            + " steps per sample; at most " + maxSteps + " are allowed", "resolution >= 4.0E-6");
    error(euler.replace("  optimizer: adam", "  optimizer: adam\n  sim_time: 1e12"),
        "training_params.sim_time", "sim_time 1.0E12 / resolution 0.01 gives 100000000000000"
            + " Euler steps", "sim_time <= 10000.0");
    String closedForm = base("  optimizer: adam", "  optimizer: adam\n  resolution: 1e-9");
    assertThat(ConfigLoader.parse(closedForm, FILE).trainingParams().resolution())
        .as("without the integrator resolution is unused").isEqualTo(1e-9);
    error(euler.replace("  optimizer: adam", "  optimizer: adam\n  resolution: 0"),
        "training_params.resolution", "must be a finite number > 0");
  }

  @Test
  @DisplayName("sizes whose arrays cannot exist (int overflow) are refused before anything is allocated")
  void arraySizes() {
    error(base("layer_sizes: [5, 3]", "layer_sizes: [50000, 50000]"),
        "network_layout.layer_sizes[1]", "layer 1 would have 50001 x 50000 = 2500050000 weights;"
            + " at most 2147483639 fit in one array");
    error(base("layer_sizes: [5, 3]", "layer_sizes: [3000000, 3]").replace("batch_size: 10",
        "batch_size: 1000"), "training_params.batch_size", "batch_size 1000 x 3000001 inputs of"
            + " layer 1 = 3000001000 values per batch buffer; at most 2147483639 fit in one array");
    error(base("layer_sizes: [5, 3]", "layer_sizes: [5000, 3]").replace("  optimizer: adam",
        "  optimizer: adam\n  use_forward_integrator: true\n  sim_time: 4000\n  resolution: 0.005"),
        "training_params.resolution", "800000 Euler steps x 5000 neurons of layer 0 = 4000000000"
            + " values in one array; at most 2147483639 fit");
  }

  @Test
  void missingFile(@TempDir Path dir) {
    Path nowhere = dir.resolve("nope.yaml");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(nowhere));
    assertThat(e.file()).isEqualTo(nowhere.toString());
    assertThat(e.getMessage()).contains("no such config file").contains(nowhere.toString());
  }
}
