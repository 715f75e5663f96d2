package io.firstspike.io;

import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.NeuronParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.razorvine.pickle.objects.ClassDict;

/**
 * Turns the unpickled {@code training.Net} object graph into a {@link Network}.
 *
 * <p>What is read (README of the reference folder): the net's state {@code n_inputs},
 * {@code layer_sizes}, {@code n_biases}, {@code bias_times} (one list per layer, or one list shared
 * by all layers), {@code biases} (tensors of the same bias times), {@code sim_params}, and
 * {@code _modules['layers']._modules['0' ...]._parameters['weights']}, a tensor of shape
 * {@code (n_in + n_biases) x n_out}. Every redundant piece (the layers' {@code input_features},
 * {@code output_features}, the bias tensors, the weight shapes) is cross-checked, so a file that
 * does not mean what we think is refused rather than misread.
 */
final class TorchNetMapper {
  private static final String NET_CLASS = "training.Net";
  /** State keys consumed here (not repeated in the attributes). */
  private static final Set<String> CONSUMED = Set.of("n_inputs", "n_layers", "layer_sizes",
      "n_biases", "bias_times", "biases", "sim_params", "training");

  private final Path file;
  private final PyReader py;

  private TorchNetMapper(Path file) {
    this.file = file;
    this.py = new PyReader(file);
  }

  static ImportedNetwork map(Object root, Path file, String container) throws FileFormatException {
    return new TorchNetMapper(file).map(root, container);
  }

