package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.network.ParallelRanges;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.core.optim.RangeRunner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of {@link NeuronLayerPass}: every {@link NeuronPassKind} gives the bits of the
 * reference ({@link NeuronPassKind#REFERENCE}, {@link ReferenceNeuronPass} sample by sample in
 * chunks): output times, weight gradient and input-time gradient, on one and on two threads, on
 * random layers of both variants and both EPS rules, one time per synapse or one per input,
 * silent inputs, ties, negative weights, noisy thresholds, output jitter, clipping, NaN upstream
 * errors; and the same errors for bad inputs. Exact equality, not a tolerance: a fast pass may
 * rearrange the work, never the arithmetic.
 */
class NeuronPassContractTest {
  private static final Set<NeuronPassKind> CHECKED = EnumSet.noneOf(NeuronPassKind.class);

  /** A random layer; weights scale (mean + 1.5 N(0, 1)) with scale ~ 1 / sqrt(n). */
  record Layer(String name, NeuronSettings settings, int n, int m, boolean perSynapse,
      double silent, double ties, boolean noisy, double mean, long seed) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Layer> layers() {
    NeuronParams dt = new NeuronParams(0.5, 0.0, 1.0, 1.0, 2.0);
    NeuronParams dtHalf = new NeuronParams(0.5, 0.0, 1.0, 0.5, 1.0);
    NeuronParams et = NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0);
    NeuronParams et2 = NeuronParams.equalTime(0.8, -0.1, 0.9, 2.0);
    double clip = 0.2;
    double none = ReferenceNeuronPass.NO_CLIPPING;
    List<Layer> all = new ArrayList<>();
    long seed = 40;
    for (EpsRule rule : EpsRule.values()) {
      all.add(new Layer("dt 4x30 per synapse ties " + rule, NeuronSettings.of(dt, Variant.DT, rule,
          clip), 4, 30, true, 0.05, 0.2, false, 0.5, seed++));
      all.add(new Layer("dt 30x3 per synapse " + rule, NeuronSettings.of(dt, Variant.DT, rule,
          clip), 30, 3, true, 0.2, 0.1, false, 0.5, seed++));
      all.add(new Layer("dt 31x7 shared ties " + rule, NeuronSettings.of(dt, Variant.DT, rule,
          none), 31, 7, false, 0.1, 0.3, false, 0.5, seed++));
      all.add(new Layer("dt tau 0.5 40x5 per synapse noisy " + rule, new NeuronSettings(dtHalf,
          Variant.DT, rule, clip, new NeuronSettings.Noise(0.02, 0.04, 0.1, 0.05, 0.01)), 40, 5,
          true, 0.1, 0.2, true, 0.3, seed++));
      all.add(new Layer("dt 8x6 shared ties " + rule, NeuronSettings.of(dt, Variant.DT, rule,
          clip), 8, 6, false, 0.1, 0.3, false, 1.0, seed++));
      all.add(new Layer("et 5x12 per synapse ties " + rule, NeuronSettings.of(et, Variant.ET, rule,
          clip), 5, 12, true, 0.1, 0.3, false, 0.5, seed++));
      all.add(new Layer("et tau 2 25x4 shared ties noisy " + rule, new NeuronSettings(et2,
          Variant.ET, rule, none, new NeuronSettings.Noise(0.03, 0.02, 0, 0, 0.02)), 25, 4, false,
          0.15, 0.3, true, 0.5, seed++));
      all.add(new Layer("et 17x2 per synapse " + rule, NeuronSettings.of(et, Variant.ET, rule,
          clip), 17, 2, true, 0.0, 0.1, false, 0.1, seed++));
    }
    return all;
  }

  static List<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (NeuronPassKind kind : NeuronPassKind.values()) {
      for (Layer l : layers()) {
        out.add(Arguments.of(kind, l));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  @DisplayName("forward and backward give the reference's bits, on one and on two threads")
  void sameBitsAsTheReference(NeuronPassKind kind, Layer layer) {
    Random rnd = new Random(layer.seed);
    int batch = 21; // not a multiple of the chunk size
    int n = layer.n;
    int m = layer.m;
    BatchTensor in = inputs(rnd, batch, n, layer.perSynapse ? m : 1, layer.silent, layer.ties);
    double[] w = new double[n * m];
    double scale = (layer.settings.variant() == Variant.DT ? 2.0 : 3.0) / Math.sqrt(n);
    for (int k = 0; k < w.length; k++) {
      w[k] = scale * (layer.mean + 1.5 * rnd.nextGaussian());
    }
    BatchTensor thresholds = BatchTensor.filled(batch, m, 1, layer.settings.params().threshold());
    BatchTensor jitter = null;
    if (layer.noisy) {
      for (int k = 0; k < thresholds.values().length; k++) {
        thresholds.values()[k] += 0.05 * rnd.nextGaussian();
      }
      jitter = BatchTensor.zeros(batch, m, 1);
      for (int k = 0; k < jitter.values().length; k++) {
        jitter.values()[k] = 0.01 * rnd.nextGaussian();
      }
    }
    double[] dL = new double[batch * m];
    for (int k = 0; k < dL.length; k++) {
      dL[k] = rnd.nextDouble() < 0.05 ? Double.NaN : rnd.nextGaussian();
    }
    BatchTensor delta = new BatchTensor(batch, m, 1, dL);

    NeuronLayerPass reference = NeuronPassKind.REFERENCE.create(layer.settings, m);
    BatchTensor expectedOut = BatchTensor.zeros(batch, m, 1);
    reference.forward(in, w, thresholds, jitter, expectedOut, RangeRunner.SERIAL);
    BatchTensor expectedTimeGrad = BatchTensor.zeros(batch, n, in.width());
    double[] expectedWeightGrad = reference.backward(in, w, expectedOut, delta, expectedTimeGrad,
        RangeRunner.SERIAL);

    NeuronLayerPass pass = kind.create(layer.settings, m);
    try (ParallelRanges two = new ParallelRanges(2)) {
      for (RangeRunner threads : List.of(RangeRunner.SERIAL, two)) {
        BatchTensor out = BatchTensor.zeros(batch, m, 1);
        pass.forward(in, w, thresholds, jitter, out, threads);
        assertThat(bits(out.values())).as("output times").containsExactly(
            bits(expectedOut.values()));
        // a used buffer: the pass clears what it writes
        BatchTensor timeGrad = BatchTensor.filled(batch, n, in.width(), Double.NaN);
        double[] weightGrad = pass.backward(in, w, out, delta, timeGrad, threads);
        assertThat(bits(weightGrad)).as("weight gradient").containsExactly(
            bits(expectedWeightGrad));
        assertThat(bits(timeGrad.values())).as("input-time gradient").containsExactly(
            bits(expectedTimeGrad.values()));
      }
    }
    // the case exercises what it claims: spikes, silence, gradients
    long spikes = Arrays.stream(expectedOut.values()).filter(Double::isFinite).count();
    assertThat(spikes).as("spikes").isGreaterThan(batch * m / 4);
    assertThat(spikes).as("silent neurons").isLessThan((long) batch * m);
    assertThat(Arrays.stream(expectedWeightGrad).filter(v -> v != 0).count())
        .isGreaterThan(w.length / 4);
    CHECKED.add(kind);
  }

  @AfterAll
  static void everyKindWasChecked() {
    assertThat(CHECKED).containsExactlyInAnyOrder(NeuronPassKind.values());
  }

  @Test
  @DisplayName("every kind refuses a NaN input time and fails on an infinite upstream error with"
      + " the reference's message")
  void sameErrors() {
    NeuronSettings s = NeuronSettings.of(new NeuronParams(0.5, 0.0, 1.0, 1.0, 2.0), Variant.DT,
        EpsRule.DELGRAD, 0.2);
    int m = 3;
    double[] w = {1.5, 1.5, 1.5, 1.0, 1.0, 1.0};
    BatchTensor thresholds = BatchTensor.filled(1, m, 1, 1.0);
    BatchTensor bad = new BatchTensor(1, 2, m, new double[] {0.1, 0.2, 0.3, 0.4, Double.NaN, 0.5});
    BatchTensor good = new BatchTensor(1, 2, m, new double[] {0.1, 0.2, 0.3, 0.4, 0.2, 0.5});
    List<String> forwardMessages = new ArrayList<>();
    List<String> backwardMessages = new ArrayList<>();
    for (NeuronPassKind kind : NeuronPassKind.values()) {
      NeuronLayerPass pass = kind.create(s, m);
      assertThatThrownBy(() -> pass.forward(bad, w, thresholds, null, BatchTensor.zeros(1, m, 1),
          RangeRunner.SERIAL)).isInstanceOf(IllegalArgumentException.class)
          .satisfies(e -> forwardMessages.add(e.getMessage()));
      BatchTensor out = BatchTensor.zeros(1, m, 1);
      pass.forward(good, w, thresholds, null, out, RangeRunner.SERIAL);
      assertThat(Arrays.stream(out.values()).allMatch(Double::isFinite)).isTrue();
      BatchTensor delta = new BatchTensor(1, m, 1,
          new double[] {0.5, Double.POSITIVE_INFINITY, 0.1});
      assertThatThrownBy(() -> pass.backward(good, w, out, delta, BatchTensor.zeros(1, 2, m),
          RangeRunner.SERIAL)).isInstanceOf(ArithmeticException.class)
          .satisfies(e -> backwardMessages.add(e.getMessage()));
    }
    assertThat(forwardMessages).hasSize(NeuronPassKind.values().length).containsOnly(
        forwardMessages.get(0)).allMatch(msg -> msg.contains("sample 0, input 1, neuron 1"));
    assertThat(backwardMessages).hasSize(NeuronPassKind.values().length).containsOnly(
        backwardMessages.get(0)).allMatch(msg -> msg.contains("neuron 1, input 0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kindsForReuse")
  @DisplayName("one pass instance serves batches of changing size and a forward call of another"
      + " batch between a forward call and its backward call, with the reference's bits")
  void reusedAcrossBatches(NeuronPassKind kind) {
    // DT with one time per synapse (the memo for both exps), and a layer above the dense limit
    NeuronSettings dt = NeuronSettings.of(new NeuronParams(0.5, 0.0, 1.0, 1.0, 2.0), Variant.DT,
        EpsRule.DELGRAD, 0.2);
    for (int n : new int[] {4, 30}) {
      int m = 5;
      Random rnd = new Random(7 + n);
      double[] w = new double[n * m];
      for (int k = 0; k < w.length; k++) {
        w[k] = 2.0 / Math.sqrt(n) * (0.5 + 1.5 * rnd.nextGaussian());
      }
      NeuronLayerPass pass = kind.create(dt, m);
      try (ParallelRanges two = new ParallelRanges(2)) {
        // training-like sizes, the last one short, then a larger (validation-like) one
        for (int batch : new int[] {21, 7, 30, 7, 21}) {
          BatchTensor in = inputs(rnd, batch, n, m, 0.1, 0.2);
          BatchTensor other = inputs(rnd, batch - 3, n, m, 0.1, 0.2);
          BatchTensor[] expected = reference(dt, m, in, w, delta(rnd, batch, m));
          BatchTensor out = BatchTensor.zeros(batch, m, 1);
          pass.forward(in, w, BatchTensor.filled(batch, m, 1, 1.0), null, out, two);
          assertThat(bits(out.values())).as("n %d batch %d output times", n, batch)
              .containsExactly(bits(expected[0].values()));
          if (batch == 30) {
            // a smaller batch's forward call in between overwrites the reused exp memo:
            // backward must see that the memo is not its forward call's
            pass.forward(other, w, BatchTensor.filled(batch - 3, m, 1, 1.0), null,
                BatchTensor.zeros(batch - 3, m, 1), two);
          }
          BatchTensor timeGrad = BatchTensor.filled(batch, n, m, Double.NaN);
          double[] weightGrad = pass.backward(in, w, out, expected[3], timeGrad, two);
          assertThat(bits(weightGrad)).as("n %d batch %d weight gradient", n, batch)
              .containsExactly(bits(expected[1].values()));
          assertThat(bits(timeGrad.values())).as("n %d batch %d input-time gradient", n, batch)
              .containsExactly(bits(expected[2].values()));
        }
      }
    }
  }

  static NeuronPassKind[] kindsForReuse() {
    return NeuronPassKind.values();
  }

  static BatchTensor delta(Random rnd, int batch, int m) {
    double[] dL = new double[batch * m];
    for (int k = 0; k < dL.length; k++) {
      dL[k] = rnd.nextGaussian();
    }
    return new BatchTensor(batch, m, 1, dL);
  }

  /** Output times, weight gradient (as a [1][N*m] tensor), input-time gradient, and delta. */
  static BatchTensor[] reference(NeuronSettings s, int m, BatchTensor in, double[] w,
      BatchTensor delta) {
    NeuronLayerPass fresh = NeuronPassKind.REFERENCE.create(s, m);
    BatchTensor out = BatchTensor.zeros(in.batch(), m, 1);
    fresh.forward(in, w, BatchTensor.filled(in.batch(), m, 1, 1.0), null, out,
        RangeRunner.SERIAL);
    BatchTensor timeGrad = BatchTensor.zeros(in.batch(), in.rows(), in.width());
    double[] g = fresh.backward(in, w, out, delta, timeGrad, RangeRunner.SERIAL);
    return new BatchTensor[] {out, new BatchTensor(1, g.length, 1, g), timeGrad, delta};
  }

  /** Times in [0, 3), a share +Infinity, a share tied at 1.5. */
  static BatchTensor inputs(Random rnd, int batch, int n, int width, double silent,
      double ties) {
    double[] v = new double[batch * n * width];
    for (int k = 0; k < v.length; k++) {
      double u = rnd.nextDouble();
      v[k] = u < silent ? Double.POSITIVE_INFINITY : u < silent + ties ? 1.5
          : 3.0 * rnd.nextDouble();
    }
    return new BatchTensor(batch, n, width, v);
  }

  static long[] bits(double[] v) {
    long[] b = new long[v.length];
    for (int k = 0; k < v.length; k++) {
      b[k] = Double.doubleToRawLongBits(v[k]);
    }
    return b;
  }
}
