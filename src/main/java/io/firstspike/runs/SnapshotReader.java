package io.firstspike.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.core.network.Network;
import io.firstspike.core.optim.OptimizerState;
import io.firstspike.core.optim.WeightBumper;
import io.firstspike.data.NumpyRandom;
import io.firstspike.io.FileFormatException;
import io.firstspike.io.NetworkFile;
import io.firstspike.io.Npy;
import io.firstspike.io.NpyArray;
import io.firstspike.train.Curves;
import io.firstspike.train.Experiments;
import io.firstspike.train.TrainingState;
import io.firstspike.train.config.ExperimentConfig;
import io.firstspike.train.config.NetworkLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a snapshot folder (layout in docs/FORMATS.md) strictly: every file a training needs to
 * continue (the network, {@code training_state.json}, the seven curve files, the optimizer
 * buffers) is checked for presence, format and the shape the epoch, the network and the config
 * imply before anything is built from it. All problems are collected, one line each naming the
 * file and what is wrong, and thrown together as a {@link DamagedRunException}; a snapshot that
 * reads without one can be trained on without an exception from its data.
 */
final class SnapshotReader {
  private final Path dir;
  private final int epoch;
  private final SnapshotStore names;
  private final ExperimentConfig config;
  private final Path stateFile;
  private final List<String> problems = new ArrayList<>();

  private SnapshotReader(Path dir, int epoch, SnapshotStore names, ExperimentConfig config) {
    this.dir = dir;
    this.epoch = epoch;
    this.names = names;
    this.config = config;
    this.stateFile = dir.resolve(SnapshotStore.STATE);
  }

  /**
   * Reads the snapshot of {@code epoch} in {@code dir}.
   *
   * @param config the run's config, whose network layout and optimizer the snapshot must fit;
   *     null when it is unreadable (then only the snapshot's own consistency is checked)
   * @throws DamagedRunException listing every problem found
   */
  static TrainingState read(Path dir, int epoch, SnapshotStore names, ExperimentConfig config) {
    SnapshotReader r = new SnapshotReader(dir, epoch, names, config);
    TrainingState st = r.read();
    if (!r.problems.isEmpty()) {
      throw new DamagedRunException(r.problems);
    }
    return st;
  }

  private TrainingState read() {
    JsonNode s = readJson();
    Network net = readNetwork();
    int[] rows = weightRows(net);
    int[] sizes = layerSizes(net);
    Curves curves = readCurves(rows, sizes);
    TrainingState st = new TrainingState(net, curves);
    if (s != null) {
      readCounters(s, st, sizes);
      st.rng = readRng(s);
      if (has(s, "optimizer", "null before the first step, else {type, step, learning_rate,"
          + " buffers}", true) && !s.get("optimizer").isNull()) {
        st.optimizer = readOptimizer(s.get("optimizer"), rows, sizes);
      }
    }
    if (problems.isEmpty() && config != null) {
      try {
        Experiments.checkRestorable(config, st);
      } catch (IllegalArgumentException e) {
        problems.add(stateFile + ": " + e.getMessage() + " (the config's training_params"
            + " disagree with the snapshot)");
      }
    }
    return st;
  }

  private JsonNode readJson() {
    if (!Files.isRegularFile(stateFile)) {
      problems.add(stateFile + ": missing (the optimizer, scheduler and random-generator state"
          + " a training continues from)");
      return null;
    }
    JsonNode s;
    try {
      s = Json.MAPPER.readTree(stateFile.toFile());
    } catch (IOException e) {
      problems.add(stateFile + ": not valid JSON: " + firstLine(e.getMessage()));
      return null;
    }
    if (s == null || !s.isObject()) {
      problems.add(stateFile + ": not a JSON object");
      return null;
    }
    if (!SnapshotStore.FORMAT.equals(s.path("format").asText(null))) {
      problems.add(stateFile + ": 'format' is " + s.get("format") + ", expected \""
          + SnapshotStore.FORMAT + "\"");
      return null;
    }
    JsonNode v = s.get("version");
    if (v == null || !v.isInt() || v.asInt() < 1 || v.asInt() > SnapshotStore.VERSION) {
      problems.add(stateFile + ": 'version' is " + v + "; this FirstSpike reads versions 1 to "
          + SnapshotStore.VERSION);
      return null;
    }
    return s;
  }

