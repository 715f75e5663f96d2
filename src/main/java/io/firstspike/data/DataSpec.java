package io.firstspike.data;

import java.nio.file.Path;

/**
 * What to load: the {@code dataset} section of a config.
 *
 * @param type one of {@link DatasetFactory#TYPES}
 * @param dataDir folder of the MNIST-style files; null = the type's default
 * @param widthPixel side of the reduced images of {@code 16x16_mnist}; 0 = 16
 * @param train user data ({@code csv}, {@code npy}) training file
 * @param validation user data validation file; null = carved from train
 * @param test user data test file
 * @param testAsValidation MNIST-style data sets only: train on every image of the training file
 *     and report the test set as the validation set (no carve); false = carve
 */
public record DataSpec(String type, Path dataDir, int widthPixel, Path train, Path validation,
    Path test, boolean testAsValidation) {

  /** A spec whose validation split is carved from the training file (or given as a file). */
  public DataSpec(String type, Path dataDir, int widthPixel, Path train, Path validation,
      Path test) {
    this(type, dataDir, widthPixel, train, validation, test, false);
  }

  /** A built-in data set by name, default folder and width. */
  public static DataSpec named(String type) {
    return new DataSpec(type, null, 0, null, null, null);
  }

  /** An MNIST-style data set in a given folder. */
  public static DataSpec inFolder(String type, Path dataDir) {
    return new DataSpec(type, dataDir, 0, null, null, null);
  }

  /** User data files ({@code csv} or {@code npy}); validation may be null. */
  public static DataSpec files(String type, Path train, Path validation, Path test) {
    return new DataSpec(type, null, 0, train, validation, test);
  }
}
