package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOwner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Copies a run folder between the head and a worker over the event bus, as JSON (the only bodies
 * the cluster carries). The head's folder is the truth: it sends a worker what the run needs to
 * start or resume ({@link #forStart}), the worker trains in a local copy and sends back what
 * changed ({@link Scanner#changes}), the head applies it ({@link #apply}).
 *
 * <p>Files ending in {@code .jsonl}, {@code .csv} or {@code .log} only grow while a run trains:
 * their new tail is sent with its offset, and the head appends it only where its copy ends there
 * (else the worker sends the whole file next time). A snapshot folder {@code epoch_<N>/} travels
 * whole and replaces the head's in one rename, so the head never holds half a snapshot;
 * snapshots are applied before the other files and status.json last, so a status never names a
 * snapshot the head lacks. Hidden working files and {@code owner.json} (the worker's process)
 * stay on the worker.
 */
final class FolderMirror {
  private static final Pattern SNAPSHOT = Pattern.compile("epoch_(\\d{1,9})");
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static final Base64.Decoder UNB64 = Base64.getDecoder();

  private FolderMirror() {}

  /** The run's config, logs and status and its newest snapshot: what a worker needs. */
  static JsonObject forStart(RunFolder run) {
    Path dir = run.dir();
    JsonObject files = new JsonObject();
    int newest = -1;
    for (String rel : list(dir)) {
      Matcher m = SNAPSHOT.matcher(top(rel));
      if (m.matches()) {
        newest = Math.max(newest, Integer.parseInt(m.group(1)));
      } else {
        files.put(rel, B64.encodeToString(read(dir.resolve(rel))));
      }
    }
    if (newest >= 0) {
      String snap = "epoch_" + newest;
      for (String rel : list(dir)) {
        if (top(rel).equals(snap)) {
          files.put(rel, B64.encodeToString(read(dir.resolve(rel))));
        }
      }
    }
    return files;
  }

  /** Writes the files of {@link #forStart} into an empty folder (the worker's copy). */
  static void writeStart(Path dir, JsonObject files) {
    for (String rel : files.fieldNames()) {
      Path p = safe(dir, rel);
      try {
        Files.createDirectories(p.getParent());
        Files.write(p, UNB64.decode(files.getString(rel)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * Applies a change set of {@link Scanner#changes} to the head's copy {@code dir}. Returns the
   * number of bytes of file content it carried.
   */
  static long apply(Path dir, JsonObject changes) {
    long bytes = 0;
    try {
      JsonObject snaps = changes.getJsonObject("snapshots", new JsonObject());
      for (String name : snaps.fieldNames()) {
        if (!SNAPSHOT.matcher(name).matches()) {
          throw new IllegalArgumentException("not a snapshot folder: " + name);
        }
        Path tmp = dir.resolve("." + name + ".tmp");
        deleteTree(tmp);
        JsonObject files = snaps.getJsonObject(name);
        for (String rel : files.fieldNames()) {
          byte[] b = UNB64.decode(files.getString(rel));
          bytes += b.length;
          Path p = safe(tmp, rel);
          Files.createDirectories(p.getParent());
          Files.write(p, b);
        }
        Path target = dir.resolve(name);
        Path old = dir.resolve("." + name + ".del");
        if (Files.exists(target)) {
          deleteTree(old);
          Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      }
      JsonObject status = null;
      for (Object o : changes.getJsonArray("files", new JsonArray())) {
        JsonObject f = (JsonObject) o;
        if (f.getString("path").equals(RunFolder.STATUS)) {
          status = f;
          continue;
        }
        bytes += writeFile(dir, f);
      }
      for (Object o : changes.getJsonArray("deleted", new JsonArray())) {
        deleteTree(safe(dir, o.toString()));
      }
      if (status != null) {
        bytes += writeFile(dir, status);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run folder " + dir + ": " + e.getMessage(), e);
    }
    return bytes;
  }

  private static long writeFile(Path dir, JsonObject f) throws IOException {
    Path p = safe(dir, f.getString("path"));
    byte[] b = UNB64.decode(f.getString("data"));
    long offset = f.getLong("offset", -1L);
    Files.createDirectories(p.getParent());
    if (offset < 0) {
      Path tmp = Files.createTempFile(p.getParent(), "." + p.getFileName(), ".tmp");
      Files.write(tmp, b);
      Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else {
      long have = Files.exists(p) ? Files.size(p) : 0;
      if (have < offset) {
        throw new IOException(p + " holds " + have + " bytes, the worker appends at " + offset);
      }
      if (have > offset) { // the head's copy went further (a retried message): cut it back
        try (var ch = Files.newByteChannel(p, StandardOpenOption.WRITE)) {
          ch.truncate(offset);
        }
      }
      Files.write(p, b, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return b.length;
  }

  /**
   * The worker's side: what its copy holds that the head has not confirmed. The baseline is what
   * the head holds as far as the worker knows: files (path to {size, mtime}) the head wrote and
   * acknowledged. {@link #next} never moves it, {@link #confirm} does once the head replied, so a
   * change set the head never wrote stays pending and is part of the next one; {@link #rebase}
   * sets it from the head's own listing (a restarted head, a refused or lost message). Not
   * thread-safe.
   */
  static final class Scanner {
    private final Path dir;
    /** What the head holds: path to {size, mtime} of the worker's file it equals. */
    private final Map<String, long[]> acked = new HashMap<>();

    /** Starts with every file already there counted as held by the head (it sent them). */
    Scanner(Path dir) {
      this.dir = dir;
      for (String rel : list(dir)) {
        acked.put(rel, stamp(dir.resolve(rel)));
      }
    }

    /** The change set, or null if nothing changed; once the head has it, {@link #confirm}. */
    Change next() {
      List<String> now = list(dir);
      Map<String, JsonObject> snaps = new TreeMap<>();
      JsonArray files = new JsonArray();
      Map<String, long[]> seen = new HashMap<>();
      List<String> changedSnaps = new ArrayList<>();
      for (String rel : now) {
        long[] st = stamp(dir.resolve(rel));
        if (st == null) {
          continue; // went away while listing
        }
        seen.put(rel, st);
        long[] before = acked.get(rel);
        boolean changed = before == null || before[0] != st[0] || before[1] != st[1];
        if (!changed) {
          continue;
        }
        String top = top(rel);
        if (SNAPSHOT.matcher(top).matches() && !rel.equals(top)) {
          if (!changedSnaps.contains(top)) {
            changedSnaps.add(top);
          }
          continue;
        }
        byte[] all = read(dir.resolve(rel));
        if (grows(rel) && before != null && all.length >= before[0]) {
          int from = (int) before[0];
          files.add(new JsonObject().put("path", rel).put("offset", (long) from)
              .put("data", B64.encodeToString(java.util.Arrays.copyOfRange(all, from, all.length))));
        } else {
          files.add(new JsonObject().put("path", rel).put("data", B64.encodeToString(all)));
        }
        st[0] = all.length; // what was read is what was sent
      }
      for (String top : changedSnaps) {
        JsonObject one = new JsonObject();
        for (String rel : now) {
          if (top(rel).equals(top) && !rel.equals(top) && seen.containsKey(rel)) {
            one.put(rel.substring(top.length() + 1), B64.encodeToString(read(dir.resolve(rel))));
          }
        }
        snaps.put(top, one);
      }
      JsonArray deleted = new JsonArray();
      java.util.Set<String> goneTops = new java.util.TreeSet<>();
      for (String rel : acked.keySet()) {
        if (!seen.containsKey(rel)) {
          String top = top(rel);
          if (SNAPSHOT.matcher(top).matches()) {
            if (now.stream().noneMatch(r -> top(r).equals(top))) {
              goneTops.add(top);
            }
          } else {
            deleted.add(rel);
          }
        }
      }
      goneTops.forEach(deleted::add);
      if (snaps.isEmpty() && files.isEmpty() && deleted.isEmpty()) {
        return null;
      }
      return new Change(new JsonObject().put("snapshots", new JsonObject(new java.util.LinkedHashMap<>(snaps)))
          .put("files", files).put("deleted", deleted), seen);
    }

    /** The head has written {@code c}: it is the baseline now. */
    void confirm(Change c) {
      acked.clear();
      acked.putAll(c.seen());
    }

    /**
     * Sets the baseline from what the head's copy holds ({@link #listing}): a file counts as
     * held when the head's has the same size and checksum; a growing log whose head copy is
     * shorter counts as held up to there (its tail is sent); anything else is sent whole. Files
     * only the head has are left alone (older snapshots the worker never had).
     */
    void rebase(JsonObject headListing) {
      acked.clear();
      for (String rel : list(dir)) {
        long[] st = stamp(dir.resolve(rel));
        JsonArray head = headListing.getJsonArray(rel);
        if (st == null || head == null) {
          continue;
        }
        long size = head.getLong(0);
        if (grows(rel)) {
          if (size == st[0]) {
            acked.put(rel, st);
          } else if (size < st[0]) {
            acked.put(rel, new long[] {size, -1}); // its tail from the head's end
          }
        } else if (size == st[0] && head.getLong(1) == crc(dir.resolve(rel))) {
          acked.put(rel, st);
        }
      }
    }
  }

  /** A change set ({@link Scanner#next}): its message body and the stamps it carries. */
  record Change(JsonObject body, Map<String, long[]> seen) {}

  /**
   * What the head's copy {@code dir} holds, for {@link Scanner#rebase}: path to [size, CRC-32]
   * (the checksum -1 for growing logs, which are compared by size).
   */
  static JsonObject listing(Path dir) {
    JsonObject out = new JsonObject();
    for (String rel : list(dir)) {
      Path p = dir.resolve(rel);
      long[] st = stamp(p);
      if (st != null) {
        out.put(rel, new JsonArray().add(st[0]).add(grows(rel) ? -1L : crc(p)));
      }
    }
    return out;
  }

  private static boolean grows(String rel) {
    return rel.endsWith(".jsonl") || rel.endsWith(".csv") || rel.endsWith(".log");
  }

  private static long crc(Path p) {
    java.util.zip.CRC32 c = new java.util.zip.CRC32();
    c.update(read(p));
    return c.getValue();
  }

  /** Regular files below {@code dir}, relative with '/', except hidden ones and owner.json. */
  private static List<String> list(Path dir) {
    for (int attempt = 1; ; attempt++) {
      try (Stream<Path> s = Files.walk(dir)) {
        return s.filter(Files::isRegularFile)
            .map(p -> dir.relativize(p).toString().replace('\\', '/'))
            .filter(rel -> !rel.equals(RunOwner.FILE))
            .filter(rel -> Stream.of(rel.split("/")).noneMatch(seg -> seg.startsWith(".")))
            .sorted()
            .toList();
      } catch (IOException | UncheckedIOException e) {
        if (attempt == 2) {
          throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(),
              e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
        // a file renamed away while walking: try once more
      }
    }
  }

  private static String top(String rel) {
    int slash = rel.indexOf('/');
    return slash < 0 ? rel : rel.substring(0, slash);
  }

  private static long[] stamp(Path p) {
    try {
      return new long[] {Files.size(p), Files.getLastModifiedTime(p).toMillis()};
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  /** {@code rel} inside {@code dir}; a path that leaves it is refused. */
  private static Path safe(Path dir, String rel) {
    Path p = dir.resolve(rel).normalize();
    if (!p.startsWith(dir.normalize()) || rel.startsWith("/")) {
      throw new IllegalArgumentException("path outside the run folder: " + rel);
    }
    return p;
  }

  /** Deletes {@code p} and everything below it, if it exists (also used by the worker). */
  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
