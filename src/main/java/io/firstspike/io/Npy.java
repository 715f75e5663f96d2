package io.firstspike.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0).
 *
 * <p>Layout: the magic {@code \x93NUMPY}, a major and a minor version byte, the header length
 * (uint16 little-endian for 1.0, uint32 for 2.0 and 3.0), the header (a Python dict literal,
 * Latin-1 for 1.x/2.x, UTF-8 for 3.0, padded with spaces and a newline so that the data starts at a
 * multiple of 64 bytes), then the raw elements in C order.
 *
 * <p>Reading accepts float {@code f4 f8}, signed {@code i1 i2 i4 i8}, unsigned {@code u1 u2 u4 u8}
 * and {@code b1}, in either byte order, and widens them (see {@link NpyArray}). Fortran-ordered
 * arrays are refused rather than silently transposed. Writing produces little-endian {@code <f8},
 * {@code <i8} or {@code |b1}, version 1.0 unless the header is too long for it, atomically (temp
 * file and rename).
 */
public final class Npy {
  private Npy() {}

  /** The largest array length every JVM allocates (files are read whole into one array). */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** NumPy aligns the start of the data to this many bytes. */
  private static final int ALIGNMENT = 64;
  /** Preamble bytes before the header: magic, 2 version bytes, then 2 (v1) or 4 (v2, v3). */
  private static final int PREAMBLE_V1 = MAGIC.length + 2 + 2;

  private static final int PREAMBLE_V2 = MAGIC.length + 2 + 4;

  /**
   * Reads a whole {@code .npy} file.
   *
   * @throws FileFormatException if the file is not a supported .npy array, naming what is wrong
   * @throws IOException if it cannot be read
   */
  public static NpyArray read(Path file) throws IOException {
    long size = Files.size(file);
    if (size > MAX_ARRAY) {
      throw new FileFormatException(file, size + " bytes, more than one array holds ("
          + MAX_ARRAY + "); FirstSpike reads .npy files below 2 GB");
    }
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length < PREAMBLE_V1 || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new FileFormatException(file, "not a .npy file: it does not start with \\x93NUMPY");
    }
    int major = bytes[6] & 0xFF;
    int minor = bytes[7] & 0xFF;
    ByteBuffer pre = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength;
    int headerStart;
    if (major == 1) {
      headerLength = pre.getShort(8) & 0xFFFF;
      headerStart = PREAMBLE_V1;
    } else if (major == 2 || major == 3) {
      if (bytes.length < PREAMBLE_V2) {
        throw new FileFormatException(file, "truncated .npy preamble (" + bytes.length + " bytes)");
      }
      headerLength = pre.getInt(8) & 0xFFFFFFFFL;
      headerStart = PREAMBLE_V2;
    } else {
      throw new FileFormatException(file, "unsupported .npy format version " + major + "." + minor
          + "; supported are 1.0, 2.0 and 3.0");
    }
    if (headerStart + headerLength > bytes.length) {
      throw new FileFormatException(file, "truncated: the header needs " + headerLength
          + " bytes but the file has only " + (bytes.length - headerStart) + " after the preamble");
    }
    String text = new String(bytes, headerStart, (int) headerLength,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    NpyHeader header = NpyHeader.parse(text, file);
    if (header.fortranOrder()) {
      throw new FileFormatException(file, "fortran_order is True; only C-ordered arrays are"
          + " supported (save with numpy.ascontiguousarray(a) first)");
    }
    NpyDtype dtype = NpyDtype.parse(header.descr(), file);
    int count = (int) header.count();
    int dataStart = headerStart + (int) headerLength;
    long expected = (long) count * dtype.size();
    long actual = bytes.length - dataStart;
    if (actual != expected) {
      throw new FileFormatException(file, (actual < expected ? "truncated" : "trailing bytes")
          + ": shape " + Arrays.toString(header.shape()) + " of " + header.descr() + " needs "
          + expected + " data bytes, the file has " + actual);
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) expected).slice().order(dtype.order());
    return dtype.decode(data, count, header.shape(), file);
  }

  /** Writes float64 data with the given shape (1-d of {@code data.length} when none is given). */
  public static void write(Path file, double[] data, int... shape) throws IOException {
    int[] s = checkShape(file, data.length, shape);
    ByteBuffer buf = ByteBuffer.allocate(data.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asDoubleBuffer().put(data);
    writeFile(file, "<f8", s, buf.array());
  }

  /** Writes int64 data with the given shape (1-d when none is given). */
  public static void writeLongs(Path file, long[] data, int... shape) throws IOException {
    int[] s = checkShape(file, data.length, shape);
    ByteBuffer buf = ByteBuffer.allocate(data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asLongBuffer().put(data);
    writeFile(file, "<i8", s, buf.array());
  }

  /** Writes bool data (one byte each, 0 or 1) with the given shape (1-d when none is given). */
  public static void writeBools(Path file, boolean[] data, int... shape) throws IOException {
    int[] s = checkShape(file, data.length, shape);
    byte[] raw = new byte[data.length];
    for (int i = 0; i < data.length; i++) {
      raw[i] = (byte) (data[i] ? 1 : 0);
    }
    writeFile(file, "|b1", s, raw);
  }

  /** Writes a rectangular matrix as a 2-d float64 array (rows x columns). */
  public static void writeMatrix(Path file, double[][] rows) throws IOException {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    double[] flat = new double[rows.length * cols];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != cols) {
        throw new IllegalArgumentException(file + ": matrix row " + i + " has " + rows[i].length
            + " columns, row 0 has " + cols + "; a .npy matrix must be rectangular");
      }
      System.arraycopy(rows[i], 0, flat, i * cols, cols);
    }
    write(file, flat, rows.length, cols);
  }

  private static int[] checkShape(Path file, int length, int[] shape) {
    if (shape.length == 0) {
      return new int[] {length};
    }
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(file + ": negative dimension in shape "
            + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != length) {
      throw new IllegalArgumentException(file + ": shape " + Arrays.toString(shape) + " holds " + n
          + " elements but the data has " + length);
    }
    return shape.clone();
  }

  /** Builds preamble + padded header and writes it with the data atomically. */
  private static void writeFile(Path file, String descr, int[] shape, byte[] data)
      throws IOException {
    byte[] header = new NpyHeader(descr, false, shape).format().getBytes(StandardCharsets.ISO_8859_1);
    int preamble = PREAMBLE_V1;
    int major = 1;
    int padded = paddedLength(preamble, header.length);
    if (padded > 0xFFFF) {
      preamble = PREAMBLE_V2;
      major = 2;
      padded = paddedLength(preamble, header.length);
    }
    ByteBuffer head = ByteBuffer.allocate(preamble + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.put(MAGIC).put((byte) major).put((byte) 0);
    if (major == 1) {
      head.putShort((short) padded);
    } else {
      head.putInt(padded);
    }
    head.put(header);
    while (head.position() < head.capacity() - 1) {
      head.put((byte) ' ');
    }
    head.put((byte) '\n');
    byte[] headBytes = head.array();
    AtomicFiles.write(file, out -> {
      out.write(headBytes);
      out.write(data);
    });
  }

  /** Header length including spaces and the final newline so that the data starts aligned. */
  private static int paddedLength(int preamble, int headerLength) {
    int total = preamble + headerLength + 1;
    int rounded = (total + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    return rounded - preamble;
  }
}
