package io.firstspike.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One entry of a sweep file: the paths that receive the same value (one, or several tied paths)
 * and the values swept, in file order.
 *
 * @param entry the entry's position in the file's {@code parameters} list (0-based), for messages
 * @param paths at least one
 * @param values at least one
 */
public record SweepAxis(int entry, List<KeyPath> paths, List<JsonNode> values) {
  public SweepAxis {
    paths = List.copyOf(paths);
    values = List.copyOf(values);
    if (paths.isEmpty() || values.isEmpty()) {
      throw new IllegalArgumentException("a sweep axis needs a path and a value");
    }
  }
}
