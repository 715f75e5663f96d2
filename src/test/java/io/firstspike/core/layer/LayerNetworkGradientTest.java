package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LayerNetwork#backward} against central finite differences of {@link LayerNetwork#forward}
 * for the raw delays of both delay layers, the weights and the input times, on the two-layer
 * network
 *
 * <pre>
 *   4 inputs -> Delay (sharing pre 2, post 3) -> Biases [0.3] -> NeuronLayer 6
 *            -> Delay (no sharing) -> NeuronLayer 3
 * </pre>
 *
 * for every delay type, every positivity, both variants and tau_syn 0.5, 1 and 2 (DelGrad's EPS
 * rule, no clipping). The function is L = sum over finite label times of delta_bk T_bk.
 */
class LayerNetworkGradientTest {
  /** Step of the central differences. */
  static final double H = 1e-6;

  /**
   * Relative to max(1, |derivative|): truncation h^2 L''' / 6 and rounding 1e-16 |L| / h are
   * near 1e-9 here; the worst case measured over all 54 cases is 9.3e-9.
   */
  static final double TOL = 1e-6;

  /** One-sided quotients differing by more than this (relative) mark a kink: not compared. */
  static final double KINK = 1e-3;

  static List<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    long seed = 500;
    for (DelayType type : DelayType.values()) {
      for (Positivity.Kind kind : Positivity.Kind.values()) {
        for (Variant v : Variant.values()) {
          for (double tau : new double[] {0.5, 1.0, 2.0}) {
            all.add(Arguments.of(type, kind, v, tau, seed++));
          }
        }
      }
    }
    return all;
  }

  @ParameterizedTest(name = "{0} {1} {2} tau_syn {3}")
  @MethodSource("cases")
  @DisplayName("delay, weight and input-time gradients agree with central finite differences")
  void agreesWithFiniteDifferences(DelayType type, Positivity.Kind kind, Variant variant,
      double tauSyn, long seed, TestReporter reporter) {
    LayerNetwork net = network(type, kind, variant, tauSyn, seed);
    Random rnd = new Random(seed);
    int batch = 6;
    double[][] x = new double[batch][4];
    for (double[] row : x) {
      for (int i = 0; i < 4; i++) {
        row[i] = rnd.nextDouble() < 0.1 ? Double.POSITIVE_INFINITY : tauSyn * rnd.nextDouble();
      }
    }
    double[][] delta = new double[batch][3];
    for (double[] row : delta) {
      for (int k = 0; k < 3; k++) {
        row[k] = rnd.nextGaussian();
      }
    }
    NetworkPass pass = net.forward(x, NoiseSource.ZERO);
    NetworkGradients g = net.backward(pass, delta);
    int compared = 0;
    int nonZero = 0;
    int kinks = 0;
    double worst = 0;
    for (Parameter p : net.parameters()) {
      if (!p.trainable()) {
        continue;
      }
      double[] values = p.values();
      double[] analytic = g.get(p.name());
      for (int k = 0; k < values.length; k++) {
        int index = k;
        double original = values[k];
        double fd = central(original, v -> {
          values[index] = v;
          double l = loss(net.forward(x, NoiseSource.ZERO).labelTimes(), delta);
          values[index] = original;
          return l;
        });
        if (Double.isNaN(fd)) {
          kinks++;
          continue;
        }
        double err = Math.abs(analytic[k] - fd) / Math.max(1.0, Math.abs(analytic[k]));
        assertThat(err).as("%s[%d]: analytic %s, finite difference %s", p.name(), k,
            analytic[k], fd).isLessThanOrEqualTo(TOL);
        worst = Math.max(worst, err);
        compared++;
        nonZero += analytic[k] != 0 ? 1 : 0;
      }
    }
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < 4; i++) {
        if (Double.isInfinite(x[b][i])) {
          continue;
        }
        int sample = b;
        int input = i;
        double original = x[b][i];
        double fd = central(original, v -> {
          x[sample][input] = v;
          double l = loss(net.forward(x, NoiseSource.ZERO).labelTimes(), delta);
          x[sample][input] = original;
          return l;
        });
        if (Double.isNaN(fd)) {
          kinks++;
          continue;
        }
        double a = g.inputTimes()[b][i];
        double err = Math.abs(a - fd) / Math.max(1.0, Math.abs(a));
        assertThat(err).as("dL/dx[%d][%d]: analytic %s, finite difference %s", b, i, a, fd)
            .isLessThanOrEqualTo(TOL);
        worst = Math.max(worst, err);
        compared++;
        nonZero += a != 0 ? 1 : 0;
      }
    }
    long delaysNonZero = net.parameters().stream().filter(p -> p.name().endsWith("_delay_parameters"))
        .flatMapToDouble(p -> java.util.Arrays.stream(g.get(p.name()))).filter(v -> v != 0)
        .count();
    assertThat(delaysNonZero).as("nonzero delay gradients").isGreaterThanOrEqualTo(3);
    assertThat(nonZero).as("nonzero derivatives compared").isGreaterThan(compared / 3);
    assertThat(kinks).as("derivatives at kinks").isLessThanOrEqualTo(compared / 20);
    reporter.publishEntry(type + " " + kind + " " + variant + " " + tauSyn, String.format(
        Locale.ROOT, "%d compared (%d nonzero), %d at kinks, largest error %.3g", compared,
        nonZero, kinks, worst));
  }

  static List<Arguments> delayKinds() {
    List<Arguments> all = new ArrayList<>();
    for (DelayType type : DelayType.values()) {
      for (Positivity.Kind kind : Positivity.Kind.values()) {
        all.add(Arguments.of(type, kind));
      }
    }
    return all;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("delayKinds")
  @DisplayName("a penalty on the delays (l2_delay's hook) enters the raw gradients through the"
      + " tiling, the sharing and the positivity: R = 0.5 sum E''^2 + 0.25 sum raw^2 against"
      + " central finite differences")
  void delayPenaltyChainsThroughTilingAndPositivity(DelayType type, Positivity.Kind kind) {
    LayerNetwork net = network(type, kind, Variant.DT, 1.0, 77);
    double[][] x = {{0.1, 0.5, 0.9, 0.3}, {0.7, 0.2, 0.4, 1.1}};
    // zero upstream error: the gradient is the penalty's alone
    NetworkPass pass = net.forward(x, NoiseSource.ZERO);
    List<double[]> dRdE = net.effectiveDelayVectors();
    List<double[]> dRdRaw = new ArrayList<>();
    for (double[] r : net.rawDelayVectors()) {
      double[] g = new double[r.length];
      for (int k = 0; k < r.length; k++) {
        g[k] = 0.5 * r[k];
      }
      dRdRaw.add(g);
    }
    NetworkGradients g = net.backward(pass, new double[2][3],
        new LayerNetwork.DelayPenalty(dRdE, dRdRaw), io.firstspike.core.optim.RangeRunner.SERIAL);
    int compared = 0;
    for (DelayLayer d : net.delayLayers()) {
      double[] raw = d.raw();
      double[] analytic = g.get(Parameter.delaysName(d.index()));
      for (int k = 0; k < raw.length; k++) {
        int index = k;
        double original = raw[k];
        double fd = central(original, v -> {
          raw[index] = v;
          double r = 0;
          for (double[] e : net.effectiveDelayVectors()) {
            for (double ek : e) {
              r += 0.5 * ek * ek;
            }
          }
          for (double[] rr : net.rawDelayVectors()) {
            for (double rk : rr) {
              r += 0.25 * rk * rk;
            }
          }
          raw[index] = original;
          return r;
        });
        assertThat(analytic[k]).as("%s[%d]", d.index(), k)
            .isCloseTo(fd, org.assertj.core.data.Offset.offset(TOL * Math.max(1, Math.abs(fd))));
        assertThat(analytic[k]).isNotZero();
        compared++;
      }
    }
    assertThat(compared).isGreaterThanOrEqualTo(2);
  }

  static LayerNetwork network(DelayType type, Positivity.Kind kind, Variant variant,
      double tauSyn, long seed) {
    NeuronParams params = variant == Variant.ET ? NeuronParams.equalTime(1.0, 0.0, 1.0, tauSyn)
        : new NeuronParams(0.5, 0.0, 1.0, tauSyn, 2 * tauSyn);
    NeuronSettings neuron = NeuronSettings.of(params, variant, EpsRule.DELGRAD,
        ReferenceNeuronPass.NO_CLIPPING);
    Positivity positivity = switch (kind) {
      case SIGMOID -> Positivity.sigmoid(0.1 * tauSyn, 0.8 * tauSyn);
      case CLIP -> Positivity.clip();
      case SHIFT -> Positivity.shiftToPositive();
    };
    LayerSpec.Normal delays = kind == Positivity.Kind.SIGMOID ? new LayerSpec.Normal(0, 1)
        : new LayerSpec.Normal(0.5 * tauSyn, 0.3 * tauSyn);
    double scale = variant == Variant.ET ? 1.0 : 0.8;
    List<LayerSpec> specs = List.of(
        new LayerSpec.Delay(type, positivity, 2, 3, 0, true, delays),
        new LayerSpec.Biases(new double[] {0.3 * tauSyn}),
        new LayerSpec.Neuron(6, neuron, true, new LayerSpec.Normal(1.3 * scale, 0.6 * scale)),
        new LayerSpec.Delay(type, positivity, 1, 1, 0, true, delays),
        new LayerSpec.Neuron(3, neuron, true, new LayerSpec.Normal(1.0 * scale, 0.6 * scale)));
    return LayerNetwork.initialise(4, specs, 0, new SeededNoise(seed));
  }

  static double loss(double[][] t, double[][] delta) {
    double sum = 0;
    for (int b = 0; b < t.length; b++) {
      for (int k = 0; k < t[b].length; k++) {
        if (Double.isFinite(t[b][k])) {
          sum += delta[b][k] * t[b][k];
        }
      }
    }
    return sum;
  }

  /** (f(x+h) - f(x-h)) / 2h, or NaN when the one-sided quotients disagree (a kink). */
  static double central(double x, DoubleUnaryOperator f) {
    double f0 = f.applyAsDouble(x);
    double plus = f.applyAsDouble(x + H);
    double minus = f.applyAsDouble(x - H);
    double right = (plus - f0) / H;
    double left = (f0 - minus) / H;
    if (Math.abs(right - left) > KINK * Math.max(1.0, Math.abs(right + left) / 2)) {
      return Double.NaN;
    }
    return (plus - minus) / (2 * H);
  }
}
