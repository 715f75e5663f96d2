package io.firstspike.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses a gzip file (RFC 1952) and refuses every kind of damage with a {@link
 * DataException} naming the file, where {@link java.util.zip.GZIPInputStream} is lenient: it
 * checks the trailer only if the caller reads past the data, and silently drops bytes after the
 * last member that do not form a gzip header.
 *
 * <p>A gzip file is a series of members, each a header ({@code 1f 8b 08 FLG MTIME(4) XFL OS},
 * then the optional FEXTRA, FNAME, FCOMMENT and FHCRC fields that FLG announces), raw deflate data
 * and an 8-byte trailer: the CRC32 of the uncompressed bytes and their count modulo 2^32 (ISIZE),
 * both little-endian. Rules here:
 *
 * <ul>
 *   <li>each member's CRC32 and ISIZE must match its data, and FHCRC (if present) its header;
 *   <li>a file that ends inside a header, the deflate data or a trailer is truncated;
 *   <li>several members are read one after the other as one stream, as {@code gzip -d} and
 *       Python's {@code gzip} module do (this is how {@code cat a.gz b.gz} concatenates);
 *   <li>anything after the last trailer that is not another member is refused: {@code gzip -d}
 *       only warns about such "trailing garbage", but here it means a damaged or mixed-up file.
 * </ul>
 */
final class StrictGzipInputStream extends InputStream {
  private static final int FHCRC = 0x02;
  private static final int FEXTRA = 0x04;
  private static final int FNAME = 0x08;
  private static final int FCOMMENT = 0x10;
  private static final int RESERVED = 0xe0;

  private final InputStream in;
  private final Path file;
  private final Inflater inflater = new Inflater(true);
  private final CRC32 crc = new CRC32();
  private final byte[] buf = new byte[1 << 16];
  private int bufPos;
  private int bufLen;
  /** Offset in the file of buf[0]. */
  private long bufStart;
  private int member;
  private long memberStart;
  /** Uncompressed bytes of the current member. */
  private long size;
  private boolean done;

  /** @param in the raw file, positioned at its first byte (which must be 1f 8b) */
  StrictGzipInputStream(InputStream in, Path file) throws IOException {
    this.in = in;
    this.file = file;
    startMember();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (!done) {
      if (inflater.finished()) {
        endMember();
        continue;
      }
      if (inflater.needsInput()) {
        if (bufPos == bufLen && !fill()) {
          throw damaged("truncated: the file ends inside the compressed data of member " + member);
        }
        inflater.setInput(buf, bufPos, bufLen - bufPos);
      }
      int n;
      int before = inflater.getRemaining();
      try {
        n = inflater.inflate(b, off, len);
      } catch (DataFormatException e) {
        throw damaged("corrupt compressed data in member " + member + ": " + e.getMessage());
      }
      bufPos += before - inflater.getRemaining();
      if (inflater.needsDictionary()) {
        throw damaged("member " + member + " needs a preset dictionary, which gzip never uses");
      }
      if (n > 0) {
        crc.update(b, off, n);
        size += n;
        return n;
      }
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    in.close();
  }

  /** Reads a member header; the first two bytes must be the gzip magic. */
  private void startMember() throws IOException {
    member++;
    memberStart = bufStart + bufPos;
    CRC32 headerCrc = new CRC32();
    int id1 = headerByte(headerCrc);
    int id2 = headerByte(headerCrc);
    if (id1 != 0x1f || id2 != 0x8b) {
      throw member == 1 ? damaged("not a gzip file (it does not start with 1f 8b)") : trailing();
    }
    int method = headerByte(headerCrc);
    if (method != 8) {
      throw damaged("member " + member + " uses compression method " + method
          + "; gzip knows only 8 (deflate)");
    }
    int flags = headerByte(headerCrc);
    if ((flags & RESERVED) != 0) {
      throw damaged(String.format("member %d has reserved header flags set (0x%02x)", member,
          flags));
    }
    for (int i = 0; i < 6; i++) { // MTIME, XFL, OS
      headerByte(headerCrc);
    }
    if ((flags & FEXTRA) != 0) {
      int xlen = headerByte(headerCrc) | headerByte(headerCrc) << 8;
      for (int i = 0; i < xlen; i++) {
        headerByte(headerCrc);
      }
    }
    if ((flags & FNAME) != 0) {
      while (headerByte(headerCrc) != 0) {
        // the original file name, zero-terminated
      }
    }
    if ((flags & FCOMMENT) != 0) {
      while (headerByte(headerCrc) != 0) {
        // a comment, zero-terminated
      }
    }
    if ((flags & FHCRC) != 0) {
      int expected = (int) headerCrc.getValue() & 0xffff;
      int stored = headerByte(null) | headerByte(null) << 8;
      if (stored != expected) {
        throw damaged(String.format("header CRC of member %d is 0x%04x, the header gives 0x%04x",
            member, stored, expected));
      }
    }
    inflater.reset();
    crc.reset();
    size = 0;
  }

  /** Checks the trailer of the finished member, then starts the next one or ends the stream. */
  private void endMember() throws IOException {
    bufPos = bufLen - inflater.getRemaining();
    long storedCrc = trailerWord();
    long storedSize = trailerWord();
    if (storedCrc != crc.getValue()) {
      throw damaged(String.format("CRC32 mismatch in member %d: the trailer says 0x%08x, the data"
          + " gives 0x%08x (the file is corrupt)", member, storedCrc, crc.getValue()));
    }
    if (storedSize != (size & 0xffffffffL)) {
      throw damaged("size mismatch in member " + member + ": the trailer says " + storedSize
          + " bytes (modulo 2^32), the data has " + size);
    }
    if (bufPos == bufLen && !fill()) {
      done = true;
      return;
    }
    startMember();
  }

  private long trailerWord() throws IOException {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      if (bufPos == bufLen && !fill()) {
        throw damaged("truncated: the file ends inside the 8-byte trailer (CRC32 and size) of"
            + " member " + member);
      }
      v |= (long) (buf[bufPos++] & 0xff) << (8 * i);
    }
    return v;
  }

  private int headerByte(CRC32 headerCrc) throws IOException {
    if (bufPos == bufLen && !fill()) {
      if (member > 1 && bufStart + bufLen - memberStart < 2) {
        throw trailing(); // a stray byte after a trailer, not the start of a member
      }
      throw damaged("truncated: the file ends inside the header of gzip member " + member);
    }
    int b = buf[bufPos++] & 0xff;
    if (headerCrc != null) {
      headerCrc.update(b);
    }
    return b;
  }

  /** Refills the buffer (which must be used up); false at the end of the file. */
  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    bufStart += bufLen;
    bufPos = 0;
    bufLen = n;
    return true;
  }

  private DataException trailing() {
    return damaged("trailing data after the gzip data (from offset " + memberStart + " on);"
        + " expected the end of the file or another gzip member");
  }

  private DataException damaged(String problem) {
    return new DataException(file + ": " + problem);
  }
}
