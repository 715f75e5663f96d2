package io.firstspike.io;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.PickleException;

/**
 * Imports a network saved by the original PyTorch program ({@code torch.save(net, path)}): a 2021
 * {@code training.Net} ({@link #read}) or a DelGrad {@code networks.Net} ({@link #readLayerNetwork}).
 *
 * <p>Two containers exist. The <b>legacy</b> one (PyTorch before 1.6, the shipped networks) is five
 * pickles in a row: the magic number {@code 0x1950a86a20f9469cfc6c}, the protocol version 1001, a
 * dict of system info ({@code little_endian}), the network object, and the list of storage keys;
 * then, per key in that order, an int64 element count and the raw elements. The <b>zip</b> one
 * (PyTorch 1.6 and later) holds {@code <name>/data.pkl} (the network object) and one raw record
 * per storage in {@code <name>/data/<key>}, optionally {@code <name>/byteorder}.
 *
 * <p>Safety: the pickles are read by {@link TorchUnpickler}, which accepts only the globals a
 * network file needs and never runs Python code; the module source text embedded in legacy files
 * is dropped.
 */
public final class PtImporter {
  private PtImporter() {}

  /** The legacy format's first pickle. */
  static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

  static final int LEGACY_PROTOCOL = 1001;

  /**
   * Deflate expands its input at most about 1032-fold (258-byte matches coded in under two bits
   * each), so a zip entry claiming more than this many bytes per compressed byte is lying.
   */
  static final long MAX_DEFLATE_RATIO = 1032;

  /**
   * Reads a {@code .pt} file holding a 2021 network ({@code training.Net}).
   *
   * @throws FileFormatException if the file is not a supported network file, is truncated, holds
   *     a DelGrad network (read it with {@link #readLayerNetwork}), or references a Python global
   *     outside the allowlist; the message names the file and the cause
   * @throws IOException if it cannot be read
   */
  public static ImportedNetwork read(Path ptFile) throws IOException {
    Unpickled u = load(ptFile);
    if (TorchLayerNetMapper.isLayerNet(u.root())) {
      throw new FileFormatException(ptFile, "holds a DelGrad network (networks.Net, a list of"
          + " layers), not a 2021 training.Net; read it with PtImporter.readLayerNetwork");
    }
    return TorchNetMapper.map(u.root(), ptFile, u.container());
  }

  /**
   * Reads a {@code .pt} file holding a DelGrad network ({@code networks.Net} of the original's
   * HEAD, DELGRAD-MODEL.md section 13), trained or untrained.
   *
   * @throws FileFormatException as {@link #read}, and for a 2021 network, a hardware network or
   *     a layer list that the parameters in the file contradict
   * @throws IOException if it cannot be read
   */
  public static ImportedLayerNetwork readLayerNetwork(Path ptFile) throws IOException {
    Unpickled u = load(ptFile);
    return TorchLayerNetMapper.map(u.root(), ptFile, u.container());
  }

  /** Reads either kind of network, chosen by the pickled class. */
  public static PtNetwork readAny(Path ptFile) throws IOException {
    Unpickled u = load(ptFile);
    return TorchLayerNetMapper.isLayerNet(u.root())
        ? TorchLayerNetMapper.map(u.root(), ptFile, u.container())
        : TorchNetMapper.map(u.root(), ptFile, u.container());
  }

  /** The unpickled network object (storages filled) and the container it came in. */
  private record Unpickled(Object root, String container) {}

  private static Unpickled load(Path ptFile) throws IOException {
    long fileSize = Files.size(ptFile);
    byte[] start;
    try (InputStream in = Files.newInputStream(ptFile)) {
      start = in.readNBytes(4);
    }
    boolean zip = start.length == 4 && start[0] == 'P' && start[1] == 'K' && start[2] == 3 && start[3] == 4;
    Map<String, TorchStorage> storages = new LinkedHashMap<>();
    if (zip) {
      return new Unpickled(readZip(ptFile, fileSize, storages), "zip");
    }
    if (fileSize > Npy.MAX_ARRAY) {
      throw new FileFormatException(ptFile, "a legacy network file of " + fileSize
          + " bytes is more than one array holds (" + Npy.MAX_ARRAY + "); network files are far"
          + " smaller");
    }
    return new Unpickled(readLegacy(ptFile, Files.readAllBytes(ptFile), storages), "legacy");
  }

