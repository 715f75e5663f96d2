package io.firstspike.io;

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
import io.firstspike.core.optim.WeightClipping;
import io.firstspike.io.TorchUnpickler.BoundMethod;
import io.firstspike.io.TorchUnpickler.PyFunction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.razorvine.pickle.objects.ClassDict;

/**
 * Turns the unpickled {@code networks.Net} object graph of the original's HEAD into a
 * {@link LayerNetwork} (DELGRAD-MODEL.md sections 1 to 3, 8 and 13).
 *
 * <p>Two descriptions of every layer travel in the file: the config's layer dict in the net's
 * {@code layers_def} (name, size, positivity, sharing factors, learning rate, ...) and the layer
 * object that HEAD built from it and computed with ({@code _modules['layers']._modules['<i>']}:
 * its tensors, merged {@code neuron_params}, {@code trainable}, {@code lr}, ...). The layer type
 * (axonal, synaptic, dendritic) exists only in {@code layers_def}; the tensors, the neuron
 * parameters and the fixed-pattern threshold offsets only in the objects. Facts found in both are
 * cross-checked, and so are the shapes HEAD wrote ({@code feat_in}/{@code feat_out},
 * {@code input_features}, {@code _n_postsyn}, ...) against the shapes computed here: a file that
 * does not mean what we think is refused rather than misread.
 *
 * <p>Tensors: a trainable layer keeps its tensor in {@code _parameters}, a layer with
 * {@code trainable: false} as a plain attribute; both are read. Every tensor's shape is checked
 * against the shape the layer list implies before its values are gathered, and every size is
 * computed without overflow, so a file cannot make the network allocate more than it stores.
 */
final class TorchLayerNetMapper {
  static final String NET_CLASS = "networks.Net";
  private static final String SIM = "sim";
  private static final String SIGMOID = "sigmoid";
  /** The layer names of {@code network_layout.layers} (DELGRAD-MODEL.md section 1). */
  private static final List<String> LAYER_NAMES = List.of("BroadcastLayer", "DelayAxonal",
      "DelaySynaptic", "DelayDendritic", "Biases", "Multiplex", "NeuronLayer");

  private final Path file;
  private final PyReader py;

  private TorchLayerNetMapper(Path file) {
    this.file = file;
    this.py = new PyReader(file);
  }

  /** True when the unpickled root object is a DelGrad network. */
  static boolean isLayerNet(Object root) {
    return root instanceof ClassDict c && c.getClassName().equals(NET_CLASS);
  }

  static ImportedLayerNetwork map(Object root, Path file, String container)
      throws FileFormatException {
    return new TorchLayerNetMapper(file).map(root, container);
  }

  /** The shape between two layers, HEAD's feat = [rows, synapses], kept within int range. */
  private record Feat(int rows, int synapses) {
    List<Integer> asList() {
      return List.of(rows, synapses);
    }
  }

