package io.firstspike.core.math;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class IndexSortTest {
  @Test
  @DisplayName("orders indices like a stable library sort, ties by index, for every length 0..300")
  void matchesStableLibrarySort() {
    Random rnd = new Random(42);
    for (int n = 0; n <= 300; n++) {
      double[] key = new double[n];
      for (int i = 0; i < n; i++) {
        // few distinct values, so ties are frequent
        key[i] = rnd.nextInt(Math.max(1, n / 3)) * 0.25;
      }
      int[] order = new int[n];
      IndexSort.sort(key, n, order, new int[n]);
      Integer[] expected = new Integer[n];
      for (int i = 0; i < n; i++) {
        expected[i] = i;
      }
      Arrays.sort(expected, Comparator.comparingDouble(i -> key[i])); // stable
      assertThat(order).as("n = %d", n).containsExactly(Arrays.stream(expected).mapToInt(Integer::intValue).toArray());
    }
  }

  @Test
  @DisplayName("sorts only the first n entries of a longer order array in place")
  void sortsPrefixInPlace() {
    double[] key = {3.0, 1.0, 2.0, 0.5};
    int[] order = {2, 0, 1, 3};
    IndexSort.sortInPlace(key, order, 3, new int[4]);
    assertThat(order).containsExactly(1, 2, 0, 3);
  }

  @Test
  @DisplayName("sortPairs gives the same permutation and sorted keys as sortInPlace, ties included")
  void pairSortMatchesIndexSort() {
    java.util.Random rnd = new java.util.Random(11);
    for (int n : new int[] {0, 1, 2, 15, 16, 17, 33, 121, 300, 785}) {
      double[] times = new double[n];
      for (int i = 0; i < n; i++) {
        // Few distinct values: many ties, which a stable sort keeps in index order.
        times[i] = rnd.nextInt(4) == 0 ? 2.0 : rnd.nextInt(40) * 0.25 - 1.0;
      }
      int[] expected = new int[n];
      IndexSort.sort(times, n, expected, new int[n]);
      int[] idx = new int[n];
      double[] keys = new double[n];
      for (int i = 0; i < n; i++) {
        idx[i] = i;
        keys[i] = times[i];
      }
      double[] keys2 = keys.clone();
      int[] idx2 = idx.clone();
      IndexSort.sortPairs(keys, idx, n, new double[n], new int[n]);
      IndexSort.sortPairs(keys2, idx2, n, new double[n], new int[n], counts(n));
      assertThat(idx).as("n = %d", n).containsExactly(expected);
      assertThat(idx2).as("buckets, n = %d", n).containsExactly(expected);
      for (int p = 0; p < n; p++) {
        assertThat(keys[p]).as("n = %d, position %d", n, p).isEqualTo(times[expected[p]]);
        assertThat(keys2[p]).as("buckets, n = %d, position %d", n, p).isEqualTo(times[expected[p]]);
      }
    }
  }

  @Test
  @DisplayName("the bucket sort equals the stable sort for spread, clustered and extreme keys")
  void bucketSortMatchesIndexSort() {
    Random rnd = new Random(5);
    double[][] scales = {{0, 1}, {1e-300, 1e-300}, {5, 1e-15}, {-1e300, 1e300}, {0, 1e-320}};
    for (int trial = 0; trial < 400; trial++) {
      int n = 1 + rnd.nextInt(300);
      double[] s = scales[trial % scales.length];
      double[] times = new double[n];
      for (int i = 0; i < n; i++) {
        double u = trial % 3 == 0 ? Math.pow(rnd.nextDouble(), 8) : rnd.nextDouble();
        times[i] = rnd.nextInt(10) == 0 && i > 0 ? times[rnd.nextInt(i)] : s[0] + s[1] * u;
      }
      assertThat(bucketSorted(times, new double[n])).as("trial %d, n = %d", trial, n)
          .containsExactly(stableOrder(times));
    }
  }

  @Test
  @DisplayName("the bucket sort keeps large groups at the smallest and largest key in index order")
  void bucketSortWithLargeEndGroups() {
    Random rnd = new Random(8);
    for (int trial = 0; trial < 50; trial++) {
      // an MNIST image without noise: most pixels at the last time, some at the first
      int n = 784;
      double[] times = new double[n];
      for (int i = 0; i < n; i++) {
        int kind = rnd.nextInt(10);
        times[i] = kind < 8 ? 2.0 : kind == 8 ? 0.0 : 0.01 + 1.98 * rnd.nextDouble();
      }
      if (trial % 2 == 1) {
        times[rnd.nextInt(n)] = 2.5; // the big group just below the largest key
      }
      int[] expected = stableOrder(times);
      double[] keys = new double[n];
      assertThat(bucketSorted(times, keys)).as("trial %d", trial).containsExactly(expected);
      for (int p = 0; p < n; p++) {
        assertThat(keys[p]).as("trial %d, position %d", trial, p).isEqualTo(times[expected[p]]);
      }
    }
  }

  /** The stable sort's permutation of the times. */
  private static int[] stableOrder(double[] times) {
    int[] order = new int[times.length];
    IndexSort.sort(times, times.length, order, new int[times.length]);
    return order;
  }

  /** The bucket sort of the pairs (times[i], i): returns the indices, the sorted keys in keys. */
  private static int[] bucketSorted(double[] times, double[] keys) {
    int n = times.length;
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
      keys[i] = times[i];
    }
    IndexSort.sortPairs(keys, idx, n, new double[n], new int[n], counts(n));
    return idx;
  }

  /** The bucket sort's scratch, as large as its javadoc asks. */
  private static int[] counts(int n) {
    return new int[IndexSort.countsLength(n)];
  }
}
