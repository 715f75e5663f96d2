package io.firstspike.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.layer.Parameter;
import io.firstspike.data.DataSplits;
import io.firstspike.testsupport.DelgradYaml;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.DelgradExperiment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** New-schema (DelGrad) configs through the one training loop ({@link Trainer}, {@link DelgradModel}). */
class DelgradTrainerTest {
  /** Training samples of the short runs (of Yin-Yang's 5000), validation samples (of 1000). */
  static final int TRAIN = 1500;

  static final int VALIDATION = 300;

  static DelgradExperiment config(String yaml) {
    return (DelgradExperiment) ConfigLoader.parseAny(yaml, "h30ws.yaml");
  }

  /** The config's data cut to {@link #TRAIN} / {@link #VALIDATION} / {@link #VALIDATION} samples. */
  static DataSplits smallData(DelgradExperiment cfg) {
    DataSplits all = Experiments.loadData(cfg);
    return new DataSplits(all.train().slice(0, TRAIN), all.validation().slice(0, VALIDATION),
        all.test().slice(0, VALIDATION));
  }

  record Run(TrainingResult result, TrainingState state, List<TrainingEvent> events) {
    List<EpochMetrics> epochs() {
      return events.stream().filter(e -> e instanceof TrainingEvent.Epoch)
          .map(e -> ((TrainingEvent.Epoch) e).metrics()).toList();
    }
  }

  static Run train(DelgradExperiment cfg, DataSplits data, int threads, boolean prefetch) {
    TrainingState state = Experiments.freshState(cfg);
    List<TrainingEvent> events = new ArrayList<>();
    try (Trainer t = Trainer.of(cfg, data, state, threads, false, List.of(), prefetch)) {
      TrainingResult r = t.train(events::add, new StopFlag(), SnapshotSink.none());
      return new Run(r, t.state(), events);
    }
  }

  @Test
  @DisplayName("a short H30_WS training through the Trainer lifts validation accuracy well above"
      + " chance, with an event per batch and per epoch")
  void learns() {
    DelgradExperiment cfg = config(DelgradYaml.h30Ws(4, "[]"));
    DataSplits data = smallData(cfg);
    Run run = train(cfg, data, 2, true);
    assertThat(run.result().state()).as(run.result().reason()).isEqualTo(RunState.FINISHED);
    List<EpochMetrics> epochs = run.epochs();
    assertThat(epochs).hasSize(5); // the initial validation and four epochs
    // majority class of the validation slice: what always guessing one class reaches
    int[] counts = new int[3];
    for (int label : data.validation().labels()) {
      counts[label]++;
    }
    double majority = Math.max(counts[0], Math.max(counts[1], counts[2])) / (double) VALIDATION;
    double last = epochs.get(4).valAccuracy();
    assertThat(last).as("validation accuracy after 4 epochs (majority class %s, initial %s)",
        majority, epochs.get(0).valAccuracy()).isGreaterThan(majority + 0.15);
    assertThat(last).isGreaterThan(epochs.get(0).valAccuracy());
    assertThat(epochs.get(4).trainLoss()).isLessThan(epochs.get(1).trainLoss());
    long batches = run.events().stream().filter(e -> e instanceof TrainingEvent.Batch).count();
    assertThat(batches).isEqualTo(4 * (TRAIN / 150));
    TrainingEvent.Batch b = (TrainingEvent.Batch) run.events().stream()
        .filter(e -> e instanceof TrainingEvent.Batch).findFirst().orElseThrow();
    assertThat(b.silentFraction()).hasSize(2); // one entry per NeuronLayer
    assertThat(b.raster()).hasNumberOfRows(3); // inputs, hidden, label layer
    assertThat(run.state().curves.labelWeights.get(0)).hasSize(30 * 3);
    assertThat(run.state().groupedOptimizer.learningRates()).containsExactly(
        0.003, 0.01, 0.003, 0.01); // per layer entry, StepLR's step 20 not reached
  }

  @Test
  @DisplayName("the same config and seeds give bit-identical curves and parameters, with 1 or 2"
      + " threads, with or without batch prefetch; another seed gives another network")
  void reproducible() {
    DelgradExperiment cfg = config(DelgradYaml.h30Ws(2, "[]"));
    DataSplits data = smallData(cfg);
    Run one = train(cfg, data, 1, false);
    Run two = train(cfg, data, 2, true);
    Run again = train(cfg, data, 2, true);
    for (Run r : List.of(two, again)) {
      assertThat(r.state().curves.valLoss).isEqualTo(one.state().curves.valLoss);
      assertThat(r.state().curves.trainLoss).isEqualTo(one.state().curves.trainLoss);
      assertThat(r.state().curves.valAccuracy).isEqualTo(one.state().curves.valAccuracy);
      assertThat(r.state().noiseState).isEqualTo(one.state().noiseState);
      assertSameParameters(r.state(), one.state());
    }
    Run other = train(cfg.withSeed(7), data, 2, true);
    assertThat(other.state().curves.valLoss).isNotEqualTo(one.state().curves.valLoss);
  }

  static void assertSameParameters(TrainingState a, TrainingState b) {
    List<Parameter> pa = a.layerNetwork.parameters();
    List<Parameter> pb = b.layerNetwork.parameters();
    assertThat(pa).hasSameSizeAs(pb);
    for (int k = 0; k < pa.size(); k++) {
      assertThat(pa.get(k).values()).as(pa.get(k).name()).isEqualTo(pb.get(k).values());
    }
  }

  @Test
  @DisplayName("learning rates of 1e7 make a parameter run away: the run fails in epoch 1 naming"
      + " the parameter and the bound")
  void divergenceStopsWithAReason() {
    String yaml = DelgradYaml.h30Ws(3, "[]").replace("learning_rate: 0.01 ", "learning_rate: 1e7 ");
    DelgradExperiment cfg = config(yaml);
    Run run = train(cfg, smallData(cfg), 2, true);
    assertThat(run.result().state()).isEqualTo(RunState.FAILED);
    assertThat(run.result().reason()).matches("training diverged in epoch 1, batch \\d+: a value"
        + " of layers\\.\\d\\.weights reached .*, beyond the bound \\|w\\| <= 5e\\+05 \\(1e\\+06 x g_leak .*");
    assertThat(run.result().epochsDone()).isZero();
  }
}
