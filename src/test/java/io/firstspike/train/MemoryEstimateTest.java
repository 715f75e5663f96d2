package io.firstspike.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.firstspike.testsupport.TestConfigs;
import io.firstspike.train.config.ConfigException;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The memory a run needs, estimated from its config before anything is allocated. */
class MemoryEstimateTest {
  private static final long GIB = 1L << 30;

  private static ExperimentConfig yinYang(String layerSizes) {
    return ConfigLoader.parse(TestConfigs.yinYang(10, 1, 0.005, "[1]", 20, 0.95, "false")
        .replace("layer_sizes: [10, 3]", "layer_sizes: " + layerSizes), "wide.yaml");
  }

  @Test
  @DisplayName("layer_sizes [3000000, 3] is refused with the figures, naming the batch buffers that dominate")
  void hugeLayerIsRefused() {
    ExperimentConfig cfg = yinYang("[3000000, 3]");
    MemoryEstimate e = MemoryEstimate.of(cfg, 2);
    // 150 samples x 3,000,001 inputs of layer 1 and 3,000,000 outputs of layer 0, about 72 bytes
    // each with the backward caches, plus 200 evaluation samples at about 24 bytes
    assertThat(e.batchBuffers()).isBetween(40 * GIB, 46 * GIB);
    assertThat(e.weights()).as("24 million weights, 12 copies").isBetween(GIB, 4 * GIB);
    ConfigException x = catchThrowableOfType(ConfigException.class, () -> e.requireFits(4 * GIB, "wide.yaml"));
    assertThat(x).isNotNull();
    assertThat(x.keyPath()).isEqualTo("training_params.batch_size");
    assertThat(x.getMessage()).matches("wide\\.yaml: training_params\\.batch_size: the run needs about"
        + " \\d+\\.\\d GiB of memory \\(weights and optimizer \\d\\.\\d GiB, batch buffers \\d+\\.\\d GiB,"
        + " thread scratch \\d+\\.\\d [GM]iB, data set \\d\\.\\d MiB\\), this JVM may use 4\\.0 GiB: use a"
        + " smaller batch_size \\(or smaller layer_sizes\\), or give java more memory \\(-Xmx\\)");
  }

  @Test
  @DisplayName("a wide but shallow batch is refused at layer_sizes when the weights dominate")
  void weightsDominate() {
    ExperimentConfig cfg = ConfigLoader.parse(TestConfigs.yinYang(10, 1, 0.005, "[1]", 20, 0.95, "false")
        .replace("n_inputs: 4", "n_inputs: 20000").replace("layer_sizes: [10, 3]", "layer_sizes: [20000, 3]")
        .replace("batch_size: 150", "batch_size: 1").replace("batch_size_eval: 200", "batch_size_eval: 1")
        .replace("dataset: yin_yang", "dataset: {type: npy, train: a.npy, test: b.npy}"), "w.yaml");
    MemoryEstimate e = MemoryEstimate.of(cfg, 1);
    assertThat(e.weights()).as("400 million weights x 8 bytes x 8 copies").isBetween(23 * GIB, 25 * GIB);
    assertThat(e.dataSet()).as("user files are not counted").isZero();
    ConfigException x = catchThrowableOfType(ConfigException.class, () -> e.requireFits(8 * GIB, "w.yaml"));
    assertThat(x.keyPath()).isEqualTo("network_layout.layer_sizes");
    assertThat(x.getMessage()).contains("this JVM may use 8.0 GiB: use smaller layer_sizes, or give java");
  }

  @Test
  @DisplayName("many Euler steps on wide layers are refused at resolution")
  void eulerChargeDominates() {
    ExperimentConfig cfg = ConfigLoader.parse(TestConfigs.yinYang(10, 1, 0.005, "[1]", 20, 0.95, "false")
        .replace("layer_sizes: [10, 3]", "layer_sizes: [2000, 3]")
        .replace("use_forward_integrator: false", "use_forward_integrator: true")
        .replace("resolution: 0.01", "resolution: 0.000004"), "e.yaml");
    MemoryEstimate e = MemoryEstimate.of(cfg, 4);
    assertThat(e.eulerCharge()).as("4 threads x 1e6 steps x 2000 neurons x 8 bytes").isEqualTo(64_000_000_000L);
    ConfigException x = catchThrowableOfType(ConfigException.class, () -> e.requireFits(4 * GIB, "e.yaml"));
    assertThat(x.keyPath()).isEqualTo("training_params.resolution");
    assertThat(x.getMessage()).contains("use a larger resolution (fewer Euler steps)");
  }

