package io.firstspike.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.core.layer.DelayType;
import io.firstspike.core.layer.EpsRule;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.core.layer.LayerTraining;
import io.firstspike.core.layer.NeuronSettings;
import io.firstspike.core.layer.Parameter;
import io.firstspike.core.layer.Positivity;
import io.firstspike.core.layer.ReferenceNeuronPass;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.core.optim.WeightClipping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * FirstSpike's own file for a layer network (DelGrad, DELGRAD-MODEL.md section 1): a folder with a
 * human-readable {@code network.json} (the layer list in the keys of the original's config, every
 * neuron parameter resolved) and one float64 {@code .npy} per parameter tensor, named after the
 * tensor ({@code layers.1.weights.npy}, as in the original's state dict), so that a network can
 * be read in a text editor and loaded in NumPy without FirstSpike. It is the layer-list sibling of
 * {@link NetworkFile} (same folder layout, same rules); docs/FORMATS.md describes it for users.
 *
 * <pre>
 * {
 *   "format" : "firstspike-layer-network", "version" : 1,
 *   "n_inputs" : 4, "rounding_precision" : 0.0,
 *   "layers" : [
 *     { "name" : "DelaySynaptic", "positivity" : { "name" : "sigmoid", "shift" : 0.0, "scale" : 1.0 },
 *       "presyn_sharing_factor" : 1, "postsyn_sharing_factor" : 1, "jitter" : 0.0, "trainable" : true,
 *       "delay_mean" : 0.0, "delay_std" : 0.25, "monitor" : true, "learning_rate" : 0.003,
 *       "delay_parameters" : { "file" : "layers.0._delay_parameters.npy", "shape" : [ 4, 30 ] } },
 *     { "name" : "NeuronLayer", "size" : 30, "trainable" : true, "weights_mean" : 1.0, ...,
 *       "neuron_params" : { "g_leak" : 0.5, ..., "model_tau_ratio" : 2 }, "eps" : "delgrad",
 *       "weights" : { "file" : "layers.1.weights.npy", "shape" : [ 4, 30 ] },
 *       "threshold_noise_fp" : { "file" : "layers.1.threshold_noise_fp.npy", "shape" : [ 30 ] } }, ... ],
 *   "provenance" : { ... }     (optional, free-form)
 * }
 * </pre>
 *
 * Doubles are written in a form that parses back to the same double and tensors as raw float64,
 * so a write/read round trip is bit-exact. Readers refuse versions newer than {@link #VERSION},
 * unknown keys and parameter files whose shape disagrees with the layer list.
 */
public final class LayerNetworkFile {
  private LayerNetworkFile() {}

  /** The value of the {@code format} key. */
  public static final String FORMAT = "firstspike-layer-network";
  /** The format version this code writes and the newest it reads. */
  public static final int VERSION = 1;
  /** The description file inside the folder (the same name as {@link NetworkFile}'s). */
  public static final String JSON_NAME = NetworkFile.JSON_NAME;

  private static final Set<String> KEYS = Set.of("format", "version", "n_inputs",
      "rounding_precision", "layers", "provenance");
  private static final Set<String> TRAINING_KEYS = Set.of("learning_rate", "monitor");
  private static final Set<String> DELAY_KEYS = union(TRAINING_KEYS, "name", "positivity",
      "presyn_sharing_factor", "postsyn_sharing_factor", "jitter", "trainable", "delay_mean",
      "delay_std", "delay_parameters");
  private static final Set<String> NEURON_KEYS = union(TRAINING_KEYS, "name", "size", "trainable",
      "weights_mean", "weights_std", "max_num_missing_spikes", "neuron_params", "eps", "weights",
      "threshold_noise_fp");
  private static final Set<String> NEURON_PARAM_KEYS = Set.of("g_leak", "leak", "threshold",
      "tau_syn", "tau_mem", "model_tau_ratio", "max_dw_norm", "threshold_noise_s2s_std",
      "threshold_noise_b2b_std", "threshold_noise_fp_mean", "threshold_noise_fp_std", "jitter",
      "clip_weights_max");
  /** The parameter files this format writes (and removes when a rewrite no longer has them). */
  private static final Pattern PARAMETER_FILE =
      Pattern.compile("layers\\.\\d+\\.(weights|_delay_parameters|threshold_noise_fp)\\.npy");
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT).build();

  /**
   * A network read back.
   *
   * @param training per layer entry, in layer order
   * @param provenance the free-form facts stored beside it (empty if none)
   */
  public record Stored(LayerNetwork network, List<LayerTraining> training,
      Map<String, Object> provenance) {}

  /** The name of a parameter's file: the parameter's name plus {@code .npy}. */
  public static String fileName(String parameterName) {
    return parameterName + ".npy";
  }

  /**
   * Writes {@code network} into folder {@code dir} (created if needed; a path ending in
   * {@code network.json} means its folder). The parameter files are written first and
   * {@code network.json} last, each atomically; parameter files the network no longer has are
   * removed.
   *
   * @param training per layer entry (one per layer), see {@link LayerTraining}
   * @param provenance free-form facts about where the network came from; must be serializable by
   *     Jackson
   */
  public static void write(LayerNetwork network, List<LayerTraining> training, Path dir,
      Map<String, ?> provenance) throws IOException {
    List<LayerSpec> specs = network.specs();
    if (training.size() != specs.size()) {
      throw new IllegalArgumentException("training options: " + training.size() + " for "
          + specs.size() + " layers");
    }
    Path folder = folderOf(dir);
    Files.createDirectories(folder);
    Set<String> written = new HashSet<>();
    for (Parameter p : network.parameters()) {
      Npy.write(folder.resolve(fileName(p.name())), p.values(), p.shape());
      written.add(fileName(p.name()));
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT).put("version", VERSION);
    root.put("n_inputs", network.nInputs());
    root.put("rounding_precision", network.roundingPrecision());
    ArrayNode layers = root.putArray("layers");
    for (int l = 0; l < specs.size(); l++) {
      writeLayer(layers.addObject(), l, specs.get(l), training.get(l), network);
    }
    if (!provenance.isEmpty()) {
      root.set("provenance", JSON.valueToTree(provenance));
    }
    byte[] json = (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(folder.resolve(JSON_NAME), json);
    removeStale(folder, written);
  }

  private static void writeLayer(ObjectNode o, int l, LayerSpec spec, LayerTraining training,
      LayerNetwork network) {
    if (spec instanceof LayerSpec.Broadcast) {
      o.put("name", "BroadcastLayer");
    } else if (spec instanceof LayerSpec.Biases b) {
      ArrayNode times = o.put("name", "Biases").putArray("times");
      Arrays.stream(b.times()).forEach(times::add);
    } else if (spec instanceof LayerSpec.Multiplex x) {
      o.put("name", "Multiplex").put("factor", x.factor());
    } else if (spec instanceof LayerSpec.Delay d) {
      o.put("name", d.type().configName());
      Positivity p = d.positivity();
      ObjectNode pos = o.putObject("positivity").put("name", p.kind().name().toLowerCase());
      if (p.kind() == Positivity.Kind.SIGMOID) {
        pos.put("shift", p.shift()).put("scale", p.scale());
      }
      o.put("presyn_sharing_factor", d.presynSharing())
          .put("postsyn_sharing_factor", d.postsynSharing()).put("jitter", d.jitter())
          .put("trainable", d.trainable()).put("delay_mean", d.init().mean())
          .put("delay_std", d.init().std());
      writeTraining(o, training);
      parameterRef(o, "delay_parameters", network.parameter(Parameter.delaysName(l)));
    } else if (spec instanceof LayerSpec.Neuron n) {
      o.put("name", "NeuronLayer").put("size", n.size()).put("trainable", n.trainable())
          .put("weights_mean", n.init().mean()).put("weights_std", n.init().std());
      writeTraining(o, training);
      if (training.maxNumMissingSpikes() != null) {
        o.put("max_num_missing_spikes", training.maxNumMissingSpikes());
      }
      writeNeuronParams(o.putObject("neuron_params"), n.neuron(), training.clipWeightsMax());
      o.put("eps", n.neuron().eps() == EpsRule.DELGRAD ? "delgrad" : "release_2021");
      parameterRef(o, "weights", network.parameter(Parameter.weightsName(l)));
      parameterRef(o, "threshold_noise_fp", network.parameter(Parameter.thresholdOffsetsName(l)));
    } else {
      throw new IllegalStateException("unknown layer spec " + spec);
    }
  }

  private static void writeTraining(ObjectNode o, LayerTraining t) {
    if (t.learningRate() != null) {
      o.put("learning_rate", t.learningRate());
    }
    o.put("monitor", t.monitor());
  }

  private static void writeNeuronParams(ObjectNode o, NeuronSettings s,
      WeightClipping.Setting clip) {
    NeuronParams p = s.params();
    o.put("g_leak", p.gLeak()).put("leak", p.leak()).put("threshold", p.threshold())
        .put("tau_syn", p.tauSyn()).put("tau_mem", p.tauMem())
        .put("model_tau_ratio", s.variant() == Variant.ET ? 1 : 2);
    if (s.maxDwNorm() == ReferenceNeuronPass.NO_CLIPPING) {
      o.putNull("max_dw_norm");
    } else {
      o.put("max_dw_norm", s.maxDwNorm());
    }
    NeuronSettings.Noise noise = s.noise();
    o.put("threshold_noise_s2s_std", noise.s2sStd()).put("threshold_noise_b2b_std", noise.b2bStd())
        .put("threshold_noise_fp_mean", noise.fpMean()).put("threshold_noise_fp_std", noise.fpStd())
        .put("jitter", noise.outputJitter());
    if (clip instanceof WeightClipping.Setting.Flag f) {
      o.put("clip_weights_max", f.value());
    } else if (clip instanceof WeightClipping.Setting.Bound b) {
      o.put("clip_weights_max", b.value());
    }
  }

  private static void parameterRef(ObjectNode o, String key, Parameter p) {
    ObjectNode ref = o.putObject(key).put("file", fileName(p.name()));
    ArrayNode shape = ref.putArray("shape");
    Arrays.stream(p.shape()).forEach(shape::add);
  }

  /** Reads a layer-network folder (or its {@code network.json}). */
  public static Stored read(Path dir) throws IOException {
    Path folder = folderOf(dir);
    NetworkJson opened = NetworkJson.open(folder, JSON, "FirstSpike layer network", FORMAT, VERSION,
        NetworkFile.FORMAT, "this is a 2021 network: read it with NetworkFile");
    JsonNode root = opened.root();
    JsonReader r = opened.reader();
    r.onlyKeys(root, KEYS, "the top level");
    int nInputs = r.integer(root, "n_inputs");
    double rounding = r.number(root, "rounding_precision");
    JsonNode layersNode = r.array(root, "layers");
    List<LayerSpec> specs = new ArrayList<>();
    List<LayerTraining> training = new ArrayList<>();
    Map<String, int[]> declared = new LinkedHashMap<>();
    Map<String, double[]> values = new HashMap<>();
    for (int l = 0; l < layersNode.size(); l++) {
      JsonReader lr = r.at("layers[" + l + "]");
      JsonNode node = layersNode.get(l);
      if (!node.isObject()) {
        throw lr.bad("must be an object, got " + node);
      }
      readLayer(lr, folder, l, node, specs, training, declared, values);
    }
    LayerNetwork network;
    try {
      network = LayerNetwork.withParameters(nInputs, specs, rounding, values);
    } catch (IllegalArgumentException e) {
      throw r.bad(e.getMessage());
    }
    for (Parameter p : network.parameters()) {
      int[] d = declared.get(p.name());
      if (!Arrays.equals(d, p.shape())) {
        throw r.bad(p.name() + " is declared with shape " + Arrays.toString(d) + " but the layer"
            + " list implies " + Arrays.toString(p.shape()));
      }
    }
    Map<String, Object> provenance = root.has("provenance")
        ? JSON.convertValue(root.get("provenance"), new TypeReference<LinkedHashMap<String, Object>>() {})
        : Map.of();
    return new Stored(network, List.copyOf(training), provenance);
  }

  private static void readLayer(JsonReader r, Path folder, int l, JsonNode o,
      List<LayerSpec> specs, List<LayerTraining> training, Map<String, int[]> declared,
      Map<String, double[]> values) throws IOException {
    String name = r.text(o, "name");
    try {
      switch (name) {
        case "BroadcastLayer" -> {
          r.onlyKeys(o, Set.of("name"), "a BroadcastLayer");
          specs.add(new LayerSpec.Broadcast());
          training.add(LayerTraining.NONE);
        }
        case "Biases" -> {
          r.onlyKeys(o, Set.of("name", "times"), "a Biases layer");
          specs.add(new LayerSpec.Biases(r.doubles(r.array(o, "times"), "times")));
          training.add(LayerTraining.NONE);
        }
        case "Multiplex" -> {
          r.onlyKeys(o, Set.of("name", "factor"), "a Multiplex layer");
          specs.add(new LayerSpec.Multiplex(r.integer(o, "factor")));
          training.add(LayerTraining.NONE);
        }
        case "DelayAxonal", "DelaySynaptic", "DelayDendritic" -> {
          r.onlyKeys(o, DELAY_KEYS, "a delay layer");
          DelayType type = Arrays.stream(DelayType.values())
              .filter(t -> t.configName().equals(name)).findFirst().orElseThrow();
          specs.add(new LayerSpec.Delay(type, positivity(r, r.object(o, "positivity")),
              r.integer(o, "presyn_sharing_factor"), r.integer(o, "postsyn_sharing_factor"),
              r.number(o, "jitter"), r.bool(o, "trainable"),
              new LayerSpec.Normal(r.number(o, "delay_mean"), r.number(o, "delay_std"))));
          training.add(new LayerTraining(r.optionalNumber(o, "learning_rate"),
              r.bool(o, "monitor"), null, WeightClipping.Setting.ABSENT));
          parameter(r, folder, o, "delay_parameters", Parameter.delaysName(l), declared, values);
        }
        case "NeuronLayer" -> {
          r.onlyKeys(o, NEURON_KEYS, "a NeuronLayer");
          JsonNode np = r.object(o, "neuron_params");
          JsonReader pr = r.at("neuron_params");
          pr.onlyKeys(np, NEURON_PARAM_KEYS, "neuron_params");
          specs.add(new LayerSpec.Neuron(r.integer(o, "size"), neuronSettings(pr, np, eps(r, o)),
              r.bool(o, "trainable"),
              new LayerSpec.Normal(r.number(o, "weights_mean"), r.number(o, "weights_std"))));
          training.add(new LayerTraining(r.optionalNumber(o, "learning_rate"),
              r.bool(o, "monitor"), r.optionalNumber(o, "max_num_missing_spikes"),
              clipSetting(pr, np.get("clip_weights_max"))));
          parameter(r, folder, o, "weights", Parameter.weightsName(l), declared, values);
          parameter(r, folder, o, "threshold_noise_fp", Parameter.thresholdOffsetsName(l),
              declared, values);
        }
        default -> throw r.bad("layer type '" + name + "' is not one of BroadcastLayer,"
            + " DelayAxonal, DelaySynaptic, DelayDendritic, Biases, Multiplex, NeuronLayer");
      }
    } catch (IllegalArgumentException e) {
      throw r.bad(e.getMessage());
    }
  }

  private static Positivity positivity(JsonReader r, JsonNode p) throws FileFormatException {
    String name = r.text(p, "name");
    return switch (name) {
      case "sigmoid" -> {
        r.onlyKeys(p, Set.of("name", "shift", "scale"), "positivity");
        yield Positivity.sigmoid(r.number(p, "shift"), r.number(p, "scale"));
      }
      case "clip" -> {
        r.onlyKeys(p, Set.of("name"), "positivity");
        yield Positivity.clip();
      }
      case "shift" -> {
        r.onlyKeys(p, Set.of("name"), "positivity");
        yield Positivity.shiftToPositive();
      }
      default -> throw r.bad("positivity.name must be sigmoid, clip or shift, got \"" + name + "\"");
    };
  }

  private static EpsRule eps(JsonReader r, JsonNode o) throws FileFormatException {
    if (!o.has("eps")) {
      return EpsRule.DELGRAD;
    }
    String eps = r.text(o, "eps");
    return switch (eps) {
      case "delgrad" -> EpsRule.DELGRAD;
      case "release_2021" -> EpsRule.RELEASE_2021;
      default -> throw r.bad("'eps' must be \"delgrad\" or \"release_2021\", got \"" + eps + "\"");
    };
  }

  private static NeuronSettings neuronSettings(JsonReader r, JsonNode p, EpsRule eps)
      throws FileFormatException {
    double tauSyn = r.number(p, "tau_syn");
    double tauMem = r.number(p, "tau_mem");
    NeuronParams params = new NeuronParams(r.number(p, "g_leak"), r.number(p, "leak"),
        r.number(p, "threshold"), tauSyn, tauMem);
    Double maxDwNorm = r.optionalNumber(p, "max_dw_norm");
    NeuronSettings.Noise noise = new NeuronSettings.Noise(zeroIfAbsent(r, p, "threshold_noise_s2s_std"),
        zeroIfAbsent(r, p, "threshold_noise_b2b_std"), zeroIfAbsent(r, p, "threshold_noise_fp_mean"),
        zeroIfAbsent(r, p, "threshold_noise_fp_std"), zeroIfAbsent(r, p, "jitter"));
    return new NeuronSettings(params, NeuronSettings.variantOf(tauSyn, tauMem,
        r.optionalNumber(p, "model_tau_ratio")), eps,
        maxDwNorm == null ? ReferenceNeuronPass.NO_CLIPPING : maxDwNorm, noise);
  }

  private static double zeroIfAbsent(JsonReader r, JsonNode p, String key)
      throws FileFormatException {
    Double v = r.optionalNumber(p, key);
    return v == null ? 0.0 : v;
  }

  private static WeightClipping.Setting clipSetting(JsonReader r, JsonNode v)
      throws FileFormatException {
    if (v == null || v.isNull()) {
      return WeightClipping.Setting.ABSENT;
    }
    if (v.isBoolean()) {
      return new WeightClipping.Setting.Flag(v.booleanValue());
    }
    if (!v.isNumber()) {
      throw r.bad("'clip_weights_max' must be a number or a boolean, got " + v);
    }
    return new WeightClipping.Setting.Bound(v.doubleValue());
  }

  /** Reads one parameter file named by {@code o.key = {file, shape}}. */
  private static void parameter(JsonReader r, Path folder, JsonNode o, String key, String name,
      Map<String, int[]> declared, Map<String, double[]> values) throws IOException {
    JsonNode ref = r.object(o, key);
    JsonReader kr = r.at(key);
    kr.onlyKeys(ref, Set.of("file", "shape"), key);
    String file = kr.text(ref, "file");
    if (file.contains("/") || file.contains("\\") || file.equals("..") || file.equals(".")
        || file.isBlank()) {
      throw kr.bad("'file' must be a file name inside the network folder, got \"" + file + "\"");
    }
    int[] shape = kr.ints(ref, "shape");
    Path path = folder.resolve(file);
    if (!Files.isRegularFile(path)) {
      throw kr.bad("'file' names " + file + ", which is missing from " + folder);
    }
    NpyArray a = Npy.read(path);
    if (a.kind() != NpyArray.Kind.FLOAT || !Arrays.equals(a.shape(), shape)) {
      throw new FileFormatException(path, "holds " + a.dtype() + " of shape "
          + Arrays.toString(a.shape()) + "; network.json declares float64 of shape "
          + Arrays.toString(shape) + " for " + name);
    }
    double[] v = a.asDoubles();
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new FileFormatException(path, "element " + i + " is " + v[i] + "; parameters must"
            + " be finite");
      }
    }
    declared.put(name, shape);
    values.put(name, v);
  }

  private static Path folderOf(Path dir) {
    Path f = dir.getFileName();
    return f != null && f.toString().equals(JSON_NAME) ? dir.toAbsolutePath().getParent() : dir;
  }

  private static void removeStale(Path folder, Set<String> keep) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
        String name = it.next().getFileName().toString();
        if (PARAMETER_FILE.matcher(name).matches() && !keep.contains(name)) {
          Files.deleteIfExists(folder.resolve(name));
        }
      }
    }
  }

  private static Set<String> union(Set<String> base, String... more) {
    Set<String> s = new HashSet<>(base);
    s.addAll(List.of(more));
    return Set.copyOf(s);
  }
}
