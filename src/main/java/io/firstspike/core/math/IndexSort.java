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

  /**
   * Stable sort of the pairs (key[p], idx[p]) for p in [0, n) by key, ties kept in their given
   * order: the same permutation as {@link #sortInPlace} when {@code key[p] = times[idx[p]]}, but
   * the keys travel with the indices, so no comparison reads {@code times[idx[..]]} indirectly
   * (the per-sample sort of the 121 hidden times of Yin-Yang was the largest item of a training
   * step's profile). Keys must not be NaN.
   *
   * @param tmpKey scratch of length >= n
   * @param tmpIdx scratch of length >= n
   */
  public static void sortPairs(double[] key, int[] idx, int n, double[] tmpKey, int[] tmpIdx) {
    mergeSortPairs(key, idx, n, tmpKey, tmpIdx);
  }

  /** Buckets per key of the bucket sort: fewer keys share a bucket, fewer need moving. */
  public static final int BUCKETS_PER_KEY = 2;

  /** The length of the bucket sort's scratch {@code counts} for n keys. */
  public static int countsLength(int n) {
    return (BUCKETS_PER_KEY + 1) * n + 3;
  }

  /**
   * {@link #sortPairs} by buckets where that pays: {@value #BUCKETS_PER_KEY} n buckets of equal
   * width over (min, max) of the keys, plus one bucket for the keys equal to min and one for those
   * equal to max, filled stably in the given order, then each sorted by insertion. The bucket
   * number never decreases as k grows (min first, then 1 + floor((k - min) * m / (max - min)),
   * capped, whose operations each round monotonically, then max last), so the result is exactly
   * the stable sort's; spread-out spike times leave most keys alone in their bucket, and no
   * comparison branch to mispredict, unlike merging. Keys equal to the smallest or largest key
   * need no sorting among themselves, so a large group of them (the background pixels of an MNIST
   * image without noise all spike at one time) costs one pass. Falls back to the merge sort for
   * short inputs or when one of the other buckets would hold more than {@value #RUN} keys.
   *
   * @param counts scratch of length >= {@link #countsLength}(n)
   */
  public static void sortPairs(double[] key, int[] idx, int n, double[] tmpKey, int[] tmpIdx,
      int[] counts) {
    if (n < 2 * RUN) {
      mergeSortPairs(key, idx, n, tmpKey, tmpIdx);
      return;
    }
    // min and max in two independent chains of plain comparisons (keys are not NaN): a chain of
    // Math.min and Math.max was a tenth of the sort
    double min0 = key[0];
    double max0 = key[0];
    double min1 = key[0];
    double max1 = key[0];
    int p = 1;
    for (; p + 1 < n; p += 2) {
      double k0 = key[p];
      double k1 = key[p + 1];
      min0 = k0 < min0 ? k0 : min0;
      max0 = k0 > max0 ? k0 : max0;
      min1 = k1 < min1 ? k1 : min1;
      max1 = k1 > max1 ? k1 : max1;
    }
    if (p < n) {
      double k0 = key[p];
      min0 = k0 < min0 ? k0 : min0;
      max0 = k0 > max0 ? k0 : max0;
    }
    double min = min0 < min1 ? min0 : min1;
    double max = max0 > max1 ? max0 : max1;
    if (!(max > min)) {
      return; // all keys equal: the stable order is the given one
    }
    int m = BUCKETS_PER_KEY * n;
    double scale = m / (max - min);
    if (!(scale > 0 && scale < Double.POSITIVE_INFINITY)) {
      mergeSortPairs(key, idx, n, tmpKey, tmpIdx);
      return;
    }
    // buckets 0 (keys == min), 1 .. m (min < key < max), m + 1 (keys == max)
    int nb = m + 2;
    int top = m - 1;
    java.util.Arrays.fill(counts, 0, nb, 0);
    boolean crowded = false;
    for (p = 0; p < n; p++) {
      double k = key[p];
      int b = k == min ? 0 : k == max ? m + 1 : 1 + Math.min((int) ((k - min) * scale), top);
      counts[nb + 1 + p] = b; // bucket of position p, kept until the scatter
      int c = ++counts[b];
      crowded |= c > RUN & b > 0 & b <= m; // the end buckets need no sorting
    }
    if (crowded) {
      mergeSortPairs(key, idx, n, tmpKey, tmpIdx);
      return;
    }
    // exclusive prefix sums: each bucket's first position. The running total stays in a
    // register; adding into the array (counts[b + 1] += counts[b]) waited for each store
    int run = 0;
    for (int b = 0; b < nb; b++) {
      int c = counts[b];
      counts[b] = run;
      run += c;
    }
    // Scatter stably (positions in ascending order), then copy back.
    for (p = 0; p < n; p++) {
      int o = counts[counts[nb + 1 + p]]++;
      tmpKey[o] = key[p];
      tmpIdx[o] = idx[p];
    }
    System.arraycopy(tmpKey, 0, key, 0, n);
    System.arraycopy(tmpIdx, 0, idx, 0, n);
    // Buckets are in key order, so one insertion pass over all keys only ever moves a key
    // within its own bucket: the same result as sorting each bucket, without a call per bucket.
    insertionSortPairs(key, idx, 0, n);
  }

  /** Stable insertion sort of {@code key[from..to)}, moving {@code idx} along. */
  private static void insertionSortPairs(double[] key, int[] idx, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      double kv = key[i];
      if (!(key[i - 1] > kv)) {
        continue; // in place (after the buckets' scatter, most keys are)
      }
      int v = idx[i];
      int j = i - 1;
      do {
        key[j + 1] = key[j];
        idx[j + 1] = idx[j];
        j--;
      } while (j >= from && key[j] > kv);
      key[j + 1] = kv;
      idx[j + 1] = v;
    }
  }

  private static void mergeSortPairs(double[] key, int[] idx, int n, double[] tmpKey,
      int[] tmpIdx) {
    for (int lo = 0; lo < n; lo += RUN) {
      insertionSortPairs(key, idx, lo, Math.min(lo + RUN, n));
    }
    double[] srcK = key;
    int[] srcI = idx;
    double[] dstK = tmpKey;
    int[] dstI = tmpIdx;
    for (int width = RUN; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int a = lo;
        int b = mid;
        int o = lo;
        if (mid < hi && !(srcK[mid] < srcK[mid - 1])) {
          // Already in order across the boundary: copy the run unchanged.
          System.arraycopy(srcK, lo, dstK, lo, hi - lo);
          System.arraycopy(srcI, lo, dstI, lo, hi - lo);
          continue;
        }
        while (a < mid && b < hi) {
          double ka = srcK[a];
          double kb = srcK[b];
          if (kb < ka) {
            dstK[o] = kb;
            dstI[o++] = srcI[b++];
          } else {
            dstK[o] = ka;
            dstI[o++] = srcI[a++];
          }
        }
        if (a < mid) {
          System.arraycopy(srcK, a, dstK, o, mid - a);
          System.arraycopy(srcI, a, dstI, o, mid - a);
        } else if (b < hi) {
          System.arraycopy(srcK, b, dstK, o, hi - b);
          System.arraycopy(srcI, b, dstI, o, hi - b);
        }
      }
      double[] sk = srcK;
      srcK = dstK;
      dstK = sk;
      int[] si = srcI;
      srcI = dstI;
      dstI = si;
    }
    if (srcK != key) {
      System.arraycopy(srcK, 0, key, 0, n);
      System.arraycopy(srcI, 0, idx, 0, n);
    }
  }
}
