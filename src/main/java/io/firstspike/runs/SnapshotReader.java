package io.firstspike.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.NeuronLayer;
import io.firstspike.core.layer.Parameter;
import io.firstspike.core.network.Network;
import io.firstspike.core.optim.GroupedOptimizerState;
import io.firstspike.core.optim.OptimizerState;
import io.firstspike.core.optim.WeightBumper;
import io.firstspike.data.NumpyRandom;
import io.firstspike.io.FileFormatException;
import io.firstspike.io.LayerNetworkFile;
import io.firstspike.io.NetworkFile;
import io.firstspike.io.Npy;
import io.firstspike.io.NpyArray;
import io.firstspike.train.Curves;
import io.firstspike.train.Experiments;
import io.firstspike.train.TrainingState;
import io.firstspike.train.config.AnyConfig;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.ExperimentConfig;
import io.firstspike.train.config.NetworkLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
  /** The run's config when it is of the 2021 schema, else null. */
  private final ExperimentConfig config;
  /** The run's config of either schema, null when unreadable. */
  private final AnyConfig anyConfig;
  private final Path stateFile;
  private final List<String> problems = new ArrayList<>();
  /** The training options saved with a layer network (used when the config is unreadable). */
  private List<io.firstspike.core.layer.LayerTraining> storedTraining;

  private SnapshotReader(Path dir, int epoch, SnapshotStore names, AnyConfig config) {
    this.dir = dir;
    this.epoch = epoch;
    this.names = names;
    this.anyConfig = config;
    this.config = config instanceof ExperimentConfig c ? c : null;
    this.stateFile = dir.resolve(SnapshotStore.STATE);
  }

  /**
   * Reads the snapshot of {@code epoch} in {@code dir}.
   *
   * @param config the run's config, whose network layout and optimizer the snapshot must fit;
   *     null when it is unreadable (then only the snapshot's own consistency is checked)
   * @throws DamagedRunException listing every problem found
   */
  static TrainingState read(Path dir, int epoch, SnapshotStore names, AnyConfig config) {
    SnapshotReader r = new SnapshotReader(dir, epoch, names, config);
    TrainingState st = r.read();
    if (!r.problems.isEmpty()) {
      throw new DamagedRunException(r.problems);
    }
    return st;
  }

  private TrainingState read() {
    JsonNode s = readJson();
    boolean delgrad = s != null ? SnapshotStore.DELGRAD.equals(s.path("model").asText(null))
        : anyConfig instanceof DelgradExperiment;
    if (delgrad || anyConfig instanceof DelgradExperiment) {
      if (!delgrad) {
        problems.add(stateFile + ": a snapshot of a 2021-schema network, but config.yaml is of"
            + " the new (DelGrad) schema");
        return null;
      }
      if (anyConfig != null && !(anyConfig instanceof DelgradExperiment)) {
        problems.add(stateFile + ": a snapshot of a new-schema (DelGrad) network, but"
            + " config.yaml is of the 2021 schema");
        return null;
      }
      return readDelgrad(s);
    }
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

  /**
   * A new-schema snapshot: the layer network (rebuilt with the config's layer list, so that a
   * network of another layout is refused), the curves, counters, bump state, noise stream, data
   * generator and grouped optimizer (see {@link SnapshotStore}).
   */
  private TrainingState readDelgrad(JsonNode s) {
    DelgradExperiment cfg = (DelgradExperiment) anyConfig;
    LayerNetwork net = readLayerNetwork(cfg);
    int[] rows = null;
    int[] sizes = null;
    if (net != null) {
      List<NeuronLayer> neurons = net.neuronLayers();
      NeuronLayer label = neurons.get(neurons.size() - 1);
      sizes = new int[] {label.size()};
      rows = new int[] {label.weights().length / label.size()};
    }
    Curves curves = readCurves(rows, sizes);
    if (net == null) {
      return null;
    }
    readDelgradRecords(curves, net, cfg != null ? cfg.toLayerTraining() : storedTraining);
    TrainingState st = new TrainingState(net, cfg != null ? cfg.toLayerTraining()
        : storedTraining, curves);
    if (s == null) {
      return st;
    }
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
    JsonNode full = s.get("full");
    if (full == null || !full.isBoolean()) {
      problems.add(stateFile + ": 'full' must be true or false, got " + describe(full));
    }
    if (has(s, "bumper", "null at a segment's start, else {value, previous_code}", true)
        && !s.get("bumper").isNull() && !(full != null && full.asBoolean())) {
      JsonNode b = s.get("bumper");
      Double value = number(b, "bumper.value", "value");
      Long code = integer(b, "bumper.previous_code", "previous_code", -2, Integer.MAX_VALUE);
      if (value != null && code != null) {
        st.delgradBump = new TrainingState.DelgradBump(value, code.intValue());
      }
    }
    Long noise = integer(s, "noise_state", Long.MIN_VALUE, Long.MAX_VALUE);
    st.noiseState = noise == null ? 0 : noise;
    st.rng = readRng(s);
    if (has(s, "optimizer", "null before the first epoch ended, else {type, learning_rates,"
        + " tensors}", true) && !s.get("optimizer").isNull()) {
      st.groupedOptimizer = readGroupedOptimizer(s.get("optimizer"), net);
    }
    if (problems.isEmpty() && cfg != null) {
      try {
        Experiments.checkRestorable(cfg, st);
      } catch (IllegalArgumentException ex) {
        problems.add(stateFile + ": " + ex.getMessage() + " (the config's training_params"
            + " disagree with the snapshot)");
      }
    }
    return st;
  }

  /** The snapshot's layer network with the config's layer list, or null (problem recorded). */
  private LayerNetwork readLayerNetwork(DelgradExperiment cfg) {
    Path netDir = dir.resolve(SnapshotStore.NETWORK);
    if (!Files.isDirectory(netDir)) {
      problems.add(netDir + ": missing (the network after epoch " + epoch + ")");
      return null;
    }
    LayerNetworkFile.Stored stored;
    try {
      stored = LayerNetworkFile.read(netDir);
    } catch (IOException | RuntimeException e) {
      problems.add(describe(e, netDir.resolve(LayerNetworkFile.JSON_NAME)));
      return null;
    }
    storedTraining = stored.training();
    if (cfg == null) {
      return stored.network();
    }
    Map<String, double[]> values = new LinkedHashMap<>();
    for (Parameter p : stored.network().parameters()) {
      values.put(p.name(), p.values());
    }
    try {
      return cfg.network(values);
    } catch (IllegalArgumentException e) {
      problems.add(netDir.resolve(LayerNetworkFile.JSON_NAME) + ": does not fit config.yaml's"
          + " network_layout: " + e.getMessage());
      return null;
    }
  }

  private GroupedOptimizerState readGroupedOptimizer(JsonNode o, LayerNetwork net) {
    JsonNode type = o.get("type");
    if (type == null || !type.isTextual()) {
      problems.add(stateFile + ": 'optimizer.type' must be a name such as \"adam\", got "
          + describe(type));
    }
    JsonNode lrs = o.get("learning_rates");
    double[] rates = null;
    if (lrs == null || !lrs.isArray() || lrs.size() != net.layers().size()) {
      problems.add(stateFile + ": 'optimizer.learning_rates' must be a list of "
          + net.layers().size() + " numbers (one per layer entry), got " + describe(lrs));
    } else {
      rates = new double[lrs.size()];
      for (int g = 0; g < rates.length; g++) {
        JsonNode r = lrs.get(g);
        if (r.isNumber()) {
          rates[g] = r.asDouble();
        } else {
          problems.add(stateFile + ": 'optimizer.learning_rates[" + g + "]' must be a number,"
              + " got " + describe(r));
          rates = null;
          break;
        }
      }
    }
    List<Parameter> trainable = net.parameters().stream().filter(Parameter::trainable).toList();
    JsonNode ts = o.get("tensors");
    if (ts == null || !ts.isArray() || ts.size() != trainable.size()) {
      problems.add(stateFile + ": 'optimizer.tensors' must be a list of " + trainable.size()
          + " tensors (the trainable parameters " + trainable.stream().map(Parameter::name)
          .toList() + "), got " + describe(ts));
      return null;
    }
    List<GroupedOptimizerState.TensorState> tensors = new ArrayList<>();
    boolean complete = true;
    for (int i = 0; i < trainable.size(); i++) {
      JsonNode t = ts.get(i);
      String path = "optimizer.tensors[" + i + "]";
      String name = trainable.get(i).name();
      if (!name.equals(t.path("name").asText(null))) {
        problems.add(stateFile + ": '" + path + ".name' is " + describe(t.get("name"))
            + ", expected \"" + name + "\"");
        complete = false;
        continue;
      }
      Long step = integer(t, path + ".step", "step", 0, Long.MAX_VALUE);
      Long count = integer(t, path + ".buffers", "buffers", 0, 8);
      if (step == null || count == null) {
        complete = false;
        continue;
      }
      List<double[]> buffers = new ArrayList<>();
      for (int k = 0; k < count; k++) {
        NpyArray a = npy(SnapshotStore.tensorBufferName(name, k), "optimizer buffer " + k
            + " of " + name, trainable.get(i).values().length);
        if (a == null) {
          complete = false;
        } else {
          buffers.add(a.asDoubles());
        }
      }
      if (complete) {
        tensors.add(new GroupedOptimizerState.TensorState(name, step, buffers));
      }
    }
    if (!complete || rates == null || type == null || !type.isTextual()) {
      return null;
    }
    return new GroupedOptimizerState(type.asText(), rates, tensors);
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

  /**
   * The weight-bump codes and monitored-layer records of a new-schema snapshot. Snapshots written
   * before they were recorded lack the files: the codes are then unknown (null, not written
   * again) and the records of those validations NaN. A file that is there must have its shape.
   */
  private void readDelgradRecords(Curves c, LayerNetwork net,
      List<io.firstspike.core.layer.LayerTraining> training) {
    Path codes = dir.resolve(names.name("weight_bumping_steps"));
    if (!Files.isRegularFile(codes)) {
      c.bumpCodes = null;
    } else {
      NpyArray a = npy(names.name("weight_bumping_steps"), "weight-bump code per batch", -1);
      if (a != null && a.kind() != NpyArray.Kind.INT) {
        problems.add(codes + ": dtype " + a.dtype() + ", expected int64 (weight-bump codes)");
      } else if (a != null) {
        long[] all = a.asLongs();
        if (epoch == 0 || all.length % epoch != 0) {
          problems.add(codes + ": " + all.length + " codes, not the same number for each of "
              + epoch + " epochs");
        } else {
          int per = all.length / epoch;
          for (int e = 0; e < epoch; e++) {
            c.bumpCodes.add(Arrays.copyOfRange(all, e * per, (e + 1) * per));
          }
        }
      }
    }
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < training.size() && i < net.layers().size(); i++) {
      if (!training.get(i).monitor()) {
        continue;
      }
      if (net.layer(i) instanceof io.firstspike.core.layer.DelayLayer d) {
        double[][] e = d.effectiveDelays();
        sizes.add(e.length * e[0].length);
      } else if (net.layer(i) instanceof NeuronLayer n) {
        sizes.add(n.weights().length);
      }
    }
    List<double[]> flats = new ArrayList<>();
    for (int k = 0; k < sizes.size(); k++) {
      String file = names.parametersName(k);
      if (!Files.isRegularFile(dir.resolve(file))) {
        double[] unknown = new double[(epoch + 1) * sizes.get(k)];
        Arrays.fill(unknown, Double.NaN);
        flats.add(unknown);
        continue;
      }
      NpyArray a = npy(file, "records of monitored layer " + k, epoch + 1, sizes.get(k));
      flats.add(a == null ? null : a.asDoubles());
    }
    if (sizes.isEmpty() || flats.contains(null)) {
      return;
    }
    for (int e = 0; e <= epoch; e++) {
      List<double[]> rec = new ArrayList<>();
      for (int k = 0; k < sizes.size(); k++) {
        rec.add(Arrays.copyOfRange(flats.get(k), e * sizes.get(k), (e + 1) * sizes.get(k)));
      }
      c.parameterRecords.add(rec);
    }
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
