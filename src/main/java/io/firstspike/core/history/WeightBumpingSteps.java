package io.firstspike.core.history;

import java.util.Arrays;

/**
 * {@code weight_bumping_steps} of a new-schema run (DELGRAD-MODEL.md section 7.4): one code per
 * training batch, in order over all epochs: -2 no bump, -1 the label layer was bumped, i >= 0
 * the layer index of the bumped hidden NeuronLayer. (Old-schema runs record the global indices of
 * the bumped batches instead.) Appended to by the training loop; {@link #codes} is a copy.
 */
public final class WeightBumpingSteps {
  private long[] codes = new long[64];
  private int size;

  /**
   * Appends the code of the next batch.
   *
   * @throws IllegalArgumentException if the code is below -2
   */
  public void add(int code) {
    if (code < -2) {
      throw new IllegalArgumentException(
          "weight_bumping_steps: a code is -2 (no bump), -1 (label layer) or a layer index >= 0,"
              + " got " + code);
    }
    if (size == codes.length) {
      codes = Arrays.copyOf(codes, 2 * codes.length);
    }
    codes[size++] = code;
  }

  /** Number of batches recorded. */
  public int size() {
    return size;
  }

  /** The code of batch {@code batch} (0-based over the whole run). */
  public int code(int batch) {
    if (batch < 0 || batch >= size) {
      throw new IndexOutOfBoundsException(
          "weight_bumping_steps: batch " + batch + " of " + size + " recorded");
    }
    return (int) codes[batch];
  }

  /** A copy of all codes, int64 as the original's {@code .npy} stores them. */
  public long[] codes() {
    return Arrays.copyOf(codes, size);
  }

  /** Number of bumped batches. */
  public int bumps() {
    int n = 0;
    for (int i = 0; i < size; i++) {
      n += codes[i] != -2 ? 1 : 0;
    }
    return n;
  }

  /** Keeps the first {@code batches} codes (continuing a run from an earlier epoch). */
  public void truncate(int batches) {
    if (batches < 0 || batches > size) {
      throw new IllegalArgumentException("weight_bumping_steps: cannot keep " + batches
          + " of " + size + " codes");
    }
    size = batches;
  }
}