  private ImportedLayerNetwork map(Object root, String container) throws FileFormatException {
    if (!isLayerNet(root)) {
      String what = root instanceof ClassDict c && c.getClassName().equals("training.Net")
          ? "a 2021 training.Net (read it with PtImporter.read)"
          : PyValues.describe(root);
      throw py.bad("the pickled object is " + what + "; expected a DelGrad " + NET_CLASS
          + " as saved by torch.save(net, path)");
    }
    ClassDict net = (ClassDict) root;
    requireSim(py.require(net, "substrate"), NET_CLASS + ".substrate");
    int nInputs = py.toInt(py.require(net, "n_inputs"), "n_inputs");
    if (nInputs < 1) {
      throw py.bad("n_inputs must be >= 1, got " + nInputs);
    }
    List<Map<String, Object>> defs = new ArrayList<>();
    for (Object d : py.items(py.require(net, "layers_def"), "layers_def")) {
      defs.add(py.asMap(d, "layers_def[" + defs.size() + "]"));
    }
    List<ClassDict> objects = layerObjects(net);
    if (defs.size() != objects.size()) {
      throw py.bad("layers_def has " + defs.size() + " entries but the network has "
          + objects.size() + " layer modules");
    }
    if (net.containsKey("n_layers") && py.toInt(net.get("n_layers"), "n_layers") != defs.size()) {
      throw py.bad("n_layers = " + net.get("n_layers") + " but layers_def has " + defs.size()
          + " entries");
    }
    double rounding = roundingPrecision(net);
    List<String> names = new ArrayList<>();
    for (Map<String, Object> def : defs) {
      String where = "layers_def[" + names.size() + "]";
      String name = py.text(py.require(def, "name", where), where + ".name");
      if (!LAYER_NAMES.contains(name)) {
        throw py.bad(where + ": layer type '" + name + "' is not one of " + LAYER_NAMES);
      }
      names.add(name);
    }
    int[] next = nextNeuronSizes(defs);

    List<LayerSpec> specs = new ArrayList<>();
    List<LayerTraining> training = new ArrayList<>();
    List<String> classes = new ArrayList<>();
    Map<String, double[]> params = new LinkedHashMap<>();
    Feat feat = new Feat(nInputs, 1);
    for (int l = 0; l < defs.size(); l++) {
      Map<String, Object> def = defs.get(l);
      ClassDict obj = objects.get(l);
      classes.add(obj.getClassName());
      String name = names.get(l);
      Layer layer = new Layer(l, name, def, obj);
      Feat out = switch (name) {
        case "BroadcastLayer" -> broadcast(layer, feat, next[l], specs, training);
        case "DelayAxonal", "DelaySynaptic", "DelayDendritic" ->
            delay(layer, feat, next[l], specs, training, params);
        case "Biases" -> biases(layer, feat, specs, training);
        case "Multiplex" -> multiplex(layer, feat, specs, training);
        case "NeuronLayer" -> neuron(layer, feat, next[l], specs, training, params);
        default -> throw new IllegalStateException("checked above: " + name);
      };
      checkFeat(layer, "feat_in", feat);
      checkFeat(layer, "feat_out", out);
      feat = out;
    }
    LayerNetwork network;
    try {
      network = LayerNetwork.withParameters(nInputs, specs, rounding, params);
    } catch (IllegalArgumentException e) {
      throw py.bad(e.getMessage());
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    net.forEach((k, v) -> {
      if (!k.startsWith("_") && !k.equals("training")) {
        attributes.put(k, PyValues.plain(v));
      }
    });
    return new ImportedLayerNetwork(network, List.copyOf(training), file, container,
        net.getClassName(), List.copyOf(classes), Collections.unmodifiableMap(attributes));
  }

  /** One layer: its index, its config name, its {@code layers_def} entry and its object. */
  private record Layer(int index, String name, Map<String, Object> def, ClassDict obj) {
    String where() {
      return "layer " + index + " (" + name + ")";
    }
  }

  private Feat broadcast(Layer layer, Feat in, int next, List<LayerSpec> specs,
      List<LayerTraining> training) throws FileFormatException {
    expectClass(layer, "utils.BroadcastLayer");
    checkInt(layer, "_n_postsyn", next);
    specs.add(new LayerSpec.Broadcast());
    training.add(LayerTraining.NONE);
    return new Feat(in.rows(), next);
  }

  private Feat delay(Layer layer, Feat in, int next, List<LayerSpec> specs,
      List<LayerTraining> training, Map<String, double[]> params) throws FileFormatException {
    expectClass(layer, "utils.DelayLayer");
    DelayType type = switch (layer.name()) {
      case "DelayAxonal" -> DelayType.AXONAL;
      case "DelaySynaptic" -> DelayType.SYNAPTIC;
      default -> DelayType.DENDRITIC;
    };
    int pre = (int) agreed(layer, "presyn_sharing_factor", "presyn_sharing_factor", 1, true);
    int post = (int) agreed(layer, "postsyn_sharing_factor", "postsyn_sharing_factor", 1, true);
    double jitter = agreed(layer, "jitter", "jitter", 0, false);
    boolean trainable = agreedFlag(layer, "trainable", true);
    Positivity positivity = positivity(layer);
    if (pre < 1 || post < 1 || in.rows() % pre != 0 || next % post != 0) {
      throw py.bad(layer.where() + ": " + in.rows() + " inputs and " + next + " neurons must be"
          + " divisible by presyn_sharing_factor " + pre + " and postsyn_sharing_factor " + post);
    }
    checkInt(layer, "_n_postsyn", next);
    checkInt(layer, "_output_features", in.rows());
    String key = Parameter.delaysName(layer.index());
    long[] shape = {type.rawRows(in.rows(), pre), type.rawCols(next, post)};
    params.put(key, finite(layer, key, values(layer, tensor(layer, "_delay_parameters"), key, shape)));
    LayerSpec.Normal init = new LayerSpec.Normal(optionalNumber(layer, "delay_mean", 0),
        optionalNumber(layer, "delay_std", 0));
    try {
      specs.add(new LayerSpec.Delay(type, positivity, pre, post, jitter, trainable, init));
    } catch (IllegalArgumentException e) {
      throw py.bad(layer.where() + ": " + e.getMessage());
    }
    training.add(options(layer, null, WeightClipping.Setting.ABSENT));
    return new Feat(in.rows(), next);
  }

  private Feat biases(Layer layer, Feat in, List<LayerSpec> specs, List<LayerTraining> training)
      throws FileFormatException {
    expectClass(layer, "utils.BiasesLayer");
    double[] fromDef = null;
    if (layer.def().get("times") != null) {
      List<?> t = py.items(layer.def().get("times"), layer.where() + " times");
      fromDef = new double[t.size()];
      for (int k = 0; k < fromDef.length; k++) {
        fromDef[k] = py.toDouble(t.get(k), layer.where() + " times[" + k + "]");
      }
    }
    double[] times = fromDef;
    Object tensor = find(layer, "_times");
    if (tensor != null) {
      if (!(tensor instanceof TorchTensor t) || t.size().length != 1) {
        throw py.bad(layer.where() + ": _times must be a 1-d tensor, got "
            + PyValues.describe(tensor));
      }
      times = values(layer, t, "_times", t.size());
      if (fromDef != null && !Arrays.equals(fromDef, times)) {
        throw py.bad(layer.where() + ": its _times " + Arrays.toString(times)
            + " disagree with layers_def times " + Arrays.toString(fromDef));
      }
    }
    if (times == null || times.length == 0) {
      throw py.bad(layer.where() + " has no bias times (neither _times nor layers_def times)");
    }
    finite(layer, "_times", times);
    specs.add(new LayerSpec.Biases(times));
    training.add(LayerTraining.NONE);
    return new Feat(bounded(layer, (long) in.rows() + times.length), in.synapses());
  }

  private Feat multiplex(Layer layer, Feat in, List<LayerSpec> specs, List<LayerTraining> training)
      throws FileFormatException {
    expectClass(layer, "utils.MultiplexLayer");
    int factor = (int) agreed(layer, "factor", "factor", -1, true);
    if (factor < 1) {
      throw py.bad(layer.where() + ": factor must be >= 1, got " + factor);
    }
    specs.add(new LayerSpec.Multiplex(factor));
    training.add(LayerTraining.NONE);
    return new Feat(bounded(layer, (long) in.rows() * factor), in.synapses());
  }

  private Feat neuron(Layer layer, Feat in, int size, List<LayerSpec> specs,
      List<LayerTraining> training, Map<String, double[]> params) throws FileFormatException {
    expectClass(layer, "utils.NeuronLayer");
    checkInt(layer, "input_features", in.rows());
    checkInt(layer, "output_features", size);
    if (layer.obj().containsKey("substrate")) {
      requireSim(layer.obj().get("substrate"), layer.where() + " substrate");
    }
    if (in.synapses() != size) {
      throw py.bad(layer.where() + " needs one time per synapse [N][" + size + "] from a"
          + " BroadcastLayer or Delay layer before it, got " + in.asList());
    }
    Map<String, Object> np = py.asMap(py.require(layer.obj(), "neuron_params"),
        layer.where() + " neuron_params");
    NeuronSettings settings = neuronSettings(layer, np);
    Object fp = np.get("threshold_noise_fp");
    if (fp != null) {
      String key = Parameter.thresholdOffsetsName(layer.index());
      if (!(fp instanceof TorchTensor t)) {
        throw py.bad(layer.where() + ": neuron_params.threshold_noise_fp must be a tensor, got "
            + PyValues.describe(fp));
      }
      params.put(key, finite(layer, key, values(layer, t, key, new long[] {size})));
    }
    String key = Parameter.weightsName(layer.index());
    params.put(key, finite(layer, key,
        values(layer, tensor(layer, "weights"), key, new long[] {in.rows(), size})));
    boolean trainable = agreedFlag(layer, "trainable", true);
    LayerSpec.Normal init = new LayerSpec.Normal(optionalNumber(layer, "weights_mean", 0),
        optionalNumber(layer, "weights_std", 0));
    specs.add(new LayerSpec.Neuron(size, settings, trainable, init));
    Object missing = layer.def().get("max_num_missing_spikes");
    training.add(options(layer,
        missing == null ? null : py.toDouble(missing, layer.where() + " max_num_missing_spikes"),
        clipSetting(layer, np.get("clip_weights_max"))));
    return new Feat(size, 1);
  }

  /**
   * The neuron settings from a NeuronLayer's merged {@code neuron_params} (DELGRAD-MODEL.md 3.1):
   * the variant from {@code model_tau_ratio} or tau_mem / tau_syn, EPS as in HEAD,
   * {@code max_dw_norm} (None or False: no clipping) and the noise model of section 8.
   */
  private NeuronSettings neuronSettings(Layer layer, Map<String, Object> np)
      throws FileFormatException {
    String owner = layer.where() + " neuron_params";
    try {
      double tauSyn = number(np, "tau_syn", owner);
      double tauMem = number(np, "tau_mem", owner);
      NeuronParams params = new NeuronParams(number(np, "g_leak", owner),
          number(np, "leak", owner), number(np, "threshold", owner), tauSyn, tauMem);
      Object ratio = np.get("model_tau_ratio");
      Double modelTauRatio = ratio == null ? null : py.toDouble(ratio, owner + ".model_tau_ratio");
      Object clip = np.get("max_dw_norm");
      double maxDwNorm = clip == null || Boolean.FALSE.equals(clip)
          ? ReferenceNeuronPass.NO_CLIPPING : py.toDouble(clip, owner + ".max_dw_norm");
      NeuronSettings.Noise noise = new NeuronSettings.Noise(
          optional(np, "threshold_noise_s2s_std", owner), optional(np, "threshold_noise_b2b_std", owner),
          optional(np, "threshold_noise_fp_mean", owner), optional(np, "threshold_noise_fp_std", owner),
          optional(np, "jitter", owner));
      return new NeuronSettings(params, NeuronSettings.variantOf(tauSyn, tauMem, modelTauRatio),
          EpsRule.DELGRAD, maxDwNorm, noise);
    } catch (IllegalArgumentException e) {
      throw py.bad(layer.where() + ": " + e.getMessage()); // messages name neuron_params.<key>
    }
  }

  /**
   * The positivity of a delay layer: {@code layers_def.positivity} ({@code name}, {@code shift},
   * {@code scale}), cross-checked with what the object stores: a sigmoid layer's
   * {@code getattr(self, 'scaled_shift_sigmoid')}, {@code sigmoid_shift}, {@code sigmoid_scale};
   * a clip or shift layer's module function {@code utils.clip_negatives} /
   * {@code utils.shift_to_positive}.
   */
  private Positivity positivity(Layer layer) throws FileFormatException {
    Object p = layer.def().get("positivity");
    if (p == null) {
      throw py.bad(layer.where() + " has no positivity in layers_def (sigmoid, clip or shift)");
    }
    Map<String, Object> pos = py.asMap(p, layer.where() + " positivity");
    String name = py.text(py.require(pos, "name", layer.where() + " positivity"),
        layer.where() + " positivity.name");
    String stored = null;
    for (String attr : List.of("_fn_on_delay", "_fn_on_rectify")) {
      Object fn = layer.obj().get(attr);
      String kind;
      if (fn == null) {
        continue;
      } else if (fn instanceof BoundMethod) {
        kind = SIGMOID;
      } else if (fn instanceof PyFunction f && f.name().equals("clip_negatives")) {
        kind = "clip";
      } else if (fn instanceof PyFunction f && f.name().equals("shift_to_positive")) {
        kind = "shift";
      } else {
        throw py.bad(layer.where() + ": " + attr + " is " + PyValues.describe(fn) + "; expected"
            + " the layer's scaled_shift_sigmoid, utils.clip_negatives or utils.shift_to_positive");
      }
      if (stored != null && !stored.equals(kind)) {
        throw py.bad(layer.where() + ": _fn_on_delay and _fn_on_rectify belong to different"
            + " positivities (" + stored + ", " + kind + ")");
      }
      stored = kind;
    }
    if (stored != null && !stored.equals(name)) {
      throw py.bad(layer.where() + ": layers_def says positivity '" + name + "' but the layer"
          + " stores the functions of '" + stored + "'");
    }
    return switch (name) {
      case SIGMOID -> {
        double shift = optional(pos, "shift", layer.where() + " positivity");
        double scale = pos.get("scale") == null ? 1.0
            : py.toDouble(pos.get("scale"), layer.where() + " positivity.scale");
        shift = agree(layer, "sigmoid_shift", shift);
        scale = agree(layer, "sigmoid_scale", scale);
        try {
          yield Positivity.sigmoid(shift, scale);
        } catch (IllegalArgumentException e) {
          throw py.bad(layer.where() + ": " + e.getMessage());
        }
      }
      case "clip" -> Positivity.clip();
      case "shift" -> Positivity.shiftToPositive();
      default -> throw py.bad(layer.where() + ": positivity '" + name + "' is not sigmoid, clip"
          + " or shift");
    };
  }

  /** An object attribute that, when present, must equal the value from layers_def. */
  private double agree(Layer layer, String attr, double fromDef) throws FileFormatException {
    Object v = layer.obj().get(attr);
    if (v == null) {
      return fromDef;
    }
    double stored = py.toDouble(v, layer.where() + " " + attr);
    if (Double.doubleToLongBits(stored) != Double.doubleToLongBits(fromDef)) {
      throw py.bad(layer.where() + ": " + attr + " = " + stored + " but layers_def gives "
          + fromDef);
    }
    return stored;
  }

  /**
   * A number the object stores under {@code attr} and layers_def under {@code key} (default
   * {@code dflt} when absent there); they must agree. The object's value wins when only it has one.
   */
  private double agreed(Layer layer, String attr, String key, double dflt, boolean integer)
      throws FileFormatException {
    Object d = layer.def().get(key);
    double fromDef = d == null ? dflt : integer ? py.toInt(d, layer.where() + " " + key)
        : py.toDouble(d, layer.where() + " " + key);
    Object o = layer.obj().get(attr);
    if (o == null) {
      if (d == null && dflt < 0) {
        throw py.bad(layer.where() + " has no '" + key + "'");
      }
      return fromDef;
    }
    double stored = integer ? py.toInt(o, layer.where() + " " + attr)
        : py.toDouble(o, layer.where() + " " + attr);
    if (d != null && Double.doubleToLongBits(stored) != Double.doubleToLongBits(fromDef)) {
      throw py.bad(layer.where() + ": the layer's " + attr + " = " + o + " but layers_def gives "
          + key + " = " + d);
    }
    return stored;
  }

  /** A flag of the object that, when layers_def has it too, must agree (default {@code dflt}). */
  private boolean agreedFlag(Layer layer, String key, boolean dflt) throws FileFormatException {
    Object d = layer.def().get(key);
    boolean fromDef = d == null ? dflt : py.toBool(d, layer.where() + " " + key);
    Object o = layer.obj().get(key);
    if (o == null) {
      return fromDef;
    }
    boolean stored = py.toBool(o, layer.where() + " " + key);
    if (stored != fromDef) {
      throw py.bad(layer.where() + ": the layer's " + key + " = " + stored + " but layers_def"
          + (d == null ? " leaves it at its default " : " gives ") + fromDef);
    }
    return stored;
  }

  /** Learning rate ({@code learning_rate} / the object's {@code lr}) and monitor flag. */
  private LayerTraining options(Layer layer, Double maxMissing, WeightClipping.Setting clip)
      throws FileFormatException {
    Object d = layer.def().get("learning_rate");
    Object o = layer.obj().get("lr");
    Double lr = d == null ? null : py.toDouble(d, layer.where() + " learning_rate");
    if (o != null) {
      double stored = py.toDouble(o, layer.where() + " lr");
      if (lr != null && !Objects.equals(lr, stored)) {
        throw py.bad(layer.where() + ": the layer's lr = " + stored + " but layers_def gives"
            + " learning_rate = " + lr);
      }
      lr = stored;
    }
    boolean monitor = agreedFlag(layer, "monitor", false);
    try {
      return new LayerTraining(lr, monitor, maxMissing, clip);
    } catch (IllegalArgumentException e) {
      throw py.bad(layer.where() + ": " + e.getMessage());
    }
  }

  private WeightClipping.Setting clipSetting(Layer layer, Object v) throws FileFormatException {
    if (v == null) {
      return WeightClipping.Setting.ABSENT;
    }
    if (v instanceof Boolean b) {
      return new WeightClipping.Setting.Flag(b);
    }
    try {
      return new WeightClipping.Setting.Bound(
          py.toDouble(v, layer.where() + " neuron_params.clip_weights_max"));
    } catch (IllegalArgumentException e) {
      throw py.bad(layer.where() + ": " + e.getMessage());
    }
  }

  /** M_next of every layer: the size of the first NeuronLayer at or after it. */
  private int[] nextNeuronSizes(List<Map<String, Object>> defs) throws FileFormatException {
    int[] next = new int[defs.size()];
    int size = -1;
    for (int l = defs.size() - 1; l >= 0; l--) {
      if ("NeuronLayer".equals(defs.get(l).get("name"))) {
        size = py.toInt(py.require(defs.get(l), "size", "layers_def[" + l + "]"),
            "layers_def[" + l + "].size");
        if (size < 1) {
          throw py.bad("layers_def[" + l + "].size must be >= 1, got " + size);
        }
      } else if (size < 0) {
        throw py.bad("the last layer must be a NeuronLayer; layers_def[" + (defs.size() - 1)
            + "] is " + PyValues.describe(defs.get(defs.size() - 1).get("name")));
      }
      next[l] = size;
    }
    if (defs.isEmpty()) {
      throw py.bad("layers_def is empty; a network needs at least one NeuronLayer");
    }
    return next;
  }

  /**
   * {@code rounding_precision}: a number > 0 (weights rounded in the forward pass), or False/None
   * for none; {@code rounding}, when present, must say the same.
   */
  private double roundingPrecision(ClassDict net) throws FileFormatException {
    Object p = net.get("rounding_precision");
    double precision = p == null || Boolean.FALSE.equals(p) ? 0
        : py.toDouble(p, "rounding_precision");
    if (!(precision >= 0) || Double.isInfinite(precision)) {
      throw py.bad("rounding_precision must be a finite number > 0 or False, got " + p);
    }
    Object flag = net.get("rounding");
    if (flag instanceof Boolean b && b != (precision > 0)) {
      throw py.bad("rounding = " + b + " but rounding_precision = " + p);
    }
    return precision;
  }

  private void requireSim(Object substrate, String what) throws FileFormatException {
    if (!SIM.equals(substrate)) {
      String hint = "hx".equals(substrate) || "hx_pynn".equals(substrate)
          ? " (the BrainScaleS-2 chip, which FirstSpike cannot run)" : "";
      throw py.bad(what + " is " + PyValues.describe(substrate) + hint
          + "; only simulated networks (substrate 'sim') import");
    }
  }

  /** The layer objects: {@code _modules['layers']._modules['0' ...]}. */
  private List<ClassDict> layerObjects(ClassDict net) throws FileFormatException {
    Map<String, Object> modules = py.asMap(py.require(net, "_modules"), "_modules");
    if (!(modules.get("layers") instanceof ClassDict list)) {
      throw py.bad("the network has no 'layers' module list (modules " + modules.keySet() + ")");
    }
    Map<String, Object> children = py.asMap(py.require(list, "_modules"), "layers._modules");
    List<ClassDict> out = new ArrayList<>();
    for (int l = 0; l < children.size(); l++) {
      if (!(children.get(String.valueOf(l)) instanceof ClassDict layer)) {
        throw py.bad("layer module '" + l + "' is missing or not a module (keys "
            + children.keySet() + ")");
      }
      out.add(layer);
    }
    return out;
  }

  private void expectClass(Layer layer, String pythonClass) throws FileFormatException {
    if (!layer.obj().getClassName().equals(pythonClass)) {
      throw py.bad(layer.where() + ": layers_def names it " + layer.name() + " but its module is a "
          + layer.obj().getClassName() + "; expected " + pythonClass);
    }
  }

  private void checkInt(Layer layer, String attr, int expected) throws FileFormatException {
    Object v = layer.obj().get(attr);
    if (v != null && py.toInt(v, layer.where() + " " + attr) != expected) {
      throw py.bad(layer.where() + " has " + attr + " = " + v + ", but the layer list implies "
          + expected);
    }
  }

  private void checkFeat(Layer layer, String key, Feat expected) throws FileFormatException {
    Object v = layer.def().get(key);
    if (v != null) {
      int[] f = py.ints(v, layer.where() + " " + key);
      if (f.length != 2 || f[0] != expected.rows() || f[1] != expected.synapses()) {
        throw py.bad(layer.where() + " has " + key + " = " + Arrays.toString(f) + ", but the"
            + " layer list implies " + expected.asList());
      }
    }
  }

  private int bounded(Layer layer, long rows) throws FileFormatException {
    if (rows > Integer.MAX_VALUE) {
      throw py.bad(layer.where() + " would have " + rows + " inputs; a layer has at most "
          + Integer.MAX_VALUE);
    }
    return (int) rows;
  }

  /** A layer's tensor: in {@code _parameters} when trainable, a plain attribute when not. */
  private TorchTensor tensor(Layer layer, String key) throws FileFormatException {
    Object t = find(layer, key);
    if (t instanceof TorchTensor tensor) {
      return tensor;
    }
    throw py.bad(layer.where() + " has no '" + key + "' tensor (in _parameters or as an"
        + " attribute), got " + PyValues.describe(t));
  }

  /** {@code key} in the object's {@code _parameters}, {@code _buffers} or own attributes. */
  private Object find(Layer layer, String key) throws FileFormatException {
    for (String holder : List.of("_parameters", "_buffers")) {
      Object h = layer.obj().get(holder);
      if (h != null) {
        Map<String, Object> m = py.asMap(h, layer.where() + " " + holder);
        if (m.get(key) != null) {
          return m.get(key);
        }
      }
    }
    return layer.obj().get(key);
  }

  /** The values of a tensor whose shape must be {@code shape} (checked before they are read). */
  private double[] values(Layer layer, TorchTensor t, String key, long[] shape)
      throws FileFormatException {
    if (!Arrays.equals(t.size(), shape)) {
      throw py.bad(key + " has shape " + Arrays.toString(t.size()) + " but " + layer.where()
          + " implies " + Arrays.toString(shape));
    }
    return py.values(t, key);
  }

  private double[] finite(Layer layer, String key, double[] v) throws FileFormatException {
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw py.bad(key + " element " + i + " is " + v[i] + " (" + layer.where() + "); the"
            + " parameters of a network must be finite");
      }
    }
    return v;
  }

  private double number(Map<String, Object> map, String key, String owner)
      throws FileFormatException {
    return py.toDouble(py.require(map, key, owner), owner + "." + key);
  }

  private double optional(Map<String, Object> map, String key, String owner)
      throws FileFormatException {
    Object v = map.get(key);
    return v == null ? 0.0 : py.toDouble(v, owner + "." + key);
  }

  private double optionalNumber(Layer layer, String key, double dflt) throws FileFormatException {
    Object v = layer.def().get(key);
    return v == null ? dflt : py.toDouble(v, layer.where() + " " + key);
  }
}
