package io.firstspike.core.math;

/**
 * Allocation-free stable sort of indices by double keys, for the per-sample sort of input spike
 * times (the forward pass sorts once per sample and layer, so it must not allocate).
 */
public final class IndexSort {
  private IndexSort() {}

  /** Runs up to this length are sorted by insertion before merging. */
  private static final int RUN = 16;

  /**
   * Writes into {@code order[0..n)} the indices 0..n-1 ordered by ascending {@code key[i]}, ties
   * by ascending index (stable). Keys must not be NaN.
   *
   * @param tmp scratch of length >= n
   */
  public static void sort(double[] key, int n, int[] order, int[] tmp) {
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    sortInPlace(key, order, n, tmp);
  }

  /** Stable sort of the first n entries of {@code order} (indices into key) by their keys. */
  public static void sortInPlace(double[] key, int[] order, int n, int[] tmp) {
    for (int lo = 0; lo < n; lo += RUN) {
      int hi = Math.min(lo + RUN, n);
      for (int i = lo + 1; i < hi; i++) {
        int v = order[i];
        double kv = key[v];
        int j = i - 1;
        while (j >= lo && key[order[j]] > kv) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = v;
      }
    }
    int[] src = order;
    int[] dst = tmp;
    for (int width = RUN; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int a = lo;
        int b = mid;
        int o = lo;
        while (a < mid && b < hi) {
          dst[o++] = key[src[b]] < key[src[a]] ? src[b++] : src[a++];
        }
        while (a < mid) {
          dst[o++] = src[a++];
        }
        while (b < hi) {
          dst[o++] = src[b++];
        }
      }
      int[] s = src;
      src = dst;
      dst = s;
    }
    if (src != order) {
      System.arraycopy(src, 0, order, 0, n);
    }
  }
}
