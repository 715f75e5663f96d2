package io.firstspike.train.config;

/**
 * A config file that cannot be used as written.
 *
 * <p>The message always has the form {@code <file>: <key path>: <what is wrong and what would be
 * valid>}, so that a user can go straight to the offending line. {@link #keyPath()} uses dots for
 * sections and brackets for list entries, e.g. {@code training_params.lr_scheduler.gamma} or
 * {@code network_layout.layer_sizes[1]}; it is empty for errors about the whole file (YAML syntax).
 * A record's own validation names keys relative to the record ({@code batch_size}); the loader
 * adds the section ({@link #under}).
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Used as the file name while a record is validated outside of a loader. */
  public static final String UNKNOWN_FILE = "<config>";

  private final String file;
  private final String keyPath;
  private final String detail;

  public ConfigException(String file, String keyPath, String detail) {
    this(file, keyPath, detail, null);
  }

  public ConfigException(String file, String keyPath, String detail, Throwable cause) {
    super(compose(file, keyPath, detail), cause);
    this.file = file == null ? UNKNOWN_FILE : file;
    this.keyPath = keyPath == null ? "" : keyPath;
    this.detail = detail;
  }

  /** An error found by a record's own validation, before the file name is known. */
  static ConfigException at(String keyPath, String detail) {
    return new ConfigException(null, keyPath, detail);
  }

  /**
   * The same error found in a section at {@code prefix}: a record validates with key paths
   * relative to itself ("batch_size", "" for the record as a whole), the mapper knows where the
   * record sits ("training_params").
   */
  ConfigException under(String prefix) {
    if (prefix == null || prefix.isEmpty()) {
      return this;
    }
    ConfigException e = new ConfigException(file.equals(UNKNOWN_FILE) ? null : file,
        ConfigMapper.join(prefix, keyPath), detail, getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }

  /** The same error, now naming the file it came from (used by the loader). */
  ConfigException inFile(String fileName) {
    if (fileName == null || !file.equals(UNKNOWN_FILE)) {
      return this;
    }
    ConfigException e = new ConfigException(fileName, keyPath, detail, getCause());
    e.setStackTrace(getStackTrace());
    return e;
  }

  /** The config file (or source name) the error is in. */
  public String file() {
    return file;
  }

  /** The dotted key path of the offending value, empty for whole-file errors. */
  public String keyPath() {
    return keyPath;
  }

  /** The message without file and key path. */
  public String detail() {
    return detail;
  }

  private static String compose(String file, String keyPath, String detail) {
    String f = file == null ? UNKNOWN_FILE : file;
    return keyPath == null || keyPath.isEmpty() ? f + ": " + detail : f + ": " + keyPath + ": " + detail;
  }
}
