package io.firstspike.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reader for the IDX files MNIST ships in (raw or gzip-compressed; detected by the gzip magic
 * bytes 1f 8b, not by the name). Damage is refused with a message naming the file: a gzip CRC32
 * or size mismatch, a truncated stream, bytes after the gzip data, and data shorter or longer
 * than the header's dimensions announce.
 *
 * <p>Layout: two zero bytes, a type byte (0x08 = unsigned byte, the only one MNIST uses), the
 * number of dimensions, one big-endian 32-bit size per dimension, then the data in row-major
 * order. Labels are 1-d (magic 0x00000801), images 3-d (0x00000803: count, rows, columns).
 */
public final class Idx {
  private static final int UBYTE = 0x08;
  /** The largest array length every JVM allocates. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private Idx() {}

  /** Images as unsigned bytes, image {@code i} at {@code [i * rows * cols, (i+1) * rows * cols)}. */
  public record Images(int count, int rows, int cols, byte[] pixels) {
    /** Pixel (r, c) of image i, 0..255. */
    public int pixel(int i, int r, int c) {
      return pixels[(i * rows + r) * cols + c] & 0xff;
    }
  }

  /** Reads an image file (magic 0x00000803). */
  public static Images readImages(Path file) {
    try (Source src = open(file)) {
      int[] dims = header(src.in(), file, 3, "images (magic 0x00000803)");
      return new Images(dims[0], dims[1], dims[2], data(src, file, dims));
    } catch (IOException e) {
      throw new DataException(file + ": cannot read IDX images: " + e.getMessage(), e);
    }
  }

  /** Reads a label file (magic 0x00000801) as ints 0..255. */
  public static int[] readLabels(Path file) {
    try (Source src = open(file)) {
      int[] dims = header(src.in(), file, 1, "labels (magic 0x00000801)");
      byte[] raw = data(src, file, dims);
      int[] labels = new int[raw.length];
      for (int i = 0; i < raw.length; i++) {
        labels[i] = raw[i] & 0xff;
      }
      return labels;
    } catch (IOException e) {
      throw new DataException(file + ": cannot read IDX labels: " + e.getMessage(), e);
    }
  }

  /**
   * Opens the file, decompressing it if it starts with the gzip magic bytes. Compressed files are
   * checked strictly ({@link StrictGzipInputStream}: CRC32, size, truncation, trailing bytes).
   */
  private static Source open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file + ": IDX file not found");
    }
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    boolean compressed = b0 == 0x1f && b1 == 0x8b;
    InputStream in = compressed ? new StrictGzipInputStream(raw, file) : raw;
    return new Source(new DataInputStream(in), compressed);
  }

  /** An opened IDX file: its (decompressed) bytes and whether it is gzip-compressed. */
  private record Source(DataInputStream in, boolean compressed) implements Closeable {
    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /**
   * The data the header's dimensions announce, which must be exactly what follows the header. A
   * raw file's size is compared before anything is allocated; compressed data is read as it
   * arrives, so a small file claiming gigabytes fails as truncated without reserving them.
   */
  private static byte[] data(Source src, Path file, int[] dims) throws IOException {
    DataInputStream in = src.in();
    long total = 1;
    StringBuilder shape = new StringBuilder();
    for (int d : dims) {
      total *= d;
      shape.append(shape.length() == 0 ? "" : " x ").append(d);
    }
    if (total > MAX_ARRAY) {
      throw new DataException(file + ": the header's dimensions " + shape + " give " + total
          + " bytes, more than one array can hold");
    }
    if (!src.compressed()) {
      long needed = 4 + 4L * dims.length + total;
      long size = Files.size(file);
      if (size != needed) {
        throw new DataException(file + ": " + (size < needed ? "truncated" : "trailing bytes")
            + ": the header's dimensions " + shape + " need " + needed + " bytes (with the "
            + (4 + 4 * dims.length) + "-byte header), the file has " + size + " bytes");
      }
    }
    byte[] data = in.readNBytes((int) total);
    if (data.length < total) {
      throw new DataException(file + ": truncated: the header's dimensions " + shape + " announce "
          + total + " data bytes but the uncompressed data ends after " + data.length);
    }
    if (in.read() >= 0) { // for gzip, this also checks the trailer of the last member
      throw new DataException(file + ": trailing data: the uncompressed data is longer than the "
          + total + " bytes the header's dimensions " + shape + " announce");
    }
    return data;
  }

  private static int[] header(DataInputStream in, Path file, int ndim, String what)
      throws IOException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      throw new DataException(file + ": empty or truncated, expected IDX " + what);
    }
    int expected = (UBYTE << 8) | ndim;
    if (magic != expected) {
      // the bytes found are not quoted: error messages never repeat a file's content
      throw new DataException(String.format(
          "%s: not IDX %s: it does not start with the magic number 0x%08x", file, what, expected));
    }
    int[] dims = new int[ndim];
    for (int d = 0; d < ndim; d++) {
      dims[d] = in.readInt();
      if (dims[d] < 0) {
        throw new DataException(file + ": dimension " + d + " has negative size " + dims[d]);
      }
    }
    return dims;
  }

}
