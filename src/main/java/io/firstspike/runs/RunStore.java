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
  /**
   * What a run id may look like: a plain folder name of at most 255 characters (the limit of a
   * file name on common file systems; the characters allowed are one byte each).
   */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,254}");

  /** Longest run id, in characters (= bytes). */
  public static final int MAX_ID_LENGTH = 255;

  /**
   * Longest name a new run folder may start with ({@link #create}): the folder is named
   * {@code <name>_YYYY-MM-DD_HH-MM-SS} (20 more characters), maybe with {@code -<k>}, and must
   * stay a valid id within {@link #MAX_ID_LENGTH}.
   */
  public static final int MAX_NAME_LENGTH = 200;

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
    return idProblem(id).isEmpty();
  }

  /**
   * Why {@code name} is not a valid run id ("folder name not usable as a run id: ..."), or empty
   * when it is one.
   */
  public static Optional<String> idProblem(String name) {
    String why = null;
    if (name == null || name.isEmpty()) {
      why = "the name is empty";
    } else if (name.length() > MAX_ID_LENGTH) {
      why = "it is " + name.length() + " characters long, run ids at most " + MAX_ID_LENGTH;
    } else if (!Character.isLetterOrDigit(name.charAt(0)) || name.charAt(0) > 127) {
      why = "it starts with '" + name.charAt(0) + "', run ids with a letter or a digit (A-Z, a-z, 0-9)";
    } else if (name.contains("..")) {
      why = "it contains '..'";
    } else if (!ID.matcher(name).matches()) {
      int bad = 0;
      while (bad < name.length() && String.valueOf(name.charAt(bad)).matches("[A-Za-z0-9._+-]")) {
        bad++;
      }
      why = "it contains '" + name.charAt(bad) + "' (character " + (bad + 1)
          + "), run ids only letters, digits and . _ + -";
    }
    return why == null ? Optional.empty()
        : Optional.of("folder name not usable as a run id: " + why + "; rename the folder to open it as a run");
  }

  /**
   * Creates a new, empty run folder named after the config and the current local time; adds
   * {@code -2}, {@code -3}, ... when that name is taken (two runs in one second).
   */
  public RunFolder create(String configName) {
    String name = sanitize(configName);
    if (name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("run name too long: " + name.length() + " characters, at most "
          + MAX_NAME_LENGTH + " (the run folder is named <name>_YYYY-MM-DD_HH-MM-SS, and a folder name"
          + " may have at most " + MAX_ID_LENGTH + " bytes)");
    }
    String base = name + "_" + LocalDateTime.now().format(STAMP);
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
      throw new UncheckedIOException("cannot create a run folder " + base + " in the folder of runs: "
          + RunFolder.describe(e), e);
    }
  }

  /**
   * Creates a run folder as {@link #create(String)} and fills it with {@code fill} (config,
   * status). If filling fails (a full disk, a config that cannot be written) the folder is
   * removed again before the failure is passed on: a failed create leaves nothing behind, and
   * no half-written folder shows up as a damaged run.
   */
  public RunFolder create(String configName, java.util.function.Consumer<RunFolder> fill) {
    RunFolder run = create(configName);
    try {
      fill.accept(run);
      return run;
    } catch (RuntimeException | Error e) {
      try {
        SnapshotStore.deleteTree(run.dir());
      } catch (IOException | RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /** The run with this id: its folder, if the id is valid and the folder exists. */
  public Optional<RunFolder> find(String id) {
    if (!isValidId(id)) {
      return Optional.empty();
    }
    return folder(id);
  }

  /**
   * The folder with this name in the store, whatever the name, if it exists: what {@link #list}
   * lists can be looked up (a name that is not a run id is then a damaged run). Names that are
   * not a single plain path segment ({@code /}, {@code ..}, NUL) find nothing.
   */
  public Optional<RunFolder> folder(String name) {
    if (name == null || name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
        || name.contains("\0") || name.length() > MAX_ID_LENGTH) {
      return Optional.empty();
    }
    Path dir;
    try {
      dir = root.resolve(name).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      return Optional.empty();
    }
    if (!root.equals(dir.getParent()) || !Files.isDirectory(dir)) {
      return Optional.empty();
    }
    return Optional.of(new RunFolder(dir));
  }

  /**
   * Every folder in the store, newest first (by name): runs, and folders that cannot be read as
   * one ({@link RunFolder#damage} says why).
   */
  public List<RunFolder> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(Files::isDirectory)
          .map(RunFolder::new)
          .sorted(Comparator.comparing(RunFolder::id).reversed())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the folder of runs: " + RunFolder.describe(e), e);
    }
  }

  /**
   * A config name reduced to a valid start of a run id: characters other than letters, digits
   * and {@code . _ + -} become {@code _}, runs of dots one dot, and the name starts with a letter
   * or a digit.
   */
  static String sanitize(String name) {
    String s = name.replaceAll("[^A-Za-z0-9._+-]", "_").replaceAll("\\.{2,}", ".");
    s = s.replaceFirst("^[^A-Za-z0-9]+", "");
    return s.isEmpty() ? "run" : s;
  }
}
