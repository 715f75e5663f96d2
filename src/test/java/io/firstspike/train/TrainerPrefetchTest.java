package io.firstspike.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.ExperimentConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TrainerPrefetchTest {
  private record Outcome(TrainingState state, List<Double> batchLosses) {}

  private static Outcome train(ExperimentConfig cfg, boolean prefetch) {
    TrainingState state = Experiments.freshState(cfg);
    List<Double> losses = new ArrayList<>();
    try (Trainer t =
        new Trainer(cfg, Experiments.loadData(cfg), state, 2, false, List.of(), prefetch)) {
      TrainingResult r =
          t.train(
              e -> {
                if (e instanceof TrainingEvent.Batch b) {
                  losses.add(b.loss());
                }
              },
              new StopFlag(), SnapshotSink.none());
      assertThat(r.state()).isEqualTo(RunState.FINISHED);
    }
    return new Outcome(state, losses);
  }

  @Test
  @DisplayName("training with prefetched noise gives bit-identical weights, curves, batch losses"
      + " and generator state to drawing the noise inline")
  void prefetchedEqualsInline() {
    ExperimentConfig cfg = ConfigLoader.parse(TrainerTest.yinYang(3, 0.005, "[3]"), "test.yaml");
    assertThat(cfg.trainingParams().trainingNoise()).isNotNull();
    Outcome inline = train(cfg, false);
    Outcome prefetched = train(cfg, true);
    assertThat(prefetched.state().network.sameAs(inline.state().network)).isTrue();
    assertThat(prefetched.state().curves.valLoss).isEqualTo(inline.state().curves.valLoss);
    assertThat(prefetched.state().curves.trainLoss).isEqualTo(inline.state().curves.trainLoss);
    assertThat(prefetched.state().curves.trainAccuracy)
        .isEqualTo(inline.state().curves.trainAccuracy);
    assertThat(prefetched.batchLosses()).hasSize(3 * 34).isEqualTo(inline.batchLosses());
    assertThat(prefetched.state().rng).isEqualTo(inline.state().rng);
  }
}
