package io.firstspike.eval;

import java.util.List;
import java.util.Objects;

/**
 * What a network did on one split of a data set: every sample's input spike times, label-layer
 * output times, label and selected class. Computed once by the evaluator; plots only read it.
 *
 * <p>Immutable: the constructor copies every array and the accessors return copies. Renderers that
 * touch many values use {@link #outputTime(int, int)} and friends, which do not copy.
 *
 * @param dataset data set name as in the config ({@code yin_yang}, {@code mnist}, ...)
 * @param split {@code test} or {@code train} (any non-blank name is accepted; it only names files)
 * @param inputTimes [sample][input] input spike times, +Infinity = no spike
 * @param outputTimes [sample][label neuron] output spike times, +Infinity = no spike
 * @param labels [sample] true class in 0..K-1
 * @param predicted [sample] selected class in 0..K-1, or -1 when no class could be selected
 * @param classNames display name per class index (K entries, K = number of label neurons)
 * @param hiddenTimes [sample][hidden neuron] spike times of the first hidden layer, or null
 */
public record SplitEvaluation(
    String dataset,
    String split,
    double[][] inputTimes,
    double[][] outputTimes,
    int[] labels,
    int[] predicted,
    List<String> classNames,
    double[][] hiddenTimes) {

  /** Validates shapes and copies every array. */
  public SplitEvaluation {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(split, "split");
    if (split.isBlank()) {
      throw new IllegalArgumentException("split must be a name such as 'test' or 'train', got ''");
    }
    classNames = List.copyOf(classNames);
    int n = labels.length;
    int k = classNames.size();
    if (inputTimes.length != n || outputTimes.length != n || predicted.length != n) {
      throw new IllegalArgumentException(
          "split '" + split + "': inputTimes, outputTimes, labels and predicted need one row per"
              + " sample; got " + inputTimes.length + ", " + outputTimes.length + ", " + n + ", "
              + predicted.length);
    }
    if (hiddenTimes != null && hiddenTimes.length != n) {
      throw new IllegalArgumentException(
          "split '" + split + "': hiddenTimes has " + hiddenTimes.length + " rows, expected " + n);
    }
    for (int i = 0; i < n; i++) {
      if (outputTimes[i].length != k) {
        throw new IllegalArgumentException(
            "split '" + split + "': outputTimes[" + i + "] has " + outputTimes[i].length
                + " entries, expected one per class name (" + k + ")");
      }
      if (labels[i] < 0 || labels[i] >= k) {
        throw new IllegalArgumentException(
            "split '" + split + "': labels[" + i + "] = " + labels[i] + ", expected 0.." + (k - 1));
      }
      if (predicted[i] < -1 || predicted[i] >= k) {
        throw new IllegalArgumentException(
            "split '" + split + "': predicted[" + i + "] = " + predicted[i]
                + ", expected -1 (no selection) or 0.." + (k - 1));
      }
    }
    inputTimes = Arrays2.copy(inputTimes);
    outputTimes = Arrays2.copy(outputTimes);
    labels = labels.clone();
    predicted = predicted.clone();
    hiddenTimes = hiddenTimes == null ? null : Arrays2.copy(hiddenTimes);
  }

  /** Without hidden-layer times. */
  public SplitEvaluation(
      String dataset,
      String split,
      double[][] inputTimes,
      double[][] outputTimes,
      int[] labels,
      int[] predicted,
      List<String> classNames) {
    this(dataset, split, inputTimes, outputTimes, labels, predicted, classNames, null);
  }

  /** Fraction of samples with {@code predicted == label}; -1 (no selection) is wrong. NaN if empty. */
  public double accuracy() {
    if (labels.length == 0) {
      return Double.NaN;
    }
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == labels[i]) {
        correct++;
      }
    }
    return (double) correct / labels.length;
  }

  public int nSamples() {
    return labels.length;
  }

  public int nClasses() {
    return classNames.size();
  }

  public boolean hasHiddenTimes() {
    return hiddenTimes != null;
  }

  /** Number of hidden neurons recorded, 0 without hidden times. */
  public int nHidden() {
    return hiddenTimes == null || hiddenTimes.length == 0 ? 0 : hiddenTimes[0].length;
  }

  public int nInputs() {
    return inputTimes.length == 0 ? 0 : inputTimes[0].length;
  }

  /** Output time of label neuron {@code neuron} for sample {@code sample} (no copy). */
  public double outputTime(int sample, int neuron) {
    return outputTimes[sample][neuron];
  }

  public double inputTime(int sample, int input) {
    return inputTimes[sample][input];
  }

  /** Hidden neuron time; throws if no hidden times were recorded. */
  public double hiddenTime(int sample, int neuron) {
    if (hiddenTimes == null) {
      throw new IllegalStateException("split '" + split + "' was evaluated without hidden times");
    }
    return hiddenTimes[sample][neuron];
  }

  public int label(int sample) {
    return labels[sample];
  }

  public int predictedClass(int sample) {
    return predicted[sample];
  }

  @Override
  public double[][] inputTimes() {
    return Arrays2.copy(inputTimes);
  }

  @Override
  public double[][] outputTimes() {
    return Arrays2.copy(outputTimes);
  }

  @Override
  public int[] labels() {
    return labels.clone();
  }

  @Override
  public int[] predicted() {
    return predicted.clone();
  }

  @Override
  public double[][] hiddenTimes() {
    return hiddenTimes == null ? null : Arrays2.copy(hiddenTimes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SplitEvaluation e
        && dataset.equals(e.dataset) && split.equals(e.split) && classNames.equals(e.classNames)
        && java.util.Arrays.deepEquals(inputTimes, e.inputTimes)
        && java.util.Arrays.deepEquals(outputTimes, e.outputTimes)
        && java.util.Arrays.equals(labels, e.labels)
        && java.util.Arrays.equals(predicted, e.predicted)
        && java.util.Arrays.deepEquals(hiddenTimes, e.hiddenTimes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(dataset, split, classNames, java.util.Arrays.hashCode(labels),
        java.util.Arrays.hashCode(predicted));
  }

  @Override
  public String toString() {
    return "SplitEvaluation[" + dataset + "/" + split + ", " + labels.length + " samples, "
        + classNames.size() + " classes, accuracy " + accuracy() + "]";
  }
}
