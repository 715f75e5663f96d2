package io.firstspike.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.NeuronParams;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * FirstSpike's own network file: a folder with a human-readable {@code network.json} and one
 * float64 {@code .npy} per layer, so that a network can be inspected with a text editor and
 * loaded in NumPy ({@code np.load("weights_layer_0.npy")}) without FirstSpike. docs/FORMATS.md
 * describes it for users.
 *
 * <pre>
 * {
 *   "format" : "firstspike-network",  "version" : 1,
 *   "neuron_params" : { "g_leak" : 1.0, "leak" : 0.0, "threshold" : 1.0, "tau_syn" : 1.0, "tau_mem" : 1.0 },
 *   "n_inputs" : 4, "layer_sizes" : [ 120, 3 ], "n_biases" : [ 1, 1 ], "bias_times" : [ [ 0.9 ], [ 0.9 ] ],
 *   "layers" : [ { "weights" : "weights_layer_0.npy", "shape" : [ 5, 120 ] }, ... ],
 *   "provenance" : { ... }     (optional, free-form)
 * }
 * </pre>
 *
 * Weight matrix {@code l} has shape {@code (inputs + n_biases[l]) x layer_sizes[l]}, bias rows
 * last, exactly like {@link Network#weights(int)}. Doubles are written in their shortest exact
 * decimal form, so a write/read round trip is bit-exact. Readers refuse versions newer than
 * {@link #VERSION} and unknown keys (a typo in a hand-edited file must not pass silently).
 */
public final class NetworkFile {
  private NetworkFile() {}

  /** The value of the {@code format} key. */
  public static final String FORMAT = "firstspike-network";
  /** The format version this code writes and the newest it reads. */
  public static final int VERSION = 1;
  /** The description file inside the folder. */
  public static final String JSON_NAME = "network.json";

  private static final Set<String> KEYS = Set.of("format", "version", "neuron_params", "n_inputs",
      "layer_sizes", "n_biases", "bias_times", "layers", "provenance");
  private static final Set<String> PARAM_KEYS = Set.of("g_leak", "leak", "threshold", "tau_syn", "tau_mem");
  private static final Pattern WEIGHT_FILE = Pattern.compile("weights_layer_(\\d+)\\.npy");
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT).build();

  /** A network read back with the provenance stored beside it (empty if none). */
  public record Stored(Network network, Map<String, Object> provenance) {}

  /** The name of layer {@code l}'s weight file. */
  public static String weightFileName(int l) {
    return "weights_layer_" + l + ".npy";
  }

  /** Writes the network without provenance. */
  public static void write(Network network, Path dir) throws IOException {
    write(network, dir, Map.of());
  }

  /**
   * Writes {@code network} into folder {@code dir} (created if needed; a path ending in
   * {@code network.json} means its folder). The weight files are written first and
   * {@code network.json} last, each atomically; weight files of layers the network no longer has
   * are removed.
   *
   * @param provenance free-form facts about where the network came from (config, run id, epoch,
   *     source file); must be serializable by Jackson
   */
  public static void write(Network network, Path dir, Map<String, ?> provenance) throws IOException {
    Path folder = folderOf(dir);
    Files.createDirectories(folder);
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT).put("version", VERSION);
    NeuronParams p = network.params();
    root.putObject("neuron_params").put("g_leak", p.gLeak()).put("leak", p.leak())
        .put("threshold", p.threshold()).put("tau_syn", p.tauSyn()).put("tau_mem", p.tauMem());
    root.put("n_inputs", network.nInputs());
    ArrayNode sizes = root.putArray("layer_sizes");
    ArrayNode biases = root.putArray("n_biases");
    ArrayNode times = root.putArray("bias_times");
    ArrayNode layers = root.putArray("layers");
    for (int l = 0; l < network.nLayers(); l++) {
      sizes.add(network.layerSize(l));
      biases.add(network.nBiases(l));
      ArrayNode t = times.addArray();
      Arrays.stream(network.biasTimes(l)).forEach(t::add);
      String name = weightFileName(l);
      Npy.write(folder.resolve(name), network.weights(l), network.rowsOf(l), network.layerSize(l));
      ObjectNode layer = layers.addObject().put("weights", name);
      layer.putArray("shape").add(network.rowsOf(l)).add(network.layerSize(l));
    }
    if (!provenance.isEmpty()) {
      root.set("provenance", JSON.valueToTree(provenance));
    }
    byte[] json = (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    AtomicFiles.write(folder.resolve(JSON_NAME), json);
    removeStaleWeights(folder, network.nLayers());
  }

  /** Reads a network folder (or its {@code network.json}). */
  public static Network read(Path dir) throws IOException {
    return readWithProvenance(dir).network();
  }

  /**
   * Reads a network folder and its provenance.
   *
   * @throws FileFormatException naming the file and key when something is missing, inconsistent or
   *     from a newer format version
   */
  public static Stored readWithProvenance(Path dir) throws IOException {
    Path folder = folderOf(dir);
    NetworkJson opened = NetworkJson.open(folder, JSON, "FirstSpike network", FORMAT, VERSION,
        LayerNetworkFile.FORMAT, "this is a layer network: read it with LayerNetworkFile");
    JsonNode root = opened.root();
    JsonReader r = opened.reader();
    r.onlyKeys(root, KEYS, "the top level");
    NeuronParams params = params(r, r.object(root, "neuron_params"));
    int nInputs = r.integer(root, "n_inputs");
    int[] sizes = r.ints(root, "layer_sizes");
    int[] nBiases = r.ints(root, "n_biases");
    JsonNode timesNode = r.array(root, "bias_times");
    JsonNode layersNode = r.array(root, "layers");
    int n = sizes.length;
    if (nBiases.length != n || timesNode.size() != n || layersNode.size() != n) {
      throw r.bad("layer_sizes, n_biases, bias_times and layers need one entry per layer (" + n
          + "), got " + nBiases.length + ", " + timesNode.size() + ", " + layersNode.size());
    }
    double[][] biasTimes = new double[n][];
    double[][] weights = new double[n][];
    for (int l = 0; l < n; l++) {
      biasTimes[l] = r.doubles(timesNode.get(l), "bias_times[" + l + "]");
      JsonNode layer = layersNode.get(l);
      r.onlyKeys(layer, Set.of("weights", "shape"), "layers[" + l + "]");
      weights[l] = weights(r, folder, layer, l, (l == 0 ? nInputs : sizes[l - 1]) + nBiases[l], sizes[l]);
    }
    Network network;
    try {
      network = new Network(params, nInputs, sizes, nBiases, biasTimes, weights);
    } catch (IllegalArgumentException e) {
      throw r.bad(e.getMessage());
    }
    Map<String, Object> provenance = root.has("provenance")
        ? JSON.convertValue(root.get("provenance"), new TypeReference<LinkedHashMap<String, Object>>() {})
        : Map.of();
    return new Stored(network, provenance);
  }

  private static NeuronParams params(JsonReader r, JsonNode node) throws FileFormatException {
    r.onlyKeys(node, PARAM_KEYS, "neuron_params");
    double tauSyn = r.number(node, "tau_syn");
    try {
      return new NeuronParams(r.number(node, "g_leak"), r.number(node, "leak"),
          r.number(node, "threshold"), tauSyn, node.has("tau_mem") ? r.number(node, "tau_mem") : tauSyn);
    } catch (IllegalArgumentException e) {
      throw r.bad(e.getMessage());
    }
  }

  /** Reads and checks layer l's weight file against the declared and the implied shape. */
  private static double[] weights(JsonReader r, Path folder, JsonNode layer, int l, int rows, int cols)
      throws IOException {
    String name = r.text(layer, "weights");
    if (name.contains("/") || name.contains("\\") || name.equals("..") || name.isBlank()) {
      throw r.bad("layers[" + l + "].weights must be a file name inside the network folder, got \"" + name + "\"");
    }
    int[] declared = r.ints(layer, "shape");
    if (!Arrays.equals(declared, new int[] {rows, cols})) {
      throw r.bad("layers[" + l + "].shape is " + Arrays.toString(declared) + " but the layer sizes imply ["
          + rows + ", " + cols + "] (inputs + biases, neurons)");
    }
    Path file = folder.resolve(name);
    NpyArray a = Npy.read(file);
    if (a.kind() != NpyArray.Kind.FLOAT || !Arrays.equals(a.shape(), declared)) {
      throw new FileFormatException(file, "holds " + a.dtype() + " of shape " + Arrays.toString(a.shape())
          + "; network.json declares float64 of shape " + Arrays.toString(declared));
    }
    double[] w = a.asDoubles();
    for (int i = 0; i < w.length; i++) {
      if (!Double.isFinite(w[i])) {
        throw new FileFormatException(file, "weight (" + i / cols + ", " + i % cols + ") is " + w[i]
            + "; weights must be finite");
      }
    }
    return w;
  }

  private static Path folderOf(Path dir) {
    Path f = dir.getFileName();
    return f != null && f.toString().equals(JSON_NAME) ? dir.toAbsolutePath().getParent() : dir;
  }

  private static void removeStaleWeights(Path folder, int nLayers) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      for (Iterator<Path> it = files.iterator(); it.hasNext(); ) {
        Path p = it.next();
        Matcher m = WEIGHT_FILE.matcher(p.getFileName().toString());
        if (m.matches() && (m.group(1).length() > 6 || Integer.parseInt(m.group(1)) >= nLayers)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
