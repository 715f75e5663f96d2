package io.firstspike.sweep;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code /}-separated key path into a config tree, as the original's sweep files write it:
 * {@code network_layout/layers/1/size}. A part made of digits only is a list index (an int), every
 * other part a mapping key.
 *
 * @param parts String keys and Integer indices, at least one
 */
public record KeyPath(List<Object> parts) {
  public KeyPath {
    parts = List.copyOf(parts);
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("empty key path");
    }
  }

  /**
   * Parses {@code a/b/0/c}.
   *
   * @throws IllegalArgumentException for an empty text or an empty part ({@code a//b})
   */
  public static KeyPath parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("an empty path");
    }
    List<Object> parts = new ArrayList<>();
    for (String p : text.split("/", -1)) {
      if (p.isEmpty()) {
        throw new IllegalArgumentException("path '" + text + "' has an empty part (two '/' in a"
            + " row, or one at its start or end)");
      }
      parts.add(isIndex(p) ? (Object) Integer.valueOf(p) : p);
    }
    return new KeyPath(parts);
  }

  private static boolean isIndex(String p) {
    // the original's str.isdigit(); longer numbers cannot index a config list anyway
    return p.length() <= 9 && p.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** The last part. */
  public Object last() {
    return parts.get(parts.size() - 1);
  }

  /** The path without its last part (the container of the key). */
  public List<Object> parent() {
    return parts.subList(0, parts.size() - 1);
  }

  /** The path as in the sweep file: {@code network_layout/layers/1/size}. */
  public String text() {
    return join(parts, "/");
  }

  /**
   * The name of the path's column in {@code sweep_results_df.csv} (after {@code params/} or
   * {@code seed/}): the parts joined by {@code _}, {@code network_layout_layers_1_size}.
   */
  public String column() {
    return join(parts, "_");
  }

  /** True for a seed: a column whose last {@code _}-separated word is {@code seed}. */
  public boolean isSeed() {
    String c = column();
    return c.substring(c.lastIndexOf('_') + 1).equals("seed");
  }

  static String join(List<Object> parts, String sep) {
    StringBuilder b = new StringBuilder();
    for (Object p : parts) {
      if (b.length() > 0) {
        b.append(sep);
      }
      b.append(p);
    }
    return b.toString();
  }

  @Override
  public String toString() {
    return text();
  }
}
