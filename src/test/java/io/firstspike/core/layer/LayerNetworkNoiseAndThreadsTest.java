package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.layer.NoiseSource.Kind;
import io.firstspike.core.network.ParallelRanges;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.core.optim.RangeRunner;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The hardware-aware noise of {@link LayerNetwork}: reproducible from the seed, drawn in the
 * documented order; and passes that give the same bits on one and on two threads.
 */
class LayerNetworkNoiseAndThreadsTest {
  static final NeuronSettings NOISY = new NeuronSettings(
      NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0), Variant.ET, EpsRule.DELGRAD, 0.2,
      new NeuronSettings.Noise(0.02, 0.04, 0.13, 0.08, 0.01));

  /** Every delay type, sharing, Biases and Multiplex, noise everywhere. */
  static LayerNetwork network() {
    return LayerNetwork.initialise(4, specs(), 0, new SeededNoise(11));
  }

  static List<LayerSpec> specs() {
    return List.of(new LayerSpec.Multiplex(2),
        new LayerSpec.Delay(DelayType.SYNAPTIC, Positivity.sigmoid(0.1, 1.0), 2, 1, 0.01, true,
            new LayerSpec.Normal(0, 1)),
        new LayerSpec.Biases(new double[] {0.2}),
        new LayerSpec.Neuron(12, NOISY, true, new LayerSpec.Normal(0.5, 0.3)),
        new LayerSpec.Delay(DelayType.AXONAL, Positivity.shiftToPositive(), 3, 1, 0.01, true,
            new LayerSpec.Normal(0.5, 0.3)),
        new LayerSpec.Neuron(6, NOISY, true, new LayerSpec.Normal(0.6, 0.3)),
        new LayerSpec.Delay(DelayType.DENDRITIC, Positivity.clip(), 1, 2, 0.01, true,
            new LayerSpec.Normal(0.3, 0.2)),
        new LayerSpec.Neuron(4, NOISY, true, new LayerSpec.Normal(0.9, 0.4)));
  }

  static double[][] inputs(int batch) {
    Random rnd = new Random(5);
    double[][] x = new double[batch][4];
    for (double[] row : x) {
      for (int i = 0; i < 4; i++) {
        row[i] = 0.15 + 1.85 * rnd.nextDouble();
      }
    }
    return x;
  }

  @Test
  @DisplayName("the same seed gives the same noisy pass; another seed another one")
  void reproducibleFromSeed() {
    LayerNetwork net = network();
    double[][] x = inputs(10);
    double[][] a = net.forward(x, new SeededNoise(99)).labelTimes();
    double[][] b = net.forward(x, new SeededNoise(99)).labelTimes();
    double[][] c = net.forward(x, new SeededNoise(100)).labelTimes();
    double[][] quiet = net.forward(x, NoiseSource.ZERO).labelTimes();
    assertThat(a).isDeepEqualTo(b);
    assertThat(a).isNotEqualTo(c);
    assertThat(a).isNotEqualTo(quiet);
    SeededNoise first = new SeededNoise(99);
    net.forward(x, first);
    SeededNoise resumed = new SeededNoise(first.state());
    assertThat(net.forward(x, resumed).labelTimes())
        .isDeepEqualTo(net.forward(x, first).labelTimes());
  }

  @Test
  @DisplayName("draws come in section 8's order: delay jitter; s2s, b2b, output jitter; per layer")
  void drawOrder() {
    LayerNetwork net = network();
    int batch = 3;
    double[][] x = inputs(batch);
    SeededNoise stream = new SeededNoise(7);
    ReplayedNoise replay = new ReplayedNoise();
    // layer 1: delay jitter [B][8][12]; layer 3: s2s [B][12], b2b [12], jitter [B][12];
    // layer 4: [B][12][6]; layer 5: [B][6], [6], [B][6]; layer 6: [B][6][4]; layer 7: [B][4] ...
    replay.put(Kind.DELAY_JITTER, 1, draws(stream, 0.01, batch * 8 * 12));
    replay.put(Kind.THRESHOLD_S2S, 3, draws(stream, 0.02, batch * 12));
    replay.put(Kind.THRESHOLD_B2B, 3, draws(stream, 0.04, 12));
    replay.put(Kind.OUTPUT_JITTER, 3, draws(stream, 0.01, batch * 12));
    replay.put(Kind.DELAY_JITTER, 4, draws(stream, 0.01, batch * 12 * 6));
    replay.put(Kind.THRESHOLD_S2S, 5, draws(stream, 0.02, batch * 6));
    replay.put(Kind.THRESHOLD_B2B, 5, draws(stream, 0.04, 6));
    replay.put(Kind.OUTPUT_JITTER, 5, draws(stream, 0.01, batch * 6));
    replay.put(Kind.DELAY_JITTER, 6, draws(stream, 0.01, batch * 6 * 4));
    replay.put(Kind.THRESHOLD_S2S, 7, draws(stream, 0.02, batch * 4));
    replay.put(Kind.THRESHOLD_B2B, 7, draws(stream, 0.04, 4));
    replay.put(Kind.OUTPUT_JITTER, 7, draws(stream, 0.01, batch * 4));
    SeededNoise live = new SeededNoise(7);
    assertThat(net.forward(x, live).labelTimes())
        .isDeepEqualTo(net.forward(x, replay).labelTimes());
    assertThat(live.state()).isEqualTo(stream.state()); // nothing more was drawn
  }

  static double[] draws(SeededNoise s, double std, int n) {
    double[] d = new double[n];
    for (int k = 0; k < n; k++) {
      d[k] = std * s.next();
    }
    return d;
  }

  @Test
  @DisplayName("forward and backward give the same bits on one and on two threads")
  void threadsDoNotChangeBits() {
    LayerNetwork net = network();
    double[][] x = inputs(37); // not a multiple of the chunk size
    Random rnd = new Random(9);
    double[][] delta = new double[37][4];
    for (double[] row : delta) {
      for (int k = 0; k < 4; k++) {
        row[k] = rnd.nextGaussian();
      }
    }
    NetworkPass serial = net.forward(x, new SeededNoise(3), RangeRunner.SERIAL);
    NetworkGradients gs = net.backward(serial, delta, RangeRunner.SERIAL);
    try (ParallelRanges two = new ParallelRanges(2)) {
      NetworkPass parallel = net.forward(x, new SeededNoise(3), two);
      NetworkGradients gp = net.backward(parallel, delta, two);
      for (int l = 0; l < net.layers().size(); l++) {
        assertThat(parallel.output(l).values()).as("layer %d output", l)
            .containsExactly(serial.output(l).values());
      }
      assertThat(gp.parameters().keySet()).containsExactlyElementsOf(gs.parameters().keySet());
      for (String name : gs.parameters().keySet()) {
        assertThat(gp.get(name)).as(name).containsExactly(gs.get(name));
      }
      assertThat(gp.inputTimes()).isDeepEqualTo(gs.inputTimes());
    }
    assertThat(java.util.Arrays.stream(serial.labelTimes()).flatMapToDouble(
        java.util.Arrays::stream).filter(Double::isFinite).count()).isGreaterThan(37);
    long nonZeroDelayGradients = gs.parameters().entrySet().stream()
        .filter(e -> e.getKey().endsWith("_delay_parameters"))
        .flatMapToDouble(e -> java.util.Arrays.stream(e.getValue())).filter(v -> v != 0).count();
    assertThat(nonZeroDelayGradients).isGreaterThan(5);
  }
}
