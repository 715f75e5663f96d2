package io.firstspike.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a user says about a run, kept in its folder as {@value #FILE} (docs/FORMATS.md): a name,
 * notes, tags and whether it is archived (hidden from the runs list unless asked for). Nothing
 * the training reads; replaced atomically, so a crash leaves the old or the new file and the rest
 * of the folder is never touched.
 *
 * @param name a display name, "" for none (the run id is shown then)
 * @param notes free text
 * @param tags distinct labels, in the order given
 * @param archived hidden from the runs list by default
 * @param updatedAt when the file was last written (ISO-8601), null before
 */
public record RunMeta(String name, String notes, List<String> tags, boolean archived, String updatedAt) {
  public static final String FILE = "meta.json";
  public static final String FORMAT = "firstspike-run-meta";
  public static final int VERSION = 1;
  public static final int MAX_NAME = 200;
  public static final int MAX_NOTES = 20_000;
  public static final int MAX_TAGS = 50;
  public static final int MAX_TAG = 50;
  /** The keys an update may carry. */
  private static final Set<String> KEYS = Set.of("name", "notes", "tags", "archived");

  public RunMeta {
    tags = List.copyOf(tags);
  }

  /** A run nobody has named or tagged. */
  public static final RunMeta NONE = new RunMeta("", "", List.of(), false, null);

  /**
   * The meta of {@code run}: {@link #NONE} when it has no {@value #FILE}.
   *
   * @throws IllegalArgumentException when the file cannot be read or is not of this format,
   *     naming the file and the problem
   */
  public static RunMeta read(RunFolder run) {
    Path file = run.dir().resolve(FILE);
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return NONE;
    }
    String where = run.id() + "/" + FILE;
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(where + " cannot be read as JSON (" + e.getClass().getSimpleName()
          + "); save the run's name, notes or tags again to rewrite it");
    }
    if (n == null || !n.isObject() || !FORMAT.equals(n.path("format").asText())) {
      throw new IllegalArgumentException(where + " is not a " + FORMAT + " file (expected {\"format\": \""
          + FORMAT + "\", \"version\": " + VERSION + ", ...})");
    }
    if (n.path("version").asInt(-1) != VERSION) {
      throw new IllegalArgumentException(where + ": version " + n.path("version") + " is not supported (expected "
          + VERSION + ")");
    }
    return NONE.with(n, where).withUpdatedAt(n.path("updatedAt").isTextual() ? n.path("updatedAt").asText() : null);
  }

  /**
   * This meta with the keys of {@code update} replaced (absent keys stay).
   *
   * @param where names the source in messages ("the request body")
   * @throws IllegalArgumentException for an unknown key or a value of the wrong type or size,
   *     naming the key and what would be right
   */
  public RunMeta with(JsonNode update, String where) {
    String name = this.name;
    String notes = this.notes;
    List<String> tags = this.tags;
    boolean archived = this.archived;
    for (Iterator<Map.Entry<String, JsonNode>> it = update.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      JsonNode v = e.getValue();
      switch (k) {
        case "name" -> name = text(v, where, k, MAX_NAME, false);
        case "notes" -> notes = text(v, where, k, MAX_NOTES, true);
        case "tags" -> tags = tags(v, where);
        case "archived" -> {
          if (!v.isBoolean()) {
            throw new IllegalArgumentException(where + ": archived must be true or false, got " + v);
          }
          archived = v.asBoolean();
        }
        case "format", "version", "updatedAt" -> {
          // the file's own keys: read by read(), never changed by an update
          if (!where.endsWith(FILE)) {
            throw new IllegalArgumentException(where + ": unknown key '" + k + "'; expected " + KEYS);
          }
        }
        default -> throw new IllegalArgumentException(where + ": unknown key '" + k + "'; expected one of "
            + "name, notes, tags, archived");
      }
    }
    return new RunMeta(name, notes, tags, archived, updatedAt);
  }

  private RunMeta withUpdatedAt(String at) {
    return new RunMeta(name, notes, tags, archived, at);
  }

  /** Writes this meta (stamped now) into {@code run}'s {@value #FILE} atomically; returns what was written. */
  public RunMeta write(RunFolder run) {
    RunMeta stamped = withUpdatedAt(Instant.now().toString());
    ObjectNode n = stamped.toTree();
    n.put("format", FORMAT);
    n.put("version", VERSION);
    RunFolder.writeAtomically(run.dir().resolve(FILE), n.toPrettyString());
    return stamped;
  }

  /** {@code {"name", "notes", "tags", "archived", "updatedAt"}}. */
  public ObjectNode toTree() {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("name", name);
    n.put("notes", notes);
    ArrayNode t = n.putArray("tags");
    tags.forEach(t::add);
    n.put("archived", archived);
    if (updatedAt == null) {
      n.putNull("updatedAt");
    } else {
      n.put("updatedAt", updatedAt);
    }
    return n;
  }

  private static String text(JsonNode v, String where, String key, int max, boolean multiline) {
    if (!v.isTextual()) {
      throw new IllegalArgumentException(where + ": " + key + " must be a string, got " + v.getNodeType()
          .toString().toLowerCase(java.util.Locale.ROOT));
    }
    String s = multiline ? v.asText() : v.asText().strip();
    if (s.length() > max) {
      throw new IllegalArgumentException(where + ": " + key + " has " + s.length() + " characters; at most "
          + max + " are kept");
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c) && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) {
        throw new IllegalArgumentException(where + ": " + key + " contains a control character (U+"
            + String.format("%04X", (int) c) + ") at position " + i + (multiline ? "" : "; use one line"));
      }
    }
    return s;
  }

  private static List<String> tags(JsonNode v, String where) {
    if (!v.isArray()) {
      throw new IllegalArgumentException(where + ": tags must be a list of strings such as [\"baseline\", \"lr-sweep\"]");
    }
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode t : v) {
      String s = text(t, where, "tags[" + out.size() + "]", MAX_TAG, false);
      if (s.isEmpty() || s.contains(",")) {
        throw new IllegalArgumentException(where + ": tag " + t + " must be 1 to " + MAX_TAG
            + " characters without commas");
      }
      out.add(s);
    }
    if (out.size() > MAX_TAGS) {
      throw new IllegalArgumentException(where + ": " + out.size() + " tags; at most " + MAX_TAGS);
    }
    return new ArrayList<>(out);
  }
}
