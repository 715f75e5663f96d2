package io.firstspike.data;

import java.nio.file.Path;
import java.util.List;

/** The one entry point that turns a {@link DataSpec} into encoded train/validation/test splits. */
public final class DatasetFactory {
  /** The built-in data sets (TTFS-MODEL.md section 7, plus Fashion-MNIST), by name. */
  public static final List<String> BUILT_IN = List.of("yin_yang", "xor", "bars", "mnist",
      "16x16_mnist", "fashion_mnist");

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
    int width = spec.widthPixel() == 0 ? DEFAULT_WIDTH_PIXEL : spec.widthPixel();
    return switch (type) {
      case "yin_yang" -> YinYang.splits();
      case "xor" -> Xor.splits();
      case "bars" -> Bars.splits();
      case "mnist" -> Mnist.loadFull(type, dir(spec, Mnist.DEFAULT_MNIST_DIR), Mnist.DIGITS);
      case "fashion_mnist" ->
          Mnist.loadFull(type, dir(spec, Mnist.DEFAULT_FASHION_DIR), Mnist.FASHION);
      case "16x16_mnist" ->
          Mnist.loadReduced(type, dir(spec, Mnist.DEFAULT_MNIST_DIR), width, Mnist.DIGITS);
      default -> UserData.load(type, resolve(spec, spec.train()), resolve(spec,
          spec.validation()), resolve(spec, spec.test()));
    };
  }

  /** User files: relative paths are relative to data_dir when it is given. */
  private static Path resolve(DataSpec spec, Path file) {
    return file == null || spec.dataDir() == null ? file : spec.dataDir().resolve(file);
  }

  private static Path dir(DataSpec spec, Path fallback) {
    return spec.dataDir() != null ? spec.dataDir() : fallback;
  }
}
