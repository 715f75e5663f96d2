package io.firstspike.core.optim;

import java.util.function.IntConsumer;

/**
 * Runs the parts 0..parts-1 of an element-wise update, possibly on several threads, and returns
 * when all are done. Each part must touch its own elements only, so the result does not depend
 * on the number of threads.
 */
@FunctionalInterface
public interface RangeRunner {
  /** One part after the other on the calling thread. */
  RangeRunner SERIAL = (parts, part) -> {
    for (int p = 0; p < parts; p++) {
      part.accept(p);
    }
  };

  void run(int parts, IntConsumer part);

  /** Start of part {@code part} of {@code parts} equal ranges of [0, n). */
  static int from(int n, int part, int parts) {
    return (int) ((long) n * part / parts);
  }
}
