package io.firstspike.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A simple NumPy dtype string such as {@code <f8}: byte order ({@code <} little, {@code >} big,
 * {@code |} not applicable, {@code =} native, taken as little-endian), kind ({@code f} float,
 * {@code i} signed, {@code u} unsigned, {@code b} bool) and item size in bytes.
 */
record NpyDtype(ByteOrder order, char kind, int size) {

  private static final String SUPPORTED = "f4, f8, i1, i2, i4, i8, u1, u2, u4, u8, b1";

  static NpyDtype parse(String descr, Path file) throws FileFormatException {
    String s = descr;
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    if (!s.isEmpty() && "<>|=".indexOf(s.charAt(0)) >= 0) {
      order = s.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      s = s.substring(1);
    }
    if (s.length() >= 2) {
      char kind = s.charAt(0);
      String digits = s.substring(1);
      if (digits.matches("[1248]")) {
        int size = Integer.parseInt(digits);
        boolean ok = switch (kind) {
          case 'f' -> size == 4 || size == 8;
          case 'i', 'u' -> true;
          case 'b' -> size == 1;
          default -> false;
        };
        if (ok) {
          return new NpyDtype(order, kind, size);
        }
      }
    }
    throw new FileFormatException(file, "unsupported dtype '" + descr + "'; supported are "
        + SUPPORTED + " (with < or > byte order)");
  }

  /** Decodes {@code count} elements from {@code data} (already in this byte order). */
  NpyArray decode(ByteBuffer data, int count, int[] shape, Path file) throws FileFormatException {
    String descr = (order == ByteOrder.BIG_ENDIAN ? ">" : size == 1 ? "|" : "<") + kind + size;
    switch (kind) {
      case 'f' -> {
        double[] v = new double[count];
        if (size == 8) {
          data.asDoubleBuffer().get(v);
        } else {
          for (int i = 0; i < count; i++) {
            v[i] = data.getFloat(i * 4);
          }
        }
        return NpyArray.ofDoubles(file, descr, shape, v);
      }
      case 'b' -> {
        boolean[] v = new boolean[count];
        for (int i = 0; i < count; i++) {
          v[i] = data.get(i) != 0;
        }
        return NpyArray.ofBooleans(file, descr, shape, v);
      }
      default -> {
        long[] v = new long[count];
        for (int i = 0; i < count; i++) {
          v[i] = integer(data, i);
          if (kind == 'u' && size == 8 && v[i] < 0) {
            throw new FileFormatException(file, "element " + i + " of dtype " + descr + " is "
                + Long.toUnsignedString(v[i]) + ", larger than the int64 range");
          }
        }
        return NpyArray.ofLongs(file, descr, shape, v);
      }
    }
  }

  private long integer(ByteBuffer data, int i) {
    boolean unsigned = kind == 'u';
    return switch (size) {
      case 1 -> unsigned ? data.get(i) & 0xFFL : data.get(i);
      case 2 -> unsigned ? data.getShort(i * 2) & 0xFFFFL : data.getShort(i * 2);
      case 4 -> unsigned ? data.getInt(i * 4) & 0xFFFFFFFFL : data.getInt(i * 4);
      default -> data.getLong(i * 8);
    };
  }
}
