package io.firstspike.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Shrinks a batch series to a bounded number of points without hiding spikes (min/max buckets).
 *
 * <p>The n lines are split into B consecutive buckets of about n/B lines. From every bucket we
 * keep its first and last line and, for every numeric field f (loss, accuracy, ...), the line
 * where f is smallest and the line where f is largest. With F fields that is at most 2 + 2F lines
 * per bucket, so B = max(1, floor(maxPoints / (2 + 2F))) keeps the result within maxPoints.
 * Lines are kept whole and in their original order, so every series of the chart shows each
 * bucket's extremes: a loss spike of a single batch survives any zoom level. Counters
 * ({@code step}, {@code epoch}, {@code batch}) are not treated as series.
 */
final class BatchDecimator {
  private static final Set<String> COUNTERS = Set.of("step", "epoch", "batch", "batchesPerEpoch");

  private BatchDecimator() {}

  /**
   * @param lines batch lines in step order
   * @param maxPoints upper bound of the result size (at least 1)
   * @return all lines if there are at most maxPoints, else the bucket extremes
   */
  static List<JsonNode> decimate(List<JsonNode> lines, int maxPoints) {
    if (maxPoints < 1) {
      throw new IllegalArgumentException("maxPoints must be at least 1, got " + maxPoints);
    }
    int n = lines.size();
    if (n <= maxPoints) {
      return lines;
    }
    List<String> fields = numericFields(lines);
    int perBucket = 2 + 2 * fields.size();
    int buckets = Math.max(1, maxPoints / perBucket);
    BitSet keep = new BitSet(n);
    for (int k = 0; k < buckets; k++) {
      int from = (int) ((long) k * n / buckets);
      int to = (int) ((long) (k + 1) * n / buckets); // exclusive
      if (from >= to) {
        continue;
      }
      keep.set(from);
      keep.set(to - 1);
      for (String f : fields) {
        int argMin = -1;
        int argMax = -1;
        for (int i = from; i < to; i++) {
          JsonNode v = lines.get(i).get(f);
          if (v == null || !v.isNumber()) {
            continue; // null (NaN) or missing: not an extreme
          }
          double x = v.asDouble();
          if (argMin < 0 || x < lines.get(argMin).get(f).asDouble()) {
            argMin = i;
          }
          if (argMax < 0 || x > lines.get(argMax).get(f).asDouble()) {
            argMax = i;
          }
        }
        if (argMin >= 0) {
          keep.set(argMin);
          keep.set(argMax);
        }
      }
    }
    List<JsonNode> out = new ArrayList<>(keep.cardinality());
    for (int i = keep.nextSetBit(0); i >= 0; i = keep.nextSetBit(i + 1)) {
      out.add(lines.get(i));
    }
    return out;
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
