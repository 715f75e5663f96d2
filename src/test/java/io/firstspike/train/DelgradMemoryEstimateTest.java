package io.firstspike.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.firstspike.testsupport.DelgradYaml;
import io.firstspike.train.config.ConfigException;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.DelgradExperiment;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The memory estimate of new-schema configs ({@link MemoryEstimate#of(DelgradExperiment, int)}). */
class DelgradMemoryEstimateTest {
  private static final long MIB = 1L << 20;
  private static final long GIB = 1L << 30;

  private static DelgradExperiment config(String yaml) {
    return (DelgradExperiment) ConfigLoader.parseAny(yaml, "h30ws.yaml");
  }

  @Test
  @DisplayName("H30_WS needs a few MiB: 453 parameters, 243 layer outputs and 210 synapses per"
      + " sample, 7000 Yin-Yang samples")
  void h30Ws() {
    MemoryEstimate e = MemoryEstimate.of(config(DelgradYaml.h30Ws()), 2);
    // parameters: 8 B x (7 x 453 + 301 epochs x 90 label weights) = 243 KB
    assertThat(e.weights()).isEqualTo(8L * (7 * 453 + 301 * 90));
    // 150 x (2 x 243 + 4 x 210) + 200 x 243 + 2 x 150 x 4 doubles, 16 B per row array
    assertThat(e.batchBuffers()).isEqualTo(8L * (150 * (2 * 243 + 4 * 210) + 200 * 243
        + 2 * 150 * 4) + 16L * (150 + 200) * 4);
    assertThat(e.total()).isBetween(MIB, 10 * MIB);
    assertThat(e.fits(256 * MIB)).isTrue();
  }

  @Test
  @DisplayName("a NeuronLayer of 3 million neurons is refused with the figures: at batch_size with"
      + " the usual batches, at network_layout.layers with batches of one")
  void hugeLayerIsRefused() {
    String huge = DelgradYaml.h30Ws().replace("size: 30 ", "size: 3000000 ");
    ConfigException x = catchThrowableOfType(ConfigException.class,
        () -> MemoryEstimate.of(config(huge), 2).requireFits(4 * GIB, "h30ws.yaml"));
    assertThat(x).isNotNull();
    assertThat(x.keyPath()).isEqualTo("training_params.batch_size");
    assertThat(x.getMessage()).startsWith("h30ws.yaml: training_params.batch_size: the run needs"
        + " about ").contains("this JVM may use 4.0 GiB");
    String single = huge.replace("batch_size: 150 ", "batch_size: 1   ")
        .replace("batch_size_eval: 200 ", "batch_size_eval: 1   ");
    MemoryEstimate e = MemoryEstimate.of(config(single), 2);
    assertThat(e.weights()).isGreaterThan(e.batchBuffers());
    ConfigException y = catchThrowableOfType(ConfigException.class,
        () -> e.requireFits(GIB, "h30ws.yaml"));
    assertThat(y.keyPath()).isEqualTo("network_layout.layers");
    assertThat(y.getMessage()).contains("use smaller layers");
  }
}
