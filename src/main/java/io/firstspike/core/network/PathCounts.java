package io.firstspike.core.network;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How often the fast passes took each of their loops, for the contract test's proof that its
 * random layers reach every one (a loop no case reaches would be tested by nothing). Off unless
 * the system property {@code firstspike.countPaths} is true (the test build sets it): then the
 * JIT folds {@link #ON} and drops every count, so the product's passes do not pay for it.
 */
final class PathCounts {
  private PathCounts() {}

  static final boolean ON = Boolean.getBoolean("firstspike.countPaths");

  /** The loops counted: one count per call of the loop, not per neuron. */
  enum Path {
    NARROW_WALK, FINAL_GROUP, BLOCK_DENSE, BLOCK_SPARSE, BLOCK_WALK_ON, PREFIX_BOUND_DENSE,
    PREFIX_BOUND_SPARSE, SUMS_DENSE, SUMS_SPARSE, SCREEN_ET, SCREEN_DT, COLUMN_WALK, ROW_WALK,
    ROW_COMPACT, DEFERRED_ROW_DENSE, DEFERRED_ROW_LIST, CLIP_BOUND_SKIP, CLIP_SCAN
  }

  private static final AtomicLongArray COUNTS = new AtomicLongArray(Path.values().length);

  static void hit(Path p) {
    COUNTS.incrementAndGet(p.ordinal());
  }

  static long get(Path p) {
    return COUNTS.get(p.ordinal());
  }

  static void reset() {
    for (int i = 0; i < COUNTS.length(); i++) {
      COUNTS.set(i, 0);
    }
  }
}
