package io.firstspike.io;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.razorvine.pickle.PickleException;

/**
 * Conversions of unpickled Python values (as razorvine represents them: Integer, Long, BigInteger,
 * Double, Boolean, String, Object[] for tuples, List, Map) to Java numbers, with errors that say
 * which value was expected.
 */
final class PyValues {
  private PyValues() {}

  /** Deepest nesting of containers a network pickle may hold (real ones: about 10). */
  static final int MAX_DEPTH = 100;

  /**
   * Most values a network pickle may expand to when shared references are followed as copies
   * (what {@link #plain} and {@link #describe} do; real ones: a few hundred).
   */
  static final long MAX_EXPANDED = 1_000_000;

  /**
   * Checks, without recursion, that the unpickled graph can be walked recursively: no container
   * that contains itself (a pickle's memo can build one), nesting at most {@link #MAX_DEPTH} deep,
   * and at most {@link #MAX_EXPANDED} values when shared containers are counted once per
   * reference (a few bytes of pickle can otherwise describe 2^50 values).
   *
   * @throws PickleException naming the limit that is exceeded
   */
  static void checkGraph(Object root) {
    if (children(root) == null) {
      return;
    }
    Map<Object, Long> expanded = new IdentityHashMap<>(); // finished containers
    Set<Object> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Frame> path = new ArrayDeque<>();
    path.push(new Frame(root, children(root)));
    onPath.add(root);
    while (!path.isEmpty()) {
      Frame f = path.peek();
      if (f.children.hasNext()) {
        Object c = f.children.next();
        Iterator<?> grandChildren = children(c);
        if (grandChildren == null) {
          f.add(1);
        } else if (onPath.contains(c)) {
          throw new PickleException("a container contains itself; network files hold no cycles");
        } else if (expanded.containsKey(c)) {
          f.add(expanded.get(c));
        } else if (path.size() >= MAX_DEPTH) {
          throw new PickleException("values are nested more than " + MAX_DEPTH + " deep");
        } else {
          path.push(new Frame(c, grandChildren));
          onPath.add(c);
        }
      } else {
        path.pop();
        onPath.remove(f.node);
        long size = Math.min(f.size + 1, MAX_EXPANDED + 1);
        if (size > MAX_EXPANDED) {
          throw new PickleException("shared references expand to more than " + MAX_EXPANDED
              + " values");
        }
        expanded.put(f.node, size);
        if (!path.isEmpty()) {
          path.peek().add(size);
        }
      }
    }
  }

  /** One container on the walk of {@link #checkGraph}: its children left and its size so far. */
  private static final class Frame {
    final Object node;
    final Iterator<?> children;
    long size;

    Frame(Object node, Iterator<?> children) {
      this.node = node;
      this.children = children;
    }

    void add(long n) {
      size = Math.min(size + n, MAX_EXPANDED + 1);
    }
  }

  /** The children of a container (tuple, list, set, map keys and values), or null for a leaf. */
  private static Iterator<?> children(Object o) {
    if (o instanceof Object[] a) {
      return Arrays.asList(a).iterator();
    }
    if (o instanceof Collection<?> c) {
      return c.iterator();
    }
    if (o instanceof Map<?, ?> m) {
      return m.entrySet().stream().flatMap(e -> Stream.of(e.getKey(), e.getValue())).iterator();
    }
    return null;
  }

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
