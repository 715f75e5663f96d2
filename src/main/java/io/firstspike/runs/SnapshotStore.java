package io.firstspike.runs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.core.optim.GroupedOptimizerState;
import io.firstspike.io.LayerNetworkFile;
import io.firstspike.io.NetworkFile;
import io.firstspike.io.Npy;
import io.firstspike.train.Curves;
import io.firstspike.train.SnapshotOutputs;
import io.firstspike.train.TrainingState;
import io.firstspike.train.config.AnyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes and reads {@code epoch_<N>/} snapshots (layout in docs/FORMATS.md): the network, the
 * original's {@code .npy} curve and output files, and {@code training_state.json} with the
 * optimizer, scheduler, weight-bumping and random-generator state (optimizer moments as
 * {@code optimizer_buffer_<b>_layer_<l>.npy}). A snapshot is written to a hidden temporary folder,
 * forced to disk and renamed into place (see {@link #save}), so a crash never leaves a
 * half-written one nor loses the one it replaces.
 */
public final class SnapshotStore {
  public static final String STATE = "training_state.json";
  public static final String NETWORK = "network";
  static final String FORMAT = "firstspike-training-state";
  static final int VERSION = 1;
  /** {@code model} of a new-schema (DelGrad) snapshot; 2021 snapshots have no such key. */
  static final String DELGRAD = "delgrad";
  /** Suffixes of the hidden working folders {@code .epoch_<N><suffix>} (see {@link #save}). */
  static final String TMP = ".tmp";
  static final String NEW = ".new";
  static final String OLD = ".old";
  static final String DELETED = ".del";
  private static final Pattern HIDDEN =
      Pattern.compile("\\.epoch_(\\d{1,9})(\\.tmp|\\.new|\\.old|\\.del)");
  /**
   * Test hook for the crash test (SnapshotKillTest): a save announces on standard output that
   * it reached the named step and then waits to be killed. Unset in normal use.
   */
  static final String PAUSE_PROPERTY = "firstspike.test.snapshotPauseAfter";

  private final RunFolder run;
  private final String dataset;

  /** @param dataset prefix of the original's file names ({@code yin_yang}, ...) */
  public SnapshotStore(RunFolder run, String dataset) {
    this.run = run;
    this.dataset = dataset;
  }

  /**
   * Writes the snapshot of {@code state.epochsDone}, replacing an older one of that epoch so that
   * at every instant a complete snapshot of the epoch (the old or the new one) can be found by
   * {@link RunFolder#findSnapshot}, even if the process dies at any point or the machine loses
   * power:
   *
   * <ol>
   *   <li>finish an interrupted earlier save of the epoch ({@link #recover(int)});
   *   <li>write everything into {@code .epoch_<N>.tmp/} (never read: it may be incomplete) and
   *       force the files and folders to disk;
   *   <li>rename it to {@code .epoch_<N>.new/}: the new snapshot is now complete and durable;
   *   <li>if there is an old {@code epoch_<N>/}, rename it to {@code .epoch_<N>.old/};
   *   <li>rename {@code .epoch_<N>.new/} to {@code epoch_<N>/};
   *   <li>delete {@code .epoch_<N>.old/}.
   * </ol>
   *
   * <p>Each rename is atomic and followed by forcing the run folder to disk. Readers look for
   * {@code epoch_<N>/}, then {@code .new}, then {@code .old}: between steps 3 and 4 they find the
   * old snapshot, between 4 and 5 the new one.
   */
  public void save(TrainingState state, SnapshotOutputs outputs) {
    int epoch = state.epochsDone;
    Path target = run.snapshotDir(epoch);
    Path tmp = run.hiddenSnapshotDir(epoch, TMP);
    Path fresh = run.hiddenSnapshotDir(epoch, NEW);
    Path old = run.hiddenSnapshotDir(epoch, OLD);
    try {
      recover(epoch);
      deleteTree(tmp);
      Files.createDirectories(tmp);
      if (state.isDelgrad()) {
        LayerNetworkFile.write(state.layerNetwork, state.layerTraining, tmp.resolve(NETWORK),
            Map.of());
      } else {
        NetworkFile.write(state.network, tmp.resolve(NETWORK));
      }
      reached("network-written");
      writeCurves(tmp, state.curves);
      if (state.isDelgrad()) {
        writeDelgradRecords(tmp, state.curves);
      }
      if (outputs != null) {
        Npy.writeMatrix(tmp.resolve(name("test_spiketimes")), outputs.testTimes());
        Npy.writeLongs(tmp.resolve(name("test_labels")), longs(outputs.testLabels()),
            outputs.testLabels().length);
        Npy.writeMatrix(tmp.resolve(name("train_spiketimes")), outputs.trainTimes());
        Npy.writeLongs(tmp.resolve(name("train_labels")), longs(outputs.trainLabels()),
            outputs.trainLabels().length);
      }
      writeState(tmp, state, outputs != null);
      syncTree(tmp);
      reached("synced");
      move(tmp, fresh);
      reached("committed");
      boolean replacing = Files.exists(target);
      if (replacing) {
        move(target, old);
        reached("moved-aside");
      }
      move(fresh, target);
      reached("replaced");
      if (replacing) {
        deleteTree(old);
        reached("old-deleted");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write snapshot " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Finishes what an interrupted {@link #save} or {@link #pruneCheckpoints} left of every epoch's
   * snapshot (see {@link #recover(int)}) and deletes their unfinished working folders. Changes
   * only hidden folders and which of them is {@code epoch_<N>/}; the snapshot readers find stays
   * the same.
   */
  public void recover() {
    try (Stream<Path> s = Files.list(run.dir())) {
      for (Path p : s.toList()) {
        Matcher m = HIDDEN.matcher(p.getFileName().toString());
        if (m.matches() && Files.isDirectory(p)) {
          if (m.group(2).equals(TMP) || m.group(2).equals(DELETED)) {
            deleteTree(p);
          } else {
            recover(Integer.parseInt(m.group(1)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot recover the snapshots of " + run.dir() + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Makes the snapshot of {@code epoch} that readers find the one in {@code epoch_<N>/}, with no
   * {@code .new} or {@code .old} folder beside it: if {@code epoch_<N>/} is missing, the
   * committed new one (else the old one) is renamed to it; then the other is deleted.
   */
  void recover(int epoch) throws IOException {
    Path target = run.snapshotDir(epoch);
    Path fresh = run.hiddenSnapshotDir(epoch, NEW);
    Path old = run.hiddenSnapshotDir(epoch, OLD);
    if (!Files.exists(target)) {
      if (Files.isDirectory(fresh)) {
        move(fresh, target);
      } else if (Files.isDirectory(old)) {
        move(old, target);
      }
    }
    if (Files.exists(target)) {
      deleteTree(fresh);
      deleteTree(old);
    }
  }

  /** True if the snapshot of {@code epoch} holds test/train outputs (not just a checkpoint). */
  public boolean isFull(int epoch) {
    return run.findSnapshot(epoch)
        .map(d -> Files.isRegularFile(d.resolve(name("test_spiketimes"))))
        .orElse(false);
  }

  /**
   * Deletes resume-only checkpoints older than {@code keepFrom}; full snapshots stay. A
   * checkpoint is renamed to a hidden {@code .epoch_<N>.del/} before its files are deleted, so a
   * crash never leaves a half-deleted one that looks like a snapshot.
   */
  public void pruneCheckpoints(int keepFrom) {
    for (int e : run.snapshotEpochs()) {
      if (e < keepFrom && !isFull(e)) {
        try {
          recover(e);
          Path doomed = run.hiddenSnapshotDir(e, DELETED);
          deleteTree(doomed);
          move(run.snapshotDir(e), doomed);
          deleteTree(doomed);
        } catch (IOException ex) {
          throw new UncheckedIOException(ex);
        }
      }
    }
  }

  /**
   * Reads the snapshot of {@code epoch} back into a training state, checking every file (see
   * {@link SnapshotReader}).
   *
   * @throws DamagedRunException listing every missing, unreadable or inconsistent file
   */
  public TrainingState load(int epoch) {
    return load(epoch, null);
  }

  /**
   * As {@link #load(int)}, and checks that the snapshot fits {@code config} (network layout,
   * optimizer, scheduler); null skips that.
   */
  TrainingState load(int epoch, AnyConfig config) {
    Path dir = run.findSnapshot(epoch).orElse(null);
    if (dir == null) {
      throw new DamagedRunException(List.of(run.snapshotDir(epoch) + ": missing; snapshots: "
          + run.snapshotEpochs()));
    }
    return SnapshotReader.read(dir, epoch, this, config);
  }

  private void writeState(Path dir, TrainingState st, boolean full) throws IOException {
    ObjectNode s = Json.MAPPER.createObjectNode();
    s.put("format", FORMAT);
    s.put("version", VERSION);
    s.put("epoch", st.epochsDone);
    s.put("step", st.step);
    s.put("full", full);
    s.put("scheduler_steps", st.schedulerSteps);
    if (st.isDelgrad()) {
      writeDelgradState(dir, s, st, full);
      Files.writeString(dir.resolve(STATE),
          Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(s));
      return;
    }
    ObjectNode b = s.putObject("bumper");
    b.put("last_bumped_layer", st.bumper == null ? -1 : st.bumper.lastBumpedLayer());
    b.put("value", st.bumper == null ? Double.NaN : st.bumper.value());
    writeRng(s, st);
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

  /**
   * The new-schema part of {@code training_state.json}: {@code model: delgrad}, the bump state
   * (null in a full snapshot: HEAD's next segment restarts it), the run's noise stream, the data
   * generator, and the grouped optimizer: type, each group's learning rate, per tensor its name,
   * step count and number of buffers, the buffers in {@code optimizer_<tensor>_<k>.npy}.
   */
  private static void writeDelgradState(Path dir, ObjectNode s, TrainingState st, boolean full)
      throws IOException {
    s.put("model", DELGRAD);
    if (full || st.delgradBump == null) {
      s.putNull("bumper");
    } else {
      ObjectNode b = s.putObject("bumper");
      b.put("value", st.delgradBump.value());
      b.put("previous_code", st.delgradBump.previousCode());
    }
    s.put("noise_state", st.noiseState);
    writeRng(s, st);
    GroupedOptimizerState o = st.groupedOptimizer;
    if (o == null) {
      s.putNull("optimizer");
      return;
    }
    ObjectNode on = s.putObject("optimizer");
    on.put("type", o.type());
    ArrayNode lrs = on.putArray("learning_rates");
    for (double lr : o.learningRates()) {
      lrs.add(lr);
    }
    ArrayNode tensors = on.putArray("tensors");
    for (GroupedOptimizerState.TensorState t : o.tensors()) {
      ObjectNode tn = tensors.addObject();
      tn.put("name", t.name());
      tn.put("step", t.step());
      List<double[]> buffers = t.buffers();
      tn.put("buffers", buffers.size());
      for (int k = 0; k < buffers.size(); k++) {
        double[] b = buffers.get(k);
        Npy.write(dir.resolve(tensorBufferName(t.name(), k)), b, b.length);
      }
    }
  }

  private static void writeRng(ObjectNode s, TrainingState st) {
    ObjectNode r = s.putObject("rng");
    ArrayNode key = r.putArray("key");
    for (int k : st.rng.key()) {
      key.add(k & 0xffffffffL);
    }
    r.put("pos", st.rng.pos());
    r.put("has_gauss", st.rng.hasGauss());
    r.put("gauss", st.rng.gauss());
  }

  /** The file of buffer k of a new-schema optimizer tensor. */
  static String tensorBufferName(String tensor, int k) {
    return "optimizer_" + tensor + "_" + k + ".npy";
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

  /**
   * HEAD's extra records of a new-schema run (DELGRAD-MODEL.md section 7.4), in our readable
   * form: {@code <ds>_weight_bumping_steps.npy} (int64, one code per batch; left out when the
   * codes are unknown) and one {@code <ds>_parameters_training_<k>.npy} per monitored layer k
   * (float64 [validations][rows x cols], row-major records).
   */
  private void writeDelgradRecords(Path dir, Curves c) throws IOException {
    if (c.bumpCodes != null) {
      int n = 0;
      for (long[] e : c.bumpCodes) {
        n += e.length;
      }
      long[] all = new long[n];
      int at = 0;
      for (long[] e : c.bumpCodes) {
        System.arraycopy(e, 0, all, at, e.length);
        at += e.length;
      }
      Npy.writeLongs(dir.resolve(name("weight_bumping_steps")), all, n);
    }
    int layers = c.parameterRecords.isEmpty() ? 0 : c.parameterRecords.get(0).size();
    for (int k = 0; k < layers; k++) {
      int v = c.parameterRecords.size();
      int w = c.parameterRecords.get(0).get(k).length;
      double[] flat = new double[v * w];
      for (int e = 0; e < v; e++) {
        System.arraycopy(c.parameterRecords.get(e).get(k), 0, flat, e * w, w);
      }
      Npy.write(dir.resolve(parametersName(k)), flat, v, w);
    }
  }

  /** {@code <ds>_parameters_training_<k>.npy}: the records of the k-th monitored layer. */
  public String parametersName(int k) {
    return dataset + "_parameters_training_" + k + ".npy";
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

  /** The original's file name of a curve or output file. */
  public String name(String what) {
    return dataset + "_" + what + ".npy";
  }

  static String bufferName(int k, int l) {
    return "optimizer_buffer_" + k + "_layer_" + l + ".npy";
  }

  private static double[] unbox(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static long[] longs(int[] xs) {
    long[] out = new long[xs.length];
    for (int i = 0; i < xs.length; i++) {
      out[i] = xs[i];
    }
    return out;
  }

  /** An atomic rename, then the run folder forced to disk so that the rename survives a crash. */
  private void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    sync(run.dir());
  }

  /** Forces every file and folder under {@code root} to disk. */
  private static void syncTree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.toList()) {
        sync(p);
      }
    }
  }

  /**
   * fsync of one file or folder. Folders are synced so that the names of their files are durable
   * too; some systems cannot open a folder for that, where it is skipped.
   */
  private static void sync(Path p) throws IOException {
    boolean folder = Files.isDirectory(p);
    try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
      c.force(true);
    } catch (IOException e) {
      if (!folder) {
        throw e;
      }
    }
  }

  private static void reached(String step) {
    if (step.equals(System.getProperty(PAUSE_PROPERTY))) {
      System.out.println("snapshot save paused after " + step);
      System.out.flush();
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
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
