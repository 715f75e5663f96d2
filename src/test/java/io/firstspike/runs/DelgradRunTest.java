package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.data.DataSplits;
import io.firstspike.io.LayerNetworkFile;
import io.firstspike.testsupport.DelgradYaml;
import io.firstspike.train.Experiments;
import io.firstspike.train.RunState;
import io.firstspike.train.StopFlag;
import io.firstspike.train.TrainingEvent;
import io.firstspike.train.TrainingState;
import io.firstspike.train.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** New-schema (DelGrad) runs in run folders: snapshots, resume, the run's logs. */
class DelgradRunTest {
  @TempDir Path tmp;

  /** Yin-Yang cut to 1500 / 300 / 300 samples (the runs' training is the test's cost). */
  static DataSplits data(String yaml) {
    DataSplits all = Experiments.loadData(ConfigLoader.parseAny(yaml, "h30ws.yaml"));
    return new DataSplits(all.train().slice(0, 1500), all.validation().slice(0, 300),
        all.test().slice(0, 300));
  }

  @Test
  @DisplayName("4 epochs in one go and 2 epochs + a resume from the snapshot of epoch 2 give"
      + " byte-identical epoch_4 snapshots (network, optimizer, curves, outputs)")
  void resumeEqualsUninterrupted() throws IOException {
    String yaml = DelgradYaml.h30Ws(4, "[2]");
    DataSplits data = data(yaml);
    RunStore store = new RunStore(tmp.resolve("runs"));
    RunFolder whole = RunExecutor.prepare(store, "whole.yaml", yaml, Overrides.none());
    RunOutcome a = new RunExecutor(false).execute(whole, -1, List.of(), data, 2, e -> {},
        new StopFlag());
    assertThat(a.state()).as(a.reason()).isEqualTo(RunState.FINISHED);

    RunFolder split = RunExecutor.prepare(store, "split.yaml", yaml, Overrides.none());
    StopFlag stop = new StopFlag();
    RunOutcome first = new RunExecutor(false).execute(split, -1, List.of(), data, 1, e -> {
      if (e instanceof TrainingEvent.Snapshot s && s.epoch() == 2) {
        stop.request("test stop after the snapshot of epoch 2");
      }
    }, stop);
    assertThat(first.state()).isEqualTo(RunState.STOPPED);
    assertThat(first.epochsDone()).isEqualTo(2);
    assertThat(split.snapshotEpochs()).containsExactly(2);
    RunOutcome rest = new RunExecutor(false).execute(split, 2, List.of(), data, 1, e -> {},
        new StopFlag());
    assertThat(rest.state()).as(rest.reason()).isEqualTo(RunState.FINISHED);

    assertThat(files(whole.snapshotDir(4)).keySet()).contains("training_state.json",
        "network/network.json", "network/layers.1.weights.npy",
        "network/layers.0._delay_parameters.npy", "optimizer_layers.1.weights_1.npy",
        "yin_yang_test_spiketimes.npy", "yin_yang_val_accuracies.npy");
    assertSameFiles(split.snapshotDir(2), whole.snapshotDir(2));
    assertSameFiles(split.snapshotDir(4), whole.snapshotDir(4));
    List<Double> accWhole = whole.metrics().stream().map(m -> m.valAccuracy()).toList();
    List<Double> accSplit = split.metrics().stream().map(m -> m.valAccuracy()).toList();
    assertThat(accSplit).hasSize(5).isEqualTo(accWhole);
  }

  @Test
  @DisplayName("a snapshot of a new-schema run reads back into the same network and optimizer,"
      + " and refuses a config with another layer list")
  void snapshotReadsBack() throws IOException {
    String yaml = DelgradYaml.h30Ws(1, "[]");
    RunStore store = new RunStore(tmp.resolve("runs"));
    RunFolder run = RunExecutor.prepare(store, "one.yaml", yaml, Overrides.none());
    RunOutcome out = new RunExecutor(false).execute(run, -1, List.of(), data(yaml), 2, e -> {},
        new StopFlag());
    assertThat(out.state()).as(out.reason()).isEqualTo(RunState.FINISHED);
    RunStart start = RunStart.read(run, 1);
    TrainingState st = start.state();
    assertThat(st.isDelgrad()).isTrue();
    assertThat(st.groupedOptimizer.type()).isEqualTo("adam");
    assertThat(st.groupedOptimizer.tensors()).hasSize(4);
    assertThat(st.delgradBump).as("a full snapshot starts a new bump segment").isNull();
    LayerNetworkFile.Stored saved = LayerNetworkFile.read(run.snapshotDir(1).resolve("network"));
    assertThat(st.layerNetwork.parameter("layers.1.weights").values())
        .isEqualTo(saved.network().parameter("layers.1.weights").values());
    assertThat(run.dir().resolve(RunFolder.UNTRAINED).resolve("network.json")).exists();

    Path buffer = run.snapshotDir(1).resolve("optimizer_layers.3.weights_0.npy");
    byte[] kept = Files.readAllBytes(buffer);
    Files.delete(buffer);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunStart.read(run, 1))
        .isInstanceOf(DamagedRunException.class)
        .hasMessage(buffer + ": missing (optimizer buffer 0 of layers.3.weights, float64 [90])");
    Files.write(buffer, kept);

