package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.network.NetworkEngine.EngineOptions;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.optim.Adam;
import io.firstspike.testsupport.GoldenNetworkSteps;
import io.firstspike.testsupport.GoldenNetworkSteps.Step;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine's results, bit for bit, as the engine of main at a17375d computed them (before the
 * layer passes were put behind one seam, issue 19): every layer's spike times, the weight
 * gradients and the weights after three Adam steps (parallel update), hashed (SHA-256 of the raw
 * bits, first 16 hex digits). The expected hashes were printed by this test run against that
 * engine; a change to the arithmetic of any hot loop (the order of one addition) changes them.
 * The networks are chosen so that every path of today's passes runs: narrow label layers, the
 * per-prefix dense and sparse sums, blocks, the final group of equal times (MNIST's background),
 * exp factors handed between layers, column, row-major and deferred backward passes, et and dt,
 * tau_s not a power of two, clipping on and off, rounded weights and the Euler forward pass.
 * Agreement with the reference pass (not bit-identity) is {@code LayerPassContractTest}'s job.
 */
class EngineBitsTest {
  static final double INF = Double.POSITIVE_INFINITY;

  /** One network case: its shape, inputs and options, and the expected hash. */
  record Case(String name, NeuronParams params, int nIn, int[] sizes, double tieShare,
      double silentShare, double weightMean, EngineOptions options, int batch, long seed,
      String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final NeuronParams ET = NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0);
  static final NeuronParams DT = new NeuronParams(0.5, 0.0, 1.0, 1.0, 2.0);
  static final NeuronParams ET_TAU17 = NeuronParams.equalTime(0.8, -0.1, 0.9, 1.7);
  static final EngineOptions CLIP = new EngineOptions(0.2, false, 3.0, 0.01, 0.0);
  static final EngineOptions NO_CLIP = new EngineOptions(INF, false, 3.0, 0.01, 0.0);
  static final EngineOptions ROUNDED = new EngineOptions(0.2, false, 3.0, 0.01, 1.0 / 64);
  static final EngineOptions EULER = new EngineOptions(0.5, true, 3.0, 0.01, 0.0);

  static Stream<Case> cases() {
    return Stream.of(
        new Case("yin-yang-like et 4-120-3", ET, 4, new int[] {120, 3}, 0.0, 0.0, 1.0, CLIP, 40,
            1, "0b62e8b061376f92"),
        new Case("16x16-like et 256-128-10 ties", ET, 256, new int[] {128, 10}, 0.6, 0.05, 0.9,
            CLIP, 36, 2, "e37bacae91d211a8"),
        new Case("784-like et 784-350-10 ties", ET, 784, new int[] {350, 10}, 0.8, 0.0, 0.6,
            CLIP, 40, 3, "35e035c58df68f0f"),
        new Case("784-like et noisy, no clipping", ET, 784, new int[] {350, 10}, 0.0, 0.0, 0.6,
            NO_CLIP, 24, 4, "bbe3b589510141af"),
        new Case("sparse et 300-200-40-4 few fire", ET, 300, new int[] {200, 40, 4}, 0.3, 0.2,
            0.4, CLIP, 24, 5, "e9cb390b55a3687e"),
        new Case("et tau 1.7 60-30-3", ET_TAU17, 60, new int[] {30, 3}, 0.2, 0.1, 1.0, CLIP, 20,
            6, "908e9e55d7bdc262"),
        new Case("dt 40-30-3", DT, 40, new int[] {30, 3}, 0.3, 0.1, 0.9, CLIP, 20, 7, "d48a632337659bc4"),
        new Case("dt wide 300-120-10", DT, 300, new int[] {120, 10}, 0.5, 0.05, 0.7, NO_CLIP, 24,
            8, "24e4311530a85d01"),
        new Case("et rounded weights 256-128-10", ET, 256, new int[] {128, 10}, 0.6, 0.05, 0.9,
            ROUNDED, 20, 9, "5704c01e778701aa"),
        new Case("et Euler 20-24-3", ET, 20, new int[] {24, 3}, 0.2, 0.1, 1.0, EULER, 16, 10,
            "abb113f9d1c4b649"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  @DisplayName("spike times, gradients and three Adam steps equal main's bits on random networks")
  void randomNetworks(Case c, TestReporter reporter) throws Exception {
    Random rnd = new Random(c.seed);
    int layers = c.sizes.length;
    int[] nBiases = new int[layers];
    double[][] biasTimes = new double[layers][];
    double[][] w = new double[layers][];
    int fanIn = c.nIn;
    for (int l = 0; l < layers; l++) {
      nBiases[l] = 1;
      biasTimes[l] = new double[] {0.9 + 0.1 * l};
      int rows = fanIn + 1;
      w[l] = new double[rows * c.sizes[l]];
      double scale = 3.0 / Math.sqrt(rows);
      for (int i = 0; i < w[l].length; i++) {
        // a share of negative weights everywhere; the first layer's mean sets how many fire
        double mean = l == 0 ? c.weightMean : 1.5;
        w[l][i] = scale * (mean * 1.2 / Math.sqrt(rows) + rnd.nextGaussian());
      }
      fanIn = c.sizes[l];
    }
    Network net = new Network(c.params, c.nIn, c.sizes, nBiases, biasTimes, w);
    Digest digest = new Digest();
    long[] spikes = new long[layers];
    try (NetworkEngine engine = new NetworkEngine(net, c.options, 2)) {
      Adam adam = new Adam(1e-3, engine::runParts); // the update in parallel parts
      for (int step = 0; step < 3; step++) {
        double[][] in = inputs(rnd, c.batch, c.nIn, c.tieShare, c.silentShare);
        ForwardResult fwd = engine.forward(in);
        for (int l = 0; l < layers; l++) {
          double[][] t = fwd.times(l);
          digest.add(t);
          for (double[] row : t) {
            for (double v : row) {
              spikes[l] += Double.isFinite(v) ? 1 : 0;
            }
          }
        }
        double[][] labels = fwd.labelTimes();
        double[][] delta = new double[c.batch][];
        for (int s = 0; s < c.batch; s++) {
          delta[s] = new double[labels[s].length];
          for (int j = 0; j < labels[s].length; j++) {
            double t = labels[s][j];
            delta[s][j] = Double.isFinite(t) ? t - 1.0 - 0.3 * j : (j % 2 == 0 ? Double.NaN : 0);
          }
        }
        double[][] grads = engine.backward(fwd, delta);
        digest.add(grads);
        engine.recycle(fwd);
        adam.step(weightsOf(net), grads);
        digest.add(weightsOf(net));
        double[][] inference = engine.labelTimes(inputs(rnd, 5, c.nIn, c.tieShare,
            c.silentShare));
        digest.add(inference);
      }
      digest.addLong(engine.integratorSkips());
    }
    String hash = digest.hex();
    reporter.publishEntry(c.name, hash + ", spikes per layer " + java.util.Arrays.toString(spikes));
    System.out.println(c.name + ": " + hash + ", spikes per layer " + java.util.Arrays.toString(spikes));
    for (int l = 0; l < layers; l++) {
      // neurons fire in every layer, and in the hidden ones not all: the passes have work to do
      long all = 3L * c.batch * c.sizes[l];
      assertThat(spikes[l]).as(c.name + " spikes of layer " + l)
          .isBetween(1L, l + 1 < layers ? all - 1 : all);
    }
    assertThat(hash).as(c.name + " (actual hash " + hash + ")").isEqualTo(c.expected);
  }

  @ParameterizedTest(name = "step {0}")
  @MethodSource("goldenSteps")
  @DisplayName("the golden Yin-Yang step's times and gradients equal main's bits")
  void goldenStep(int index, String expected, TestReporter reporter) throws Exception {
    Step step = GoldenNetworkSteps.load().get(index);
    var raw = GoldenFixture.root().get("network_steps").get(index);
    double[][] inputs = GoldenFixture.matrix(raw.get("input_times"));
    double[] biasTimes = GoldenFixture.vector(raw.get("bias_times"));
    Network net = new Network(GoldenFixture.params(raw.get("neuron_params")), inputs[0].length,
        step.layerWidths(), new int[] {1, 1}, new double[][] {biasTimes, biasTimes},
        step.weightsBefore());
    EngineOptions options = new EngineOptions(raw.get("max_dw_norm").asDouble(), false, 3, 0.01,
        0);
    Digest digest = new Digest();
    try (NetworkEngine engine = new NetworkEngine(net, options, 2)) {
      ForwardResult fwd = engine.forward(inputs);
      digest.add(fwd.times(0));
      digest.add(fwd.labelTimes());
      double[][] labels = fwd.labelTimes();
      double[][] delta = new double[labels.length][labels[0].length];
      for (int s = 0; s < labels.length; s++) {
        for (int j = 0; j < labels[s].length; j++) {
          delta[s][j] = Double.isFinite(labels[s][j]) ? labels[s][j] - 1.0 - 0.2 * j : 0;
        }
      }
      digest.add(engine.backward(fwd, delta));
    }
    String hash = digest.hex();
    reporter.publishEntry("golden step " + index, hash);
    assertThat(hash).as("golden step " + index + " (actual hash " + hash + ")")
        .isEqualTo(expected);
  }

  static Stream<Arguments> goldenSteps() {
    return Stream.of(Arguments.of(0, "dbf85e82fa43965f"));
  }

  /** Inputs on [0, 2): a share at one common time (1.6, like a background), some silent. */
  static double[][] inputs(Random rnd, int batch, int n, double ties, double silent) {
    double[][] in = new double[batch][n];
    for (double[] row : in) {
      for (int i = 0; i < n; i++) {
        double u = rnd.nextDouble();
        row[i] = u < silent ? INF : u < silent + ties ? 1.6 : 2.0 * rnd.nextDouble();
      }
    }
    return in;
  }

  static double[][] weightsOf(Network net) {
    double[][] w = new double[net.nLayers()][];
    for (int l = 0; l < w.length; l++) {
      w[l] = net.weights(l);
    }
    return w;
  }

  /** SHA-256 over the raw bits of the values added, in order. */
  static final class Digest {
    private final MessageDigest md;
    private final byte[] buf = new byte[8];

    Digest() throws NoSuchAlgorithmException {
      md = MessageDigest.getInstance("SHA-256");
    }

    void addLong(long v) {
      for (int b = 0; b < 8; b++) {
        buf[b] = (byte) (v >>> (8 * b));
      }
      md.update(buf);
    }

    void add(double[] values) {
      addLong(values.length);
      for (double v : values) {
        addLong(Double.doubleToRawLongBits(v));
      }
    }

    void add(double[][] values) {
      for (double[] row : values) {
        add(row);
      }
    }

    String hex() {
      StringBuilder s = new StringBuilder();
      byte[] h = md.digest();
      for (int b = 0; b < 8; b++) {
        s.append(String.format("%02x", h[b]));
      }
      return s.toString();
    }
  }
}
