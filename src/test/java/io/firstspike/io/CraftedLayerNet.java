package io.firstspike.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds DelGrad network files ({@code networks.Net}, zip container) for tests, from the
 * description in DELGRAD-MODEL.md section 13 alone: a net object whose state holds
 * {@code layers_def} and a ModuleList of layer objects, each built by NEWOBJ, memoized, and filled
 * by BUILD with a dict of attributes. Values are plain Java data written as pickle values, plus the
 * markers below for tensors, the sigmoid layer's {@code getattr} self-reference and module
 * functions. Tests change any attribute or layer dict entry to craft inconsistent or hostile files.
 */
final class CraftedLayerNet {

  /**
   * A tensor {@code _rebuild_tensor_v2(storage, offset, size, stride)}, wrapped in
   * {@code _rebuild_parameter} when {@code parameter}. {@code longs} selects torch.LongStorage.
   *
   * @param count the element count the storage's persistent id declares
   */
  record Tensor(String key, boolean longs, long count, int offset, long[] size, long[] stride,
      boolean parameter) {}

  /** {@code getattr(<the layer object itself>, name)}. */
  record SelfGetattr(String name) {}

  /** A module-level global stored as a value, e.g. {@code utils.clip_negatives}. */
  record Global(String module, String name) {}

  /** A value written as raw pickle bytes (already complete, without PROTO and STOP). */
  record Raw(byte[] opcodes) {}

  /** One layer: its class, its attributes (BUILD state) and its {@code layers_def} dict. */
  static final class LayerObject {
    final String module;
    final String className;
    final Map<String, Object> attributes = new LinkedHashMap<>();
    final Map<String, Object> def = new LinkedHashMap<>();

    LayerObject(String module, String className) {
      this.module = module;
      this.className = className;
    }
  }

  final Map<String, Object> netAttributes = new LinkedHashMap<>();
  final List<LayerObject> layers = new ArrayList<>();
  /** Raw storage records by key (what the zip holds). */
  final Map<String, byte[]> records = new LinkedHashMap<>();
  String netModule = "networks";
  String netClass = "Net";
  private int memo = 0;

  CraftedLayerNet(int nInputs) {
    netAttributes.put("training", true);
    netAttributes.put("n_inputs", nInputs);
    netAttributes.put("substrate", "sim");
    netAttributes.put("rounding_precision", false);
    netAttributes.put("rounding", false);
    netAttributes.put("default_neuron_params", neuronParams());
    netAttributes.put("training_params", new LinkedHashMap<>(Map.of("batch_size_eval", 200,
        "learning_rate", 0.005, "loss", Map.of("type", "shift_invariant_MSE", "delta_t", 0.2))));
  }

