package io.firstspike.bench;

import io.firstspike.data.DataSpec;
import io.firstspike.data.DataSplits;
import io.firstspike.data.Dataset;
import io.firstspike.data.DatasetFactory;
import io.firstspike.data.Mnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The MNIST data of the benchmarks: real digits from IDX files when a folder has them, else a
 * synthetic stand-in of the same shape and encoding (and the report says which).
 *
 * @param splits the encoded train / validation / test splits
 * @param description where the data came from, for the report
 * @param real true for real MNIST digits
 */
public record BenchData(DataSplits splits, String description, boolean real) {
  /** Folders tried, in order, when no {@code --data-dir} is given. */
  public static final List<Path> DEFAULT_DIRS =
      List.of(Path.of("../shared/data/mnist-subset"), Path.of("data/mnist"));

  /**
   * Loads {@code type} ({@code 16x16_mnist} or {@code mnist}) from {@code dir}, or from the first
   * default folder holding the IDX files; synthetic data of {@code syntheticTrain} +
   * {@code syntheticVal} samples if none does.
   *
   * @throws io.firstspike.data.DataException if {@code dir} is given but lacks the files
   */
  public static BenchData load(String type, Path dir, int syntheticTrain, int syntheticVal) {
    List<Path> candidates = dir != null ? List.of(dir) : DEFAULT_DIRS;
    for (Path d : candidates) {
      if (dir != null || hasIdx(d)) {
        DataSplits s = DatasetFactory.load(DataSpec.inFolder(type, d));
        return new BenchData(s, "real MNIST from " + d.toAbsolutePath().normalize() + " ("
            + s.train().size() + " train, " + s.validation().size() + " validation, "
            + s.test().size() + " test images)", true);
      }
    }
    boolean reduced = type.equals("16x16_mnist");
    int side = reduced ? 16 : 28;
    DataSplits s = new DataSplits(
        synthetic(type, side, reduced, syntheticTrain, 1),
        synthetic(type, side, reduced, syntheticVal, 2),
        synthetic(type, side, reduced, syntheticVal, 3));
    return new BenchData(s, "synthetic " + side + "x" + side + " digits (no MNIST IDX files in "
        + candidates + "): " + syntheticTrain + " train, " + syntheticVal + " validation", false);
  }

  private static boolean hasIdx(Path d) {
    for (String f : Mnist.FILES) {
      if (!Files.isRegularFile(d.resolve(f)) && !Files.isRegularFile(d.resolve(f + ".gz"))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Ten class prototypes (a random stroke pattern each, same for every split) plus per-sample
   * noise, encoded like MNIST: t = 0.15 + (1 - v) 1.85; for the reduced images a white pixel
   * (t = 2.0) never spikes. Learnable, so "accuracy above chance" still checks the training.
   */
  static Dataset synthetic(String name, int side, boolean reduced, int n, long seed) {
    int pixels = side * side;
    SplittableRandom proto = new SplittableRandom(7);
    double[][] prototypes = new double[10][pixels];
    for (double[] p : prototypes) {
      for (int k = 0; k < pixels / 6; k++) {
        p[proto.nextInt(pixels)] = 0.5 + 0.5 * proto.nextDouble();
      }
    }
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] times = new double[n][pixels];
    int[] labels = new int[n];
    for (int s = 0; s < n; s++) {
      int label = rng.nextInt(10);
      labels[s] = label;
      for (int i = 0; i < pixels; i++) {
        double v = prototypes[label][i];
        if (v > 0 && rng.nextDouble() < 0.2) {
          v = 0;
        } else if (v == 0 && rng.nextDouble() < 0.03) {
          v = rng.nextDouble();
        }
        double t = 0.15 + (1 - v) * 1.85;
        times[s][i] = reduced && t == 2.0 ? Double.POSITIVE_INFINITY : t;
      }
    }
    return new Dataset(name, times, labels, new ArrayList<>(Mnist.DIGITS));
  }
}