  private void readCounters(JsonNode s, TrainingState st, int[] sizes) {
    Long e = integer(s, "epoch", 0, Integer.MAX_VALUE);
    if (e != null && e != epoch) {
      problems.add(stateFile + ": 'epoch' is " + e + " but this is the snapshot of epoch "
          + epoch + " (" + dir.getFileName() + ")");
    }
    st.epochsDone = epoch;
    Long step = integer(s, "step", 0, Long.MAX_VALUE);
    st.step = step == null ? 0 : step;
    Long sched = integer(s, "scheduler_steps", 0, Integer.MAX_VALUE);
    st.schedulerSteps = sched == null ? 0 : sched.intValue();
    if (has(s, "bumper", "{last_bumped_layer, value}", false)) {
      JsonNode b = s.get("bumper");
      int layers = sizes == null ? Integer.MAX_VALUE : sizes.length;
      Long last = integer(b, "bumper.last_bumped_layer", "last_bumped_layer", -1, layers - 1);
      Double value = number(b, "bumper.value", "value");
      if (last != null && value != null) {
        st.bumper = new WeightBumper.State(last.intValue(), value);
      }
    }
  }

  private NumpyRandom.State readRng(JsonNode s) {
    if (!has(s, "rng", "{key[624], pos, has_gauss, gauss}, the data generator's state", false)) {
      return null;
    }
    JsonNode r = s.get("rng");
    JsonNode key = r.get("key");
    int[] words = null;
    if (key == null || !key.isArray() || key.size() != NumpyRandom.N) {
      problems.add(stateFile + ": 'rng.key' must be a list of " + NumpyRandom.N
          + " integers 0..2^32-1, got " + (key != null && key.isArray()
              ? "a list of " + key.size() : describe(key)));
    } else {
      words = new int[NumpyRandom.N];
      for (int i = 0; i < words.length; i++) {
        JsonNode w = key.get(i);
        if (!w.canConvertToLong() || !w.isIntegralNumber() || w.asLong() < 0
            || w.asLong() > 0xffffffffL) {
          problems.add(stateFile + ": 'rng.key[" + i + "]' is " + w
              + ", expected an integer 0..2^32-1");
          words = null;
          break;
        }
        words[i] = (int) w.asLong();
      }
    }
    Long pos = integer(r, "rng.pos", "pos", 0, NumpyRandom.N);
    JsonNode hasGauss = r.get("has_gauss");
    if (hasGauss == null || !hasGauss.isBoolean()) {
      problems.add(stateFile + ": 'rng.has_gauss' must be true or false, got "
          + describe(hasGauss));
    }
    Double gauss = number(r, "rng.gauss", "gauss");
    if (words == null || pos == null || hasGauss == null || !hasGauss.isBoolean()
        || gauss == null) {
      return null;
    }
    return new NumpyRandom.State(words, pos.intValue(), hasGauss.asBoolean(), gauss);
  }

