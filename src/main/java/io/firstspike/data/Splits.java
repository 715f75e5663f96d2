package io.firstspike.data;

/** Split helpers shared by the file-based data sets. */
public final class Splits {
  private Splits() {}

  /** Size of the validation split carved from a training file of n samples: floor(n / 6). */
  public static int carvedValidationSize(int n) {
    return n / 6;
  }

  /**
   * Train = the first n - floor(n/6) samples, validation = the last floor(n/6) (the original's
   * 50000 / 10000 split of MNIST's 60000 training images, as a 5:1 ratio for other sizes).
   */
  public static DataSplits carveValidation(Dataset trainFile, Dataset test) {
    int n = trainFile.size();
    int cut = n - carvedValidationSize(n);
    return new DataSplits(trainFile.slice(0, cut), trainFile.slice(cut, n), test);
  }
}
