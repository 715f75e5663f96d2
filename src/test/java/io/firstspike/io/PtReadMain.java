package io.firstspike.io;

import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link PtImporterBoundsTest}: imports each file (either kind of network) named
 * on the command line and prints one line per file, {@code <file>\t<outcome>\t<message>}, where
 * the outcome is {@code OK} or the simple class name of whatever was thrown, errors included.
 */
public final class PtReadMain {
  private PtReadMain() {}

  public static void main(String[] args) {
    for (String f : args) {
      String outcome;
      String message;
      try {
        PtImporter.readAny(Path.of(f));
        outcome = "OK";
        message = "";
      } catch (Throwable t) { // OutOfMemoryError and StackOverflowError are what this looks for
        outcome = t.getClass().getSimpleName();
        message = String.valueOf(t.getMessage()).replace('\n', ' ');
      }
      System.out.println(f + "\t" + outcome + "\t" + message);
    }
  }
}
