package io.firstspike.core.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.layer.BatchTensor;
import io.firstspike.core.layer.ReferenceNeuronPass;
import io.firstspike.core.network.GoldenFixture.LayerCase;
import io.firstspike.core.network.PathCounts.Path;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.testsupport.GoldenAssert;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The contract of every registered {@link LayerPass} ({@link LayerPasses}): on every layer it
 * supports, it agrees with {@link ReferenceNeuronPass} within {@link GoldenAssert}'s tolerance
 * (1e-9 relative), on random layers chosen to reach each loop of the fast passes (et and dt, tau_s
 * not a power of two, silent inputs and an all-silent sample, ties up to MNIST's background,
 * negative weights, clipping on and off, narrow and wide layers, many and few active neurons:
 * {@link PathCounts} proves each loop ran) and on the golden layer cases of the original program.
 * The fast closed-form passes also agree with one another bit for bit (times, caches, gradients),
 * which is what lets the policy choose among them freely. The counts of cases and values
 * compared are asserted, so no pass or case escapes. The Euler pass, a different integrator, is
 * held to its first-order distance from the closed form instead.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LayerPassContractTest {
  static final double INF = Double.POSITIVE_INFINITY;
  /** Euler's first-order error, in steps (as NetworkEngineTest#eulerConverges). */
  static final double EULER_ORDER_CONSTANT = 10;

  static final NeuronParams ET = NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0);
  static final NeuronParams ET_TAU17 = NeuronParams.equalTime(0.8, -0.1, 0.9, 1.7);
  static final NeuronParams DT = new NeuronParams(0.5, 0.0, 1.0, 1.0, 2.0);

  /**
   * A random layer: weights scale (mean + Normal(0, 1)) / sqrt(nIn) (negative ones included),
   * inputs on [0, 2) with a share silent and a share at one common time ({@link #tieTime});
   * sample 0 is silent throughout.
   */
  record Case(String name, NeuronParams params, int nIn, int nOut, int batch, double ties,
      double silent, double mean, double scale, double clip, long seed) {
    double[] weights() {
      Random rnd = new Random(seed);
      double[] w = new double[nIn * nOut];
      for (int i = 0; i < w.length; i++) {
        w[i] = scale * (mean + rnd.nextGaussian()) / Math.sqrt(nIn);
      }
      return w;
    }

    double[][] inputs() {
      Random rnd = new Random(seed + 1000);
      double[][] in = new double[batch][nIn];
      for (int s = 0; s < batch; s++) {
        for (int i = 0; i < nIn; i++) {
          double u = rnd.nextDouble();
          in[s][i] = s == 0 || u < silent ? INF : u < silent + ties ? tieTime()
              : 2.0 * rnd.nextDouble();
        }
      }
      return in;
    }

    /**
     * Where the common time lies: for even seeds after every other input (a final group, as
     * MNIST's background), for odd ones among them (an inner group).
     */
    double tieTime() {
      return seed % 2 == 0 ? 2.0 : 1.6;
    }

    double[][] delta() {
      Random rnd = new Random(seed + 2000);
      double[][] d = new double[batch][nOut];
      for (double[] row : d) {
        for (int j = 0; j < nOut; j++) {
          double u = rnd.nextDouble();
          row[j] = u < 0.05 ? Double.NaN : u < 0.1 ? 0.0 : rnd.nextGaussian();
        }
      }
      return d;
    }

    LayerComputation computation() {
      return LayerComputation.release2021(params, nIn, nOut);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static final double CLIP = 0.2;

  static List<Case> cases() {
    return List.of(
        new Case("et narrow 5x3", ET, 5, 3, 12, 0.0, 0.1, 2.0, 3.0, INF, 1),
        new Case("et narrow 121x3 background, clipped", ET, 121, 3, 10, 0.6, 0.05, 0.2, 3.0, CLIP,
            2),
        new Case("et narrow 40x4 ties", ET, 40, 4, 10, 0.3, 0.1, 1.0, 3.0, INF, 3),
        new Case("et 40x30 ties, clipped", ET, 40, 30, 10, 0.3, 0.1, 1.0, 3.0, CLIP, 4),
        new Case("et 5x12 tiny (no row copies)", ET, 5, 12, 12, 0.2, 0.1, 1.5, 3.0, INF, 5),
        new Case("et wide 300x120 ties", ET, 300, 120, 8, 0.3, 0.05, 1.0, 3.0, CLIP, 6),
        new Case("et 256x128 all distinct", ET, 256, 128, 8, 0.0, 0.05, 1.0, 3.0, INF, 7),
        new Case("et 785x350 background, clipped", ET, 785, 350, 4, 0.8, 0.0, 0.1, 3.0, CLIP, 8),
        new Case("et 300x200 strong, most fire early", ET, 300, 200, 6, 0.0, 0.0, 4.0, 4.0, CLIP,
            9),
        new Case("et 300x200 weak, few fire", ET, 300, 200, 6, 0.2, 0.1, 0.2, 3.0, INF, 10),
        new Case("et tau 1.7 60x40 ties, clipped", ET_TAU17, 60, 40, 8, 0.3, 0.1, 1.0, 3.0, CLIP,
            11),
        new Case("dt 5x4", DT, 5, 4, 12, 0.0, 0.1, 2.0, 3.0, INF, 12),
        new Case("dt 40x30 ties, clipped", DT, 40, 30, 10, 0.3, 0.1, 1.0, 3.0, CLIP, 13),
        new Case("dt wide 300x120 background", DT, 300, 120, 6, 0.6, 0.05, 0.2, 3.0, INF, 14),
        new Case("dt 256x128 strong", DT, 256, 128, 6, 0.0, 0.05, 3.0, 4.0, CLIP, 15));
  }

  /** Runs of each pass, and values it compared, over all tests of this class. */
  static final Map<String, long[]> RUNS = new LinkedHashMap<>();

  @BeforeAll
  static void resetCounts() {
    assertThat(PathCounts.ON).as("the test build sets firstspike.countPaths").isTrue();
    PathCounts.reset();
  }

  @Test
  @Order(1)
  @DisplayName("the registry holds six forward and four backward passes, the reference first")
  void registry() {
    List<LayerPass.Forward> f = LayerPasses.forward();
    List<LayerPass.Backward> b = LayerPasses.backward();
    assertThat(f).extracting(LayerPass::name).containsExactly("reference", "unscreened",
        "prefix", "blocked", "narrow", "euler");
    assertThat(b).extracting(LayerPass::name).containsExactly("reference", "columns", "rows",
        "deferred-rows");
    // every pass the policy can choose is registered (by name: Euler's grid varies)
    List<String> names = new ArrayList<>();
    f.forEach(p -> names.add(p.name()));
    b.forEach(p -> names.add(p.name()));
    for (Case c : cases()) {
      for (PassPolicy policy : PassPolicy.values()) {
        for (boolean first : new boolean[] {true, false}) {
          assertThat(names).contains(policy.forward(c.computation()).name(),
              policy.backward(c.computation(), first).name());
        }
        assertThat(names).contains(policy.forward(c.computation().withEuler(LayerPasses.REGISTERED_GRID))
            .name());
      }
    }
  }

  @Test
  @Order(2)
  @DisplayName("every pass agrees with the reference on random layers, the fast ones bit for bit")
  void randomLayers() {
    long before = total();
    for (Case c : cases()) {
      checkCase(c);
    }
    assertThat(total() - before).as("values compared on random layers").isEqualTo(
        expectedRandomValues());
  }

  /** Values compared on the random layers (asserted twice: computed from the shapes, and here). */
  static final long EXPECTED_RANDOM_VALUES = 2_268_524;

  /** True if the blocked pass takes such a layer: et, with row copies. */
  static boolean blocks(NeuronParams p, int nIn, int nOut) {
    return p.variant() == Variant.ET && nIn * nOut >= PassPolicy.ROW_COPIES_FROM;
  }

  /** What checkCase compares, counted from the cases' shapes (see its comments). */
  static long expectedRandomValues() {
    long n = 0;
    for (Case c : cases()) {
      boolean et = c.params.variant() == Variant.ET;
      long times = (long) c.batch * c.nOut;
      int forwardPasses = 3 + (blocks(c.params, c.nIn, c.nOut) ? 1 : 0)
          + (et && c.nOut <= PassPolicy.NARROW_MAX_WIDTH ? 1 : 0);
      n += forwardPasses * times * (et ? 2 : 1); // times, and et: exp factors
      long weights = (long) c.nIn * c.nOut;
      long deltaIn = (long) c.batch * c.nIn;
      n += 3 * (weights + deltaIn) + weights; // reference, columns, rows; deferred-rows
      if (c.params.equals(ET)) {
        n += times; // Euler, counted whether compared or not
      }
    }
    return n;
  }

  private void checkCase(Case c) {
    LayerComputation computation = c.computation();
    double[] w = c.weights();
    double[][] in = c.inputs();
    double[][] delta = c.delta();
    boolean et = c.params.variant() == Variant.ET;
    double tau = c.params.tauSyn();
    ReferenceNeuronPass ref = ReferenceNeuronPass.release2021(c.params);
    BatchTensor x = BatchTensor.perInput(in);
    double[][] refOut = ref.forward(x, w, c.nOut).toMatrix();
    PreparedWeights prepared = PreparedWeights.of(w, c.nIn, c.nOut,
        PassPolicy.FASTEST.preparesRows(computation));

    // ---- forward: each pass against the reference; the screened ones bit for bit ----
    double[][] fastOut = null;
    LayerCache fastCache = null;
    int forwardRuns = 0;
    for (LayerPass.Forward pass : LayerPasses.forward()) {
      if (!pass.supports(computation)) {
        assertThat(pass == ClosedFormForward.BLOCKED || pass == ClosedFormForward.NARROW
            || pass instanceof EulerForward).as(c + ": " + pass.name() + " skips it").isTrue();
        continue;
      }
      forwardRuns++;
      LayerScratch scratch = new LayerScratch(c.params);
      double[][] out = new double[c.batch][c.nOut];
      double[][] outExp = et ? new double[c.batch][c.nOut] : null;
      LayerCache cache = new LayerCache(c.batch, c.nIn, c.nOut, c.params.variant());
      LayerBatch layer = new LayerBatch(0, w, prepared, in, out, cache, null, outExp, c.clip);
      for (int s = 0; s < c.batch; s++) {
        pass.forward(layer, s, scratch);
      }
      GoldenAssert err = new GoldenAssert(c + " " + pass.name());
      err.check("output times", out, refOut);
      if (et) {
        double[][] expected = new double[c.batch][c.nOut];
        for (int s = 0; s < c.batch; s++) {
          for (int j = 0; j < c.nOut; j++) {
            expected[s][j] = Math.exp(refOut[s][j] / tau);
          }
        }
        err.check("output exp factors", outExp, expected);
      }
      count(pass, err.compared());
      if (pass == ClosedFormForward.PREFIX) {
        fastOut = out;
        fastCache = cache;
      } else if (pass instanceof ClosedFormForward && pass != ClosedFormForward.UNSCREENED) {
        assertThat(out).as(c + " " + pass.name() + " times, bits").isDeepEqualTo(fastOut);
        assertThat(cache.count).as(c + " " + pass.name() + " causal sets")
            .isEqualTo(fastCache.count);
        assertThat(cache.sum1).as(c + " " + pass.name() + " sums").isEqualTo(fastCache.sum1);
        assertThat(cache.sum2).as(c + " " + pass.name() + " sums").isEqualTo(fastCache.sum2);
      }
    }
    int narrow = et && c.nOut <= PassPolicy.NARROW_MAX_WIDTH ? 1 : 0;
    assertThat(forwardRuns).as(c + ": forward passes run")
        .isEqualTo(3 + (blocks(c.params, c.nIn, c.nOut) ? 1 : 0) + narrow);
    int spikes = 0;
    for (double[] row : refOut) {
      for (double t : row) {
        spikes += Double.isFinite(t) ? 1 : 0;
      }
    }
    assertThat(spikes).as(c + ": spikes (none: the layer tests little; sample 0 is silent)")
        .isBetween(1, c.batch * c.nOut - c.nOut);

    // ---- backward: from the prefix pass's outputs and cache, against the reference ----
    ReferenceNeuronPass.Gradients g = ref.backward(x, w, c.nOut, BatchTensor.perInput(fastOut),
        BatchTensor.perInput(delta), c.clip);
    double[][] refDeltaIn = g.inputTimes().toMatrix();
    double[] fastGrad = null;
    double[][] fastDeltaIn = null;
    for (LayerPass.Backward pass : LayerPasses.backward()) {
      assertThat(pass.supports(computation)).as(pass.name() + " supports " + c).isTrue();
      LayerScratch scratch = new LayerScratch(c.params);
      LayerBatch layer = new LayerBatch(0, w, prepared, in, fastOut, fastCache, null, null,
          c.clip);
      boolean propagates = !pass.overwritesGradient();
      double[] grad = new double[w.length];
      double[][] deltaIn = new double[c.batch][c.nIn];
      pass.beginChunk(scratch);
      for (int s = 0; s < c.batch; s++) {
        pass.backward(layer, s, delta[s], grad, propagates ? deltaIn[s] : null, scratch);
      }
      pass.endChunk(grad, scratch);
      GoldenAssert err = new GoldenAssert(c + " " + pass.name());
      err.check("weight gradient", grad, g.weights());
      if (propagates) {
        err.check("input time gradient", deltaIn, refDeltaIn);
      }
      count(pass, err.compared());
      if (pass == ExactBackward.COLUMNS) {
        fastGrad = grad;
        fastDeltaIn = deltaIn;
      } else if (pass instanceof ExactBackward) {
        assertThat(grad).as(c + " " + pass.name() + " weight gradient, bits")
            .isEqualTo(fastGrad);
        if (propagates) {
          assertThat(deltaIn).as(c + " " + pass.name() + " input gradient, bits")
              .isDeepEqualTo(fastDeltaIn);
        }
      }
    }
    assertThat(fastGrad).as(c + ": a gradient that is all zero tests little")
        .isNotEqualTo(new double[w.length]);

    // ---- Euler: first order in the step, where its scheme models the layer (the original's
    // scheme takes tau_m = tau_s and a unit capacitance: the et parameters ET) ----
    LayerPass.Forward euler = LayerPasses.forward().get(5);
    if (c.params.equals(ET)) {
      checkEuler(c, euler, w, in, refOut);
    } else {
      assertThat(euler.supports(computation.withEuler(LayerPasses.REGISTERED_GRID))).isTrue();
    }
  }

  /**
   * The Euler pass at its registered step, against the closed form: an approximation, so a share
   * of {@value #EULER_WITHIN} of the spikes the closed form fires before sim_time - 0.5 must lie
   * within {@value #EULER_ORDER_CONSTANT} steps (a neuron whose membrane grazes the threshold
   * may cross it much earlier or later under the step's error; the convergence itself is
   * NetworkEngineTest#eulerConverges), and Euler must not fire where the closed form is silent
   * before the input times end (1.6 at most here) but for the same share.
   */
  private void checkEuler(Case c, LayerPass.Forward euler, double[] w, double[][] in,
      double[][] refOut) {
    assertThat(euler.supports(c.computation())).as("Euler on a closed-form layer").isFalse();
    LayerComputation.EulerGrid grid = LayerPasses.REGISTERED_GRID;
    assertThat(euler.supports(c.computation().withEuler(grid))).isTrue();
    double[][] out = new double[c.batch][c.nOut];
    LayerCache cache = new LayerCache(c.batch, c.nIn, c.nOut, c.params.variant());
    LayerBatch layer = new LayerBatch(0, w, null, in, out, cache, null, null, c.clip);
    LayerScratch scratch = new LayerScratch(c.params);
    for (int s = 0; s < c.batch; s++) {
      euler.forward(layer, s, scratch);
    }
    long compared = 0;
    long spikes = 0;
    long close = 0;
    long silent = 0;
    long silentToo = 0;
    for (int s = 0; s < c.batch; s++) {
      for (int j = 0; j < c.nOut; j++) {
        double exact = refOut[s][j];
        compared++;
        if (exact < grid.simTime() - 0.5) {
          spikes++;
          close += Math.abs(out[s][j] - exact) <= EULER_ORDER_CONSTANT * grid.resolution() ? 1 : 0;
        } else if (exact == INF) {
          silent++;
          silentToo += out[s][j] >= 1.6 ? 1 : 0;
        }
      }
    }
    assertThat(spikes).as(c + ": spikes for Euler").isPositive();
    assertThat((double) close).as(c + ": Euler spikes within the order constant")
        .isGreaterThanOrEqualTo(EULER_WITHIN * spikes);
    assertThat((double) silentToo).as(c + ": Euler silent where the closed form is")
        .isGreaterThanOrEqualTo(EULER_WITHIN * silent);
    count(euler, compared);
  }

  /** The share of Euler's spikes that must match (see {@link #checkEuler}). */
  static final double EULER_WITHIN = 0.95;

  @Test
  @Order(3)
  @DisplayName("every pass reproduces the golden layer cases of the original program")
  void goldenLayerCases() {
    List<LayerCase> cases = GoldenFixture.layerCases();
    assertThat(cases).hasSize(6);
    long before = total();
    long expected = 0;
    for (LayerCase lc : cases) {
      LayerComputation computation = LayerComputation.release2021(lc.params(), lc.nIn(), lc.nOut());
      int batch = lc.inputTimes().length;
      double clip = lc.maxDwNorm() == null ? INF : lc.maxDwNorm();
      PreparedWeights prepared = PreparedWeights.of(lc.weights(), lc.nIn(), lc.nOut(),
          PassPolicy.FASTEST.preparesRows(computation));
      double[][] fastOut = null;
      LayerCache fastCache = null;
      for (LayerPass.Forward pass : LayerPasses.forward()) {
        if (!pass.supports(computation)) {
          continue;
        }
        double[][] out = new double[batch][lc.nOut()];
        LayerCache cache = new LayerCache(batch, lc.nIn(), lc.nOut(), lc.params().variant());
        LayerBatch layer = new LayerBatch(0, lc.weights(), prepared, lc.inputTimes(), out,
            cache, null, null, clip);
        LayerScratch scratch = new LayerScratch(lc.params());
        for (int s = 0; s < batch; s++) {
          pass.forward(layer, s, scratch);
        }
        GoldenAssert err = new GoldenAssert(lc.name() + " " + pass.name());
        err.check("output_times", out, lc.outputTimes());
        count(pass, err.compared());
        expected += (long) batch * lc.nOut();
        if (pass == ClosedFormForward.PREFIX) {
          fastOut = out;
          fastCache = cache;
        }
      }
      for (LayerPass.Backward pass : LayerPasses.backward()) {
        LayerBatch layer = new LayerBatch(0, lc.weights(), prepared, lc.inputTimes(), fastOut,
            fastCache, null, null, clip);
        LayerScratch scratch = new LayerScratch(lc.params());
        boolean propagates = !pass.overwritesGradient();
        double[] grad = new double[lc.weights().length];
        double[][] deltaIn = new double[batch][lc.nIn()];
        pass.beginChunk(scratch);
        for (int s = 0; s < batch; s++) {
          pass.backward(layer, s, lc.upstreamError()[s], grad, propagates ? deltaIn[s] : null,
              scratch);
        }
        pass.endChunk(grad, scratch);
        GoldenAssert err = new GoldenAssert(lc.name() + " " + pass.name());
        err.check("weight_gradient", grad, lc.weightGradient());
        expected += grad.length;
        if (propagates) {
          err.check("input_time_gradient", deltaIn, lc.inputTimeGradient());
          expected += (long) batch * lc.nIn();
        }
        count(pass, err.compared());
      }
    }
    assertThat(total() - before).as("golden values compared").isEqualTo(expected);
  }

  @Test
  @Order(4)
  @DisplayName("the random layers reached every counted loop of the fast passes")
  void everyLoopRan() {
    List<String> missing = new ArrayList<>();
    for (Path p : Path.values()) {
      if (PathCounts.get(p) == 0) {
        missing.add(p.name());
      }
    }
    assertThat(missing).as("loops no case reached").isEmpty();
  }

  @AfterAll
  static void runsPerPass() {
    // the counts of every pass, over the random and the golden layers (printed for the report)
    StringBuilder s = new StringBuilder("layer pass contract:");
    RUNS.forEach((name, v) -> s.append(' ').append(name).append('=').append(v[0]).append(" runs/")
        .append(v[1]).append(" values"));
    s.append("; loops:");
    for (Path p : Path.values()) {
      s.append(' ').append(p.name().toLowerCase()).append('=').append(PathCounts.get(p));
    }
    System.out.println(s);
  }

  private static void count(LayerPass pass, long values) {
    long[] v = RUNS.computeIfAbsent(pass.name(), k -> new long[2]);
    v[0]++;
    v[1] += values;
  }

  private static long total() {
    long n = 0;
    for (long[] v : RUNS.values()) {
      n += v[1];
    }
    return n;
  }

  @Test
  @Order(5)
  @DisplayName("each pass ran the number of times its supported cases ask for")
  void runsPerPassAsExpected() {
    // random layers: 15 cases (11 et, 4 dt; 3 et narrow; 2 et without row copies)
    long etRandom = cases().stream().filter(c -> c.params.variant() == Variant.ET).count();
    long blockedRandom = cases().stream().filter(c -> blocks(c.params, c.nIn, c.nOut)).count();
    long blockedGolden = GoldenFixture.layerCases().stream()
        .filter(c -> blocks(c.params(), c.nIn(), c.nOut())).count();
    long narrowRandom = cases().stream().filter(c -> c.params.variant() == Variant.ET
        && c.nOut <= PassPolicy.NARROW_MAX_WIDTH).count();
    List<LayerCase> golden = GoldenFixture.layerCases();
    long narrowGolden = golden.stream().filter(c -> c.params().variant() == Variant.ET
        && c.nOut() <= PassPolicy.NARROW_MAX_WIDTH).count();
    int all = cases().size() + golden.size();
    assertThat(cases()).hasSize(15);
    assertThat(etRandom).isEqualTo(11);
    assertThat(narrowRandom).isEqualTo(3);
    assertThat(blockedRandom).isEqualTo(9);
    assertThat(expectedRandomValues()).isEqualTo(EXPECTED_RANDOM_VALUES);
    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("reference", 2L * all);
    expected.put("unscreened", (long) all);
    expected.put("prefix", (long) all);
    expected.put("blocked", blockedRandom + blockedGolden);
    expected.put("narrow", narrowRandom + narrowGolden);
    expected.put("euler", cases().stream().filter(c -> c.params.equals(ET)).count());
    expected.put("columns", (long) all);
    expected.put("rows", (long) all);
    expected.put("deferred-rows", (long) all);
    Map<String, Long> actual = new LinkedHashMap<>();
    RUNS.forEach((k, v) -> actual.put(k, v[0]));
    assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
    assertThat(Arrays.asList(LayerPasses.forward().size(), LayerPasses.backward().size()))
        .containsExactly(6, 4);
  }
}
