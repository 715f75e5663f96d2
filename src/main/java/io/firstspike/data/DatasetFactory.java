package io.firstspike.data;

import java.nio.file.Path;
import java.util.List;

/** The one entry point that turns a {@link DataSpec} into encoded train/validation/test splits. */
public final class DatasetFactory {
  /** The built-in data sets (TTFS-MODEL.md section 7, plus Fashion-MNIST), by name. */
  public static final List<String> BUILT_IN = List.of("yin_yang", "xor", "bars", "mnist",
      "16x16_mnist", "fashion_mnist");

  /**
   * The built-in data sets read from a folder of IDX files, whose training file may be used whole
   * ({@link DataSpec#testAsValidation}).
   */
  public static final List<String> IMAGE_FILES = List.of("mnist", "16x16_mnist", "fashion_mnist");

  /** Every valid {@code dataset} type: the built-in names and the user file formats. */
  public static final List<String> TYPES = java.util.stream.Stream.concat(BUILT_IN.stream(),
      java.util.stream.Stream.of("csv", "npy")).toList();
  /** Default {@code width_pixel} of {@code 16x16_mnist}. */
  public static final int DEFAULT_WIDTH_PIXEL = 16;

  private DatasetFactory() {}

  /** Loads the data set; see each type's class for its generation or files and encoding. */
  public static DataSplits load(DataSpec spec) {
    String type = spec.type();
    if (type == null || !TYPES.contains(type)) {
      throw new DataException("unknown dataset type '" + type + "', valid: "
          + String.join(", ", TYPES));
    }
    if (spec.testAsValidation() && !IMAGE_FILES.contains(type)) {
      throw new DataException(type + ": the test set as validation set is for the MNIST-style"
          + " data sets only (" + String.join(", ", IMAGE_FILES) + ")");
    }
    int width = spec.widthPixel() == 0 ? DEFAULT_WIDTH_PIXEL : spec.widthPixel();
    return switch (type) {
      case "yin_yang" -> YinYang.splits();
      case "xor" -> Xor.splits();
      case "bars" -> Bars.splits();
      case "mnist" -> Mnist.loadFull(type, dir(spec, Mnist.DEFAULT_MNIST_DIR), Mnist.DIGITS,
          spec.testAsValidation());
      case "fashion_mnist" -> Mnist.loadFull(type, dir(spec, Mnist.DEFAULT_FASHION_DIR),
          Mnist.FASHION, spec.testAsValidation());
      case "16x16_mnist" -> Mnist.loadReduced(type, dir(spec, Mnist.DEFAULT_MNIST_DIR), width,
          Mnist.DIGITS, spec.testAsValidation());
      default -> UserData.load(type, resolve(spec, spec.train()), resolve(spec,
          spec.validation()), resolve(spec, spec.test()));
    };
  }

  /**
   * A path {@link #load} may read for a spec, and the spec field that named it: {@code train},
   * {@code validation}, {@code test} (user files) or {@code dataDir} (MNIST-style folders).
   */
  public record DataFile(String field, Path path) {}

  /**
   * Every path {@link #load} may open for {@code spec}, existing or not, resolved as the loader
   * resolves it: none for the generated data sets, the candidate IDX files of the folder for the
   * MNIST types (of the default folder when the spec names none), the split files (and npy stem
   * pairs) for user data. Lets a caller confine what a config may read before loading it.
   */
  public static List<DataFile> filesRead(DataSpec spec) {
    String type = spec.type();
    List<DataFile> out = new java.util.ArrayList<>();
    switch (type == null ? "" : type) {
      case "mnist", "16x16_mnist" ->
          Mnist.candidates(dir(spec, Mnist.DEFAULT_MNIST_DIR)).forEach(p -> out.add(new DataFile("dataDir", p)));
      case "fashion_mnist" ->
          Mnist.candidates(dir(spec, Mnist.DEFAULT_FASHION_DIR)).forEach(p -> out.add(new DataFile("dataDir", p)));
      case "csv", "npy" -> {
        Path[] files = {spec.train(), spec.validation(), spec.test()};
        String[] fields = {"train", "validation", "test"};
        for (int k = 0; k < 3; k++) {
          if (files[k] != null) {
            String field = fields[k];
            UserData.candidates(type, resolve(spec, files[k])).forEach(p -> out.add(new DataFile(field, p)));
          }
        }
      }
      default -> { } // generated in memory
    }
    return out;
  }

  /** User files: relative paths are relative to data_dir when it is given. */
  private static Path resolve(DataSpec spec, Path file) {
    return file == null || spec.dataDir() == null ? file : spec.dataDir().resolve(file);
  }

  private static Path dir(DataSpec spec, Path fallback) {
    return spec.dataDir() != null ? spec.dataDir() : fallback;
  }
}
