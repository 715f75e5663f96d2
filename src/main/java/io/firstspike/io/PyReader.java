package io.firstspike.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.razorvine.pickle.objects.ClassDict;

/**
 * Typed access to unpickled values of one file for the network mappers: every error is a
 * {@link FileFormatException} that names the file, the key and what was expected.
 */
final class PyReader {
  private final Path file;

  PyReader(Path file) {
    this.file = file;
  }

  FileFormatException bad(String what) {
    return new FileFormatException(file, what);
  }

  /** {@code map[key]}, which must be present (it may be None). */
  Object require(Map<String, Object> map, String key) throws FileFormatException {
    return require(map, key, map instanceof ClassDict c ? c.getClassName() : "dict");
  }

  Object require(Map<String, Object> map, String key, String owner) throws FileFormatException {
    if (!map.containsKey(key)) {
      throw bad(owner + " has no '" + key + "' (keys: " + new TreeSet<>(map.keySet()) + ")");
    }
    return map.get(key);
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> asMap(Object o, String what) throws FileFormatException {
    if (o instanceof Map<?, ?> m && m.keySet().stream().allMatch(k -> k instanceof String)) {
      return (Map<String, Object>) m;
    }
    throw bad(what + " must be a dict with string keys, got " + PyValues.describe(o));
  }

  List<?> items(Object o, String what) throws FileFormatException {
    try {
      return PyValues.items(o, what);
    } catch (RuntimeException e) {
      throw bad(e.getMessage());
    }
  }

  int[] ints(Object o, String what) throws FileFormatException {
    List<?> l = items(o, what);
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = toInt(l.get(i), what + "[" + i + "]");
    }
    return out;
  }

  int toInt(Object o, String what) throws FileFormatException {
    try {
      return PyValues.toInt(o, what);
    } catch (RuntimeException e) {
      throw bad(e.getMessage());
    }
  }

  double toDouble(Object o, String what) throws FileFormatException {
    try {
      return PyValues.toDouble(o, what);
    } catch (RuntimeException e) {
      throw bad(e.getMessage());
    }
  }

  /** A Python bool. */
  boolean toBool(Object o, String what) throws FileFormatException {
    if (o instanceof Boolean b) {
      return b;
    }
    throw bad(what + " must be True or False, got " + PyValues.describe(o));
  }

  /** A Python str. */
  String text(Object o, String what) throws FileFormatException {
    if (o instanceof String s) {
      return s;
    }
    throw bad(what + " must be a string, got " + PyValues.describe(o));
  }

  /** The elements of a tensor in row-major order, after the view checks of {@link TorchTensor}. */
  double[] values(TorchTensor t, String what) throws FileFormatException {
    try {
      return t.values();
    } catch (IllegalStateException e) {
      throw bad(what + ": " + e.getMessage());
    }
  }
}
