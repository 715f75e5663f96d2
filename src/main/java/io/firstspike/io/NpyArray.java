package io.firstspike.io;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * An array read from a {@code .npy} file: its shape, the dtype as written in the file, and the
 * values, widened on reading to one of three Java element types (float kinds to {@code double},
 * integer kinds to {@code long}, bool to {@code boolean}). Values are in C (row-major) order:
 * element (i, j) of an r x c array is at index {@code i * c + j}.
 *
 * <p>The accessors return copies and convert between element types only where the conversion is
 * exact; otherwise they throw, naming the file, the index and the value.
 */
public final class NpyArray {

  /** The element family after widening. */
  public enum Kind {
    FLOAT,
    INT,
    BOOL
  }

  /** Largest magnitude below which every integer is exact in a double: 2^53. */
  private static final long MAX_EXACT_DOUBLE_INT = 1L << 53;

  private final Path source;
  private final String dtype;
  private final int[] shape;
  private final double[] doubles;
  private final long[] longs;
  private final boolean[] bools;

  private NpyArray(Path source, String dtype, int[] shape, double[] d, long[] l, boolean[] b) {
    this.source = source;
    this.dtype = dtype;
    this.shape = shape.clone();
    this.doubles = d;
    this.longs = l;
    this.bools = b;
  }

  static NpyArray ofDoubles(Path source, String dtype, int[] shape, double[] values) {
    return new NpyArray(source, dtype, shape, values, null, null);
  }

  static NpyArray ofLongs(Path source, String dtype, int[] shape, long[] values) {
    return new NpyArray(source, dtype, shape, null, values, null);
  }

  static NpyArray ofBooleans(Path source, String dtype, int[] shape, boolean[] values) {
    return new NpyArray(source, dtype, shape, null, null, values);
  }

  /** The file this array was read from. */
  public Path source() {
    return source;
  }

  /**
   * The file's dtype, normalised to byte order + kind + size: {@code <f8}, {@code >i4}, {@code |u1},
   * {@code |b1} ({@code =} native order is reported as {@code <}).
   */
  public String dtype() {
    return dtype;
  }

  public Kind kind() {
    return doubles != null ? Kind.FLOAT : longs != null ? Kind.INT : Kind.BOOL;
  }

  /** The dimensions (a copy); empty for a 0-d array. */
  public int[] shape() {
    return shape.clone();
  }

  public int ndim() {
    return shape.length;
  }

  /** Number of elements. */
  public int size() {
    return doubles != null ? doubles.length : longs != null ? longs.length : bools.length;
  }

  /**
   * The values as doubles. Integers must lie within +-2^53 (where doubles are exact); bools become
   * 0.0 and 1.0.
   */
  public double[] asDoubles() {
    if (doubles != null) {
      return doubles.clone();
    }
    double[] out = new double[size()];
    for (int i = 0; i < out.length; i++) {
      if (longs != null) {
        if (Math.abs(longs[i]) > MAX_EXACT_DOUBLE_INT) {
          throw conversion(i, Long.toString(longs[i]), "a double (|v| <= 2^53)");
        }
        out[i] = longs[i];
      } else {
        out[i] = bools[i] ? 1.0 : 0.0;
      }
    }
    return out;
  }

  /** The values as longs. Floats must be whole numbers in the long range; bools become 0 and 1. */
  public long[] asLongs() {
    if (longs != null) {
      return longs.clone();
    }
    long[] out = new long[size()];
    for (int i = 0; i < out.length; i++) {
      if (doubles != null) {
        double v = doubles[i];
        if (v != Math.rint(v) || Math.abs(v) >= 0x1p63) {
          throw conversion(i, Double.toString(v), "an integer");
        }
        out[i] = (long) v;
      } else {
        out[i] = bools[i] ? 1 : 0;
      }
    }
    return out;
  }

  /** The values as ints (e.g. class labels); each must be a whole number in the int range. */
  public int[] asInts() {
    long[] l = asLongs();
    int[] out = new int[l.length];
    for (int i = 0; i < l.length; i++) {
      if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
        throw conversion(i, Long.toString(l[i]), "an int");
      }
      out[i] = (int) l[i];
    }
    return out;
  }

  /** The values as booleans; numbers must be exactly 0 or 1. */
  public boolean[] asBooleans() {
    if (bools != null) {
      return bools.clone();
    }
    boolean[] out = new boolean[size()];
    for (int i = 0; i < out.length; i++) {
      double v = doubles != null ? doubles[i] : longs[i];
      if (v != 0 && v != 1) {
        throw conversion(i, doubles != null ? Double.toString(v) : Long.toString(longs[i]),
            "a bool (0 or 1)");
      }
      out[i] = v == 1;
    }
    return out;
  }

  /** A 2-d array as rows of doubles. */
  public double[][] asMatrix() {
    if (shape.length != 2) {
      throw new IllegalStateException(source + ": expected a 2-d array for a matrix, but the shape is "
          + Arrays.toString(shape));
    }
    double[] flat = asDoubles();
    double[][] m = new double[shape[0]][];
    for (int i = 0; i < shape[0]; i++) {
      m[i] = Arrays.copyOfRange(flat, i * shape[1], (i + 1) * shape[1]);
    }
    return m;
  }

  private IllegalStateException conversion(int index, String value, String target) {
    return new IllegalStateException(source + ": element " + index + " (dtype " + dtype + ") is "
        + value + ", which is not exactly " + target);
  }

  @Override
  public String toString() {
    return "NpyArray[" + source + ", " + dtype + ", shape " + Arrays.toString(shape) + "]";
  }
}
