package io.firstspike.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX files MNIST ships in (raw or gzip-compressed; detected by the gzip magic
 * bytes 1f 8b, not by the name).
 *
 * <p>Layout: two zero bytes, a type byte (0x08 = unsigned byte, the only one MNIST uses), the
 * number of dimensions, one big-endian 32-bit size per dimension, then the data in row-major
 * order. Labels are 1-d (magic 0x00000801), images 3-d (0x00000803: count, rows, columns).
 */
public final class Idx {
  private static final int UBYTE = 0x08;

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
    try (DataInputStream in = open(file)) {
      int[] dims = header(in, file, 3, "images (magic 0x00000803)");
      long total = (long) dims[0] * dims[1] * dims[2];
      if (total > Integer.MAX_VALUE) {
        throw new DataException(file + ": " + total + " pixels are more than one array can hold");
      }
      byte[] pixels = new byte[(int) total];
      readFully(in, pixels, file);
      return new Images(dims[0], dims[1], dims[2], pixels);
    } catch (IOException e) {
      throw new DataException(file + ": cannot read IDX images: " + e.getMessage(), e);
    }
  }

  /** Reads a label file (magic 0x00000801) as ints 0..255. */
  public static int[] readLabels(Path file) {
    try (DataInputStream in = open(file)) {
      int[] dims = header(in, file, 1, "labels (magic 0x00000801)");
      byte[] raw = new byte[dims[0]];
      readFully(in, raw, file);
      int[] labels = new int[raw.length];
      for (int i = 0; i < raw.length; i++) {
        labels[i] = raw[i] & 0xff;
      }
      return labels;
    } catch (IOException e) {
      throw new DataException(file + ": cannot read IDX labels: " + e.getMessage(), e);
    }
  }

  private static DataInputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file + ": IDX file not found");
    }
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    raw.mark(2);
    int b0 = raw.read();
    int b1 = raw.read();
    raw.reset();
    InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
    return new DataInputStream(new BufferedInputStream(in, 1 << 16));
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

  private static void readFully(DataInputStream in, byte[] buf, Path file) throws IOException {
    try {
      in.readFully(buf);
    } catch (EOFException e) {
      throw new DataException(file + ": truncated, the header announces " + buf.length
          + " data bytes but the file ends early");
    }
  }
}
