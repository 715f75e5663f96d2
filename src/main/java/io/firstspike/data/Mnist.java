package io.firstspike.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Loads MNIST and Fashion-MNIST from local IDX files (this machine cannot download them).
 *
 * <p>Files, raw or gzip-compressed, in the given folder (or its {@code data/fashion} or
 * {@code fashion} subfolder, the layout of the Fashion-MNIST repository): {@code
 * train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]}, {@code
 * t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]}; the variant names with a dot
 * ({@code train-images.idx3-ubyte}) are accepted too.
 *
 * <p>Splits: train = the first N - floor(N/6) images of the training file, validation = the last
 * floor(N/6), test = the t10k file. For the full 60000 images this is exactly the original's
 * 0..49999 / 50000..59999; for other sizes (the 8000-image subset gives 6667 / 1333) it keeps the
 * same 5:1 ratio.
 *
 * <p>Encoding: {@link MnistEncoding}, computed in parallel over images.
 */
public final class Mnist {
  /** Default folder for {@code mnist} and {@code 16x16_mnist}. */
  public static final Path DEFAULT_MNIST_DIR = Path.of("data/mnist");
  /** Default folder for {@code fashion_mnist} (Debian package dataset-fashion-mnist). */
  public static final Path DEFAULT_FASHION_DIR = Path.of("/usr/share/datasets/fashion-mnist");
  /** The four files, without the optional {@code .gz}. */
  public static final List<String> FILES = List.of("train-images-idx3-ubyte",
      "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");
  /** Class names of MNIST. */
  public static final List<String> DIGITS =
      List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
  /** Class names of Fashion-MNIST. */
  public static final List<String> FASHION = List.of("T-shirt/top", "Trouser", "Pullover",
      "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  private Mnist() {}

  /** The raw files of one folder. */
  public record Files4(Idx.Images trainImages, int[] trainLabels, Idx.Images testImages,
      int[] testLabels) {}

  /**
   * Full 784-input encoding ({@code mnist} or, with the fashion class names, {@code
   * fashion_mnist}). Validation: the last sixth of the training file ({@link Splits}), or with
   * {@code testAsValidation} the test set, the whole training file being trained on.
   */
  public static DataSplits loadFull(String name, Path dir, List<String> classNames,
      boolean testAsValidation) {
    Files4 f = read(dir, name);
    return splits(name, classNames, f, (img, i) -> MnistEncoding.full(img, i), testAsValidation);
  }

  /**
   * Crop-and-resize encoding ({@code 16x16_mnist}): width x width inputs; validation as for
   * {@link #loadFull}.
   */
  public static DataSplits loadReduced(String name, Path dir, int width, List<String> classNames,
      boolean testAsValidation) {
    if (width <= 0 || width > MnistEncoding.CROP * 4) {
      throw new DataException(name + ": width_pixel must be in 1.." + MnistEncoding.CROP * 4
          + ", got " + width);
    }
    Files4 f = read(dir, name);
    return splits(name, classNames, f, (img, i) -> MnistEncoding.reduced(img, i, width),
        testAsValidation);
  }

  /** Reads the four files of a folder, with an error naming the folder and the files if absent. */
  public static Files4 read(Path dir, String name) {
    Path[] paths = new Path[4];
    List<String> missing = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      paths[k] = locate(dir, FILES.get(k));
      if (paths[k] == null) {
        missing.add(FILES.get(k) + "[.gz]");
      }
    }
    if (!missing.isEmpty()) {
      throw new DataException(name + ": IDX files not found in folder " + dir.toAbsolutePath()
          + ". Expected the four files " + String.join(", ", FILES.stream().map(s -> s + "[.gz]")
          .toList()) + "; missing: " + String.join(", ", missing)
          + ". Put them into that folder (FirstSpike does not download), or point to another"
          + " folder with the config's top-level data_dir key or the --data-dir option.");
    }
    Idx.Images trainImages = Idx.readImages(paths[0]);
    int[] trainLabels = Idx.readLabels(paths[1]);
    Idx.Images testImages = Idx.readImages(paths[2]);
    int[] testLabels = Idx.readLabels(paths[3]);
    checkCount(paths[0], trainImages.count(), paths[1], trainLabels.length);
    checkCount(paths[2], testImages.count(), paths[3], testLabels.length);
    return new Files4(trainImages, trainLabels, testImages, testLabels);
  }

  private static void checkCount(Path images, int nImages, Path labels, int nLabels) {
    if (nImages != nLabels) {
      throw new DataException(images + " holds " + nImages + " images but " + labels + " holds "
          + nLabels + " labels; they must be equal");
    }
  }

  /** The existing file for a base name in the folder or its known subfolders, else null. */
  static Path locate(Path dir, String base) {
    for (Path p : candidates(dir, base)) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  /** Every path {@link #read} may open for a base name, in the order it looks for them. */
  private static List<Path> candidates(Path dir, String base) {
    String dotted = base.replace("-idx", ".idx");
    List<Path> out = new ArrayList<>();
    for (Path d : List.of(dir, dir.resolve("data/fashion"), dir.resolve("fashion"))) {
      for (String candidate : List.of(base, base + ".gz", dotted, dotted + ".gz")) {
        out.add(d.resolve(candidate));
      }
    }
    return out;
  }

  /** Every path {@link #read} may open in {@code dir}, whether it exists or not. */
  public static List<Path> candidates(Path dir) {
    List<Path> out = new ArrayList<>();
    for (String base : FILES) {
      out.addAll(candidates(dir, base));
    }
    return out;
  }

  @FunctionalInterface
  private interface Encoder {
    double[] encode(Idx.Images images, int index);
  }

  private static DataSplits splits(String name, List<String> classNames, Files4 f, Encoder enc,
      boolean testAsValidation) {
    Dataset all = encode(name, classNames, f.trainImages(), f.trainLabels(), enc);
    Dataset test = encode(name, classNames, f.testImages(), f.testLabels(), enc);
    return testAsValidation ? new DataSplits(all, test, test) : Splits.carveValidation(all, test);
  }

  private static Dataset encode(String name, List<String> classNames, Idx.Images images,
      int[] labels, Encoder enc) {
    double[][] times = new double[images.count()][];
    IntStream.range(0, images.count()).parallel().forEach(i -> times[i] = enc.encode(images, i));
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] >= classNames.size()) {
        throw new DataException(name + ": label " + labels[i] + " of image " + i
            + " is not a class index 0.." + (classNames.size() - 1));
      }
    }
    return new Dataset(name, times, labels, classNames);
  }
}
