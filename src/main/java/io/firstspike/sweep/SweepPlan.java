package io.firstspike.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The runs of a sweep: the Cartesian product of its axes in file order, the last axis fastest
 * (Python's {@code itertools.product}), each run's config the initial config with that
 * combination's updates applied on the YAML tree, and the original's run names.
 *
 * @param runs in product order
 */
public record SweepPlan(List<Run> runs) {
  /** Characters the original removes from run names (Python str() of lists and mappings). */
  private static final String DROPPED = " {}:'][,";

  /** Longest file name on common file systems. */
  static final int MAX_NAME = 255;

  /** One update: the value a path takes in a run. */
  public record Update(KeyPath path, JsonNode value) {}

  /**
   * One run of the sweep.
   *
   * @param index position in product order
   * @param name the folder name {@code run_0=1000_1=1000_2=DelayAxonal_...}
   * @param updates one per path, tied paths flattened, in file order
   * @param config the initial config with the updates applied
   */
  public record Run(int index, String name, List<Update> updates, ObjectNode config) {}

  public SweepPlan {
    runs = List.copyOf(runs);
  }

  /**
   * Expands {@code sweep} over {@code initial}.
   *
   * @param initialName the initial config's file name, for messages
   * @throws SweepException when a path does not exist in the initial config (naming the sweep
   *     file, the entry and the path), or two runs would get the same folder name
   */
  public static SweepPlan expand(ObjectNode initial, String initialName, SweepDefinition sweep) {
    ObjectNode base = initial.deepCopy();
    for (SweepAxis a : sweep.axes()) {
      for (KeyPath p : a.paths()) {
        if (a.entry() < 0) {
          addSeedKey(base, p, initialName); // --seeds: a seed key the config leaves to its default
        }
        String why = missing(base, p);
        if (why != null) {
          throw new SweepException(sweep.source() + ": parameters[" + a.entry() + "]: path "
              + p.text() + " does not exist in the initial config " + initialName + ": " + why
              + "; every swept path must be a key already in the initial config");
        }
      }
    }
    long count = sweep.runCount();
    if (count > 100_000) {
      throw new SweepException(sweep.source() + ": " + count + " runs; at most 100000 are"
          + " supported");
    }
    List<Run> runs = new ArrayList<>();
    int n = sweep.axes().size();
    int[] at = new int[n];
    Map<String, Integer> names = new HashMap<>();
    for (int index = 0; index < count; index++) {
      List<Update> updates = new ArrayList<>();
      ObjectNode config = base.deepCopy();
      for (int a = 0; a < n; a++) {
        SweepAxis axis = sweep.axes().get(a);
        JsonNode value = axis.values().get(at[a]);
        for (KeyPath p : axis.paths()) {
          updates.add(new Update(p, value));
          set(config, p, value.deepCopy());
        }
      }
      String name = name(updates);
      Integer twin = names.putIfAbsent(name, index);
      if (twin != null) {
        throw new SweepException(sweep.source() + ": runs " + twin + " and " + index + " both get"
            + " the folder name " + name + " (the original drops spaces, quotes, brackets, braces,"
            + " colons and commas from values); make the values differ in other characters");
      }
      runs.add(new Run(index, name, updates, config));
      for (int a = n - 1; a >= 0; a--) { // last axis fastest
        if (++at[a] < sweep.axes().get(a).values().size()) {
          break;
        }
        at[a] = 0;
      }
    }
    return new SweepPlan(runs);
  }

  /**
   * The original's run name: {@code run_} then {@code <k>=<str(value)>} for every flattened
   * update k, joined by {@code _}, with spaces, braces, colons, quotes, brackets and commas
   * removed.
   *
   * @throws SweepException for a name that cannot be a folder name
   */
  static String name(List<Update> updates) {
    StringBuilder b = new StringBuilder("run_");
    for (int k = 0; k < updates.size(); k++) {
      if (k > 0) {
        b.append('_');
      }
      b.append(k).append('=').append(SweepYaml.pythonStr(updates.get(k).value()));
    }
    StringBuilder name = new StringBuilder();
    b.chars().filter(c -> DROPPED.indexOf(c) < 0).forEach(c -> name.append((char) c));
    String s = name.toString();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
        throw new SweepException("run name " + s + " contains " + (c < 0x20 || c == 0x7f
            ? "a control character" : "'" + c + "'") + ", which a folder name cannot hold; use"
            + " values without it");
      }
    }
    if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME) {
      throw new SweepException("run name " + s.substring(0, 60) + "... is longer than " + MAX_NAME
          + " bytes, the longest folder name; sweep fewer paths or shorter values");
    }
    return s;
  }

  /** Why {@code path} is not in {@code root}, or null when it is. */
  static String missing(JsonNode root, KeyPath path) {
    JsonNode at = root;
    List<Object> parts = path.parts();
    for (int i = 0; i < parts.size(); i++) {
      Object part = parts.get(i);
      String where = i == 0 ? "the top level" : KeyPath.join(parts.subList(0, i), "/");
      JsonNode next;
      if (at.isObject()) {
        next = at.get(String.valueOf(part));
        if (next == null) {
          List<String> keys = new ArrayList<>();
          at.fieldNames().forEachRemaining(keys::add);
          return where + " has no key '" + part + "' (its keys: " + String.join(", ", keys) + ")";
        }
      } else if (at.isArray()) {
        if (!(part instanceof Integer idx)) {
          return where + " is a list; index it with a number 0.." + (at.size() - 1) + ", not '"
              + part + "'";
        }
        if (idx >= at.size()) {
          return where + " is a list of " + at.size() + " item" + (at.size() == 1 ? "" : "s")
              + ", so index " + idx + " does not exist";
        }
        next = at.get(idx);
      } else {
        return where + " is a single value (" + SweepDefinition.kind(at) + "), not a mapping or a"
            + " list";
      }
      at = next;
    }
    return null;
  }

  /** Sets an existing path (checked by {@link #missing}). */
  static void set(ObjectNode root, KeyPath path, JsonNode value) {
    JsonNode at = root;
    for (Object part : path.parent()) {
      at = at.isArray() ? at.get((Integer) part) : at.get(String.valueOf(part));
    }
    Object last = path.last();
    if (at.isArray()) {
      ((ArrayNode) at).set((Integer) last, value);
    } else {
      ((ObjectNode) at).set(String.valueOf(last), value);
    }
  }

  /**
   * For {@code --seeds}: adds {@code training_params/<seed key>} when the config leaves it to its
   * default (both schemas default it), so that the seed axis always has its keys.
   */
  private static void addSeedKey(ObjectNode base, KeyPath p, String initialName) {
    JsonNode tp = base.get("training_params");
    if (tp == null || !tp.isObject()) {
      throw new SweepException("--seeds: the initial config " + initialName + " has no"
          + " training_params mapping to hold " + p.text());
    }
    if (!tp.has(String.valueOf(p.last()))) {
      ((ObjectNode) tp).put(String.valueOf(p.last()), 0);
    }
  }
}
