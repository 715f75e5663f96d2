package io.firstspike.eval;

import java.util.List;

/**
 * Confusion matrix of one split: how often each true class was given each predicted class.
 *
 * <p>Predictions of -1 (no label neuron spiked, so no class could be selected) are always wrong.
 * They are counted in an extra last column, "none", so that every row still sums to 1:
 *
 * <pre>
 *   counts[t][p]   = #{ i : label_i = t and predicted_i = p }      p = 0..K-1
 *   counts[t][K]   = #{ i : label_i = t and predicted_i = -1 }
 *   fractions[t][p] = counts[t][p] / sum_q counts[t][q]             (0 for a class that never occurs)
 * </pre>
 *
 * The accuracy is the trace of {@code counts} over the number of samples, so the diagonal of
 * {@code fractions} weighted by the class frequencies gives it back. Renderers show the "none"
 * column only when {@link #hasNone()} is true.
 *
 * @param classNames K class names
 * @param counts [true class][predicted class, K = none], K x (K+1)
 * @param accuracy fraction of correct predictions
 */
public record ConfusionMatrix(List<String> classNames, long[][] counts, double accuracy) {

  /** Label of the extra column for samples without a selected class. */
  public static final String NONE = "none";

  public ConfusionMatrix {
    classNames = List.copyOf(classNames);
    int k = classNames.size();
    if (counts.length != k) {
      throw new IllegalArgumentException(
          "confusion matrix: " + counts.length + " rows for " + k + " classes");
    }
    long[][] c = new long[k][];
    for (int t = 0; t < k; t++) {
      if (counts[t].length != k + 1) {
        throw new IllegalArgumentException(
            "confusion matrix: row " + t + " has " + counts[t].length + " columns, expected "
                + (k + 1) + " (K classes + none)");
      }
      c[t] = counts[t].clone();
    }
    counts = c;
  }

  /** Counts the predictions of a split. */
  public static ConfusionMatrix of(SplitEvaluation e) {
    int k = e.nClasses();
    long[][] counts = new long[k][k + 1];
    for (int i = 0; i < e.nSamples(); i++) {
      int p = e.predictedClass(i);
      counts[e.label(i)][p < 0 ? k : p]++;
    }
    return new ConfusionMatrix(e.classNames(), counts, e.accuracy());
  }

  public int nClasses() {
    return classNames.size();
  }

  /** Number of samples of true class t. */
  public long rowTotal(int t) {
    long s = 0;
    for (long v : counts[t]) {
      s += v;
    }
    return s;
  }

  /** counts[t][p] / row total; p = K is the "none" column; 0 if class t never occurs. */
  public double fraction(int t, int p) {
    long total = rowTotal(t);
    return total == 0 ? 0.0 : (double) counts[t][p] / total;
  }

  /** All fractions, K x (K+1). */
  public double[][] fractions() {
    int k = nClasses();
    double[][] f = new double[k][k + 1];
    for (int t = 0; t < k; t++) {
      for (int p = 0; p <= k; p++) {
        f[t][p] = fraction(t, p);
      }
    }
    return f;
  }

  public long count(int t, int p) {
    return counts[t][p];
  }

  /** True if any sample got no class (-1). */
  public boolean hasNone() {
    int k = nClasses();
    for (int t = 0; t < k; t++) {
      if (counts[t][k] > 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public long[][] counts() {
    long[][] c = new long[counts.length][];
    for (int t = 0; t < counts.length; t++) {
      c[t] = counts[t].clone();
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConfusionMatrix m && classNames.equals(m.classNames)
        && java.util.Arrays.deepEquals(counts, m.counts)
        && Double.compare(accuracy, m.accuracy) == 0;
  }

  @Override
  public int hashCode() {
    return classNames.hashCode() * 31 + java.util.Arrays.deepHashCode(counts);
  }

  @Override
  public String toString() {
    return "ConfusionMatrix" + classNames + java.util.Arrays.deepToString(counts);
  }
}
