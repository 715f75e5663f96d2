package io.firstspike.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.testsupport.Shared;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .npy codec: exact round trips, files crafted byte by byte for every supported dtype and header
 * version (written here independently of {@link Npy}'s writer), the reference data set files, and
 * clear errors for what is not supported.
 */
class NpyTest {
  private static final long SEED = 20210401L;

  @TempDir Path dir;

  @Test
  @DisplayName("float64 arrays of any shape round-trip bit for bit, including NaN, infinities and -0")
  void doublesRoundTrip() throws IOException {
    Random rnd = new Random(SEED);
    double[] data = new double[2 * 3 * 5];
    for (int i = 0; i < data.length; i++) {
      data[i] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(40) - 20);
    }
    data[0] = Double.NaN;
    data[1] = Double.POSITIVE_INFINITY;
    data[2] = Double.NEGATIVE_INFINITY;
    data[3] = -0.0;
    data[4] = Double.MIN_VALUE;
    data[5] = Double.MAX_VALUE;
    for (int[] shape : new int[][] {{30}, {6, 5}, {2, 3, 5}, {1, 30, 1}}) {
      Path f = dir.resolve("d" + shape.length + ".npy");
      Npy.write(f, data, shape);
      NpyArray a = Npy.read(f);
      assertThat(a.shape()).containsExactly(shape);
      assertThat(a.dtype()).isEqualTo("<f8");
      assertThat(a.kind()).isEqualTo(NpyArray.Kind.FLOAT);
      double[] back = a.asDoubles();
      for (int i = 0; i < data.length; i++) {
        assertThat(Double.doubleToRawLongBits(back[i]))
            .as("element %d", i).isEqualTo(Double.doubleToRawLongBits(data[i]));
      }
    }
  }

  @Test
  @DisplayName("int64 and bool arrays round-trip, extremes included; empty arrays too")
  void longsAndBoolsRoundTrip() throws IOException {
    long[] longs = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 42};
    Npy.writeLongs(dir.resolve("l.npy"), longs, 2, 3);
    NpyArray l = Npy.read(dir.resolve("l.npy"));
    assertThat(l.dtype()).isEqualTo("<i8");
    assertThat(l.shape()).containsExactly(2, 3);
    assertThat(l.asLongs()).containsExactly(longs);

    boolean[] bools = {true, false, false, true, true};
    Npy.writeBools(dir.resolve("b.npy"), bools);
    NpyArray b = Npy.read(dir.resolve("b.npy"));
    assertThat(b.dtype()).isEqualTo("|b1");
    assertThat(b.shape()).containsExactly(5);
    assertThat(b.asBooleans()).containsExactly(bools);
    assertThat(b.asLongs()).containsExactly(1, 0, 0, 1, 1);

    Npy.write(dir.resolve("e.npy"), new double[0], 0, 4);
    NpyArray e = Npy.read(dir.resolve("e.npy"));
    assertThat(e.shape()).containsExactly(0, 4);
    assertThat(e.size()).isZero();
  }

  @Test
  @DisplayName("matrices round-trip by rows; ragged rows and wrong shapes are refused")
  void matrices() throws IOException {
    double[][] m = {{1, 2, 3}, {4, 5, 6}};
    Path f = dir.resolve("m.npy");
    Npy.writeMatrix(f, m);
    assertThat(Npy.read(f).asMatrix()).isDeepEqualTo(m);
    assertThat(Npy.read(f).asDoubles()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThatThrownBy(() -> Npy.writeMatrix(f, new double[][] {{1, 2}, {3}}))
        .hasMessageContaining("row 1 has 1 columns");
    assertThatThrownBy(() -> Npy.write(f, new double[5], 2, 3))
        .hasMessageContaining("shape [2, 3] holds 6 elements but the data has 5");
    Npy.write(dir.resolve("v.npy"), new double[] {1, 2});
    assertThatThrownBy(() -> Npy.read(dir.resolve("v.npy")).asMatrix())
        .hasMessageContaining("expected a 2-d array");
  }

  @Test
  @DisplayName("written headers are version 1.0, end in a newline and align the data to 64 bytes")
  void headerLayout() throws IOException {
    Path f = dir.resolve("h.npy");
    Npy.write(f, new double[7 * 3], 7, 3);
    byte[] bytes = Files.readAllBytes(f);
    assertThat(bytes[6]).isEqualTo((byte) 1);
    assertThat(bytes[7]).isEqualTo((byte) 0);
    int headerLen = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
    int dataStart = 10 + headerLen;
    assertThat(dataStart % 64).isZero();
    assertThat(bytes[dataStart - 1]).isEqualTo((byte) '\n');
    assertThat(new String(bytes, 10, headerLen, StandardCharsets.ISO_8859_1))
        .startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (7, 3), }");
    assertThat(bytes.length - dataStart).isEqualTo(7 * 3 * 8);
  }

  @Test
  @DisplayName("a shape too long for a 1.0 header is written as version 2.0 and read back")
  void longHeaderUsesVersion2() throws IOException {
    int[] shape = new int[25000];
    Arrays.fill(shape, 1);
    Path f = dir.resolve("deep.npy");
    Npy.write(f, new double[] {3.5}, shape);
    byte[] bytes = Files.readAllBytes(f);
    assertThat(bytes[6]).isEqualTo((byte) 2);
    NpyArray a = Npy.read(f);
    assertThat(a.ndim()).isEqualTo(25000);
    assertThat(a.asDoubles()).containsExactly(3.5);
  }

  @Test
  @DisplayName("other dtypes and byte orders are widened exactly, in header versions 1, 2 and 3")
  void craftedDtypes() throws IOException {
    ByteBuffer be = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putDouble(1.25).putDouble(-2e300);
    assertThat(Npy.read(craft(1, "'>f8'", "(2,)", be.array())).asDoubles()).containsExactly(1.25, -2e300);

    ByteBuffer f4 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.1f).putFloat(-3f);
    NpyArray floats = Npy.read(craft(2, "'<f4'", "(1, 2)", f4.array()));
    assertThat(floats.asDoubles()).containsExactly((double) 0.1f, -3.0);
    assertThat(floats.shape()).containsExactly(1, 2);

    ByteBuffer i4 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(Integer.MIN_VALUE).putInt(-1).putInt(7);
    assertThat(Npy.read(craft(3, "\"<i4\"", "(3,)", i4.array())).asLongs())
        .containsExactly(Integer.MIN_VALUE, -1, 7);

    ByteBuffer i2 = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) -300).putShort((short) 5);
    assertThat(Npy.read(craft(1, "'>i2'", "(2,)", i2.array())).asInts()).containsExactly(-300, 5);

    byte[] u1 = {(byte) 255, 0, (byte) 128};
    NpyArray bytes = Npy.read(craft(1, "'|u1'", "(3,)", u1));
    assertThat(bytes.asInts()).containsExactly(255, 0, 128);
    assertThat(bytes.asDoubles()).containsExactly(255, 0, 128);

    ByteBuffer u4 = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(-1);
    assertThat(Npy.read(craft(1, "'<u4'", "(1,)", u4.array())).asLongs()).containsExactly(0xFFFFFFFFL);

    assertThat(Npy.read(craft(1, "'|b1'", "(2, 1)", new byte[] {0, 1})).asBooleans())
        .containsExactly(false, true);

    ByteBuffer scalar = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(9.0);
    NpyArray s = Npy.read(craft(1, "'<f8'", "()", scalar.array()));
    assertThat(s.ndim()).isZero();
    assertThat(s.asDoubles()).containsExactly(9.0);
  }

  @Test
  @DisplayName("conversions that would lose information throw and name the element")
  void inexactConversionsAreRefused() throws IOException {
    Path f = dir.resolve("x.npy");
    Npy.write(f, new double[] {1.0, 2.5});
    assertThatThrownBy(() -> Npy.read(f).asLongs())
        .hasMessageContaining("x.npy").hasMessageContaining("element 1").hasMessageContaining("2.5");
    Npy.writeLongs(f, new long[] {0, 1, 2});
    assertThatThrownBy(() -> Npy.read(f).asBooleans()).hasMessageContaining("element 2");
    Npy.writeLongs(f, new long[] {(1L << 53) + 1});
    assertThatThrownBy(() -> Npy.read(f).asDoubles()).hasMessageContaining("2^53");
  }

  @Test
  @DisplayName("unsupported or broken files give errors that name the file and the problem")
  void errors() throws IOException {
    Path fortran = craft(1, "'<f8'", "(1, 2)", new byte[16], "True");
    assertThatThrownBy(() -> Npy.read(fortran))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining(fortran.toString()).hasMessageContaining("fortran_order is True");

    Path truncated = craft(1, "'<f8'", "(3,)", new byte[20]);
    assertThatThrownBy(() -> Npy.read(truncated))
        .hasMessageContaining("truncated").hasMessageContaining("needs 24 data bytes, the file has 20");

    Path complex = craft(1, "'<c16'", "(1,)", new byte[16]);
    assertThatThrownBy(() -> Npy.read(complex)).hasMessageContaining("unsupported dtype '<c16'");

    Path structured = craft(1, "[('a', '<f8')]", "(1,)", new byte[8]);
    assertThatThrownBy(() -> Npy.read(structured)).hasMessageContaining("structured dtypes");

    Path notNpy = dir.resolve("plain.npy");
    Files.writeString(notNpy, "hello, this is text and no array");
    assertThatThrownBy(() -> Npy.read(notNpy))
        .hasMessageContaining("plain.npy").hasMessageContaining("does not start with \\x93NUMPY");

    byte[] future = Files.readAllBytes(craft(1, "'<f8'", "(0,)", new byte[0]));
    future[6] = 9;
    Path v9 = dir.resolve("v9.npy");
    Files.write(v9, future);
    assertThatThrownBy(() -> Npy.read(v9)).hasMessageContaining("unsupported .npy format version 9.0");
  }

  @Test
  @DisplayName("a file larger than one array holds is refused naming the file, not with an OutOfMemoryError")
  void hugeFile() throws IOException {
    Path huge = craft(1, "'<f8'", "(268435457,)", new byte[8]);
    try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(huge,
        java.nio.file.StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(new byte[8]), (1L << 31) + 64); // sparse: no disk space used
    }
    assertThatThrownBy(() -> Npy.read(huge)).isInstanceOf(FileFormatException.class)
        .hasMessageContaining(huge.toString()).hasMessageContaining("2147483720 bytes");
  }

  @Test
  @DisplayName("the reference Yin-Yang files read as 5000 x 4 float64 and int64 labels in {0, 1, 2}")
  void referenceYinYang() throws IOException {
    Path samplesFile = Shared.file("reference/yin_yang/train_samples.npy");
    NpyArray samples = Npy.read(samplesFile);
    assertThat(samples.dtype()).isEqualTo("<f8");
    assertThat(samples.shape()).containsExactly(5000, 4);
    // The data set stores (x, y, 1 - x, 1 - y): a structural check independent of our reader.
    double[][] rows = samples.asMatrix();
    for (double[] r : rows) {
      assertThat(r[2]).isEqualTo(1 - r[0]);
      assertThat(r[3]).isEqualTo(1 - r[1]);
      assertThat(r[0]).isBetween(0.0, 1.0);
    }
    Path labelsFile = Shared.file("reference/yin_yang/train_labels.npy");
    NpyArray labels = Npy.read(labelsFile);
    assertThat(labels.dtype()).isEqualTo("<i8");
    assertThat(labels.shape()).containsExactly(5000);
    assertThat(labels.asInts()).containsOnly(0, 1, 2);

    // Writing what we read reproduces NumPy's file byte for byte.
    Path again = dir.resolve("again.npy");
    Npy.write(again, samples.asDoubles(), samples.shape());
    assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(samplesFile));
    Npy.writeLongs(again, labels.asLongs(), labels.shape());
    assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(labelsFile));
  }

  @Test
  @DisplayName("writes replace the target atomically and leave no temporary files behind")
  void atomicWrite() throws IOException {
    Path f = dir.resolve("sub/a.npy");
    Npy.write(f, new double[] {1});
    Npy.write(f, new double[] {2, 3});
    assertThat(Npy.read(f).asDoubles()).containsExactly(2, 3);
    try (Stream<Path> files = Files.list(f.getParent())) {
      assertThat(files).containsExactly(f);
    }
  }

  /** A .npy file built by hand: preamble of the given version, header padded to 16 bytes. */
  private Path craft(int major, String descr, String shape, byte[] data) throws IOException {
    return craft(major, descr, shape, data, "False");
  }

  private Path craft(int major, String descr, String shape, byte[] data, String fortran)
      throws IOException {
    String dict = "{'descr': " + descr + ", 'fortran_order': " + fortran + ", 'shape': " + shape + "}";
    int pre = major == 1 ? 10 : 12;
    StringBuilder h = new StringBuilder(dict);
    while ((pre + h.length() + 1) % 16 != 0) {
      h.append(' ');
    }
    h.append('\n');
    byte[] header = h.toString().getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
    if (major == 1) {
      len.putShort((short) header.length);
    } else {
      len.putInt(header.length);
    }
    out.write(len.array());
    out.write(header);
    out.write(data);
    Path f = Files.createTempFile(dir, "crafted", ".npy");
    Files.write(f, out.toByteArray());
    return f;
  }
}
