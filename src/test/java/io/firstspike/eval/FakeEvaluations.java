package io.firstspike.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic but plausible evaluation data for tests: a Yin-Yang split whose output times depend
 * on the position in the input plane, an MNIST-like 10-class split, training curves and weights.
 * Everything is drawn from seeded generators.
 */
public final class FakeEvaluations {
  public static final List<String> YIN_YANG_NAMES = List.of("yin", "yang", "dot");
  static final double R_BIG = 0.5;
  static final double R_SMALL = 0.1;

  private FakeEvaluations() {}

  /** Class of a point by the Yin-Yang rule of TTFS-MODEL.md section 7. */
  static int yinYangClass(double x, double y) {
    double dr = Math.hypot(x - 1.5 * R_BIG, y - R_BIG);
    double dl = Math.hypot(x - 0.5 * R_BIG, y - R_BIG);
    if (dr < R_SMALL || dl < R_SMALL) {
      return 2;
    }
    if (dr <= R_SMALL || (R_SMALL < dl && dl <= 0.5 * R_BIG) || (y > R_BIG && dr > 0.5 * R_BIG)) {
      return 1;
    }
    return 0;
  }

  /**
   * A Yin-Yang split: points in the big circle, inputs (x, y, 1-x, 1-y) and a bias encoded as
   * t = 0.15 + 1.85 v; the neuron of the true class fires early, the others later, with noise
   * growing towards the class borders so that a few samples are misclassified; about 1% of the
   * samples have a silent label layer (predicted -1). Hidden times are smooth functions of the
   * position, some neurons silent in parts of the plane.
   */
  public static SplitEvaluation yinYang(String split, int n, long seed, int nHidden) {
    Random rnd = new Random(seed);
    double[][] in = new double[n][5];
    double[][] out = new double[n][3];
    double[][] hidden = nHidden > 0 ? new double[n][nHidden] : null;
    int[] labels = new int[n];
    int[] pred = new int[n];
    double[][] dirs = new double[Math.max(nHidden, 0)][3];
    for (double[] d : dirs) {
      d[0] = rnd.nextGaussian();
      d[1] = rnd.nextGaussian();
      d[2] = rnd.nextGaussian() * 0.5;
    }
    for (int i = 0; i < n; i++) {
      double x;
      double y;
      do {
        x = rnd.nextDouble();
        y = rnd.nextDouble();
      } while (Math.hypot(x - R_BIG, y - R_BIG) > R_BIG);
      int c = yinYangClass(x, y);
      labels[i] = c;
      double[] v = {x, y, 1 - x, 1 - y};
      for (int f = 0; f < 4; f++) {
        in[i][f] = 0.15 + 1.85 * v[f];
      }
      in[i][4] = 0.9;
      for (int k = 0; k < 3; k++) {
        double base = k == c ? 1.2 : 1.6;
        out[i][k] = base + 0.4 * (x - 0.5) * (k - 1) + 0.15 * rnd.nextGaussian();
      }
      if (rnd.nextDouble() < 0.01) {
        java.util.Arrays.fill(out[i], Double.POSITIVE_INFINITY);
      } else if (rnd.nextDouble() < 0.05) {
        out[i][(c + 1) % 3] = Double.POSITIVE_INFINITY;
      }
      pred[i] = argmin(out[i]);
      for (int h = 0; h < nHidden; h++) {
        double a = dirs[h][0] * (x - 0.5) + dirs[h][1] * (y - 0.5) + dirs[h][2];
        hidden[i][h] = a > 0.6 ? Double.POSITIVE_INFINITY : 1.0 + a;
      }
    }
    return new SplitEvaluation("yin_yang", split, in, out, labels, pred, YIN_YANG_NAMES, hidden);
  }

  /** An MNIST-like split with K classes and 784 inputs (only a few inputs are stored: 16). */
  public static SplitEvaluation tenClasses(String dataset, String split, int n, long seed) {
    Random rnd = new Random(seed);
    int k = 10;
    double[][] in = new double[n][16];
    double[][] out = new double[n][k];
    int[] labels = new int[n];
    int[] pred = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = rnd.nextInt(k);
      for (int f = 0; f < in[i].length; f++) {
        in[i][f] = 0.15 + 1.85 * rnd.nextDouble();
      }
      for (int j = 0; j < k; j++) {
        out[i][j] = (j == labels[i] ? 1.0 : 1.5) + 0.2 * rnd.nextGaussian();
      }
      pred[i] = argmin(out[i]);
    }
    List<String> names = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      names.add(Integer.toString(j));
    }
    return new SplitEvaluation(dataset, split, in, out, labels, pred, names);
  }

  /** Class selection of the TTFS loss: argmin, first index on ties, -1 if no finite minimum. */
  public static int argmin(double[] t) {
    int best = -1;
    double m = Double.POSITIVE_INFINITY;
    for (int k = 0; k < t.length; k++) {
      if (t[k] < m) {
        m = t[k];
        best = k;
      }
    }
    return best;
  }

  /**
   * Curves of E epochs that look like training: loss and error decaying exponentially with noise;
   * validation arrays with E + 1 entries when initialValidation, else E.
   */
  public static TrainingCurves curves(int epochs, int classes, boolean initialValidation,
      long seed) {
    Random rnd = new Random(seed);
    int nv = initialValidation ? epochs + 1 : epochs;
    int off = initialValidation ? 0 : 1;
    double[] tl = new double[epochs];
    double[] ta = new double[epochs];
    double[] vl = new double[nv];
    double[] va = new double[nv];
    for (int e = 0; e < epochs; e++) {
      double decay = Math.exp(-(e + 1) / (epochs / 4.0));
      tl[e] = 0.1 + 1.0 * decay * (1 + 0.05 * rnd.nextGaussian());
      ta[e] = 1 - (0.02 + 0.6 * decay) * (1 + 0.1 * rnd.nextGaussian());
    }
    double[][][] mean = new double[nv][classes][classes];
    double[][][] std = new double[nv][classes][classes];
    for (int i = 0; i < nv; i++) {
      int e = i + off;
      double decay = Math.exp(-e / (epochs / 4.0));
      vl[i] = 0.12 + 1.0 * decay * (1 + 0.05 * rnd.nextGaussian());
      va[i] = 1 - (0.03 + 0.6 * decay) * (1 + 0.1 * rnd.nextGaussian());
      for (int c = 0; c < classes; c++) {
        for (int k = 0; k < classes; k++) {
          double target = k == c ? 1.0 : 1.6 + 0.05 * k;
          mean[i][c][k] = 1.4 + (target - 1.4) * (1 - decay) + 0.01 * rnd.nextGaussian();
          std[i][c][k] = 0.05 + 0.2 * decay;
        }
      }
    }
    return new TrainingCurves(tl, ta, vl, va, mean, std);
  }

  /** Random weights of a network with the given layer sizes, one bias row per layer. */
  public static WeightSet weights(int[] sizes, double mean, double std, long seed) {
    Random rnd = new Random(seed);
    List<double[]> w = new ArrayList<>();
    List<int[]> s = new ArrayList<>();
    for (int l = 1; l < sizes.length; l++) {
      int rows = sizes[l - 1] + 1;
      int cols = sizes[l];
      double[] a = new double[rows * cols];
      for (int i = 0; i < a.length; i++) {
        a[i] = mean + std * rnd.nextGaussian();
      }
      w.add(a);
      s.add(new int[] {rows, cols});
    }
    return new WeightSet(w, s);
  }
}
