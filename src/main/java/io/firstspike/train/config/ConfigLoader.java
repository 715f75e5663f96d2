package io.firstspike.train.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.core.neuron.NeuronParams;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads experiment configs in the original's schema and validates them completely.
 *
 * <p>The original's {@code config.yaml} files load unchanged. Keys the original always writes may
 * be left out of hand-written files; they then take the defaults below (the values of the
 * original's shipped configs where it has one). Required are {@code dataset}, the neuron
 * parameters {@code g_leak, leak, threshold, tau_syn}, every {@code network_layout} key except
 * {@code width_pixel} (and {@code bias_times} when all {@code n_biases} are 0), and in
 * {@code training_params}: {@code batch_size, epoch_number, learning_rate, optimizer,
 * max_num_missing_spikes} and the loss ({@code loss}, or {@code xi, alpha, beta} for TTFS).
 *
 * <p>Every problem is a {@link ConfigException} naming the file, the key path, the bad value and
 * what would be valid. Unknown keys are errors (a typo must not silently become a default).
 * Before the keys are read, {@link YamlTree} refuses text no config can be: over
 * {@link #MAX_CONFIG_BYTES}, not UTF-8, control characters, a second document, aliases, nesting
 * beyond {@link #MAX_NESTING_DEPTH}, {@code .nan} and {@code .inf}. Range checks live in the
 * records and {@link Checks}; whether a valid config fits in this JVM's memory is decided per
 * machine by the training package, before a run starts.
 */
public final class ConfigLoader {
  // Defaults for keys a hand-written file may omit (batch_size_eval defaults to batch_size,
  // epoch_snapshots to none, lr_scheduler to a constant rate, training_noise to false, booleans
  // to false except the two weight-bumping switches, rounding_precision and width_pixel to off).
  public static final double DEFAULT_MAX_DW_NORM = 0.2;
  public static final double DEFAULT_MOMENTUM = 0.0;
  public static final long DEFAULT_NUMPY_SEED = 12345;
  public static final long DEFAULT_TORCH_SEED = 2000;
  public static final double DEFAULT_PRINT_STEP_PERCENT = 5.0;
  public static final double DEFAULT_RESOLUTION = 0.01;
  public static final double DEFAULT_SIM_TIME = 4.0;
  public static final boolean DEFAULT_WEIGHT_BUMPING_EXP = true;
  public static final boolean DEFAULT_WEIGHT_BUMPING_TARGETED = true;
  public static final double DEFAULT_WEIGHT_BUMPING_VALUE = 0.0005;

  /**
   * Largest config accepted, in bytes, checked before a file is read or text is parsed (the
   * shipped configs, every key commented, are about 4 KB).
   */
  public static final int MAX_CONFIG_BYTES = 1 << 20;

  /** Deepest nesting of lists and mappings accepted; the schema itself needs 4. */
  public static final int MAX_NESTING_DEPTH = 16;

  private ConfigLoader() {}

  /** Loads and validates {@code file}; the file's path becomes the config's {@code source}. */
  public static ExperimentConfig load(Path file) {
    return parse(readText(file), file.toString());
  }

  /**
   * The text of a config file, for callers that keep it (the CLI copies it into the run folder):
   * at most {@link #MAX_CONFIG_BYTES}, checked before reading, and UTF-8.
   *
   * @throws ConfigException naming the file: missing, too large, not UTF-8 (with the first bad
   *     byte and its offset), unreadable
   */
  public static String readText(Path file) {
    return YamlTree.readText(file);
  }

  /** Parses and validates YAML text; {@code sourceName} names it in messages and in the record. */
  public static ExperimentConfig parse(String yaml, String sourceName) {
    JsonNode root = YamlTree.read(yaml, sourceName);
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConfigException(sourceName, "", "the file is empty; expected the sections"
          + " dataset, neuron_params, network_layout and training_params");
    }
    return fromTree(root, sourceName);
  }

  /**
   * Validates a config given as a tree, e.g. a JSON body from the dashboard (same schema as the
   * YAML, see {@link ConfigWriter#toTree}).
   */
  public static ExperimentConfig fromTree(JsonNode root, String sourceName) {
    try {
      return read(root, sourceName);
    } catch (ConfigException e) {
      throw e.inFile(sourceName);
    }
  }

  private static ExperimentConfig read(JsonNode rootNode, String sourceName) {
    YamlSection root = YamlSection.of(rootNode, "");
    DatasetConfig dataset = readDataset(root);
    NeuronParams neuron = readNeuron(root.section("neuron_params"));
    NetworkLayout layout = readLayout(root.section("network_layout"));
    TrainingParams training = readTraining(root.section("training_params"), layout.nLayers());
    root.finish();
    return new ExperimentConfig(dataset, neuron, layout, training, sourceName);
  }

  private static DatasetConfig readDataset(YamlSection root) {
    JsonNode d = root.require("dataset");
    JsonNode dirNode = root.raw("data_dir");
    Path dir = null;
    if (dirNode != null && !dirNode.isNull()) {
      if (!dirNode.isTextual()) {
        throw YamlSection.wrongType("data_dir", "a folder path (string)", dirNode);
      }
      dir = path("data_dir", dirNode.textValue());
    }
    if (d.isTextual()) {
      return new DatasetConfig(d.textValue(), null, dir);
    }
    if (!d.isObject()) {
      throw YamlSection.wrongType("dataset", "a data set name (one of " + DatasetConfig.KNOWN_NAMES
          + ") or a map {type: csv|npy, train, validation, test}", d);
    }
    YamlSection s = YamlSection.of(d, "dataset");
    String type = s.requireText("type");
    DatasetConfig.Format format = null;
    List<String> names = new ArrayList<>();
    for (DatasetConfig.Format f : DatasetConfig.Format.values()) {
      names.add(f.yamlName());
      if (f.yamlName().equals(type)) {
        format = f;
      }
    }
    if (format == null) {
      throw ConfigException.at("dataset.type", "unknown file type '" + Checks.shown(type)
          + "'" + Suggest.didYouMean(type, names) + "; valid are " + String.join(", ", names));
    }
    var files = new DatasetConfig.UserFiles(format, path("dataset.train", s.requireText("train")),
        s.has("validation") ? path("dataset.validation", s.requireText("validation")) : null,
        path("dataset.test", s.requireText("test")));
    s.finish();
    return new DatasetConfig(null, files, dir);
  }

  private static Path path(String keyPath, String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      throw ConfigException.at(keyPath, "'" + Checks.shown(text) + "' is not a valid path on this"
          + " system: " + e.getReason());
    }
  }

  private static NeuronParams readNeuron(YamlSection s) {
    double gLeak = Checks.positive(s.keyPath("g_leak"), s.requireDouble("g_leak"));
    double leak = Checks.finite(s.keyPath("leak"), s.requireDouble("leak"));
    double threshold = Checks.finite(s.keyPath("threshold"), s.requireDouble("threshold"));
    double tauSyn = Checks.positive(s.keyPath("tau_syn"), s.requireDouble("tau_syn"));
    Double tauMem = s.nullableDouble("tau_mem");
    if (tauMem != null) {
      Checks.positive(s.keyPath("tau_mem"), tauMem);
    }
    s.finish();
    return new NeuronParams(gLeak, leak, threshold, tauSyn, tauMem == null ? tauSyn : tauMem);
  }

  private static NetworkLayout readLayout(YamlSection s) {
    int nInputs = s.requireInt("n_inputs");
    int nLayers = Checks.positive(s.keyPath("n_layers"), s.requireInt("n_layers"));
    List<Integer> sizes = s.requireIntList("layer_sizes");
    List<Integer> nBiases = s.requireIntList("n_biases");
    Checks.perLayer(s.keyPath("n_biases"), nBiases, nLayers);
    List<List<Double>> biasTimes = readBiasTimes(s, nLayers, nBiases);
    List<Double> means = s.requireDoubleList("weight_means");
    List<Double> stdevs = s.requireDoubleList("weight_stdevs");
    Integer width = s.nullableInt("width_pixel");
    s.finish();
    return new NetworkLayout(nInputs, nLayers, sizes, nBiases, biasTimes, means, stdevs, width);
  }

  /** [] -> no biases; [t1, t2] -> the same times for every layer; [[..], [..]] -> per layer. */
  private static List<List<Double>> readBiasTimes(YamlSection s, int nLayers, List<Integer> nBiases) {
    String p = s.keyPath("bias_times");
    JsonNode v = s.raw("bias_times");
    if (v == null || v.isNull()) {
      if (nBiases.stream().allMatch(n -> n == 0)) {
        return Collections.nCopies(nLayers, List.of());
      }
      throw ConfigException.at(p, "is required because n_biases = " + nBiases
          + "; give one list of times for all layers or one list per layer");
    }
    YamlSection.requireList(p, v);
    if (v.size() == 0) {
      return Collections.nCopies(nLayers, List.of());
    }
    boolean nested = v.get(0).isArray();
    if (!nested) {
      return Collections.nCopies(nLayers, YamlSection.doubleList(p, v));
    }
    List<List<Double>> perLayer = new ArrayList<>();
    for (int l = 0; l < v.size(); l++) {
      if (!v.get(l).isArray()) {
        throw YamlSection.wrongType(p + "[" + l + "]",
            "a list of times (the other entries are lists: one list per layer)", v.get(l));
      }
      perLayer.add(YamlSection.doubleList(p + "[" + l + "]", v.get(l)));
    }
    return perLayer;
  }

  private static TrainingParams readTraining(YamlSection s, int nLayers) {
    int batchSize = s.requireInt("batch_size");
    int batchSizeEval = s.optInt("batch_size_eval", batchSize);
    Double alpha = s.nullableDouble("alpha");
    Double beta = s.nullableDouble("beta");
    Double xi = s.nullableDouble("xi");
    LossConfig loss = readLoss(s, xi, alpha, beta);
    List<Integer> snapshots = s.intList("epoch_snapshots");
    TrainingParams t = new TrainingParams(
        alpha,
        batchSize,
        batchSizeEval,
        beta,
        s.optBool("enforce_cpu", false),
        s.requireInt("epoch_number"),
        snapshots == null ? List.of() : snapshots,
        s.requireDouble("learning_rate"),
        loss,
        readScheduler(s),
        s.has("max_dw_norm") ? s.nullableDouble("max_dw_norm") : Double.valueOf(DEFAULT_MAX_DW_NORM),
        readMissingSpikes(s, nLayers),
        s.optDouble("momentum", DEFAULT_MOMENTUM),
        s.optLong("numpy_seed", DEFAULT_NUMPY_SEED),
        readOptimizer(s),
        s.optDouble("print_step_percent", DEFAULT_PRINT_STEP_PERCENT),
        s.optDouble("resolution", DEFAULT_RESOLUTION),
        s.nullableDouble("rounding_precision"),
        s.optDouble("sim_time", DEFAULT_SIM_TIME),
        s.optLong("torch_seed", DEFAULT_TORCH_SEED),
        readNoise(s),
        s.optBool("use_forward_integrator", false),
        s.optBool("weight_bumping_exp", DEFAULT_WEIGHT_BUMPING_EXP),
        s.optBool("weight_bumping_targeted", DEFAULT_WEIGHT_BUMPING_TARGETED),
        s.optDouble("weight_bumping_value", DEFAULT_WEIGHT_BUMPING_VALUE),
        xi);
    if (s.optBool("use_hicannx", false)) {
      throw ConfigException.at(s.keyPath("use_hicannx"), "is true, but the BrainScaleS-2 chip"
          + " (HICANN-X) cannot be used from FirstSpike: set use_hicannx: false (or remove it)"
          + " to train the simulated network");
    }
    s.finish();
    return t;
  }

  private static LossConfig readLoss(YamlSection s, Double xi, Double alpha, Double beta) {
    JsonNode node = s.raw("loss");
    if (node == null || node.isNull()) {
      for (String key : new String[] {"xi", "alpha", "beta"}) {
        if (s.raw(key) == null || s.raw(key).isNull()) {
          throw ConfigException.at(s.keyPath(key), "is required but missing: without a"
              + " training_params.loss section the TTFS loss is used and needs xi, alpha and"
              + " beta; or give loss: {type: TTFS, xi, alpha, beta} or {type: MSE, t_correct,"
              + " t_wrong}");
        }
      }
      // Validate under the keys the user wrote, before Ttfs reports them as loss.*.
      Checks.positive(s.keyPath("xi"), xi);
      Checks.nonNegative(s.keyPath("alpha"), alpha);
      Checks.positive(s.keyPath("beta"), beta);
      return new LossConfig.Ttfs(xi, alpha, beta);
    }
    YamlSection l = YamlSection.of(node, s.keyPath("loss"));
    String type = l.requireText("type");
    LossConfig loss;
    if (type.equals(LossConfig.Ttfs.TYPE)) {
      loss = new LossConfig.Ttfs(l.requireDouble("xi"), l.requireDouble("alpha"), l.requireDouble("beta"));
    } else if (type.equals(LossConfig.Mse.TYPE)) {
      loss = new LossConfig.Mse(l.requireDouble("t_correct"), l.requireDouble("t_wrong"));
    } else {
      List<String> types = List.of(LossConfig.Ttfs.TYPE, LossConfig.Mse.TYPE);
      throw ConfigException.at(l.keyPath("type"), "unknown loss '" + Checks.shown(type)
          + "'" + Suggest.didYouMean(type, types) + "; valid are TTFS (keys xi, alpha, beta) and MSE"
          + " (keys t_correct, t_wrong)");
    }
    l.finish();
    return loss;
  }

  private static LrScheduler readScheduler(YamlSection s) {
    JsonNode node = s.raw("lr_scheduler");
    if (node == null || node.isNull()) {
      return null;
    }
    YamlSection l = YamlSection.of(node, s.keyPath("lr_scheduler"));
    String type = l.requireText("type");
    LrScheduler.Type found = null;
    List<String> names = new ArrayList<>();
    for (LrScheduler.Type t : LrScheduler.Type.values()) {
      names.add(t.yamlName());
      if (t.yamlName().equals(type)) {
        found = t;
      }
    }
    if (found == null) {
      throw ConfigException.at(l.keyPath("type"), "unknown scheduler '"
          + Checks.shown(type) + "'" + Suggest.didYouMean(type, names) + "; valid are " + String.join(", ", names));
    }
    LrScheduler result = new LrScheduler(found, l.nullableInt("step_size"), l.intList("milestones"),
        l.requireDouble("gamma"));
    l.finish();
    return result;
  }

  private static List<Double> readMissingSpikes(YamlSection s, int nLayers) {
    JsonNode v = s.require("max_num_missing_spikes");
    String p = s.keyPath("max_num_missing_spikes");
    if (v.isArray()) {
      return YamlSection.doubleList(p, v);
    }
    if (v.isNumber()) {
      return Collections.nCopies(nLayers, YamlSection.toDouble(p, v));
    }
    throw YamlSection.wrongType(p, "a fraction in [0, 1] or one fraction per layer", v);
  }

  private static Optimizer readOptimizer(YamlSection s) {
    String name = s.requireText("optimizer");
    List<String> names = new ArrayList<>();
    for (Optimizer o : Optimizer.values()) {
      names.add(o.yamlName());
      if (o.yamlName().equals(name)) {
        return o;
      }
    }
    throw ConfigException.at(s.keyPath("optimizer"), "unknown optimizer '"
        + Checks.shown(name) + "'" + Suggest.didYouMean(name, names) + "; valid are "
        + String.join(", ", names));
  }

  /** {@code false} (or absent) -> no noise; {@code {mean, std_dev}} -> noise. */
  private static TrainingNoise readNoise(YamlSection s) {
    JsonNode v = s.raw("training_noise");
    if (v == null || v.isNull() || (v.isBoolean() && !v.booleanValue())) {
      return null;
    }
    if (!v.isObject()) {
      throw YamlSection.wrongType(s.keyPath("training_noise"), "false or {mean, std_dev}", v);
    }
    YamlSection n = YamlSection.of(v, s.keyPath("training_noise"));
    TrainingNoise noise = new TrainingNoise(n.requireDouble("mean"), n.requireDouble("std_dev"));
    n.finish();
    return noise;
  }
}
