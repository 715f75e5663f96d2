package io.firstspike.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.runs.Overrides;
import io.firstspike.runs.RunExecutor;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOutcome;
import io.firstspike.runs.RunStore;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.ExperimentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  @TempDir Path tmp;

  /** A small Yin-Yang experiment: 4-20-3 with one bias per layer, TTFS loss, input noise. */
  static String yinYang(int epochs, double lr, String snapshots) {
    return io.firstspike.testsupport.TestConfigs.yinYang(
        20, epochs, lr, snapshots, 2, 0.9, "{mean: 0.0, std_dev: 0.05}");
  }

  private TrainingResult train(ExperimentConfig cfg, int threads, List<TrainingEvent> events) {
    TrainingState state = Experiments.freshState(cfg);
    try (Trainer t = new Trainer(cfg, Experiments.loadData(cfg), state, threads, false, List.of())) {
      TrainingResult r = t.train(events::add, new StopFlag(), SnapshotSink.none());
      lastState = t.state();
      return r;
    }
  }

  private TrainingState lastState;

  @Test
  @DisplayName("the same config and seed give identical curves and weights with 1 and 2 threads")
  void deterministicAcrossThreads() {
    ExperimentConfig cfg = ConfigLoader.parse(yinYang(2, 0.005, "[2]"), "test.yaml");
    List<TrainingEvent> e1 = new ArrayList<>();
    train(cfg, 1, e1);
    TrainingState one = lastState;
    List<TrainingEvent> e2 = new ArrayList<>();
    train(cfg, 2, e2);
    TrainingState two = lastState;
    assertThat(two.network.sameAs(one.network)).isTrue();
    assertThat(two.curves.valLoss).isEqualTo(one.curves.valLoss);
    assertThat(two.curves.trainLoss).isEqualTo(one.curves.trainLoss);
    assertThat(one.curves.valAccuracy).hasSize(3);
    assertThat(e1.stream().filter(e -> e instanceof TrainingEvent.Batch).count())
        .isEqualTo(2 * 34);
  }

  /**
   * Trains with resume checkpoints on. A stop is asked for at the event of epoch {@code stopAt}
   * ({@code midEpoch}: at the first batch event after it instead); 0: never.
   */
  private TrainingResult checkpointed(ExperimentConfig cfg, long interval, int stopAt, boolean midEpoch,
      List<Integer> saved) {
    TrainingState state = Experiments.freshState(cfg);
    StopFlag stop = new StopFlag();
    int[] epochSeen = {0};
    try (Trainer t = new Trainer(cfg, Experiments.loadData(cfg), state, 1, true, List.of())) {
      t.checkpointInterval(interval);
      TrainingResult r = t.train(e -> {
        if (e instanceof TrainingEvent.Epoch ep) {
          epochSeen[0] = ep.metrics().epoch();
          if (!midEpoch && stopAt > 0 && epochSeen[0] == stopAt) {
            stop.request("test");
          }
        } else if (e instanceof TrainingEvent.Batch && midEpoch && stopAt > 0 && epochSeen[0] == stopAt) {
          stop.request("test");
        }
      }, stop, (st, out) -> saved.add(st.epochsDone));
      lastState = t.state();
      return r;
    }
  }

  @Test
  @DisplayName("resume checkpoints: every epoch with interval 0; within the interval only the last"
      + " epoch and the one a stop ends on, so a stop never loses a finished epoch")
  void checkpointInterval() {
    ExperimentConfig cfg = ConfigLoader.parse(yinYang(6, 0.005, "[]"), "test.yaml");
    List<Integer> every = new ArrayList<>();
    assertThat(checkpointed(cfg, 0, 0, false, every).state()).isEqualTo(RunState.FINISHED);
    assertThat(every).containsExactly(1, 2, 3, 4, 5, 6);

    List<Integer> throttled = new ArrayList<>();
    assertThat(checkpointed(cfg, Long.MAX_VALUE, 0, false, throttled).state()).isEqualTo(RunState.FINISHED);
    assertThat(throttled).containsExactly(6);

    // stop at epoch 3's event: epoch 3 is saved and the run stops there
    List<Integer> atEnd = new ArrayList<>();
    TrainingResult r = checkpointed(cfg, Long.MAX_VALUE, 3, false, atEnd);
    assertThat(r).isEqualTo(new TrainingResult(RunState.STOPPED, "test", 3));
    assertThat(atEnd).containsExactly(3);

    // stop inside epoch 4 while epoch 3 has no checkpoint: epoch 4 ends and is saved
    List<Integer> inside = new ArrayList<>();
    r = checkpointed(cfg, Long.MAX_VALUE, 3, true, inside);
    assertThat(r).isEqualTo(new TrainingResult(RunState.STOPPED, "test", 4));
    assertThat(inside).containsExactly(4);

    // with a checkpoint for every epoch, a stop inside epoch 4 drops it: the run stays at 3
    List<Integer> dropped = new ArrayList<>();
    r = checkpointed(cfg, 0, 3, true, dropped);
    assertThat(r).isEqualTo(new TrainingResult(RunState.STOPPED, "test", 3));
    assertThat(dropped).containsExactly(1, 2, 3);
  }

  @Test
  @DisplayName("a state the config's optimizer cannot restore fails the constructor and leaves no"
      + " engine thread behind")
  void badOptimizerStateClosesTheEngine() throws InterruptedException {
    ExperimentConfig cfg = ConfigLoader.parse(yinYang(1, 0.005, "[1]"), "test.yaml");
    TrainingState state = Experiments.freshState(cfg);
    state.optimizer = new io.firstspike.core.optim.Sgd(0.1).state(); // the config asks for adam
    java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new Trainer(cfg, Experiments.loadData(cfg), state, 3, false, List.of()))
        .hasMessageContaining("'sgd'");
    List<Thread> leaked = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!before.contains(t) && t.getName().startsWith("firstspike-engine-")) {
        leaked.add(t);
      }
    }
    for (Thread t : leaked) {
      t.join(5_000); // closing lets each worker finish; it must not stay parked for good
      assertThat(t.isAlive()).as(t.getName()).isFalse();
    }
  }

  @Test
  @DisplayName("training improves a small Yin-Yang network beyond chance within a few epochs")
  void learns() {
    ExperimentConfig cfg = ConfigLoader.parse(yinYang(5, 0.01, "[5]"), "test.yaml");
    TrainingResult r = train(cfg, 2, new ArrayList<>());
    assertThat(r.state()).isEqualTo(RunState.FINISHED);
    List<Double> acc = lastState.curves.valAccuracy;
    assertThat(acc.get(acc.size() - 1)).isGreaterThan(0.6).isGreaterThan(acc.get(0));
  }

  @Test
  @DisplayName("clip_weights_max (read by the 2021 original) clamps every weight after every batch")
  void clipWeightsMax() {
    String plain = yinYang(1, 0.01, "[1]");
    String yaml = plain.replace("use_forward_integrator: false",
        "use_forward_integrator: false\n  clip_weights_max: 2.0");
    ExperimentConfig cfg = ConfigLoader.parse(yaml, "clip.yaml");
    assertThat(cfg.trainingParams().weightBound()).isEqualTo(2.0);
    TrainingResult r = train(cfg, 2, new ArrayList<>());
    assertThat(r.state()).as(r.reason()).isEqualTo(RunState.FINISHED);
    assertThat(largestWeight()).isLessThanOrEqualTo(2.0);
    // without the key the same run ends with weights beyond the bound (Normal(1.5, 0.8) at start)
    train(ConfigLoader.parse(plain, "plain.yaml"), 2, new ArrayList<>());
    assertThat(largestWeight()).isGreaterThan(2.0);
  }

  private double largestWeight() {
    double largest = 0;
    for (int l = 0; l < lastState.network.nLayers(); l++) {
      for (double w : lastState.network.weights(l)) {
        largest = Math.max(largest, Math.abs(w));
      }
    }
    return largest;
  }

  @Test
  @DisplayName("with the Euler forward pass a run trains to the end and reports the skipped spikes")
  void eulerForwardTrains() {
    String yaml = yinYang(8, 0.005, "[8]").replace("use_forward_integrator: false",
        "use_forward_integrator: true");
    assertThat(yaml).contains("use_forward_integrator: true");
    ExperimentConfig cfg = ConfigLoader.parse(yaml, "euler.yaml");
    List<TrainingEvent> events = new ArrayList<>();
    TrainingResult r = train(cfg, 2, events);
    // before skipped spikes existed, this run stopped in its first epoch with a NaN gradient
    assertThat(r.state()).as(r.reason()).isEqualTo(RunState.FINISHED);
    long skips = events.stream().filter(e -> e instanceof TrainingEvent.Epoch)
        .mapToLong(e -> ((TrainingEvent.Epoch) e).metrics().integratorSkips()).sum();
    assertThat(skips).as("Euler spikes without a closed-form crossing").isPositive();
    List<Double> acc = lastState.curves.valAccuracy;
    assertThat(acc.get(acc.size() - 1)).isGreaterThan(0.6);
  }

  @Test
  @DisplayName("a resume stopped before its first epoch ends keeps the snapshot's epoch and the first epoch's weights in activity.json")
  void resumeStoppedEarlyKeepsFirstWeights() throws Exception {
    RunFolder run = RunExecutor.prepare(new RunStore(tmp), "c.yaml", yinYang(4, 0.005, "[2]"),
        Overrides.none());
    StopFlag afterTwo = new StopFlag();
    new RunExecutor(false).execute(run, 1, e -> {
      if (e instanceof TrainingEvent.Snapshot s && s.epoch() == 2) {
        afterTwo.request("test stops after epoch 2");
      }
    }, afterTwo);
    assertThat(run.activity().orElseThrow().path("firstWeights").path("epoch").asInt(-1)).isZero();
    StopFlag now = new StopFlag();
    now.request("test stops the resume before any epoch ends");
    RunOutcome early = new RunExecutor(false).execute(run, 1, TrainingListener.none(), now);
    assertThat(early.epochsDone()).isEqualTo(2);
    var activity = run.activity().orElseThrow();
    // no epoch of this session ended: the snapshot's epoch stays, for the page's validation map
    // (issue 22, bug 6; it was dropped, and the map stayed empty)
    assertThat(activity.path("epoch").path("metrics").path("epoch").asInt(-1)).as("the snapshot's epoch").isEqualTo(2);
    assertThat(activity.path("firstWeights").path("epoch").asInt(-1)).isZero();
    RunOutcome rest = new RunExecutor(false).execute(run, 1, TrainingListener.none(), new StopFlag());
    assertThat(rest.epochsDone()).isEqualTo(4);
    activity = run.activity().orElseThrow();
    assertThat(activity.path("epoch").path("metrics").path("epoch").asInt()).isEqualTo(4);
    assertThat(activity.path("firstWeights").path("epoch").asInt(-1)).isZero();
  }

  @Test
  @DisplayName("continuing from epoch 2 to 4 equals an uninterrupted run to epoch 4")
  void continueEqualsUninterrupted() throws Exception {
    RunStore store = new RunStore(tmp);
    RunFolder straight =
        RunExecutor.prepare(store, "a.yaml", yinYang(4, 0.005, "[2]"), Overrides.none());
    RunOutcome o1 = new RunExecutor(false).execute(straight, 2, TrainingListener.none(), new StopFlag());
    assertThat(o1.state()).isEqualTo(RunState.FINISHED);

    RunFolder resumed =
        RunExecutor.prepare(store, "b.yaml", yinYang(4, 0.005, "[2]"), Overrides.none());
    StopFlag stop = new StopFlag();
    RunOutcome partial =
        new RunExecutor(false)
            .execute(resumed, 1,
                e -> {
                  if (e instanceof TrainingEvent.Snapshot s && s.epoch() == 2) {
                    stop.request("test stops after epoch 2");
                  }
                },
                stop);
    assertThat(partial.state()).isEqualTo(RunState.STOPPED);
    assertThat(partial.epochsDone()).isEqualTo(2);
    RunOutcome o2 =
        new RunExecutor(false).execute(resumed, 2, List.of(), null, 1, TrainingListener.none(),
            new StopFlag());
    assertThat(o2.state()).isEqualTo(RunState.FINISHED);

    var a = new io.firstspike.runs.SnapshotStore(straight, "yin_yang").load(4);
    var b = new io.firstspike.runs.SnapshotStore(resumed, "yin_yang").load(4);
    assertThat(b.network.sameAs(a.network)).isTrue();
    assertThat(b.curves.valLoss).isEqualTo(a.curves.valLoss);
    assertThat(b.curves.trainAccuracy).isEqualTo(a.curves.trainAccuracy);
    assertThat(resumed.metrics()).extracting(EpochMetrics::valLoss)
        .isEqualTo(straight.metrics().stream().map(EpochMetrics::valLoss).toList());
    assertThat(Files.exists(resumed.snapshotDir(4).resolve("yin_yang_test_spiketimes.npy")))
        .isTrue();
  }

  @Test
  @DisplayName("a diverging run stops with a message naming epoch and batch and keeps its snapshot")
  void divergenceFailsCleanly() throws Exception {
    RunStore store = new RunStore(tmp);
    RunFolder run =
        RunExecutor.prepare(store, "nan.yaml",
            // no weight bumping, so every batch takes an optimizer step
            yinYang(3, 0.005, "[1]").replace("max_num_missing_spikes: [0.3, 0.0]",
                "max_num_missing_spikes: [1.0, 1.0]"),
            Overrides.none());
    StopFlag stop = new StopFlag();
    new RunExecutor(false)
        .execute(run, 1,
            e -> {
              if (e instanceof TrainingEvent.Snapshot s && s.epoch() == 1) {
                stop.request("stop after the first snapshot");
              }
            },
            stop);
    Path snapshot = run.snapshotDir(1);
    byte[] weightsBefore =
        Files.readAllBytes(snapshot.resolve("network").resolve("weights_layer_0.npy"));
    // Resume with a learning rate that overflows the weights in the first step.
    String cfg = Files.readString(run.configFile());
    assertThat(cfg).contains("learning_rate: 0.005");
    Files.writeString(run.configFile(), cfg.replace("learning_rate: 0.005", "learning_rate: 1.0e+308"));
    RunOutcome o = new RunExecutor(false).execute(run, 1, TrainingListener.none(), new StopFlag());
    assertThat(o.state()).isEqualTo(RunState.FAILED);
    assertThat(o.reason()).containsPattern("diverged in epoch 2, batch \\d+");
    assertThat(run.status().orElseThrow().state()).isEqualTo(RunState.FAILED);
    assertThat(run.snapshotEpochs()).containsExactly(1);
    assertThat(Files.readAllBytes(snapshot.resolve("network").resolve("weights_layer_0.npy")))
        .isEqualTo(weightsBefore);
    assertThat(new io.firstspike.runs.SnapshotStore(run, "yin_yang").load(1).epochsDone).isEqualTo(1);
  }

  @Test
  @DisplayName("learning_rate 1e6 stops in the first epoch naming the layer, the runaway value and the bound")
  void runawayWeightsStopTheRun() {
    ExperimentConfig cfg = ConfigLoader.parse(yinYang(3, 1e6, "[3]"), "lr.yaml");
    TrainingResult r = train(cfg, 2, new ArrayList<>());
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    assertThat(r.epochsDone()).isZero();
    assertThat(r.reason()).matches("training diverged in epoch 1, batch \\d+: a weight of layer"
        + " [01] reached -?(\\d{7,}|\\d\\.?\\d*e\\+0[6-9]), beyond the bound \\|w\\| <= 1e\\+06 .*"
        + " after the optimizer step \\(learning rate 1000000.0\\); the last good snapshot is kept");
    double max = 0;
    for (int l = 0; l < lastState.network.nLayers(); l++) {
      for (double w : lastState.network.weights(l)) {
        max = Math.max(max, Math.abs(w));
      }
    }
    assertThat(max).as("stopped at the first step beyond the bound, not 20 epochs later")
        .isGreaterThan(WeightCheck.bound(cfg.neuronParams())).isLessThan(1e7);
  }

  @Test
  @DisplayName("weight bumping that carries a weight beyond the bound stops the run too")
  void runawayBumpsStopTheRun() {
    // every hidden weight -9e5: the layer is silent, is bumped by 7e5 (still silent), then by
    // 1.4e6 (doubled), which carries its weights to 1.2e6, beyond the bound of 1e6
    ExperimentConfig cfg = ConfigLoader.parse(yinYang(1, 0.005, "[1]")
        .replace("weight_means: [1.5, 0.5]", "weight_means: [-9.0e5, 0.5]")
        .replace("weight_stdevs: [0.8, 0.8]", "weight_stdevs: [0.0, 0.8]")
        .replace("weight_bumping_value: 0.0005", "weight_bumping_value: 7.0e5"), "bump.yaml");
    TrainingResult r = train(cfg, 1, new ArrayList<>());
    assertThat(r.state()).isEqualTo(RunState.FAILED);
    assertThat(r.reason()).startsWith("training diverged in epoch 1, batch 1: a weight of layer 0"
        + " reached 1.2e+06").contains("after weight bumping added 1400000.0 to layer 0");
  }
}
