package io.firstspike.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The label-layer output times of one split, grouped by true class and sorted, for the
 * "output times sorted" plots: x = rank within the class, y = each label neuron's time.
 *
 * <p>Two orders: {@link #byEarliestSpike} sorts the samples of a class by the earliest output spike
 * of any label neuron, min_k t_k (the plot {@code output_times_sorted}); {@link #byCorrectNeuron}
 * sorts them by the time of the neuron of their own class, t_y (plot {@code output_times_sorted2}).
 * Both ascending; +Infinity (no spike) and NaN sort last; ties keep the sample order (stable).
 *
 * @param split name of the split the outputs come from
 * @param order {@link #EARLIEST_SPIKE} or {@link #CORRECT_NEURON}
 * @param classNames K class names
 * @param classes one entry per true class, in class order
 */
public record SortedOutputs(
    String split, String order, List<String> classNames, List<ClassOutputs> classes) {

  public static final String EARLIEST_SPIKE = "earliest spike";
  public static final String CORRECT_NEURON = "correct neuron";

  /**
   * The sorted samples of one true class.
   *
   * @param trueClass the class index
   * @param sampleIndices [rank] index of the sample in the split
   * @param times [rank][neuron] output times in that order
   * @param sortKey [rank] the value sorted by
   */
  public record ClassOutputs(int trueClass, int[] sampleIndices, double[][] times, double[] sortKey) {
    public ClassOutputs {
      sampleIndices = sampleIndices.clone();
      times = Arrays2.copy(times);
      sortKey = sortKey.clone();
    }

    public int size() {
      return sampleIndices.length;
    }

    /** Output time of neuron k for the sample at this rank (no copy). */
    public double time(int rank, int neuron) {
      return times[rank][neuron];
    }

    public double key(int rank) {
      return sortKey[rank];
    }

    @Override
    public int[] sampleIndices() {
      return sampleIndices.clone();
    }

    @Override
    public double[][] times() {
      return Arrays2.copy(times);
    }

    @Override
    public double[] sortKey() {
      return sortKey.clone();
    }
  }

  public SortedOutputs {
    classNames = List.copyOf(classNames);
    classes = List.copyOf(classes);
  }

  /** Each class's samples sorted by min_k t_k (earliest label spike). */
  public static SortedOutputs byEarliestSpike(SplitEvaluation e) {
    return sort(e, EARLIEST_SPIKE, (i, y) -> {
      double m = Double.POSITIVE_INFINITY;
      for (int k = 0; k < e.nClasses(); k++) {
        double t = e.outputTime(i, k);
        if (!Double.isNaN(t)) {
          m = Math.min(m, t);
        }
      }
      return m;
    });
  }

  /** Each class's samples sorted by t_y, the output time of the neuron of their own class. */
  public static SortedOutputs byCorrectNeuron(SplitEvaluation e) {
    return sort(e, CORRECT_NEURON, (i, y) -> e.outputTime(i, y));
  }

  private interface Key {
    double of(int sample, int trueClass);
  }

  private static SortedOutputs sort(SplitEvaluation e, String order, Key key) {
    List<ClassOutputs> out = new ArrayList<>();
    int k = e.nClasses();
    for (int c = 0; c < k; c++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < e.nSamples(); i++) {
        if (e.label(i) == c) {
          members.add(i);
        }
      }
      final int cls = c;
      double[] keys = new double[e.nSamples()];
      for (int i : members) {
        keys[i] = key.of(i, cls);
      }
      // Double.compare puts NaN after +Infinity, which is the order we document.
      members.sort(Comparator.comparingDouble(i -> keys[i]));
      int[] idx = members.stream().mapToInt(Integer::intValue).toArray();
      double[][] times = new double[idx.length][k];
      double[] sortKey = new double[idx.length];
      for (int r = 0; r < idx.length; r++) {
        for (int j = 0; j < k; j++) {
          times[r][j] = e.outputTime(idx[r], j);
        }
        sortKey[r] = keys[idx[r]];
      }
      out.add(new ClassOutputs(c, idx, times, sortKey));
    }
    return new SortedOutputs(e.split(), order, e.classNames(), out);
  }

  /** Largest finite output time over all classes and neurons, NaN if none is finite. */
  public double maxFiniteTime() {
    double m = Double.NEGATIVE_INFINITY;
    for (ClassOutputs c : classes) {
      for (int r = 0; r < c.size(); r++) {
        for (int j = 0; j < classNames.size(); j++) {
          double t = c.time(r, j);
          if (Double.isFinite(t)) {
            m = Math.max(m, t);
          }
        }
      }
    }
    return m == Double.NEGATIVE_INFINITY ? Double.NaN : m;
  }

  @Override
  public String toString() {
    return "SortedOutputs[" + split + ", by " + order + ", sizes "
        + Arrays.toString(classes.stream().mapToInt(ClassOutputs::size).toArray()) + "]";
  }
}
