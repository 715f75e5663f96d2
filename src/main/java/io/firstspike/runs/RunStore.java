package io.firstspike.runs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder of runs ({@code experiment_results/} by default): creates run folders with the
 * original's naming, {@code <config name>_<YYYY-MM-DD_HH-MM-SS>}, lists and finds them.
 *
 * <p>Run ids are folder names and are validated before any path is built from them, so an id can
 * never point outside the store (no {@code ..}, separators, or absolute paths).
 */
public final class RunStore {
  /** What a run id may look like: a plain folder name. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,199}");

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss");

  private final Path root;

  public RunStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /** True if {@code id} is a syntactically valid run id. */
  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches() && !id.contains("..");
  }

  /**
   * Creates a new, empty run folder named after the config and the current local time; adds
   * {@code -2}, {@code -3}, ... when that name is taken (two runs in one second).
   */
  public RunFolder create(String configName) {
    String base = sanitize(configName) + "_" + LocalDateTime.now().format(STAMP);
    try {
      Files.createDirectories(root);
      for (int k = 1; ; k++) {
        Path dir = root.resolve(k == 1 ? base : base + "-" + k);
        try {
          Files.createDirectory(dir);
          return new RunFolder(dir);
        } catch (FileAlreadyExistsException taken) {
          // try the next suffix
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a run folder in " + root + ": " + e, e);
    }
  }

  /** The run with this id, if the id is valid and its folder is a run. */
  public Optional<RunFolder> find(String id) {
    if (!isValidId(id)) {
      return Optional.empty();
    }
    Path dir = root.resolve(id).normalize();
    if (!dir.getParent().equals(root)) {
      return Optional.empty();
    }
    RunFolder f = new RunFolder(dir);
    return f.isRun() ? Optional.of(f) : Optional.empty();
  }

  /** Every run in the store, newest first. */
  public List<RunFolder> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(Files::isDirectory)
          .map(RunFolder::new)
          .filter(RunFolder::isRun)
          .sorted(Comparator.comparing(RunFolder::id).reversed())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root + ": " + e, e);
    }
  }

  /** A config name reduced to characters that are safe in a folder name. */
  static String sanitize(String name) {
    String s = name.replaceAll("[^A-Za-z0-9._+-]", "_");
    while (s.startsWith(".") || s.startsWith("_") || s.startsWith("-")) {
      s = s.substring(1);
    }
    return s.isEmpty() ? "run" : s;
  }
}
