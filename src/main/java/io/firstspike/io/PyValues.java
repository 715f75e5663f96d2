package io.firstspike.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.PickleException;

/**
 * Conversions of unpickled Python values (as razorvine represents them: Integer, Long, BigInteger,
 * Double, Boolean, String, Object[] for tuples, List, Map) to Java numbers, with errors that say
 * which value was expected.
 */
final class PyValues {
  private PyValues() {}

  static long toLong(Object o, String what) {
    if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
      return ((Number) o).longValue();
    }
    if (o instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    throw new PickleException(what + " must be an integer, got " + describe(o));
  }

  static int toInt(Object o, String what) {
    long v = toLong(o, what);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new PickleException(what + " is out of the int range: " + v);
    }
    return (int) v;
  }

  static double toDouble(Object o, String what) {
    if (o instanceof Double || o instanceof Float) {
      return ((Number) o).doubleValue();
    }
    if (o instanceof Boolean) {
      throw new PickleException(what + " must be a number, got " + o);
    }
    return toLong(o, what);
  }

  /** A tuple or list of integers. */
  static long[] longs(Object o, String what) {
    List<?> items = items(o, what);
    long[] out = new long[items.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = toLong(items.get(i), what + "[" + i + "]");
    }
    return out;
  }

  /** A tuple (Object[]) or list as a list. */
  static List<?> items(Object o, String what) {
    if (o instanceof Object[] a) {
      return Arrays.asList(a);
    }
    if (o instanceof List<?> l) {
      return l;
    }
    throw new PickleException(what + " must be a list or tuple, got " + describe(o));
  }

  /**
   * A copy holding only plain data (numbers, strings, booleans, null, lists and string-keyed maps
   * of those), e.g. for metadata; other objects become their type name in angle brackets.
   */
  static Object plain(Object o) {
    if (o == null || o instanceof Number || o instanceof String || o instanceof Boolean) {
      return o instanceof BigInteger b ? b.toString() : o;
    }
    if (o instanceof Object[] a) {
      return plain(Arrays.asList(a));
    }
    if (o instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>();
      c.forEach(x -> out.add(plain(x)));
      return out;
    }
    if (o instanceof Map<?, ?> m && !(o instanceof net.razorvine.pickle.objects.ClassDict)) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
      return out;
    }
    return "<" + typeName(o) + ">";
  }

  /** A short description for error messages. */
  static String describe(Object o) {
    if (o == null) {
      return "None";
    }
    if (o instanceof net.razorvine.pickle.objects.ClassDict || o instanceof TorchTensor) {
      return typeName(o);
    }
    String text = o instanceof Object[] a ? Arrays.deepToString(a) : String.valueOf(o);
    if (text.length() > 80) {
      text = text.substring(0, 77) + "...";
    }
    return typeName(o) + " " + text;
  }

  static String typeName(Object o) {
    if (o instanceof net.razorvine.pickle.objects.ClassDict c) {
      return c.getClassName();
    }
    if (o instanceof TorchTensor) {
      return "tensor";
    }
    return o == null ? "None" : o instanceof Object[] ? "tuple" : o.getClass().getSimpleName();
  }
}