  private static Object readLegacy(Path file, byte[] bytes, Map<String, TorchStorage> storages)
      throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    Object magic = unpickle(file, in, storages, "pickle 1 (the magic number)");
    if (!(magic instanceof Number m) || !new BigInteger(m.toString()).equals(MAGIC)) {
      throw new FileFormatException(file, "not a PyTorch network file: it is neither a zip archive"
          + " (PyTorch >= 1.6) nor starts with the legacy magic number 0x" + MAGIC.toString(16));
    }
    Object protocol = unpickle(file, in, storages, "pickle 2 (the protocol version)");
    if (!(protocol instanceof Number p) || p.intValue() != LEGACY_PROTOCOL) {
      throw new FileFormatException(file, "legacy protocol version " + protocol + " is not"
          + " supported; expected " + LEGACY_PROTOCOL);
    }
    Object sysInfo = unpickle(file, in, storages, "pickle 3 (the system info)");
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    if (sysInfo instanceof Map<?, ?> info && Boolean.FALSE.equals(info.get("little_endian"))) {
      order = ByteOrder.BIG_ENDIAN;
    }
    Object root = unpickle(file, in, storages, "pickle 4 (the network object)");
    Object keys = unpickle(file, in, storages, "pickle 5 (the storage keys)");
    List<String> keyList = new ArrayList<>();
    try {
      PyValues.items(keys, "storage keys").forEach(k -> keyList.add(String.valueOf(k)));
    } catch (PickleException e) {
      throw new FileFormatException(file, e.getMessage());
    }
    long dataBytes = 0;
    for (String key : keyList) {
      TorchStorage s = storages.get(key);
      if (s == null) {
        throw new FileFormatException(file, "storage key '" + key + "' is listed but no tensor uses it");
      }
      dataBytes += s.byteSize(); // at most 2^34 per storage, and fewer keys than pickle bytes
    }
    if (dataBytes + (long) Long.BYTES * keyList.size() > in.available()) {
      throw new FileFormatException(file, "truncated: the " + keyList.size() + " storages declare "
          + dataBytes + " data bytes (plus " + Long.BYTES + " per element count) but only "
          + in.available() + " bytes follow the pickles");
    }
    for (String key : keyList) {
      TorchStorage s = storages.get(key);
      if (in.available() < Long.BYTES) {
        throw truncated(file, "the element count of storage '" + key + "'", Long.BYTES, in.available());
      }
      long count = ByteBuffer.wrap(in.readNBytes(Long.BYTES)).order(order).getLong();
      if (count != s.count()) {
        throw new FileFormatException(file, "storage '" + key + "' has " + count
            + " elements in the data section but " + s.count() + " in the pickle");
      }
      if (in.available() < s.byteSize()) {
        throw truncated(file, "the data of storage '" + key + "'", s.byteSize(), in.available());
      }
      s.fill(ByteBuffer.wrap(in.readNBytes((int) s.byteSize())).order(order));
    }
    if (in.available() > 0) {
      throw new FileFormatException(file, in.available() + " unexpected bytes after the last storage");
    }
    requireAllFilled(file, storages);
    return root;
  }

  private static Object readZip(Path file, long fileSize, Map<String, TorchStorage> storages)
      throws IOException {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      List<String> pickles = zip.stream().map(ZipEntry::getName)
          .filter(n -> n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length())
          .toList();
      if (pickles.size() != 1) {
        throw new FileFormatException(file, "a PyTorch zip archive holds exactly one"
            + " <name>/data.pkl, found " + pickles);
      }
      String prefix = pickles.get(0).substring(0, pickles.get(0).length() - "data.pkl".length());
      ByteOrder order = ByteOrder.LITTLE_ENDIAN;
      ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
      if (byteorder != null) {
        String text = new String(entryBytes(zip, byteorder, file, fileSize, byteorder.getSize()),
            StandardCharsets.US_ASCII).strip();
        order = text.equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      }
      ZipEntry pkl = zip.getEntry(pickles.get(0));
      byte[] pickle = entryBytes(zip, pkl, file, fileSize, pkl.getSize());
      Object root = unpickle(file, new ByteArrayInputStream(pickle), storages, pickles.get(0));
      for (TorchStorage s : storages.values()) {
        String name = prefix + "data/" + s.key();
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
          throw new FileFormatException(file, "the record " + name + " of storage '" + s.key()
              + "' is missing from the archive");
        }
        s.fill(ByteBuffer.wrap(entryBytes(zip, e, file, fileSize, s.byteSize())).order(order));
      }
      return root;
    } catch (ZipException e) {
      throw new FileFormatException(file, "broken zip archive (truncated?): " + e.getMessage(), e);
    }
  }

  /**
   * The first {@code wanted} bytes of a zip entry. The sizes in the zip directory come from the
   * file, so they are checked before anything is read: the compressed size within the file, the
   * uncompressed size within what that many compressed bytes can hold (equal for stored entries,
   * {@link #MAX_DEFLATE_RATIO} times for deflated ones), {@code wanted} within the uncompressed
   * size. The bytes are then read as they arrive; an entry read whole must match its CRC32.
   */
  private static byte[] entryBytes(ZipFile zip, ZipEntry e, Path file, long fileSize, long wanted)
      throws IOException {
    long size = e.getSize();
    long packed = e.getCompressedSize();
    String name = e.getName();
    if (size < 0 || packed < 0 || packed > fileSize) {
      throw new FileFormatException(file, "the zip entry " + name + " claims " + packed
          + " compressed bytes in a file of " + fileSize);
    }
    long possible = e.getMethod() == ZipEntry.STORED ? packed : packed * MAX_DEFLATE_RATIO;
    if (size > possible || (e.getMethod() == ZipEntry.STORED && size != packed)) {
      throw new FileFormatException(file, "the zip entry " + name + " claims " + size
          + " bytes, which its " + packed + (e.getMethod() == ZipEntry.STORED ? " stored"
          : " compressed") + " bytes cannot hold (the archive is damaged)");
    }
    if (wanted > size) {
      throw truncated(file, "the record " + name, wanted, size);
    }
    if (wanted > Npy.MAX_ARRAY) {
      throw new FileFormatException(file, "the record " + name + " needs " + wanted
          + " bytes, more than one array holds");
    }
    byte[] raw;
    try (InputStream in = zip.getInputStream(e)) {
      raw = in.readNBytes((int) wanted); // grows with the bytes actually there
    }
    if (raw.length < wanted) {
      throw truncated(file, "the record " + name, wanted, raw.length);
    }
    if (wanted == size && e.getCrc() >= 0) {
      CRC32 crc = new CRC32();
      crc.update(raw);
      if (crc.getValue() != e.getCrc()) {
        throw new FileFormatException(file, String.format("the zip entry %s has CRC32 0x%08x,"
            + " the archive says 0x%08x (the archive is damaged)", name, crc.getValue(), e.getCrc()));
      }
    }
    return raw;
  }

  /**
   * Reads one pickle, turning the unpickler's exceptions into errors that name the file. The
   * stream is in memory so that the unpickler knows exactly how many bytes remain.
   */
  private static Object unpickle(Path file, ByteArrayInputStream in, Map<String, TorchStorage> storages,
      String what) throws FileFormatException {
    TorchUnpickler u = new TorchUnpickler(storages);
    Object value;
    try {
      value = u.load(in);
    } catch (IOException | RuntimeException e) {
      if (e instanceof FileFormatException f) {
        throw f;
      }
      String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      // A parse error with every byte consumed means the pickle was cut off.
      throw new FileFormatException(file, (atEnd(in) ? "truncated: " : "") + "cannot read " + what
          + ": " + cause, e);
    } catch (StackOverflowError e) {
      // Hashing or comparing deeply nested lists (dict keys, set items) recurses inside the
      // unpickler; nothing outside this call holds state that the unwinding could leave broken.
      throw new FileFormatException(file, "cannot read " + what + ": values are nested too deeply"
          + " (network files nest about 10 levels)");
    } finally {
      u.close();
    }
    try {
      PyValues.checkGraph(value);
    } catch (PickleException e) {
      throw new FileFormatException(file, "cannot read " + what + ": " + e.getMessage(), e);
    }
    return value;
  }

  private static boolean atEnd(InputStream in) {
    try {
      return in.available() <= 0;
    } catch (IOException e) {
      return true;
    }
  }

  private static void requireAllFilled(Path file, Map<String, TorchStorage> storages)
      throws FileFormatException {
    for (TorchStorage s : storages.values()) {
      if (!s.filled()) {
        throw new FileFormatException(file, "storage '" + s.key() + "' is used by a tensor but"
            + " missing from the storage key list");
      }
    }
  }

  private static FileFormatException truncated(Path file, String what, long needed, long left) {
    return new FileFormatException(file, "truncated: " + what + " needs " + needed
        + " bytes but only " + left + " remain");
  }
}