  /** The neuron parameters of every crafted neuron layer: et, g_leak 1, threshold 0.5. */
  static Map<String, Object> neuronParams() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("g_leak", 1.0);
    p.put("leak", 0.0);
    p.put("threshold", 0.5);
    p.put("tau_syn", 1.0);
    p.put("tau_mem", 1.0);
    p.put("max_dw_norm", 0.2);
    return p;
  }

  /** A float64 storage with these values, and a row-major tensor over it. */
  Tensor doubles(String key, double[] values, boolean parameter, long... size) {
    records.put(key, littleEndian(values));
    return new Tensor(key, false, values.length, 0, size, rowMajor(size), parameter);
  }

  /** An int64 storage with these values, and a row-major tensor over it. */
  Tensor longs(String key, long[] values, long... size) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    records.put(key, b.array());
    return new Tensor(key, true, values.length, 0, size, rowMajor(size), false);
  }

  static long[] rowMajor(long... size) {
    long[] stride = new long[size.length];
    long s = 1;
    for (int d = size.length - 1; d >= 0; d--) {
      stride[d] = s;
      s *= size[d];
    }
    return stride;
  }

  LayerObject layer(String className, String defName) {
    LayerObject l = new LayerObject("utils", className);
    l.def.put("name", defName);
    l.attributes.put("training", true);
    l.attributes.put("_parameters", new LinkedHashMap<String, Object>());
    l.attributes.put("_buffers", new LinkedHashMap<String, Object>());
    l.attributes.put("_modules", new LinkedHashMap<String, Object>());
    layers.add(l);
    return l;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> parameters(LayerObject l) {
    return (Map<String, Object>) l.attributes.get("_parameters");
  }

  /**
   * Two inputs; 0 Multiplex 2; 1 DelaySynaptic sigmoid (0.5, 2) [4][3], trainable; 2 Biases int64
   * [0, 1]; 3 NeuronLayer 3 with fixed weights (a plain attribute); 4 DelayDendritic clip, fixed,
   * [1][2]; 5 NeuronLayer 2 whose weights are stored transposed.
   */
  static CraftedLayerNet mixed(Random rnd, Map<String, double[]> expected) {
    CraftedLayerNet net = new CraftedLayerNet(2);
    LayerObject mux = net.layer("MultiplexLayer", "Multiplex");
    mux.def.put("factor", 2);
    mux.attributes.putAll(Map.of("factor", 2, "trainable", false, "monitor", false));
    mux.attributes.put("lr", null);

    LayerObject syn = net.layer("DelayLayer", "DelaySynaptic");
    syn.def.putAll(Map.of("positivity", Map.of("name", "sigmoid", "shift", 0.5, "scale", 2.0),
        "delay_mean", 0.1, "delay_std", 0.3, "learning_rate", 0.003, "monitor", true,
        "trainable", true, "feat_in", List.of(4, 1), "feat_out", List.of(4, 3)));
    parameters(syn).put("_delay_parameters",
        net.doubles("0", random(rnd, expected, "layers.1._delay_parameters", 12), true, 4, 3));
    syn.attributes.put("_fn_on_delay", new SelfGetattr("scaled_shift_sigmoid"));
    syn.attributes.put("_fn_on_rectify", null);
    syn.attributes.putAll(Map.of("sigmoid_shift", 0.5, "sigmoid_scale", 2.0,
        "presyn_sharing_factor", 1, "postsyn_sharing_factor", 1, "jitter", 0.0, "trainable", true,
        "monitor", true, "lr", 0.003, "_n_postsyn", 3, "_output_features", 4));

    LayerObject bias = net.layer("BiasesLayer", "Biases");
    bias.def.put("times", List.of(0, 1));
    bias.attributes.put("_times", net.longs("1", new long[] {0, 1}, 2));

    LayerObject hidden = net.layer("NeuronLayer", "NeuronLayer");
    hidden.def.putAll(Map.of("size", 3, "trainable", false, "max_num_missing_spikes", 1.0,
        "weights_mean", 1.5, "weights_std", 0.5));
    hidden.attributes.put("weights", net.doubles("2", random(rnd, expected, "layers.3.weights", 18), false, 6, 3));
    Map<String, Object> np = new LinkedHashMap<>(neuronParams());
    np.put("model_tau_ratio", 1.0);
    np.put("threshold_noise_fp", net.doubles("3", new double[3], false, 3));
    np.put("clip_weights_max", 2.5);
    expected.put("layers.3.threshold_noise_fp", new double[3]);
    hidden.attributes.putAll(Map.of("neuron_params", np, "trainable", false, "monitor", false,
        "input_features", 6, "output_features", 3, "substrate", "sim"));
    hidden.attributes.put("lr", null);

    LayerObject den = net.layer("DelayLayer", "DelayDendritic");
    den.def.putAll(Map.of("positivity", Map.of("name", "clip"), "trainable", false));
    den.attributes.put("_delay_parameters",
        net.doubles("4", random(rnd, expected, "layers.4._delay_parameters", 2), false, 1, 2));
    den.attributes.put("_fn_on_delay", null);
    den.attributes.put("_fn_on_rectify", new Global("utils", "clip_negatives"));
    den.attributes.putAll(Map.of("presyn_sharing_factor", 1, "postsyn_sharing_factor", 1,
        "jitter", 0.0, "trainable", false, "monitor", false, "_n_postsyn", 2,
        "_output_features", 3));

    LayerObject label = net.layer("NeuronLayer", "NeuronLayer");
    label.def.putAll(Map.of("size", 2, "max_num_missing_spikes", 0.0, "learning_rate", 0.01,
        "monitor", true));
    // Stored transposed: a [2][3] storage viewed as [3][2] with strides (1, 3).
    double[] w = random(rnd, expected, "layers.5.weights", 6);
    double[] transposed = new double[6];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 2; j++) {
        transposed[j * 3 + i] = w[i * 2 + j];
      }
    }
    Tensor stored = net.doubles("5", transposed, true, 3, 2);
    parameters(label).put("weights", new Tensor(stored.key(), false, 6, 0,
        new long[] {3, 2}, new long[] {1, 3}, true));
    Map<String, Object> np2 = new LinkedHashMap<>(neuronParams());
    np2.put("threshold_noise_fp", net.doubles("6", random(rnd, expected, "layers.5.threshold_noise_fp", 2),
        false, 2));
    label.attributes.putAll(Map.of("neuron_params", np2, "trainable", true, "monitor", true,
        "lr", 0.01, "input_features", 3, "output_features", 2));
    return net;
  }

  /** n values uniform in [-1, 2), also put into {@code expected} under {@code name}. */
  static double[] random(Random rnd, Map<String, double[]> expected, String name, int n) {
    double[] v = rnd.doubles(n, -1, 2).toArray();
    expected.put(name, v);
    return v;
  }

  /** The data.pkl of the described network. */
  byte[] pickle() {
    PickleBuilder p = new PickleBuilder();
    memo = 0;
    p.global(netModule, netClass).emptyTuple().newObj();
    p.emptyDict().mark();
    for (Map.Entry<String, Object> e : netAttributes.entrySet()) {
      p.str(e.getKey());
      value(p, e.getValue(), -1);
    }
    p.str("layers_def").emptyList().mark();
    for (LayerObject l : layers) {
      value(p, l.def, -1);
    }
    p.appends();
    p.str("_modules").orderedDict().mark().str("layers");
    p.global("torch.nn.modules.container", "ModuleList").emptyTuple().newObj();
    p.emptyDict().mark().str("_modules").orderedDict().mark();
    for (int i = 0; i < layers.size(); i++) {
      LayerObject l = layers.get(i);
      p.str(Integer.toString(i));
      p.global(l.module, l.className).emptyTuple().newObj();
      int self = memo++;
      p.opcode('r', PickleBuilder.le4(self)); // LONG_BINPUT
      p.emptyDict().mark();
      for (Map.Entry<String, Object> e : l.attributes.entrySet()) {
        p.str(e.getKey());
        value(p, e.getValue(), self);
      }
      p.setItems().build();
    }
    p.setItems().setItems().build(); // the ModuleList's _modules, its state
    p.setItems(); // the net's _modules
    p.setItems().build();
    return p.stop();
  }

  @SuppressWarnings("unchecked")
  private void value(PickleBuilder p, Object v, int self) {
    if (v == null) {
      p.none();
    } else if (v instanceof Boolean b) {
      p.bool(b);
    } else if (v instanceof Integer i) {
      p.integer(i);
    } else if (v instanceof Long n) {
      p.bigInt(java.math.BigInteger.valueOf(n));
    } else if (v instanceof Double d) {
      p.floating(d);
    } else if (v instanceof String s) {
      p.str(s);
    } else if (v instanceof List<?> list) {
      p.emptyList().mark();
      list.forEach(x -> value(p, x, self));
      p.appends();
    } else if (v instanceof Map<?, ?> m) {
      p.emptyDict().mark();
      ((Map<String, Object>) m).forEach((k, x) -> {
        p.str(k);
        value(p, x, self);
      });
      p.setItems();
    } else if (v instanceof Tensor t) {
      tensor(p, t);
    } else if (v instanceof SelfGetattr g) {
      p.global("__builtin__", "getattr").mark().opcode('j', PickleBuilder.le4(self)) // LONG_BINGET
          .str(g.name()).tuple().reduce();
    } else if (v instanceof Global g) {
      p.global(g.module(), g.name());
    } else if (v instanceof Raw r) {
      p.opcode(r.opcodes()[0], java.util.Arrays.copyOfRange(r.opcodes(), 1, r.opcodes().length));
    } else {
      throw new IllegalArgumentException("cannot pickle " + v);
    }
  }

  private static void tensor(PickleBuilder p, Tensor t) {
    if (t.parameter()) {
      p.global("torch._utils", "_rebuild_parameter").mark();
    }
    p.global("torch._utils", "_rebuild_tensor_v2").mark();
    p.mark().str("storage").global("torch", t.longs() ? "LongStorage" : "DoubleStorage")
        .str(t.key()).str("cpu").bigInt(java.math.BigInteger.valueOf(t.count())).tuple()
        .binPersId();
    p.integer(t.offset()).mark();
    for (long s : t.size()) {
      p.bigInt(java.math.BigInteger.valueOf(s));
    }
    p.tuple().mark();
    for (long s : t.stride()) {
      p.bigInt(java.math.BigInteger.valueOf(s));
    }
    p.tuple().bool(false).orderedDict().tuple().reduce();
    if (t.parameter()) {
      p.bool(true).orderedDict().tuple().reduce();
    }
  }

  /** Writes the zip container as PyTorch >= 1.6 does: data.pkl, byteorder, data/<key>, version. */
  Path write(Path file) throws IOException {
    return zip(file, pickle(), records);
  }

  static Path zip(Path file, byte[] pickle, Map<String, byte[]> records) throws IOException {
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
      put(zip, "net/data.pkl", pickle);
      put(zip, "net/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
      for (Map.Entry<String, byte[]> e : records.entrySet()) {
        put(zip, "net/data/" + e.getKey(), e.getValue());
      }
      put(zip, "net/version", "3\n".getBytes(StandardCharsets.US_ASCII));
      put(zip, "net/.data/serialization_id", "0123456789".getBytes(StandardCharsets.US_ASCII));
    }
    return file;
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }

  static byte[] littleEndian(double[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(v);
    return b.array();
  }
}
