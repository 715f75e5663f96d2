package io.firstspike.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One split of a data set, already encoded as input spike times.
 *
 * <p>Row {@code i} of {@code inputTimes} holds the spike times of sample {@code i}'s inputs
 * ({@code Double.POSITIVE_INFINITY} = the input never spikes); {@code labels[i]} is its class, an
 * index into {@code classNames}. All rows have the same length. The arrays are not copied (60000
 * MNIST rows are large): treat them as read only. {@code equals} compares contents.
 *
 * @param name the data set's name, e.g. {@code yin_yang} (the same for all splits)
 * @param inputTimes samples x inputs, spike times
 * @param labels one class index per sample, each in 0 .. classNames.size()-1
 * @param classNames display names by label index
 */
public record Dataset(String name, double[][] inputTimes, int[] labels, List<String> classNames) {

  /** Checks that shapes agree and labels are in range. */
  public Dataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(inputTimes, "inputTimes");
    Objects.requireNonNull(labels, "labels");
    classNames = List.copyOf(classNames);
    if (inputTimes.length != labels.length) {
      throw new IllegalArgumentException("data set " + name + ": " + inputTimes.length
          + " samples but " + labels.length + " labels");
    }
    if (classNames.isEmpty()) {
      throw new IllegalArgumentException("data set " + name + ": needs at least one class name");
    }
    int width = inputTimes.length == 0 ? 0 : inputTimes[0].length;
    for (int i = 0; i < inputTimes.length; i++) {
      if (inputTimes[i].length != width) {
        throw new IllegalArgumentException("data set " + name + ": sample " + i + " has "
            + inputTimes[i].length + " inputs, sample 0 has " + width);
      }
      if (labels[i] < 0 || labels[i] >= classNames.size()) {
        throw new IllegalArgumentException("data set " + name + ": label of sample " + i + " is "
            + labels[i] + ", must be in 0.." + (classNames.size() - 1));
      }
    }
  }

  /** Number of samples. */
  public int size() {
    return labels.length;
  }

  /** Number of inputs per sample (0 for an empty set). */
  public int nInputs() {
    return inputTimes.length == 0 ? 0 : inputTimes[0].length;
  }

  /** Number of classes. */
  public int nClasses() {
    return classNames.size();
  }

  /** Samples {@code from} (inclusive) to {@code to} (exclusive), rows shared. */
  public Dataset slice(int from, int to) {
    if (from < 0 || to > size() || from > to) {
      throw new IndexOutOfBoundsException(
          "data set " + name + ": slice " + from + ".." + to + " of " + size() + " samples");
    }
    return new Dataset(name, Arrays.copyOfRange(inputTimes, from, to),
        Arrays.copyOfRange(labels, from, to), classNames);
  }

  /** The samples at the given indices in that order (e.g. a shuffled batch), rows shared. */
  public Dataset select(int[] indices) {
    double[][] x = new double[indices.length][];
    int[] y = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      x[k] = inputTimes[indices[k]];
      y[k] = labels[indices[k]];
    }
    return new Dataset(name, x, y, classNames);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Dataset d
        && name.equals(d.name)
        && classNames.equals(d.classNames)
        && Arrays.equals(labels, d.labels)
        && Arrays.deepEquals(inputTimes, d.inputTimes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, classNames, Arrays.hashCode(labels), size(), nInputs());
  }

  @Override
  public String toString() {
    return "Dataset[" + name + ", " + size() + " samples x " + nInputs() + " inputs, classes "
        + classNames + "]";
  }
}
