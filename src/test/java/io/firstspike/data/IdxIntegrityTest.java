package io.firstspike.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged IDX files, raw and gzip-compressed, crafted byte by byte from the gzip format (RFC 1952:
 * a 10-byte header, deflate data, then CRC32 and ISIZE, both little-endian) and the IDX layout.
 * Each must be refused with a message naming the file and the damage; none may load as if whole.
 */
class IdxIntegrityTest {
  @TempDir Path dir;

  /** An IDX label file with {@code n} labels 0..9. */
  private static byte[] labels(int n) {
    ByteBuffer b = ByteBuffer.allocate(8 + n);
    b.putInt(0x00000801).putInt(n);
    for (int i = 0; i < n; i++) {
      b.put((byte) (i % 10));
    }
    return b.array();
  }

  /** An IDX image file of {@code count} images of rows x cols. */
  private static byte[] images(int count, int rows, int cols) {
    ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
    b.putInt(0x00000803).putInt(count).putInt(rows).putInt(cols);
    for (int i = 0; i < count * rows * cols; i++) {
      b.put((byte) (i * 7));
    }
    return b.array();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private Path file(String name, byte[] bytes) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    return f;
  }

  @Test
  @DisplayName("intact gzip files load, and so do files of two gzip members (as gzip -d reads them)")
  void intactFilesLoad() throws IOException {
    byte[] raw = labels(500);
    int[] expected = new int[500];
    Arrays.setAll(expected, i -> i % 10);
    assertThat(Idx.readLabels(file("one.gz", gzip(raw)))).containsExactly(expected);
    byte[] twoMembers = concat(gzip(Arrays.copyOfRange(raw, 0, 100)),
        gzip(Arrays.copyOfRange(raw, 100, raw.length)));
    assertThat(Idx.readLabels(file("two.gz", twoMembers))).containsExactly(expected);
    Idx.Images img = Idx.readImages(file("img.gz", gzip(images(3, 4, 5))));
    assertThat(img.pixel(2, 3, 4)).isEqualTo((2 * 20 + 3 * 5 + 4) * 7 & 0xff);
  }

