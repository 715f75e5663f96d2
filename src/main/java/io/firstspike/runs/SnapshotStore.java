package io.firstspike.runs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.core.network.Network;
import io.firstspike.core.optim.OptimizerState;
import io.firstspike.core.optim.WeightBumper;
import io.firstspike.data.NumpyRandom;
import io.firstspike.io.NetworkFile;
import io.firstspike.io.Npy;
import io.firstspike.io.NpyArray;
import io.firstspike.train.Curves;
import io.firstspike.train.SnapshotOutputs;
import io.firstspike.train.TrainingState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes and reads {@code epoch_<N>/} snapshots (layout in docs/FORMATS.md): the network, the
 * original's {@code .npy} curve and output files, and {@code training_state.json} with the
 * optimizer, scheduler, weight-bumping and random-generator state (optimizer moments as
 * {@code optimizer_buffer_<b>_layer_<l>.npy}). A snapshot is written to a hidden temporary folder
 * and renamed into place, so a crash never leaves a half-written one.
 */
public final class SnapshotStore {
  public static final String STATE = "training_state.json";
  public static final String NETWORK = "network";
  static final String FORMAT = "firstspike-training-state";
  static final int VERSION = 1;

  private final RunFolder run;
  private final String dataset;

  /** @param dataset prefix of the original's file names ({@code yin_yang}, ...) */
  public SnapshotStore(RunFolder run, String dataset) {
    this.run = run;
    this.dataset = dataset;
  }