  @Test
  @DisplayName("the shipped configs and the pretrained networks' configs fit in 1 GiB on two threads")
  void shippedConfigsFit() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Stream.concat(Files.list(Path.of("configs")), Files.list(Path.of("pretrained"))
        .map(d -> d.resolve("config.yaml")))) {
      files = s.filter(p -> p.toString().endsWith(".yaml") && Files.isRegularFile(p)).sorted().toList();
    }
    // the trainer (and so the estimate) takes 2021-schema configs; the DelGrad copies wait for it
    List<Path> delgrad = files.stream()
        .filter(f -> !(ConfigLoader.loadAny(f) instanceof ExperimentConfig)).toList();
    assertThat(delgrad).extracting(Path::toString).containsExactlyInAnyOrder(
        "configs/yin_yang_H30_W.yaml", "configs/yin_yang_H30_WA.yaml", "configs/yin_yang_H30_WS.yaml",
        "configs/yin_yang_H5_WS.yaml", "configs/yin_yang_hwAware.yaml",
        "pretrained/yin_yang_H30_WS/config.yaml");
    files = files.stream().filter(f -> !delgrad.contains(f)).toList();
    assertThat(files).hasSizeGreaterThanOrEqualTo(13);
    for (Path f : files) {
      MemoryEstimate e = MemoryEstimate.of(ConfigLoader.load(f), 2);
      assertThat(e.fits(GIB)).as(f + " needs " + MemoryEstimate.size(e.total())).isTrue();
      assertThat(e.total()).as(f.toString()).isPositive();
    }
    MemoryEstimate mnist = MemoryEstimate.of(ConfigLoader.load(Path.of("configs/mnist.yaml")), 2);
    assertThat(mnist.dataSet()).as("70000 x 784 doubles").isBetween(430_000_000L, 450_000_000L);
  }

  @Test
  @DisplayName("absurd sizes give absurd figures, never an overflow to a small or negative number")
  void noOverflow() {
    ExperimentConfig cfg = ConfigLoader.parse(TestConfigs.yinYang(10, 1, 0.005, "[1]", 20, 0.95, "false")
        .replace("n_layers: 2", "n_layers: 3").replace("layer_sizes: [10, 3]", "layer_sizes: [46340, 46340, 3]")
        .replace("n_biases: [1, 1]", "n_biases: [0, 0, 0]").replace("bias_times: [0.9]", "bias_times: []")
        .replace("weight_means: [1.5, 0.5]", "weight_means: [1, 1, 1]")
        .replace("weight_stdevs: [0.8, 0.8]", "weight_stdevs: [1, 1, 1]")
        .replace("max_num_missing_spikes: [0.3, 0.0]", "max_num_missing_spikes: [0, 0, 0]")
        .replace("epoch_number: 1", "epoch_number: 2000000000")
        .replace("batch_size: 150", "batch_size: 46340"), "absurd.yaml");
    MemoryEstimate e = MemoryEstimate.of(cfg, Integer.MAX_VALUE);
    assertThat(e.total()).isGreaterThan(1L << 50);
    assertThat(e.fits(Long.MAX_VALUE / 2)).isFalse();
  }

  @Test
  @DisplayName("the built-in sample counts are those the data package loads")
  void builtInSampleCounts() {
    for (String name : List.of("yin_yang", "xor", "bars")) {
      var d = io.firstspike.data.DatasetFactory.load(new io.firstspike.data.DataSpec(name, null, 0, null, null, null));
      long distinct = d.train() == d.validation() ? d.train().size()
          : d.train().size() + d.validation().size() + d.test().size();
      assertThat(MemoryEstimate.BUILT_IN_SAMPLES.get(name)).as(name).isEqualTo((int) distinct);
    }
    assertThat(MemoryEstimate.BUILT_IN_SAMPLES.keySet())
        .containsExactlyInAnyOrderElementsOf(io.firstspike.data.DatasetFactory.BUILT_IN);
  }

  @Test
  void sizes() {
    assertThat(MemoryEstimate.size(4 * GIB)).isEqualTo("4.0 GiB");
    assertThat(MemoryEstimate.size(37_200_000_000L)).isEqualTo("34.6 GiB");
    assertThat(MemoryEstimate.size(512L << 20)).isEqualTo("512.0 MiB");
  }
}
