package io.firstspike.train.config;

import io.firstspike.data.DatasetFactory;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code dataset} key (plus the optional top-level {@code data_dir}): either the name of a
 * built-in data set ({@code dataset: yin_yang}) or user files
 * ({@code dataset: {type: csv|npy, train: ..., validation: ..., test: ...}}, validation
 * optional).
 *
 * <p>Whether the label layer's size fits the data set's number of classes is checked by the
 * data package, which knows the data; this record only knows names and paths.
 *
 * @param name built-in data set name, or null when {@code files} is given
 * @param files user data files, or null when {@code name} is given
 * @param dataDir {@code data_dir}: folder holding the data files (MNIST IDX files, relative user
 *     files); null when the config does not set it, and the loader's default applies
 */
public record DatasetConfig(String name, UserFiles files, Path dataDir) {

  /** Names of the built-in data sets: the data layer's list, so the two cannot drift apart. */
  public static final List<String> KNOWN_NAMES = DatasetFactory.BUILT_IN;

  /** File formats for user data. */
  public enum Format {
    CSV("csv"),
    NPY("npy");

    private final String yamlName;

    Format(String yamlName) {
      this.yamlName = yamlName;
    }

    public String yamlName() {
      return yamlName;
    }
  }

  /**
   * User data: one file per split, in the format the data package defines for {@code type}.
   * Paths are kept as written; relative ones are resolved against {@code data_dir} by whoever
   * loads the data.
   *
   * @param validation may be null: the data package then carves the validation set out of train
   */
  public record UserFiles(Format type, Path train, Path validation, Path test) {
    public UserFiles {
      Checks.required("dataset.type", type);
      Checks.required("dataset.train", train);
      Checks.required("dataset.test", test);
    }
  }

  public DatasetConfig {
    if ((name == null) == (files == null)) {
      throw ConfigException.at("dataset",
          "give either a data set name (one of " + KNOWN_NAMES + ") or a map {type: csv|npy,"
              + " train, validation, test}, not both or neither");
    }
    if (name != null && !KNOWN_NAMES.contains(name)) {
      throw ConfigException.at("dataset", "unknown data set '" + Checks.shown(name) + "'"
          + Suggest.didYouMean(name, KNOWN_NAMES) + "; valid names are " + KNOWN_NAMES
          + ", or a map {type: csv|npy, train, validation, test}");
    }
  }

  /** A built-in data set. */
  public static DatasetConfig named(String name) {
    return new DatasetConfig(name, null, null);
  }

  /** The same data with another {@code data_dir}. */
  public DatasetConfig withDataDir(Path dir) {
    return new DatasetConfig(name, files, dir);
  }

  /** The name for result files and run folders: the built-in name or the file format. */
  public String displayName() {
    return name != null ? name : files.type().yamlName();
  }
}