    Files.writeString(run.configFile(), DelgradYaml.replace(yaml, "size: 30 ", "size: 20 "));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunStart.read(run, 1))
        .isInstanceOf(DamagedRunException.class)
        .hasMessageContaining("network.json: does not fit config.yaml's network_layout");
  }

  static void assertSameFiles(Path got, Path want) throws IOException {
    TreeMap<String, byte[]> a = files(got);
    TreeMap<String, byte[]> b = files(want);
    assertThat(a.keySet()).isEqualTo(b.keySet());
    for (String f : b.keySet()) {
      assertThat(a.get(f)).as(f).isEqualTo(b.get(f));
    }
  }

  /** Every file under {@code dir} by relative path. */
  static TreeMap<String, byte[]> files(Path dir) throws IOException {
    TreeMap<String, byte[]> out = new TreeMap<>();
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(Files::isRegularFile).forEach(all::add);
    }
    for (Path p : all) {
      out.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
    }
    return out;
  }
  @Test
  @DisplayName("HEAD's records in every snapshot: one weight-bump code per batch (int64, -2 / -1 /"
      + " a hidden layer index, as many bumps as the epoch lines count) and per monitored layer"
      + " the effective delays or weights before epoch 1 and after each epoch; they read back")
  void headRecords() throws IOException {
    String yaml = DelgradYaml.h30Ws(2, "[]");
    RunStore store = new RunStore(tmp.resolve("runs"));
    RunFolder run = RunExecutor.prepare(store, "rec.yaml", yaml, Overrides.none());
    RunOutcome out = new RunExecutor(false).execute(run, -1, List.of(), data(yaml), 2, e -> {},
        new StopFlag());
    assertThat(out.state()).as(out.reason()).isEqualTo(RunState.FINISHED);
    Path snap = run.snapshotDir(2);
    io.firstspike.io.NpyArray codes =
        io.firstspike.io.Npy.read(snap.resolve("yin_yang_weight_bumping_steps.npy"));
    assertThat(codes.kind()).isEqualTo(io.firstspike.io.NpyArray.Kind.INT);
    assertThat(codes.shape()).containsExactly(20); // 1500 samples / 150 = 10 batches, 2 epochs
    long bumped = java.util.Arrays.stream(codes.asLongs()).filter(c -> c != -2).count();
    assertThat(java.util.Arrays.stream(codes.asLongs()).allMatch(c -> c == -2 || c == -1 || c == 1))
        .as("codes").isTrue();
    assertThat(bumped).isEqualTo(run.metrics().stream().mapToLong(m -> m.bumps()).sum());

    io.firstspike.core.layer.LayerNetwork untrained =
        LayerNetworkFile.read(run.dir().resolve(RunFolder.UNTRAINED)).network();
    io.firstspike.core.layer.LayerNetwork trained =
        LayerNetworkFile.read(snap.resolve("network")).network();
    for (int k = 0; k < 4; k++) {
      io.firstspike.io.NpyArray rec =
          io.firstspike.io.Npy.read(snap.resolve("yin_yang_parameters_training_" + k + ".npy"));
      int size = k == 0 ? 4 * 30 : k == 1 ? 4 * 30 : k == 2 ? 30 * 3 : 30 * 3;
      assertThat(rec.shape()).as("layer %d", k).containsExactly(3, size);
      double[] all = rec.asDoubles();
      double[] first = java.util.Arrays.copyOfRange(all, 0, size);
      double[] last = java.util.Arrays.copyOfRange(all, 2 * size, 3 * size);
      assertThat(first).as("layer %d before epoch 1", k).containsExactly(record(untrained, k));
      assertThat(last).as("layer %d after epoch 2", k).containsExactly(record(trained, k));
    }
    TrainingState st = RunStart.read(run, 2).state();
    assertThat(st.curves.bumpCodes).hasSize(2);
    assertThat(st.curves.parameterRecords).hasSize(3);
    assertThat(st.curves.parameterRecords.get(2).get(1)).containsExactly(record(trained, 1));
  }

  /** Layer k's record: tiled effective delays of a Delay layer, weights of a NeuronLayer. */
  private static double[] record(io.firstspike.core.layer.LayerNetwork net, int k) {
    if (net.layer(k) instanceof io.firstspike.core.layer.DelayLayer d) {
      double[][] e = d.effectiveDelays();
      return java.util.Arrays.stream(e).flatMapToDouble(java.util.Arrays::stream).toArray();
    }
    return ((io.firstspike.core.layer.NeuronLayer) net.layer(k)).weights();
  }
}
