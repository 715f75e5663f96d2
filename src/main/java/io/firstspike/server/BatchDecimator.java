package io.firstspike.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one decimation of a batch series, for every reader (the dashboard keeps what it gets and
 * thins nothing itself): min/max buckets fixed on the step axis, so spikes survive.
 *
 * <p>Buckets are the step ranges [k w, (k + 1) w) of a power-of-two width w. From every bucket we
 * keep its first and last line and, for every numeric field f (loss, accuracy, bumpedLayer, ...),
 * the line where f is smallest and the line where f is largest: with F fields at most 2 + 2F lines
 * per bucket. w is the smallest power of two, at least {@code minWidth}, for which the lines
 * kept are at most maxPoints (found by doubling; a width at which the steps touch at most
 * floor(maxPoints / (2 + 2F)) buckets always fits, so at most a few widths are tried). Width 1
 * keeps every line. Lines are kept whole (silent fractions included) and in their original order,
 * so every series of the chart shows each bucket's extremes: a loss spike of a single batch and
 * a weight bump survive any run length. Counters ({@code step}, {@code epoch}, {@code batch}) are
 * not treated as series.
 *
 * <p>Because the buckets are fixed on the step axis, a part of the series decimated with the same
 * width lands in the same buckets as the whole: the page asks for the lines after the ones it
 * holds with the width of its whole-series load ({@code /metrics?since=&width=}) and simply
 * appends the answer. A page holds at most 2 &times; {@link #MAX_POINTS} points before it asks
 * for the whole series again, which then comes at the doubled width.
 */
final class BatchDecimator {
  /**
   * The bound: a decimated answer has at most this many lines (the default of
   * {@code /metrics?points=}); served as {@code batchPoints} by {@code /api/meta}, from which the
   * page takes its limit of 2 &times; this many points held.
   */
  static final int MAX_POINTS = 2000;

  private static final Set<String> COUNTERS = Set.of("step", "epoch", "batch", "batchesPerEpoch");

  /** The kept lines and the bucket width they were kept with (1: every line). */
  record Decimated(List<JsonNode> lines, long width) {}

  private BatchDecimator() {}

  /**
   * @param lines batch lines in step order
   * @param maxPoints upper bound of the result size (at least 1)
   * @param minWidth the narrowest bucket width to use (rounded up to a power of two; at least 1)
   * @return the bucket extremes of the smallest fitting width; {@code lines} itself at width 1
   */
  static Decimated decimate(List<JsonNode> lines, int maxPoints, long minWidth) {
    if (maxPoints < 1) {
      throw new IllegalArgumentException("maxPoints must be at least 1, got " + maxPoints);
    }
    if (minWidth < 1) {
      throw new IllegalArgumentException("minWidth must be at least 1, got " + minWidth);
    }
    long w = powerOfTwoAtLeast(minWidth);
    int n = lines.size();
    if (n == 0) {
      return new Decimated(lines, w);
    }
    List<String> fields = numericFields(lines);
    long first = step(lines.get(0));
    long last = step(lines.get(n - 1));
    // Each bucket keeps at least one line: start where the buckets touched fit in maxPoints.
    while (Math.floorDiv(last, w) - Math.floorDiv(first, w) + 1 > maxPoints) {
      w *= 2;
    }
    // Then double until the lines kept fit; at most B = maxPoints / (2 + 2F) buckets always do.
    while (true) {
      List<JsonNode> kept = w == 1 ? lines : keep(lines, w, fields);
      if (kept.size() <= maxPoints) {
        return new Decimated(kept, w);
      }
      w *= 2;
    }
  }

  /** The bucket extremes at width w, in order. */
  private static List<JsonNode> keep(List<JsonNode> lines, long w, List<String> fields) {
    int n = lines.size();
    BitSet keep = new BitSet(n);
    int from = 0;
    while (from < n) {
      long k = Math.floorDiv(step(lines.get(from)), w);
      int to = from + 1;
      while (to < n && Math.floorDiv(step(lines.get(to)), w) == k) {
        to++;
      }
      keepExtremes(lines, from, to, fields, keep);
      from = to;
    }
    List<JsonNode> out = new ArrayList<>(keep.cardinality());
    for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
      out.add(lines.get(i));
    }
    return out;
  }

  /** Marks the first and last line of lines[from, to) and each field's smallest and largest. */
  private static void keepExtremes(List<JsonNode> lines, int from, int to, List<String> fields, BitSet keep) {
    keep.set(from);
    keep.set(to - 1);
    for (String f : fields) {
      int argMin = -1;
      int argMax = -1;
      double min = 0;
      double max = 0;
      for (int i = from; i < to; i++) {
        JsonNode v = lines.get(i).get(f);
        if (v == null || !v.isNumber()) {
          continue; // null (NaN, no bump) or missing: not an extreme
        }
        double x = v.asDouble();
        if (argMin < 0 || x < min) {
          argMin = i;
          min = x;
        }
        if (argMax < 0 || x > max) {
          argMax = i;
          max = x;
        }
      }
      if (argMin >= 0) {
        keep.set(argMin);
        keep.set(argMax);
      }
    }
  }

  /** The step of a line (lines without one sort as step 0, as the reader left them in order). */
  private static long step(JsonNode line) {
    return line.path("step").asLong(0);
  }

  /** The smallest power of two at least {@code x} (x at least 1). */
  static long powerOfTwoAtLeast(long x) {
    long p = Long.highestOneBit(x);
    return p == x ? p : p << 1;
  }

  /** Names of the top-level numeric fields that occur in any line, counters excluded. */
  static List<String> numericFields(List<JsonNode> lines) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode line : lines) {
      for (Iterator<String> it = line.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!COUNTERS.contains(f) && line.get(f).isNumber()) {
          names.add(f);
        }
      }
    }
    return List.copyOf(names);
  }
}
