package io.firstspike.train.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.firstspike.core.neuron.NeuronParams;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Overrides and record-level validation (without a loader in between). */
class ExperimentConfigTest {
  private static final ExperimentConfig BASE = ConfigLoader.parse(ConfigErrorsTest.BASE, "base.yaml");

  @Test
  @DisplayName("withEpochs changes only epoch_number and keeps snapshots as written")
  void withEpochs() {
    ExperimentConfig c = BASE.withEpochs(17);
    assertThat(c.trainingParams().epochNumber()).isEqualTo(17);
    assertThat(c.trainingParams().withEpochNumber(BASE.trainingParams().epochNumber()))
        .isEqualTo(BASE.trainingParams());
    assertThat(c.networkLayout()).isEqualTo(BASE.networkLayout());
    assertThat(c.source()).isEqualTo("base.yaml");
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> BASE.withEpochs(0));
    assertThat(e.keyPath()).isEqualTo("training_params.epoch_number");
    assertThat(e.file()).isEqualTo("base.yaml");
  }

  @Test
  @DisplayName("snapshotEpochs: listed epochs up to the last, plus the last")
  void snapshotEpochs() {
    ExperimentConfig c = ConfigLoader.parse(ConfigErrorsTest.BASE.replace("epoch_number: 3",
        "epoch_number: 30\n  epoch_snapshots: [40, 10, 20]"), "s.yaml");
    assertThat(c.trainingParams().epochSnapshots()).containsExactly(40, 10, 20);
    assertThat(c.trainingParams().snapshotEpochs()).containsExactly(10, 20, 30);
    assertThat(c.withEpochs(15).trainingParams().snapshotEpochs()).containsExactly(10, 15);
  }

  @Test
  @DisplayName("withSeed sets numpy_seed and torch_seed to the same value")
  void withSeed() {
    ExperimentConfig c = BASE.withSeed(99);
    assertThat(c.trainingParams().numpySeed()).isEqualTo(99L);
    assertThat(c.trainingParams().torchSeed()).isEqualTo(99L);
    assertThat(c.trainingParams().withSeeds(BASE.trainingParams().numpySeed(),
        BASE.trainingParams().torchSeed())).isEqualTo(BASE.trainingParams());
  }

  @Test
  void withDataDir() {
    ExperimentConfig c = BASE.withDataDir(Path.of("/data/mnist"));
    assertThat(c.dataDir()).isEqualTo(Path.of("/data/mnist"));
    assertThat(c.dataset().name()).isEqualTo("yin_yang");
    assertThat(ConfigLoader.parse(ConfigWriter.toYaml(c), "base.yaml")).isEqualTo(c);
  }

  @Test
  @DisplayName("defaults apply to keys a hand-written file leaves out")
  void defaults() {
    TrainingParams t = BASE.trainingParams();
    assertThat(t.batchSizeEval()).isEqualTo(t.batchSize());
    assertThat(t.maxDwNorm()).isEqualTo(0.2);
    assertThat(t.epochSnapshots()).isEmpty();
    assertThat(t.trainingNoise()).isNull();
    assertThat(t.roundingPrecision()).isNull();
    assertThat(t.numpySeed()).isEqualTo(12345L);
    assertThat(t.torchSeed()).isEqualTo(2000L);
    assertThat(t.weightBumpingValue()).isEqualTo(0.0005);
    assertThat(t.weightBumpingExp()).isTrue();
    assertThat(t.weightBumpingTargeted()).isTrue();
    assertThat(t.momentum()).isEqualTo(0.0);
    assertThat(t.resolution()).isEqualTo(0.01);
    assertThat(t.simTime()).isEqualTo(4.0);
    assertThat(t.printStepPercent()).isEqualTo(5.0);
    assertThat(t.clipWeightsMax()).isNull();
    assertThat(t.weightBound()).isInfinite();
    assertThat(BASE.neuronParams().tauMem()).isEqualTo(BASE.neuronParams().tauSyn());
  }

  @Test
  @DisplayName("records validate on their own, naming keys relative to themselves, the file <config>")
  void recordValidation() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> new NetworkLayout(4, 2,
        List.of(5, 3), List.of(1, 1), List.of(List.of(0.9)), List.of(1.0, 1.0), List.of(1.0, 1.0), null));
    assertThat(e.file()).isEqualTo(ConfigException.UNKNOWN_FILE);
    assertThat(e.keyPath()).isEqualTo("bias_times");
    assertThat(e.getMessage()).contains("got 1");

    ConfigException ratio = catchThrowableOfType(ConfigException.class, () -> new ExperimentConfig(
        null, BASE.dataset(), BASE.networkLayout(), new NeuronParams(1, 0, 1, 1, 1.5),
        BASE.trainingParams(), "r.yaml"));
    assertThat(ratio.getMessage()).startsWith("r.yaml: neuron_params.tau_mem: unsupported ratio");

    ConfigException sched = catchThrowableOfType(ConfigException.class,
        () -> LrScheduler.multiStepLr(List.of(5, 5), 0.5));
    assertThat(sched.keyPath()).isEqualTo("milestones");
    assertThat(sched.getMessage()).contains("strictly increasing", "[5, 5]");

    ConfigException both = catchThrowableOfType(ConfigException.class,
        () -> new DatasetConfig("mnist", new DatasetConfig.UserFiles(DatasetConfig.Format.CSV,
            Path.of("a"), Path.of("b"), Path.of("c"))));
    assertThat(both.keyPath()).isEmpty();
    assertThat(both.getMessage()).contains("not both or neither");
  }
}
