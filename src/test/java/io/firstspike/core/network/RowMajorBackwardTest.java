package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The row-major backward pass of wide layers ({@link RowMajorBackward}, taken by
 * {@link ExactBackward#ROWS}) against the column walk ({@link ExactBackward#COLUMNS}):
 * it must give the same bits, weight gradients and propagated errors, in every case the column
 * walk handles specially.
 */
class RowMajorBackwardTest {
  /** Wide enough for the row-major path (nIn * nOut >= PassPolicy.ROW_MAJOR_MIN_WEIGHTS). */
  private static final int N_IN = 300;

  private static final int N_OUT = 120;
  private static final int BATCH = 12;
  /** Outputs per sample that get an input moved to exactly their spike time (a tie). */
  private static final int TIES_PER_SAMPLE = 12;
  private static final double INF = Double.POSITIVE_INFINITY;
  private static final double EULER_SIM_TIME = 4.0;
  private static final double EULER_STEP = 0.01;

  static Stream<Arguments> layers() {
    return Stream.of(
        Arguments.of("et", RandomLayer.ET, 0.012, 0.06, 31L, false),
        Arguments.of("et tau 1.5 (division path)", NeuronParams.equalTime(1.0, 0.0, 1.0, 1.5),
            0.012, 0.06, 32L, false),
        Arguments.of("dt", RandomLayer.DT, 0.02, 0.08, 33L, false),
        Arguments.of("dt tau 0.6", new NeuronParams(0.5, 0.1, 0.9, 0.6, 1.2), 0.015, 0.1, 34L,
            false),
        Arguments.of("et, Euler forward (no cached sets)", RandomLayer.ET, 0.012, 0.06, 35L, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("layers")
  @DisplayName("wide layer with ties, silent inputs and outputs, clipping: same bits as the column walk")
  void sameBitsAsColumnWalk(String name, NeuronParams p, double mean, double sd, long seed,
      boolean euler, TestReporter reporter) {
    assertThat(OneLayer.rowMajor(N_IN, N_OUT)).as("the test layer takes the row path").isTrue();
    Random rnd = new Random(seed);
    RandomLayer layer = RandomLayer.of(p, N_IN, N_OUT, BATCH, mean, sd, 2.0, 0.1, seed);
    double[] w = layer.weights();
    OneLayer kernel = new OneLayer(p);
    LayerCache cache = new LayerCache(BATCH, N_IN, N_OUT, p.variant());
    double[] gradRows = new double[w.length];
    double[] gradCols = new double[w.length];
    double[] gradDeferred = new double[w.length];
    int ties = 0;
    int silentOut = 0;
    int spikes = 0;
    int clipped = 0;
    int kept = 0;
    int nonZeroDeltaIn = 0;
    long skipped = 0;
    for (int s = 0; s < BATCH; s++) {
      double[] in = withTies(layer.inputs()[s], kernel, w, rnd);
      double[] out = new double[N_OUT];
      if (euler) { // times on the step grid; the backward pass rebuilds every causal set
        kernel.forwardEuler(in, w, out, cache, s, 0, EULER_SIM_TIME, EULER_STEP);
      } else {
        kernel.forward(in, w, out, cache, s, 0);
      }
      double[] delta = new double[N_OUT];
      for (int j = 0; j < N_OUT; j++) {
        double u = rnd.nextDouble();
        delta[j] = u < 0.1 ? 0.0 : u < 0.15 ? Double.NaN : 0.3 * rnd.nextGaussian();
        if (out[j] == INF) {
          silentOut++;
        } else {
          spikes++;
          for (double t : in) {
            ties += t == out[j] ? 1 : 0;
          }
        }
      }
      // Euler times can miss the exact crossing of their causal set (W0 of z < -1/e): both
      // walks skip such a neuron (no gradient, no propagated error) and count it
      double[] single = new double[w.length];
      kernel.backwardColumns(in, w, out, delta, cache, s, 0, INF, single, null);
      // clip at the median of the neurons' largest |dT/dw delta|: about half are clipped
      double[] colMax = columnMaxima(single);
      double[] positive = Arrays.stream(colMax).filter(v -> v > 0).sorted().toArray();
      double clip = positive.length == 0 ? INF : positive[positive.length / 2];
      for (double m : positive) {
        clipped += m > clip ? 1 : 0;
        kept += m > clip ? 0 : 1;
      }
      double[] dRows = new double[N_IN];
      double[] dCols = new double[N_IN];
      Arrays.fill(dRows, 7.0); // must be overwritten, silent inputs included
      long before = kernel.integratorSkips();
      kernel.backward(in, w, out, delta, cache, s, 0, clip, gradRows, dRows);
      long rowSkips = kernel.integratorSkips() - before;
      kernel.backwardColumns(in, w, out, delta, cache, s, 0, clip, gradCols, dCols);
      long colSkips = kernel.integratorSkips() - before - rowSkips;
      assertThat(rowSkips).as("skipped Euler spikes, sample " + s).isEqualTo(colSkips);
      skipped += colSkips;
      assertSameBits(dRows, dCols, "propagated error, sample " + s);
      for (double v : dCols) {
        nonZeroDeltaIn += v != 0 ? 1 : 0;
      }
      // the first layer has no propagated error: the weight-gradient-only loops
      double[] g1 = new double[w.length];
      double[] g2 = new double[w.length];
      kernel.backward(in, w, out, delta, cache, s, 0, clip, g1, null);
      kernel.backwardColumns(in, w, out, delta, cache, s, 0, clip, g2, null);
      assertSameBits(g1, g2, "weight gradient without propagation, sample " + s);
      kernel.deferBackward(in, w, out, delta, cache, s, 0, clip);
    }
    kernel.flushBackward(gradDeferred);
    assertSameBits(gradDeferred, gradCols, "deferred weight gradient summed over the batch");
    assertSameBits(gradRows, gradCols, "weight gradient summed over the batch");
    reporter.publishEntry(name, "spikes " + spikes + ", silent outputs " + silentOut + ", ties "
        + ties + ", clipped " + clipped + ", kept " + kept + ", nonzero deltaIn " + nonZeroDeltaIn);
    // every special case must actually occur, or the comparison proves less than it claims
    String stats = "spikes " + spikes + ", silent outputs " + silentOut + ", ties " + ties
        + ", clipped " + clipped + ", kept " + kept + ", nonzero deltaIn " + nonZeroDeltaIn
        + ", skipped Euler spikes " + skipped;
    if (euler) {
      assertThat(skipped).as("Euler: spikes without a closed-form crossing; " + stats).isPositive();
    } else {
      assertThat(skipped).as("exact forward: nothing skipped; " + stats).isZero();
      assertThat(ties).as("inputs at exactly an output time; " + stats).isGreaterThan(BATCH);
    }
    assertThat(silentOut).as("silent outputs").isGreaterThan(BATCH);
    assertThat(spikes).as("spiking outputs").isGreaterThan(BATCH * N_OUT / 3);
    assertThat(clipped).as("clipped neurons").isGreaterThan(BATCH);
    assertThat(kept).as("kept neurons").isGreaterThan(BATCH);
    assertThat(nonZeroDeltaIn).as("nonzero propagated errors").isGreaterThan(BATCH * N_IN / 3);
  }

  @Test
  @DisplayName("a non-finite gradient throws the column walk's message, naming the same neuron")
  void nonFiniteGradientSameMessage() {
    NeuronParams p = RandomLayer.ET;
    RandomLayer layer = RandomLayer.of(p, N_IN, N_OUT, 1, 0.012, 0.06, 2.0, 0.1, 41);
    double[] in = layer.inputs()[0];
    double[] w = layer.weights();
    OneLayer kernel = new OneLayer(p);
    LayerCache cache = new LayerCache(1, N_IN, N_OUT, p.variant());
    double[] out = new double[N_OUT];
    kernel.forward(in, w, out, cache, 0, 5);
    int[] firing = IntStream.range(0, N_OUT).filter(j -> out[j] < INF).toArray();
    assertThat(firing.length).isGreaterThan(3);
    double[] delta = new double[N_OUT];
    Arrays.fill(delta, 0.1);
    delta[firing[2]] = INF;
    delta[firing[3]] = INF;
    Throwable rows = catchThrowable(() -> kernel.backward(in, w, out, delta, cache, 0, 5, INF,
        new double[w.length], new double[N_IN]));
    Throwable cols = catchThrowable(() -> kernel.backwardColumns(in, w, out, delta, cache, 0, 5,
        INF, new double[w.length], new double[N_IN]));
    assertThat(rows).isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("layer 5").hasMessageContaining("neuron " + firing[2] + ":")
        .hasMessage(cols.getMessage());
  }

  @Test
  @DisplayName("a NaN weight: the column walk's message inside a causal set, its sums outside")
  void nonFiniteWeight() {
    NeuronParams p = RandomLayer.ET;
    RandomLayer layer = RandomLayer.of(p, N_IN, N_OUT, 1, 0.012, 0.06, 2.0, 0.1, 42);
    double[] in = layer.inputs()[0];
    OneLayer kernel = new OneLayer(p);
    LayerCache cache = new LayerCache(1, N_IN, N_OUT, p.variant());
    double[] out = new double[N_OUT];
    kernel.forward(in, layer.weights(), out, cache, 0, 2);
    int[] firing = IntStream.range(0, N_OUT).filter(j -> out[j] < INF).toArray();
    assertThat(firing.length).isGreaterThan(3);
    int early = IntStream.range(0, N_IN).boxed().min((a, b) -> Double.compare(in[a], in[b]))
        .orElseThrow();
    int late = IntStream.range(0, N_IN).filter(i -> in[i] < INF).boxed()
        .max((a, b) -> Double.compare(in[a], in[b])).orElseThrow();
    double[] delta = new double[N_OUT];
    Arrays.fill(delta, 0.1);
    // the earliest input is causal for every firing neuron: its dT/dt is NaN
    double[] w = layer.weights().clone();
    int j = firing[1];
    w[early * N_OUT + j] = Double.NaN;
    Throwable rows = catchThrowable(() -> kernel.backward(in, w, out, delta, cache, 0, 2, INF,
        new double[w.length], new double[N_IN]));
    Throwable cols = catchThrowable(() -> kernel.backwardColumns(in, w, out, delta, cache, 0, 2,
        INF, new double[w.length], new double[N_IN]));
    assertThat(rows).isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("propagated error is NaN")
        .hasMessageContaining("neuron " + j + ", input " + early + ":")
        .hasMessage(cols.getMessage());
    // weights the column walk never reads (of a silent neuron; of an input after a spike): the
    // row walk must not let them in either
    int silent = IntStream.range(0, N_OUT).filter(q -> out[q] == INF).findFirst().orElseThrow();
    int before = Arrays.stream(firing).filter(q -> out[q] < in[late]).findFirst().orElseThrow();
    double[] w2 = layer.weights().clone();
    w2[early * N_OUT + silent] = Double.NaN;
    w2[late * N_OUT + before] = Double.NEGATIVE_INFINITY;
    double[] gRows = new double[w2.length];
    double[] gCols = new double[w2.length];
    double[] dRows = new double[N_IN];
    double[] dCols = new double[N_IN];
    kernel.backward(in, w2, out, delta, cache, 0, 2, INF, gRows, dRows);
    kernel.backwardColumns(in, w2, out, delta, cache, 0, 2, INF, gCols, dCols);
    assertSameBits(dRows, dCols, "propagated error");
    assertSameBits(gRows, gCols, "weight gradient");
    assertThat(Arrays.stream(dRows).allMatch(Double::isFinite)).as("finite deltaIn").isTrue();
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  @DisplayName("engine with a wide first layer: the column walk's bits, per chunk in sample order")
  void engineMatchesColumnWalks(Variant v) {
    NeuronParams p = v == Variant.ET ? RandomLayer.ET : RandomLayer.DT;
    int nHidden = N_OUT;
    int nLabel = 5;
    int batch = 37;
    RandomLayer first = RandomLayer.of(p, N_IN, nHidden, batch, v == Variant.ET ? 0.012 : 0.02,
        0.06, 2.0, 0.1, 51);
    Random rnd = new Random(52);
    double[] w1 = new double[nHidden * nLabel];
    for (int q = 0; q < w1.length; q++) {
      w1[q] = 0.1 + 0.2 * rnd.nextGaussian();
    }
    Network net = new Network(p, N_IN, new int[] {nHidden, nLabel}, new int[] {0, 0},
        new double[][] {{}, {}}, new double[][] {first.weights(), w1});
    double[][] labelDelta = new double[batch][nLabel];
    for (double[] row : labelDelta) {
      for (int q = 0; q < nLabel; q++) {
        row[q] = rnd.nextGaussian();
      }
    }
    double clip = 0.05;
    double[][] engineGrads;
    try (NetworkEngine engine = new NetworkEngine(net,
        new NetworkEngine.EngineOptions(clip, false, 3.0, 0.01, 0.0), 2)) {
      ForwardResult fwd = engine.forward(first.inputs());
      engineGrads = engine.backward(fwd, labelDelta);
      // again: the chunks' buffers now hold the first call's gradients, which the deferred first
      // layer must overwrite (flushBackwardInto), not add to
      double[][] again = engine.backward(fwd, labelDelta);
      assertSameBits(again[0], engineGrads[0], "first layer, second backward on reused buffers");
      assertSameBits(again[1], engineGrads[1], "label layer, second backward on reused buffers");
    }
    // by hand: column walks per sample, summed per chunk, chunks summed in order
    OneLayer k = new OneLayer(p);
    LayerCache c0 = new LayerCache(batch, N_IN, nHidden, v);
    LayerCache c1 = new LayerCache(batch, nHidden, nLabel, v);
    double[][] hidden = new double[batch][nHidden];
    double[][] label = new double[batch][nLabel];
    for (int s = 0; s < batch; s++) {
      // et: the engine hands the hidden spikes' exp factors to the label layer (ClosedFormForward)
      double[] exps = v == Variant.ET ? new double[nHidden] : null;
      k.forward(first.inputs()[s], first.weights(), null, null, null, hidden[s], c0, s, 0, null,
          exps);
      k.forward(hidden[s], w1, null, null, null, label[s], c1, s, 1, exps, null);
    }
    int size = NetworkEngine.gradientChunk(batch);
    double[] sum0 = new double[first.weights().length];
    double[] sum1 = new double[w1.length];
    int clippedOrKept = 0;
    for (int from = 0; from < batch; from += size) {
      double[] g0 = new double[sum0.length];
      double[] g1 = new double[sum1.length];
      for (int s = from; s < Math.min(batch, from + size); s++) {
        double[] d = new double[nHidden];
        k.backwardColumns(hidden[s], w1, label[s], labelDelta[s], c1, s, 1, clip, g1, d);
        k.backwardColumns(first.inputs()[s], first.weights(), hidden[s], d, c0, s, 0, clip, g0,
            null);
      }
      for (int q = 0; q < g0.length; q++) {
        sum0[q] += g0[q];
        clippedOrKept += g0[q] != 0 ? 1 : 0;
      }
      for (int q = 0; q < g1.length; q++) {
        sum1[q] += g1[q];
      }
    }
    assertThat(OneLayer.defersBackward(N_IN, nHidden)).isTrue();
    assertThat(clippedOrKept).as("nonzero first-layer gradients").isGreaterThan(N_IN * 10);
    assertSameBits(engineGrads[0], sum0, "first layer");
    assertSameBits(engineGrads[1], sum1, "label layer");
  }

  @Test
  @DisplayName("flushBackwardInto replaces the buffer: the bits of flushBackward into zeros")
  void flushIntoReplaces() {
    RandomLayer layer = RandomLayer.of(RandomLayer.ET, N_IN, N_OUT, BATCH, 0.012, 0.06, 2.0, 0.1,
        61L);
    OneLayer kernel = new OneLayer(RandomLayer.ET);
    LayerCache cache = new LayerCache(BATCH, N_IN, N_OUT, Variant.ET);
    Random rnd = new Random(62);
    double[][] out = new double[BATCH][N_OUT];
    double[][] delta = new double[BATCH][N_OUT];
    double[][] in = new double[BATCH][];
    for (int s = 0; s < BATCH; s++) {
      in[s] = layer.inputs()[s].clone();
      Arrays.fill(in[s], N_IN - 20, N_IN, INF); // silent inputs: their rows get nothing
      kernel.forward(in[s], layer.weights(), out[s], cache, s, 0);
      for (int j = 0; j < N_OUT; j++) {
        delta[s][j] = rnd.nextGaussian();
      }
    }
    double[] added = new double[layer.weights().length];
    double[] stored = new double[added.length];
    Arrays.fill(stored, 7.0);
    int silentRows = 0;
    for (double[] target : new double[][] {added, stored}) {
      for (int s = 0; s < BATCH; s++) {
        kernel.deferBackward(in[s], layer.weights(), out[s], delta[s], cache, s, 0, INF);
      }
      if (target == added) {
        kernel.flushBackward(target);
      } else {
        kernel.flushBackwardInto(target);
      }
    }
    for (int i = 0; i < N_IN; i++) {
      boolean zero = true;
      for (int j = 0; j < N_OUT; j++) {
        zero &= added[i * N_OUT + j] == 0.0;
      }
      silentRows += zero ? 1 : 0;
    }
    assertThat(silentRows).as("rows without a causal input (must be overwritten with zeros)")
        .isPositive();
    assertSameBits(stored, added, "flushBackwardInto against flushBackward into zeros");
    Arrays.fill(stored, 7.0);
    kernel.flushBackwardInto(stored); // nothing waits: all zeros
    assertThat(Arrays.stream(stored).allMatch(v -> v == 0.0)).as("empty flush zeroes").isTrue();
  }

  @Test
  @DisplayName("small layers (Yin-Yang, the MNIST label layer) keep the column walk")
  void smallLayersKeepColumnWalk() {
    assertThat(OneLayer.rowMajor(6, 120)).isFalse();
    assertThat(OneLayer.rowMajor(121, 3)).isFalse();
    assertThat(OneLayer.rowMajor(350, 10)).isFalse();
    assertThat(OneLayer.rowMajor(784, 350)).isTrue();
  }

  /**
   * The sample's inputs with, for a few spiking outputs j, one later input moved to exactly T_j:
   * the forward pass still fires j at T_j (the set before the moved input is unchanged and its
   * crossing is no later than the moved input), and the backward pass must add it to the set.
   */
  private static double[] withTies(double[] original, OneLayer kernel, double[] w, Random rnd) {
    double[] in = original.clone();
    double[] out = new double[N_OUT];
    kernel.forward(in, w, out, null, 0, 0);
    // in order of time, so that a later move cannot change an earlier tie's spike time
    double[] times = Arrays.stream(out).filter(t -> t < INF).sorted().toArray();
    double previous = Double.NEGATIVE_INFINITY;
    for (int n = 0; n < TIES_PER_SAMPLE && times.length > 0; n++) {
      double target = times[(n * times.length) / TIES_PER_SAMPLE];
      kernel.forward(in, w, out, null, 0, 0);
      int j = -1;
      for (int q = 0; q < N_OUT; q++) { // the first neuron firing at or after the target
        if (out[q] < INF && out[q] >= target && out[q] > previous && (j < 0 || out[q] < out[j])) {
          j = q;
        }
      }
      if (j < 0) {
        continue;
      }
      for (int i = rnd.nextInt(N_IN), tries = 0; tries < N_IN; i = (i + 1) % N_IN, tries++) {
        if (in[i] > out[j] && in[i] < INF) {
          in[i] = out[j];
          previous = out[j];
          break;
        }
      }
    }
    return in;
  }

  /** Equal bit for bit (Arrays.equals compares doubles by their bits); names the first difference. */
  private static void assertSameBits(double[] actual, double[] expected, String what) {
    int at = Arrays.mismatch(actual, expected);
    assertThat(at).as("%s: first differing index (row path %s, column walk %s)", what,
        at < 0 ? "" : actual[at], at < 0 ? "" : expected[at]).isEqualTo(-1);
  }

  /** max_i |grad[i, j]| per output j. */
  private static double[] columnMaxima(double[] grad) {
    double[] max = new double[N_OUT];
    for (int p = 0; p < grad.length; p++) {
      max[p % N_OUT] = Math.max(max[p % N_OUT], Math.abs(grad[p]));
    }
    return max;
  }
}
