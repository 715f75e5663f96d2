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
}