  /** Writes the snapshot of {@code state.epochsDone}; replaces an older one of that epoch. */
  public void save(TrainingState state, SnapshotOutputs outputs) {
    int epoch = state.epochsDone;
    Path target = run.snapshotDir(epoch);
    Path tmp = run.dir().resolve(".epoch_" + epoch + ".tmp");
    try {
      deleteTree(tmp);
      Files.createDirectories(tmp);
      NetworkFile.write(state.network, tmp.resolve(NETWORK));
      writeCurves(tmp, state.curves);
      if (outputs != null) {
        Npy.writeMatrix(tmp.resolve(name("test_spiketimes")), outputs.testTimes());
        Npy.writeLongs(tmp.resolve(name("test_labels")), longs(outputs.testLabels()),
            outputs.testLabels().length);
        Npy.writeMatrix(tmp.resolve(name("train_spiketimes")), outputs.trainTimes());
        Npy.writeLongs(tmp.resolve(name("train_labels")), longs(outputs.trainLabels()),
            outputs.trainLabels().length);
      }
      writeState(tmp, state, outputs != null);
      if (Files.exists(target)) {
        Path old = run.dir().resolve(".epoch_" + epoch + ".old");
        deleteTree(old);
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      } else {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write snapshot " + target + ": " + e.getMessage(), e);
    }
  }

  /** True if the snapshot of {@code epoch} holds test/train outputs (not just a checkpoint). */
  public boolean isFull(int epoch) {
    return Files.isRegularFile(run.snapshotDir(epoch).resolve(name("test_spiketimes")));
  }

  /** Deletes resume-only checkpoints older than {@code keepFrom}; full snapshots stay. */
  public void pruneCheckpoints(int keepFrom) {
    for (int e : run.snapshotEpochs()) {
      if (e < keepFrom && !isFull(e)) {
        try {
          deleteTree(run.snapshotDir(e));
        } catch (IOException ex) {
          throw new UncheckedIOException(ex);
        }
      }
    }
  }

  /** Reads the snapshot of {@code epoch} back into a training state. */
  public TrainingState load(int epoch) {
    Path dir = run.snapshotDir(epoch);
    try {
      JsonNode s = Json.MAPPER.readTree(dir.resolve(STATE).toFile());
      if (!FORMAT.equals(s.path("format").asText()) || s.path("version").asInt() > VERSION) {
        throw new IllegalArgumentException(
            dir.resolve(STATE) + ": not a " + FORMAT + " file of version <= " + VERSION);
      }
      Network net = NetworkFile.read(dir.resolve(NETWORK));
      TrainingState st = new TrainingState(net, readCurves(dir));
      st.epochsDone = s.get("epoch").asInt();
      st.step = s.get("step").asLong();
      st.schedulerSteps = s.get("scheduler_steps").asInt();
      JsonNode b = s.get("bumper");
      st.bumper = new WeightBumper.State(b.get("last_bumped_layer").asInt(), b.get("value").asDouble());
      JsonNode r = s.get("rng");
      int[] key = new int[r.get("key").size()];
      for (int i = 0; i < key.length; i++) {
        key[i] = (int) r.get("key").get(i).asLong();
      }
      st.rng = new NumpyRandom.State(key, r.get("pos").asInt(), r.get("has_gauss").asBoolean(),
          r.get("gauss").asDouble());
      JsonNode o = s.get("optimizer");
      if (o != null && !o.isNull()) {
        List<double[][]> buffers = new ArrayList<>();
        for (int k = 0; k < o.get("buffers").asInt(); k++) {
          double[][] layers = new double[net.nLayers()][];
          for (int l = 0; l < net.nLayers(); l++) {
            layers[l] = Npy.read(dir.resolve(bufferName(k, l))).asDoubles();
          }
          buffers.add(layers);
        }
        st.optimizer = new OptimizerState(o.get("type").asText(), o.get("step").asLong(),
            o.get("learning_rate").asDouble(), buffers);
      }
      return st;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read snapshot " + dir + ": " + e.getMessage(), e);
    }
  }

  private void writeState(Path dir, TrainingState st, boolean full) throws IOException {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("format", FORMAT);
    s.put("version", VERSION);
    s.put("epoch", st.epochsDone);
    s.put("step", st.step);
    s.put("full", full);
    s.put("scheduler_steps", st.schedulerSteps);
    ObjectNode b = s.putObject("bumper");
    b.put("last_bumped_layer", st.bumper == null ? -1 : st.bumper.lastBumpedLayer());
    b.put("value", st.bumper == null ? Double.NaN : st.bumper.value());
    ObjectNode r = s.putObject("rng");
    ArrayNode key = r.putArray("key");
    for (int k : st.rng.key()) {
      key.add(k & 0xffffffffL);
    }
    r.put("pos", st.rng.pos());
    r.put("has_gauss", st.rng.hasGauss());
    r.put("gauss", st.rng.gauss());
    if (st.optimizer == null) {
      s.putNull("optimizer");
    } else {
      ObjectNode o = s.putObject("optimizer");
      o.put("type", st.optimizer.type());
      o.put("step", st.optimizer.step());
      o.put("learning_rate", st.optimizer.learningRate());
      o.put("buffers", st.optimizer.buffers().size());
      for (int k = 0; k < st.optimizer.buffers().size(); k++) {
        double[][] layers = st.optimizer.buffers().get(k);
        for (int l = 0; l < layers.length; l++) {
          Npy.write(dir.resolve(bufferName(k, l)), layers[l], layers[l].length);
        }
      }
    }
    Files.writeString(dir.resolve(STATE), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(s));
  }

  private void writeCurves(Path dir, Curves c) throws IOException {
    Npy.write(dir.resolve(name("train_losses")), unbox(c.trainLoss), c.trainLoss.size());
    Npy.write(dir.resolve(name("train_accuracies")), unbox(c.trainAccuracy), c.trainAccuracy.size());
    Npy.write(dir.resolve(name("val_losses")), unbox(c.valLoss), c.valLoss.size());
    Npy.write(dir.resolve(name("val_accuracies")), unbox(c.valAccuracy), c.valAccuracy.size());
    int v = c.labelWeights.size();
    int w = v == 0 ? 0 : c.labelWeights.get(0).length;
    double[] lw = new double[v * w];
    for (int e = 0; e < v; e++) {
      System.arraycopy(c.labelWeights.get(e), 0, lw, e * w, w);
    }
    Npy.write(dir.resolve(name("label_weights_training")), lw, v, w);
    writeCube(dir.resolve(name("mean_val_outputs_sorted")), c.meanValOutputs);
    writeCube(dir.resolve(name("std_val_outputs_sorted")), c.stdValOutputs);
  }

  private Curves readCurves(Path dir) throws IOException {
    Curves c = new Curves();
    box(Npy.read(dir.resolve(name("train_losses"))).asDoubles(), c.trainLoss);
    box(Npy.read(dir.resolve(name("train_accuracies"))).asDoubles(), c.trainAccuracy);
    box(Npy.read(dir.resolve(name("val_losses"))).asDoubles(), c.valLoss);
    box(Npy.read(dir.resolve(name("val_accuracies"))).asDoubles(), c.valAccuracy);
    NpyArray lw = Npy.read(dir.resolve(name("label_weights_training")));
    double[] flat = lw.asDoubles();
    int w = lw.shape()[1];
    for (int e = 0; e < lw.shape()[0]; e++) {
      c.labelWeights.add(java.util.Arrays.copyOfRange(flat, e * w, (e + 1) * w));
    }
    readCube(Npy.read(dir.resolve(name("mean_val_outputs_sorted"))), c.meanValOutputs);
    readCube(Npy.read(dir.resolve(name("std_val_outputs_sorted"))), c.stdValOutputs);
    return c;
  }

  private static void writeCube(Path file, List<double[][]> cube) throws IOException {
    int e = cube.size();
    int k = e == 0 ? 0 : cube.get(0).length;
    int m = k == 0 ? 0 : cube.get(0)[0].length;
    double[] flat = new double[e * k * m];
    for (int i = 0; i < e; i++) {
      for (int j = 0; j < k; j++) {
        System.arraycopy(cube.get(i)[j], 0, flat, (i * k + j) * m, m);
      }
    }
    Npy.write(file, flat, e, k, m);
  }

  private static void readCube(NpyArray a, List<double[][]> out) {
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

  /** The original's file name of a curve or output file. */
  public String name(String what) {
    return dataset + "_" + what + ".npy";
  }

  private static String bufferName(int k, int l) {
    return "optimizer_buffer_" + k + "_layer_" + l + ".npy";
  }

  private static double[] unbox(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void box(double[] xs, List<Double> out) {
    for (double x : xs) {
      out.add(x);
    }
  }

  private static long[] longs(int[] xs) {
    long[] out = new long[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = xs[i];
    }
    return out;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
