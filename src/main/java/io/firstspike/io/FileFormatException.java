package io.firstspike.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file could be read but its content is not what the format requires (bad magic, unsupported
 * type, truncated data, wrong shape, refused pickle global). The message starts with the file and
 * says what is wrong and, where possible, what would be right.
 */
public class FileFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public FileFormatException(Path file, String problem) {
    super(file + ": " + problem);
  }

  public FileFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
  }
}