  @Test
  @DisplayName("a gzip header with a file name (FNAME) and a correct header CRC (FHCRC) loads")
  void optionalHeaderFields() throws IOException {
    byte[] plain = gzip(labels(30));
    // Rebuild the header with FNAME "l.idx" and FHCRC (the low 16 bits of the header's CRC32).
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    h.write(plain, 0, 10);
    byte[] header = h.toByteArray();
    header[3] = 0x08 | 0x02;
    h.reset();
    h.writeBytes(header);
    h.writeBytes("l.idx\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(h.toByteArray());
    h.write((int) crc.getValue() & 0xff);
    h.write((int) (crc.getValue() >>> 8) & 0xff);
    byte[] withName = concat(h.toByteArray(), Arrays.copyOfRange(plain, 10, plain.length));
    assertThat(Idx.readLabels(file("named.gz", withName))).hasSize(30);

    byte[] badHeaderCrc = withName.clone();
    badHeaderCrc[16] ^= 0x01; // first byte of the header CRC, after 10 + "l.idx\0"
    Path f = file("badhcrc.gz", badHeaderCrc);
    assertThatThrownBy(() -> Idx.readLabels(f)).isInstanceOf(DataException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("header CRC");
  }

  @Test
  @DisplayName("a CRC32 mismatch in the gzip trailer is refused, naming the file")
  void crcMismatch() throws IOException {
    byte[] gz = gzip(labels(200));
    gz[gz.length - 8] ^= 0x5a;
    Path f = file("crc.gz", gz);
    assertThatThrownBy(() -> Idx.readLabels(f)).isInstanceOf(DataException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("CRC32");
  }

  @Test
  @DisplayName("an ISIZE mismatch in the gzip trailer is refused")
  void sizeMismatch() throws IOException {
    byte[] gz = gzip(labels(200));
    gz[gz.length - 4] ^= 0x01;
    Path f = file("isize.gz", gz);
    assertThatThrownBy(() -> Idx.readLabels(f)).isInstanceOf(DataException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("size");
  }

  @Test
  @DisplayName("a cut trailer (the data complete, CRC or size missing) is refused as truncated")
  void truncatedTrailer() throws IOException {
    byte[] gz = gzip(labels(200));
    for (int cut : new int[] {1, 4, 8}) {
      Path f = file("trailer" + cut + ".gz", Arrays.copyOf(gz, gz.length - cut));
      assertThatThrownBy(() -> Idx.readLabels(f)).as("cut %d", cut)
          .isInstanceOf(DataException.class)
          .hasMessageContaining(f.toString()).hasMessageContaining("truncated");
    }
  }

  @Test
  @DisplayName("a stream cut inside the compressed data is refused as truncated")
  void truncatedData() throws IOException {
    byte[] gz = gzip(images(20, 28, 28));
    Path f = file("half.gz", Arrays.copyOf(gz, gz.length / 2));
    assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(DataException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("truncated");
  }

  @Test
  @DisplayName("bytes after the gzip trailer that are not another gzip member are refused")
  void trailingGarbage() throws IOException {
    byte[] gz = gzip(labels(200));
    byte[][] tails = {"garbage!".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        new byte[] {0, 0, 0, 0}, new byte[] {0x1f}, new byte[] {0x1f, (byte) 0x8b, 8}};
    for (int i = 0; i < tails.length; i++) {
      Path f = file("tail" + i + ".gz", concat(gz, tails[i]));
      assertThatThrownBy(() -> Idx.readLabels(f)).as("tail %d", i)
          .isInstanceOf(DataException.class).hasMessageContaining(f.toString())
          .hasMessageMatching("(?s).*(trailing|truncated).*");
    }
  }

  @Test
  @DisplayName("a damaged second gzip member is refused like a damaged first one")
  void damagedSecondMember() throws IOException {
    byte[] raw = labels(200);
    byte[] second = gzip(Arrays.copyOfRange(raw, 50, raw.length));
    second[second.length - 7] ^= 0x10;
    Path f = file("member2.gz", concat(gzip(Arrays.copyOfRange(raw, 0, 50)), second));
    assertThatThrownBy(() -> Idx.readLabels(f)).isInstanceOf(DataException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("CRC32")
        .hasMessageContaining("member 2");
  }

  @Test
  @DisplayName("data beyond what the IDX header announces is refused, raw or compressed")
  void trailingIdxData() throws IOException {
    byte[] extra = concat(labels(100), new byte[] {1, 2, 3});
    Path raw = file("extra-raw", extra);
    assertThatThrownBy(() -> Idx.readLabels(raw)).isInstanceOf(DataException.class)
        .hasMessageContaining(raw.toString()).hasMessageContaining("trailing")
        .hasMessageContaining("108").hasMessageContaining("111");
    Path gz = file("extra.gz", gzip(extra));
    assertThatThrownBy(() -> Idx.readLabels(gz)).isInstanceOf(DataException.class)
        .hasMessageContaining(gz.toString()).hasMessageContaining("trailing");
    Path img = file("extra-img.gz", gzip(concat(images(2, 3, 3), new byte[9])));
    assertThatThrownBy(() -> Idx.readImages(img)).isInstanceOf(DataException.class)
        .hasMessageContaining("trailing");
  }

  @Test
  @DisplayName("a raw file whose header announces more data than it holds is refused before allocating")
  void hugeHeaderRaw() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(20);
    b.putInt(0x00000803).putInt(46340).putInt(46340).putInt(1); // 2^31 - 87,919 pixels
    Path f = file("huge-raw", b.array());
    assertThatThrownBy(() -> Idx.readImages(f)).isInstanceOf(DataException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("46340 x 46340 x 1")
        .hasMessageContaining("the file has 20 bytes");
    ByteBuffer l = ByteBuffer.allocate(12);
    l.putInt(0x00000801).putInt(Integer.MAX_VALUE - 8);
    Path g = file("huge-labels", l.array());
    assertThatThrownBy(() -> Idx.readLabels(g)).isInstanceOf(DataException.class)
        .hasMessageContaining(g.toString()).hasMessageContaining("truncated")
        .hasMessageContaining("the file has 12 bytes");
  }

  @Test
  @DisplayName("a small gzip file whose header announces 2 GB of labels is refused as truncated")
  void hugeHeaderCompressed() throws IOException {
    ByteBuffer l = ByteBuffer.allocate(12);
    l.putInt(0x00000801).putInt(Integer.MAX_VALUE - 8).put(new byte[] {1, 2, 3, 4});
    Path f = file("huge.gz", gzip(l.array()));
    assertThatThrownBy(() -> Idx.readLabels(f)).isInstanceOf(DataException.class)
        .hasMessageContaining(f.toString()).hasMessageContaining("truncated");
  }
}
