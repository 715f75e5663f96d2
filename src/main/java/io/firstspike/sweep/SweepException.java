package io.firstspike.sweep;

/**
 * Bad input to a sweep (its file, a path, a value, a sweep folder): the message is one line per
 * problem and names the file, the entry and the key path; the CLI prints it with exit code 2.
 */
public final class SweepException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SweepException(String message) {
    super(message);
  }
}
