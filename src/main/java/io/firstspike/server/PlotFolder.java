package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The {@code plots/} folder of a run, written so that a reader never sees half a PNG: a new
 * evaluation renders into a temporary sibling folder, then every file is renamed over its old
 * version (a rename within one file system is atomic), plots the new evaluation no longer draws
 * are removed, and {@value #NOTES_FILE} records the evaluation's notes for later listings.
 */
final class PlotFolder {
  static final String PLOTS = "plots";
  static final String NOTES_FILE = "evaluation.json";
  /** The temporary folder beside {@code plots/}; hidden, and not an {@code epoch_<N>} folder. */
  static final String RENDERING = ".plots-rendering";

  private final Path dir;
  private final Path tmp;

  private PlotFolder(Path runDir) {
    this.dir = runDir.resolve(PLOTS);
    this.tmp = runDir.resolve(RENDERING);
  }

  static PlotFolder of(RunFolder run) {
    return new PlotFolder(run.dir());
  }

  Path dir() {
    return dir;
  }

  /**
   * {@code {"plots": [{"file", "bytes", "modified"}], "notes": [...], "epoch", "evaluatedAt"}}: the
   * PNG files (not symbolic links) sorted by name ({@code modified} is ISO-8601), and the notes,
   * snapshot epoch and time of the last evaluation (empty, null if none or not recorded).
   */
  JsonObject listing() throws IOException {
    JsonArray plots = new JsonArray();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".png"))
            .filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) // links are not served
            .sorted(Comparator.comparing(f -> f.getFileName().toString())).toList()) {
          plots.add(new JsonObject().put("file", p.getFileName().toString()).put("bytes", Files.size(p))
              .put("modified", Files.getLastModifiedTime(p).toInstant().toString()));
        }
      }
    }
    JsonArray notes = new JsonArray();
    Integer epoch = null;
    String evaluatedAt = null;
    Path notesFile = dir.resolve(NOTES_FILE);
    if (Files.isRegularFile(notesFile, LinkOption.NOFOLLOW_LINKS)) {
      try {
        JsonObject record = new JsonObject(Files.readString(notesFile));
        notes = record.getJsonArray("notes", new JsonArray());
        epoch = record.getValue("epoch") instanceof Number n && n.intValue() >= 0 ? n.intValue() : null;
        evaluatedAt = record.getValue("evaluatedAt") instanceof String t ? t : null;
      } catch (RuntimeException e) {
        // the parser's message would quote the file: name the problem only
        notes.add(notesFile + " is not a JSON object with a \"notes\" list; evaluate again to rewrite it");
      }
    }
    return new JsonObject().put("plots", plots).put("notes", notes).put("epoch", epoch)
        .put("evaluatedAt", evaluatedAt);
  }

  /**
   * Renders with {@code render} (given the empty temporary folder, returning the written files)
   * and moves the result into {@code plots/}; {@code epoch} is the snapshot evaluated (-1: unknown).
   *
   * @return the file names now in {@code plots/}, in drawing order
   */
  List<String> replace(Function<Path, List<Path>> render, List<String> notes, String origin, int epoch) {
    try {
      deleteTree(tmp);
      Files.createDirectories(tmp);
      List<Path> written = render.apply(tmp);
      Files.createDirectories(dir);
      List<String> names = new ArrayList<>();
      Set<String> keep = new HashSet<>();
      for (Path f : written) {
        String name = f.getFileName().toString();
        move(f, dir.resolve(name));
        names.add(name);
        keep.add(name);
      }
      keep.add(NOTES_FILE);
      try (Stream<Path> s = Files.list(dir)) {
        for (Path old : s.filter(p -> !keep.contains(p.getFileName().toString())).toList()) {
          Files.deleteIfExists(old);
        }
      }
      RunFolder.writeAtomically(dir.resolve(NOTES_FILE), new JsonObject()
          .put("evaluatedAt", Instant.now().toString()).put("origin", origin)
          .put("epoch", epoch >= 0 ? epoch : null)
          .put("files", names).put("notes", notes).encodePrettily());
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the plots of " + dir.getParent() + ": " + e.getMessage(), e);
    } finally {
      try {
        deleteTree(tmp);
      } catch (IOException ignored) {
        // left for the next evaluation, which deletes it first
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