  private ImportedNetwork map(Object root, String container) throws FileFormatException {
    if (!(root instanceof ClassDict net) || !net.getClassName().equals(NET_CLASS)) {
      String what = root instanceof Map<?, ?> && !(root instanceof ClassDict)
          ? "a dict (probably a state_dict), which lacks n_inputs, n_biases and bias_times"
          : PyValues.describe(root);
      throw new FileFormatException(file, "the pickled object is " + what + "; expected a whole "
          + NET_CLASS + " as saved by torch.save(net, path)");
    }
    int nInputs = toInt(require(net, "n_inputs"), "n_inputs");
    int[] sizes = ints(require(net, "layer_sizes"), "layer_sizes");
    int n = sizes.length;
    int[] nBiases = ints(require(net, "n_biases"), "n_biases");
    if (nBiases.length != n) {
      throw bad("n_biases " + Arrays.toString(nBiases) + " needs one entry per layer (" + n + ")");
    }
    if (net.containsKey("n_layers") && toInt(net.get("n_layers"), "n_layers") != n) {
      throw bad("n_layers = " + net.get("n_layers") + " but layer_sizes has " + n + " entries");
    }
    double[][] biasTimes = biasTimes(net, nBiases);
    Map<String, Object> sim = asMap(require(net, "sim_params"), "sim_params");
    List<ClassDict> layers = layers(net, n);
    List<String> layerClasses = new ArrayList<>();
    double[][] weights = new double[n][];
    for (int l = 0; l < n; l++) {
      ClassDict layer = layers.get(l);
      layerClasses.add(layer.getClassName());
      int in = l == 0 ? nInputs : sizes[l - 1];
      checkFeature(layer, "input_features", in, l);
      checkFeature(layer, "output_features", sizes[l], l);
      Map<String, Object> params = asMap(require(layer, "_parameters"), "layer " + l + " _parameters");
      if (!(params.get("weights") instanceof TorchTensor w)) {
        throw bad("layer " + l + " has no 'weights' tensor in _parameters (keys " + params.keySet() + ")");
      }
      long[] expected = {in + nBiases[l], sizes[l]};
      if (!Arrays.equals(w.size(), expected)) {
        throw bad("layer " + l + " weights have shape " + Arrays.toString(w.size()) + ", expected "
            + Arrays.toString(expected) + " (" + in + " inputs + " + nBiases[l] + " biases by "
            + sizes[l] + " neurons)");
      }
      weights[l] = values(w, "layer " + l + " weights");
    }
    NeuronParams params = neuronParams(sim);
    Network network;
    try {
      network = new Network(params, nInputs, sizes, nBiases, biasTimes, weights);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    net.forEach((k, v) -> {
      if (!k.startsWith("_") && !CONSUMED.contains(k)) {
        attributes.put(k, PyValues.plain(v));
      }
    });
    @SuppressWarnings("unchecked")
    Map<String, Object> simPlain = (Map<String, Object>) PyValues.plain(sim);
    return new ImportedNetwork(network, file, container, net.getClassName(),
        List.copyOf(layerClasses), Collections.unmodifiableMap(simPlain),
        Collections.unmodifiableMap(attributes));
  }

  /** Bias times per layer, from {@code bias_times}, cross-checked with the {@code biases} tensors. */
  private double[][] biasTimes(ClassDict net, int[] nBiases) throws FileFormatException {
    int n = nBiases.length;
    List<?> raw = items(require(net, "bias_times"), "bias_times");
    boolean perLayer = !raw.isEmpty() && raw.stream().allMatch(x -> x instanceof List || x instanceof Object[]);
    double[][] times = new double[n][];
    for (int l = 0; l < n; l++) {
      List<?> layer = perLayer ? (l < raw.size() ? items(raw.get(l), "bias_times[" + l + "]") : List.of()) : raw;
      if (layer.size() < nBiases[l] || (perLayer && layer.size() != nBiases[l])) {
        throw bad("layer " + l + " has n_biases = " + nBiases[l] + " but bias_times gives "
            + layer.size() + " times " + PyValues.plain(layer));
      }
      times[l] = new double[nBiases[l]];
      for (int k = 0; k < nBiases[l]; k++) {
        times[l][k] = toDouble(layer.get(k), "bias_times[" + l + "][" + k + "]");
      }
    }
    Object biases = net.get("biases");
    if (biases != null) {
      List<?> tensors = items(biases, "biases");
      for (int l = 0; l < Math.min(n, tensors.size()); l++) {
        if (tensors.get(l) instanceof TorchTensor t && nBiases[l] > 0
            && !Arrays.equals(values(t, "biases[" + l + "]"), times[l])) {
          throw bad("the bias tensor of layer " + l + " " + Arrays.toString(values(t, "biases"))
              + " disagrees with bias_times " + Arrays.toString(times[l]));
        }
      }
    }
    return times;
  }

  /** The layer objects: {@code _modules['layers']} is a ModuleList whose {@code _modules} are '0', '1', ... */
  private List<ClassDict> layers(ClassDict net, int n) throws FileFormatException {
    Map<String, Object> modules = asMap(require(net, "_modules"), "_modules");
    if (!(modules.get("layers") instanceof ClassDict list)) {
      throw bad("the network has no 'layers' module list (modules " + modules.keySet() + ")");
    }
    Map<String, Object> children = asMap(require(list, "_modules"), "layers._modules");
    if (children.size() != n) {
      throw bad("the network has " + children.size() + " layer modules but layer_sizes has " + n);
    }
    List<ClassDict> out = new ArrayList<>();
    for (int l = 0; l < n; l++) {
      if (!(children.get(String.valueOf(l)) instanceof ClassDict layer)) {
        throw bad("layer module '" + l + "' is missing or not a module (keys " + children.keySet() + ")");
      }
      out.add(layer);
    }
    return out;
  }

  /**
   * Neuron parameters from {@code sim_params}: g_leak, leak, threshold, tau_syn and, when present,
   * tau_mem (else tau_mem = tau_syn, the et variant).
   */
  private NeuronParams neuronParams(Map<String, Object> sim) throws FileFormatException {
    double tauSyn = toDouble(require(sim, "tau_syn", "sim_params"), "sim_params.tau_syn");
    Object tauMem = sim.get("tau_mem");
    try {
      return new NeuronParams(
          toDouble(require(sim, "g_leak", "sim_params"), "sim_params.g_leak"),
          toDouble(require(sim, "leak", "sim_params"), "sim_params.leak"),
          toDouble(require(sim, "threshold", "sim_params"), "sim_params.threshold"),
          tauSyn,
          tauMem == null ? tauSyn : toDouble(tauMem, "sim_params.tau_mem"));
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
  }

  private void checkFeature(ClassDict layer, String key, int expected, int l)
      throws FileFormatException {
    Object v = layer.get(key);
    if (v != null && toInt(v, "layer " + l + " " + key) != expected) {
      throw bad("layer " + l + " has " + key + " = " + v + ", but the network shape implies " + expected);
    }
  }

  private double[] values(TorchTensor t, String what) throws FileFormatException {
    double[] v;
    try {
      v = t.values();
    } catch (IllegalStateException e) {
      throw bad(what + ": " + e.getMessage());
    }
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw bad(what + " element " + i + " is " + v[i] + "; weights and bias times must be finite");
      }
    }
    return v;
  }

  private Object require(Map<String, Object> map, String key) throws FileFormatException {
    return py.require(map, key);
  }

  private Object require(Map<String, Object> map, String key, String owner) throws FileFormatException {
    return py.require(map, key, owner);
  }

  private Map<String, Object> asMap(Object o, String what) throws FileFormatException {
    return py.asMap(o, what);
  }

  private List<?> items(Object o, String what) throws FileFormatException {
    return py.items(o, what);
  }

  private int[] ints(Object o, String what) throws FileFormatException {
    return py.ints(o, what);
  }

  private int toInt(Object o, String what) throws FileFormatException {
    return py.toInt(o, what);
  }

  private double toDouble(Object o, String what) throws FileFormatException {
    return py.toDouble(o, what);
  }

  private FileFormatException bad(String what) {
    return py.bad(what);
  }
}
