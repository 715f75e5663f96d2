package io.firstspike.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.train.EpochMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One run on disk: the single source of truth the CLI writes and the server reads.
 *
 * <pre>
 * &lt;id&gt;/config.yaml        the resolved experiment config
 *       status.json        {@link RunStatus}
 *       metrics.jsonl      one {@link EpochMetrics} per line, appended and flushed per epoch
 *       batches.jsonl      one compact line per training batch (for charts and backfill)
 *       activity.json      the last epoch's event and the last batch event before it
 *       untrained_network/ the network before training (FirstSpike network format)
 *       epoch_&lt;N&gt;/         snapshots (see docs/FORMATS.md)
 * </pre>
 */
public final class RunFolder {
  public static final String CONFIG = "config.yaml";
  public static final String STATUS = "status.json";
  public static final String METRICS = "metrics.jsonl";
  public static final String BATCHES = "batches.jsonl";
  /**
   * The newest epoch's event and the last training batch's event before it, in the JSON of the
   * workbench's live messages ({@link EventTrees}): {@code {"epoch": {...}, "batch": {...} or
   * null, "firstWeights": {...}}}. Replaced atomically at most once a second while the run trains
   * and at its end, so a page opened later (or following a run the CLI trains) shows the spike
   * raster, spike-time histograms and weight histograms too.
   */
  public static final String ACTIVITY = "activity.json";
  public static final String UNTRAINED = "untrained_network";
  private static final Pattern EPOCH_DIR = Pattern.compile("epoch_(\\d{1,9})");
  /**
   * A complete snapshot caught between the two renames of a replacement ({@link
   * SnapshotStore#save}): the new one committed, or the old one moved aside.
   */
  private static final Pattern PARKED_DIR = Pattern.compile("\\.epoch_(\\d{1,9})\\.(new|old)");

  private final Path dir;

  public RunFolder(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** The run id: the folder name. */
  public String id() {
    return dir.getFileName().toString();
  }

  public Path dir() {
    return dir;
  }

  public Path configFile() {
    return dir.resolve(CONFIG);
  }

  /** True if the folder looks like a FirstSpike run (has a config and a status). */
  public boolean isRun() {
    return Files.isRegularFile(configFile()) && Files.isRegularFile(dir.resolve(STATUS));
  }

  public Optional<RunStatus> status() {
    Path p = dir.resolve(STATUS);
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.MAPPER.readValue(p.toFile(), RunStatus.class));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  /** Replaces status.json atomically. */
  public void writeStatus(RunStatus status) {
    writeAtomically(dir.resolve(STATUS), Json.MAPPER.valueToTree(status).toString());
  }

  /** Appends one epoch to metrics.jsonl and forces it to disk. */
  public void appendMetrics(EpochMetrics m) {
    appendLine(dir.resolve(METRICS), Json.MAPPER.valueToTree(m).toString(), true);
  }

  /** Appends one JSON line to batches.jsonl. */
  public void appendBatch(JsonNode line) {
    appendLine(dir.resolve(BATCHES), line.toString(), false);
  }

  /** All epochs logged so far, in order; a torn last line (crash mid-write) is ignored. */
  public List<EpochMetrics> metrics() {
    List<EpochMetrics> out = new ArrayList<>();
    for (String line : lines(dir.resolve(METRICS))) {
      try {
        out.add(Json.MAPPER.readValue(line, EpochMetrics.class));
      } catch (IOException e) {
        break; // only the last line can be torn; stop there
      }
    }
    return out;
  }

  /** Batch lines logged so far; a torn last line is ignored. */
  public List<JsonNode> batches() {
    List<JsonNode> out = new ArrayList<>();
    for (String line : lines(dir.resolve(BATCHES))) {
      try {
        out.add(Json.MAPPER.readTree(line));
      } catch (IOException e) {
        break;
      }
    }
    return out;
  }

  /** Replaces activity.json (see {@link #ACTIVITY}) atomically. */
  public void writeActivity(JsonNode activity) {
    writeAtomically(dir.resolve(ACTIVITY), activity.toString());
  }

  /** activity.json, if written and readable (a damaged file counts as absent). */
  public Optional<JsonNode> activity() {
    Path p = dir.resolve(ACTIVITY);
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Json.MAPPER.readTree(p.toFile()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Epochs with a complete snapshot, ascending: an {@code epoch_<N>/} folder, or (after a crash
   * between the two renames of a replacement) its hidden {@code .new} or {@code .old} folder.
   */
  public List<Integer> snapshotEpochs() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory)
          .map(p -> snapshotEpochOf(p.getFileName().toString()))
          .filter(e -> e >= 0)
          .distinct()
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int snapshotEpochOf(String name) {
    for (Pattern p : List.of(EPOCH_DIR, PARKED_DIR)) {
      Matcher m = p.matcher(name);
      if (m.matches()) {
        return Integer.parseInt(m.group(1));
      }
    }
    return -1;
  }

  /** Where the snapshot of {@code epoch} belongs: {@code epoch_<N>/} (it may not exist). */
  public Path snapshotDir(int epoch) {
    return dir.resolve("epoch_" + epoch);
  }

  /**
   * The folder holding the complete snapshot of {@code epoch}: {@code epoch_<N>/}, else the
   * committed new one, else the old one moved aside (see {@link SnapshotStore#save}); looked up
   * in the order in which a replacement makes them appear, then {@code epoch_<N>/} once more, so
   * a lookup that overlaps a replacement still finds one.
   */
  public Optional<Path> findSnapshot(int epoch) {
    for (Path p : List.of(snapshotDir(epoch), hiddenSnapshotDir(epoch, SnapshotStore.NEW),
        hiddenSnapshotDir(epoch, SnapshotStore.OLD), snapshotDir(epoch))) {
      if (Files.isDirectory(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** A hidden working folder of the snapshot of {@code epoch}: {@code .epoch_<N><suffix>}. */
  Path hiddenSnapshotDir(int epoch, String suffix) {
    return dir.resolve(".epoch_" + epoch + suffix);
  }

  /** Writes text to a temporary file beside the target, then renames it over the target. */
  public static void writeAtomically(Path target, String text) {
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Appends a line; {@code sync} forces it to disk (epochs), batches rely on the OS. */
  private static void appendLine(Path file, String line, boolean sync) {
    try {
      StandardOpenOption[] opts =
          sync
              ? new StandardOpenOption[] {
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC
              }
              : new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND};
      Files.writeString(file, line + "\n", StandardCharsets.UTF_8, opts);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<String> lines(Path file) {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
