package io.firstspike.data;

/**
 * A data set cannot be loaded: a file is missing, unreadable or malformed, or a specification is
 * wrong. The message names the file (and line or index) or the key, and what would be right.
 */
public class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
