package io.firstspike.runs;

import java.util.List;

/**
 * A run folder cannot be started or resumed because files it needs are missing, unreadable or
 * inconsistent. Every problem is one line naming the file and what is wrong; the message is those
 * lines, joined by newlines. Nothing in the folder has been changed when this is thrown.
 */
public class DamagedRunException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public DamagedRunException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** The problems, one line each. */
  public List<String> problems() {
    return problems;
  }
}