  private OptimizerState readOptimizer(JsonNode o, int[] rows, int[] sizes) {
    JsonNode type = o.get("type");
    if (type == null || !type.isTextual()) {
      problems.add(stateFile + ": 'optimizer.type' must be a name such as \"adam\", got "
          + describe(type));
    }
    Long step = integer(o, "optimizer.step", "step", 0, Long.MAX_VALUE);
    Double lr = number(o, "optimizer.learning_rate", "learning_rate");
    Long count = integer(o, "optimizer.buffers", "buffers", 0, 8);
    if (count == null || sizes == null) {
      return null;
    }
    List<double[][]> buffers = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      double[][] layers = new double[sizes.length][];
      for (int l = 0; l < sizes.length; l++) {
        NpyArray a = npy(SnapshotStore.bufferName(k, l), "optimizer buffer " + k + " of layer "
            + l, rows == null ? -1 : (long) rows[l] * sizes[l]);
        layers[l] = a == null ? null : a.asDoubles();
      }
      buffers.add(layers);
    }
    boolean complete = buffers.stream().flatMap(Arrays::stream).allMatch(x -> x != null);
    if (type == null || !type.isTextual() || step == null || lr == null || !complete) {
      return null;
    }
    return new OptimizerState(type.asText(), step, lr, buffers);
  }

  private Network readNetwork() {
    Path netDir = dir.resolve(SnapshotStore.NETWORK);
    if (!Files.isDirectory(netDir)) {
      problems.add(netDir + ": missing (the network after epoch " + epoch + ")");
      return null;
    }
    Network net;
    try {
      net = NetworkFile.read(netDir);
    } catch (IOException | RuntimeException e) {
      problems.add(describe(e, netDir.resolve(NetworkFile.JSON_NAME)));
      return null;
    }
    if (config != null) {
      NetworkLayout want = config.networkLayout();
      Path json = netDir.resolve(NetworkFile.JSON_NAME);
      compare(json, "n_inputs", net.nInputs(), want.nInputs());
      compare(json, "layer_sizes", Arrays.toString(net.layerSizes()),
          want.layerSizes().toString());
      compare(json, "n_biases", Arrays.toString(net.nBiases()), want.nBiases().toString());
    }
    return net;
  }

  private void compare(Path json, String key, Object got, Object want) {
    if (!String.valueOf(got).equals(String.valueOf(want))) {
      problems.add(json + ": " + key + " is " + got + " but config.yaml's network_layout."
          + key + " is " + want);
    }
  }

  /** Weight-matrix rows per layer, from the network or else the config; null if neither. */
  private int[] weightRows(Network net) {
    if (net != null) {
      int[] rows = new int[net.nLayers()];
      Arrays.setAll(rows, net::rowsOf);
      return rows;
    }
    if (config != null) {
      NetworkLayout l = config.networkLayout();
      int[] rows = new int[l.nLayers()];
      Arrays.setAll(rows, l::inputsOfLayer);
      return rows;
    }
    return null;
  }

  private int[] layerSizes(Network net) {
    if (net != null) {
      return net.layerSizes();
    }
    return config == null ? null
        : config.networkLayout().layerSizes().stream().mapToInt(Integer::intValue).toArray();
  }

  private Curves readCurves(int[] rows, int[] sizes) {
    int v = epoch + 1;
    int last = sizes == null ? -1 : sizes.length - 1;
    long k = last < 0 ? -1 : sizes[last];
    long labelWeights = last < 0 ? -1 : (long) rows[last] * sizes[last];
    Curves c = new Curves();
    NpyArray trainLoss = npy(names.name("train_losses"), "mean training loss per epoch", epoch);
    NpyArray trainAcc = npy(names.name("train_accuracies"), "training accuracy per epoch", epoch);
    NpyArray valLoss = npy(names.name("val_losses"), "validation loss per validation", v);
    NpyArray valAcc = npy(names.name("val_accuracies"), "validation accuracy per validation", v);
    NpyArray lw = npy(names.name("label_weights_training"),
        "label-layer weights per validation", v, labelWeights);
    NpyArray mean = npy(names.name("mean_val_outputs_sorted"),
        "mean output time per validation, class and label neuron", v, -1, k);
    NpyArray std = npy(names.name("std_val_outputs_sorted"),
        "output time deviation per validation, class and label neuron", v, -1, k);
    if (mean != null && std != null && mean.shape()[1] != std.shape()[1]) {
      problems.add(dir.resolve(names.name("std_val_outputs_sorted")) + ": "
          + std.shape()[1] + " classes, but " + names.name("mean_val_outputs_sorted") + " has "
          + mean.shape()[1]);
    }
    if (trainLoss != null) {
      box(trainLoss.asDoubles(), c.trainLoss);
    }
    if (trainAcc != null) {
      box(trainAcc.asDoubles(), c.trainAccuracy);
    }
    if (valLoss != null) {
      box(valLoss.asDoubles(), c.valLoss);
    }
    if (valAcc != null) {
      box(valAcc.asDoubles(), c.valAccuracy);
    }
    if (lw != null) {
      double[] flat = lw.asDoubles();
      int w = lw.shape()[1];
      for (int e = 0; e < v; e++) {
        c.labelWeights.add(Arrays.copyOfRange(flat, e * w, (e + 1) * w));
      }
    }
    if (mean != null) {
      cube(mean, c.meanValOutputs);
    }
    if (std != null) {
      cube(std, c.stdValOutputs);
    }
    return c;
  }

  /**
   * Reads a numeric .npy file of the expected shape ({@code -1}: any size of that dimension),
   * or records why not and returns null.
   */
  private NpyArray npy(String file, String what, long... shape) {
    Path f = dir.resolve(file);
    String expected = shapeText(shape);
    if (!Files.isRegularFile(f)) {
      problems.add(f + ": missing (" + what + ", float64 " + expected + ")");
      return null;
    }
    NpyArray a;
    try {
      a = Npy.read(f);
    } catch (IOException | RuntimeException e) {
      problems.add(describe(e, f));
      return null;
    }
    if (a.kind() == NpyArray.Kind.BOOL) {
      problems.add(f + ": dtype " + a.dtype() + ", expected float64 (" + what + ")");
      return null;
    }
    int[] got = a.shape();
    boolean ok = got.length == shape.length;
    for (int d = 0; ok && d < shape.length; d++) {
      ok = shape[d] < 0 ? got[d] > 0 : got[d] == shape[d];
    }
    if (!ok) {
      problems.add(f + ": shape " + Arrays.toString(got) + ", expected " + expected + " ("
          + what + " of a snapshot after epoch " + epoch + ")");
      return null;
    }
    return a;
  }

  private static String shapeText(long[] shape) {
    StringBuilder b = new StringBuilder("[");
    for (int d = 0; d < shape.length; d++) {
      b.append(d == 0 ? "" : ", ").append(shape[d] < 0 ? "*" : String.valueOf(shape[d]));
    }
    return b.append(']').toString();
  }

  private static void cube(NpyArray a, List<double[][]> out) {
    double[] flat = a.asDoubles();
    int[] sh = a.shape();
    for (int i = 0; i < sh[0]; i++) {
      double[][] m = new double[sh[1]][sh[2]];
      for (int j = 0; j < sh[1]; j++) {
        System.arraycopy(flat, (i * sh[1] + j) * sh[2], m[j], 0, sh[2]);
      }
      out.add(m);
    }
  }

  private static void box(double[] xs, List<Double> out) {
    for (double x : xs) {
      out.add(x);
    }
  }

  /**
   * True if {@code o.key} is an object (or null, where {@code nullable}); records what is wrong
   * otherwise.
   */
  private boolean has(JsonNode o, String key, String what, boolean nullable) {
    JsonNode n = o.get(key);
    if (n == null) {
      problems.add(stateFile + ": '" + key + "' is missing (" + what + ")");
      return false;
    }
    if (!n.isObject() && !(nullable && n.isNull())) {
      problems.add(stateFile + ": '" + key + "' must be " + what + ", got " + describe(n));
      return false;
    }
    return true;
  }

  private Long integer(JsonNode o, String key, long min, long max) {
    return integer(o, key, key, min, max);
  }

  /** An integer in [min, max] at {@code o.key} (called {@code path} in messages), or null. */
  private Long integer(JsonNode o, String path, String key, long min, long max) {
    JsonNode n = o.get(key);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min
        || n.asLong() > max) {
      problems.add(stateFile + ": '" + path + "' must be an integer " + min + ".."
          + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "" : String.valueOf(max))
          + ", got " + describe(n));
      return null;
    }
    return n.asLong();
  }

  /** A number at {@code o.key}; NaN and infinities may be written as strings or null. */
  private Double number(JsonNode o, String path, String key) {
    JsonNode n = o.get(key);
    if (n != null && n.isNumber()) {
      return n.asDouble();
    }
    if (n != null && n.isNull()) {
      return Double.NaN;
    }
    if (n != null && n.isTextual()
        && List.of("NaN", "Infinity", "-Infinity").contains(n.asText())) {
      return Double.parseDouble(n.asText());
    }
    problems.add(stateFile + ": '" + path + "' must be a number, got " + describe(n));
    return null;
  }

  private static String describe(JsonNode n) {
    if (n == null) {
      return "nothing (the key is missing)";
    }
    String text = n.toString();
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }

  /** One line for an exception reading {@code file}, naming the file once. */
  static String describe(Exception e, Path file) {
    if (e instanceof NoSuchFileException) {
      return e.getMessage() + ": missing";
    }
    String msg = firstLine(String.valueOf(e.getMessage()));
    if (e instanceof FileFormatException || msg.startsWith(file.toString())
        || msg.startsWith(file.getParent().toString())) {
      return msg;
    }
    return file + ": cannot read: " + msg;
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
