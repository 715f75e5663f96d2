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
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.PickleException;

/**
 * Imports a network saved by the original PyTorch program ({@code torch.save(net, path)}).
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
   * Reads a {@code .pt} network file.
   *
   * @throws FileFormatException if the file is not a supported network file, is truncated, or
   *     references a Python global outside the allowlist; the message names the file and the cause
   * @throws IOException if it cannot be read
   */
  public static ImportedNetwork read(Path ptFile) throws IOException {
    byte[] bytes = Files.readAllBytes(ptFile);
    boolean zip = bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
    Map<String, TorchStorage> storages = new LinkedHashMap<>();
    Object root = zip ? readZip(ptFile, storages) : readLegacy(ptFile, bytes, storages);
    return TorchNetMapper.map(root, ptFile, zip ? "zip" : "legacy");
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
    for (String key : keyList) {
      TorchStorage s = storages.get(key);
      if (s == null) {
        throw new FileFormatException(file, "storage key '" + key + "' is listed but no tensor uses it");
      }
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

  private static Object readZip(Path file, Map<String, TorchStorage> storages) throws IOException {
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
        try (InputStream bo = zip.getInputStream(byteorder)) {
          String text = new String(bo.readAllBytes(), StandardCharsets.US_ASCII).strip();
          order = text.equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        }
      }
      Object root;
      try (InputStream in = zip.getInputStream(zip.getEntry(pickles.get(0)))) {
        root = unpickle(file, in, storages, pickles.get(0));
      }
      for (TorchStorage s : storages.values()) {
        String name = prefix + "data/" + s.key();
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
          throw new FileFormatException(file, "the record " + name + " of storage '" + s.key()
              + "' is missing from the archive");
        }
        byte[] raw;
        try (InputStream in = zip.getInputStream(e)) {
          raw = in.readNBytes((int) Math.min(s.byteSize(), Integer.MAX_VALUE));
        }
        if (raw.length < s.byteSize()) {
          throw truncated(file, "the record " + name, s.byteSize(), raw.length);
        }
        s.fill(ByteBuffer.wrap(raw).order(order));
      }
      return root;
    } catch (ZipException e) {
      throw new FileFormatException(file, "broken zip archive (truncated?): " + e.getMessage(), e);
    }
  }

  /** Reads one pickle, turning the unpickler's exceptions into errors that name the file. */
  private static Object unpickle(Path file, InputStream in, Map<String, TorchStorage> storages,
      String what) throws FileFormatException {
    TorchUnpickler u = new TorchUnpickler(storages);
    try {
      return u.load(in);
    } catch (IOException | RuntimeException e) {
      if (e instanceof FileFormatException f) {
        throw f;
      }
      String cause = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      // A parse error with every byte consumed means the pickle was cut off.
      throw new FileFormatException(file, (atEnd(in) ? "truncated: " : "") + "cannot read " + what
          + ": " + cause, e);
    } finally {
      u.close();
    }
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
