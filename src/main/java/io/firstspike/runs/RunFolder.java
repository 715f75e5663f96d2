package io.firstspike.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.util.Comparator;
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
   * workbench's live messages ({@link EventCodec}): {@code {"epoch": {...}, "batch": {...} or
   * null, "firstWeights": {...}}}. Replaced atomically at most once a second while the run trains
   * and at its end, so a page opened later (or following a run the CLI trains) shows the spike
   * raster, spike-time histograms and weight histograms too.
   */
  public static final String ACTIVITY = "activity.json";
  public static final String UNTRAINED = "untrained_network";
  private static final Pattern EPOCH_DIR = Pattern.compile("epoch_(\\d+)");
  /** A snapshot folder name as {@link #snapshotDir} writes it: no leading zeros, an int. */
  private static final Pattern SNAPSHOT_DIR = Pattern.compile("epoch_(0|[1-9]\\d{0,9})");

  /**
   * Names of interrupted atomic writes in a run folder: a snapshot's {@code .epoch_<N>.tmp}
   * (renamed into place only when complete), a checkpoint's {@code .epoch_<N>.del} (renamed
   * there to be deleted) and {@link #writeAtomically}'s
   * {@code .<file><digits>.tmp}. Never {@code .epoch_<N>.new} or {@code .old}: either may be the only
   * copy of a snapshot whose replacement was interrupted.
   */
  private static final Pattern TEMP = Pattern.compile("\\.epoch_\\d+\\.(tmp|del)|\\.(" + String.join("|",
      Stream.of(CONFIG, STATUS, ACTIVITY, METRICS, BATCHES, RunOwner.FILE, StopRequest.FILE, RunMeta.FILE)
          .map(Pattern::quote).toList()) + ")\\d*\\.tmp");

  /** The temporary files of the network format's atomic writes ({@code .<file>.<hex>.tmp}). */
  private static final Pattern NETWORK_TEMP = Pattern.compile("\\..+\\.[0-9a-f]{1,16}\\.tmp");
  /**
   * A complete snapshot caught between the two renames of a replacement ({@link
   * SnapshotStore#save}): the new one committed, or the old one moved aside.
   */
  private static final Pattern PARKED_DIR = Pattern.compile("\\.(epoch_(?:0|[1-9]\\d{0,9}))\\.(new|old)");

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

  /**
   * The status, empty when status.json does not exist.
   *
   * @throws DamagedException when status.json exists but cannot be read as a status
   */
  public Optional<RunStatus> status() {
    Path p = dir.resolve(STATUS);
    if (!Files.exists(p)) {
      return Optional.empty();
    }
    if (!Files.isRegularFile(p)) {
      throw new DamagedException(this, STATUS + " is not a file");
    }
    RunStatus st;
    try {
      st = Json.MAPPER.readValue(p.toFile(), RunStatus.class);
    } catch (IOException e) {
      throw new DamagedException(this, STATUS + " is not a readable status: " + describe(e));
    }
    if (st == null || st.state() == null) {
      throw new DamagedException(this, STATUS + " has no \"state\"");
    }
    return Optional.of(st);
  }

  /** The status; a missing or unreadable status.json is a {@link DamagedException}. */
  public RunStatus requireStatus() {
    return status().orElseThrow(() -> new DamagedException(this, STATUS + " is missing"));
  }

  /**
   * Why this folder cannot be used as a run, or empty when it can: a folder name that is not a
   * run id ({@link RunStore#ID}), or a config.yaml or status.json that is missing or unreadable.
   * Names the file and what is wrong with it.
   */
  public Optional<String> damage() {
    Optional<String> name = RunStore.idProblem(id());
    if (name.isPresent()) {
      return name;
    }
    Path config = configFile();
    if (!Files.exists(config)) {
      return Optional.of(CONFIG + " is missing");
    }
    if (!Files.isRegularFile(config)) {
      return Optional.of(CONFIG + " is not a file");
    }
    try {
      if (JsonLines.utf8(Files.readAllBytes(config)).isEmpty()) {
        return Optional.of(CONFIG + " is not UTF-8 text");
      }
    } catch (IOException e) {
      return Optional.of(CONFIG + " cannot be read: " + describe(e));
    }
    try {
      requireStatus();
    } catch (DamagedException e) {
      return Optional.of(e.problem());
    }
    return Optional.empty();
  }

  /**
   * What is odd about the folder without making it unusable, one line each, found without
   * reading the logs (their unreadable lines: {@link JsonLines.Read#warning}): logs that are not
   * files, lines an earlier resume moved aside, and epoch folders that are not snapshots (a
   * number beyond an int).
   */
  public List<String> warnings() {
    List<String> out = new ArrayList<>();
    for (String log : List.of(METRICS, BATCHES)) {
      Path p = dir.resolve(log);
      if (Files.exists(p) && !Files.isRegularFile(p)) {
        out.add(log + " is not a file; it is not read");
      }
    }
    for (String log : List.of(METRICS, BATCHES)) {
      if (Files.exists(dir.resolve(log + JsonLines.DAMAGED_SUFFIX))) {
        out.add(log + JsonLines.DAMAGED_SUFFIX + " holds lines of " + log
            + " that could not be read when the run was resumed");
      }
    }
    for (String odd : childNames(n -> EPOCH_DIR.matcher(n).matches() && !SNAPSHOT_DIR.matcher(n).matches()
        || SNAPSHOT_DIR.matcher(n).matches() && epochOf(n) < 0)) {
      out.add(odd + " is not a snapshot folder (epoch numbers are 0 to " + Integer.MAX_VALUE
          + " without leading zeros); it is ignored");
    }
    return out;
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

  /** All epochs logged so far, in order; unreadable lines are skipped ({@link #metricsLog}). */
  public List<EpochMetrics> metrics() {
    return metricsLog().values();
  }

  /** metrics.jsonl read leniently: its epochs and the lines that could not be read. */
  public JsonLines.Read<EpochMetrics> metricsLog() {
    return JsonLines.read(dir.resolve(METRICS), METRICS_LINE);
  }

  /**
   * metrics.jsonl's epochs with a step above {@code since}, read from the end of the file
   * ({@link JsonLines#readAfter}): what a backfill costs does not grow with the run.
   */
  public JsonLines.Read<EpochMetrics> metricsLogAfter(long since) {
    return JsonLines.readAfter(dir.resolve(METRICS), METRICS_LINE, m -> m.step() <= since);
  }

  /** batches.jsonl's lines with a step above {@code since}, read from the end of the file. */
  public JsonLines.Read<JsonNode> batchesLogAfter(long since) {
    return JsonLines.readAfter(dir.resolve(BATCHES), EventCodec.BATCH_LINES,
        l -> l.path("step").isIntegralNumber() && l.path("step").asLong() <= since);
  }

  /** Batch lines logged so far; unreadable lines are skipped ({@link #batchesLog}). */
  public List<JsonNode> batches() {
    return batchesLog().values();
  }

  /** batches.jsonl read leniently: its lines (JSON objects) and those that could not be read. */
  public JsonLines.Read<JsonNode> batchesLog() {
    return JsonLines.read(dir.resolve(BATCHES), EventCodec.BATCH_LINES);
  }

  /**
   * Rewinds the logs to {@code epoch} for a resume: drops the lines of metrics.jsonl and
   * batches.jsonl that were read and belong to a later epoch; lines that cannot be read are moved
   * to {@code <log>.damaged} ({@link JsonLines#keepOnly}), never deleted.
   *
   * @param epoch the snapshot's epoch; -1 (a fresh start) drops every readable line
   * @return how many unreadable lines were moved aside
   */
  public int keepLogsUpTo(int epoch) {
    int moved = JsonLines.keepOnly(dir.resolve(METRICS), METRICS_LINE, m -> m.epoch() <= epoch);
    moved += JsonLines.keepOnly(dir.resolve(BATCHES), EventCodec.BATCH_LINES,
        b -> !b.has("epoch") || b.path("epoch").asLong(Long.MAX_VALUE) <= epoch);
    return moved;
  }

  /** A metrics line: a JSON object with a whole-number "epoch" that reads as EpochMetrics. */
  private static final JsonLines.Parser<EpochMetrics> METRICS_LINE = line -> {
    JsonNode n = Json.MAPPER.readTree(line);
    if (n == null || !n.isObject() || !n.path("epoch").canConvertToInt() || !n.path("epoch").isIntegralNumber()) {
      return null;
    }
    return Json.MAPPER.treeToValue(n, EpochMetrics.class);
  };

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
   * Folders named like snapshots but with an epoch beyond an int or with leading zeros are not
   * snapshots ({@link #warnings} names them).
   */
  public List<Integer> snapshotEpochs() {
    return childNames(n -> snapshotEpochOf(n) >= 0).stream()
        .filter(n -> Files.isDirectory(dir.resolve(n)))
        .map(RunFolder::snapshotEpochOf)
        .distinct()
        .sorted()
        .toList();
  }

  /**
   * Deletes what interrupted atomic writes left in the folder: {@code .epoch_<N>.tmp} snapshot
   * folders (a snapshot is complete only once renamed to {@code epoch_<N>}), the temporary files
   * of {@link #writeAtomically} and those of the untrained network. Only call it when no other
   * live process writes the run ({@link RunOwner#noOtherLiveOwner}).
   *
   * @return the deleted names, relative to the run folder
   */
  public List<String> removeLeftoverTempFiles() {
    List<String> removed = new ArrayList<>();
    try {
      for (String n : childNames(n -> TEMP.matcher(n).matches())) {
        deleteTree(dir.resolve(n));
        removed.add(n);
      }
      Path untrained = dir.resolve(UNTRAINED);
      if (Files.isDirectory(untrained)) {
        try (Stream<Path> s = Files.list(untrained)) {
          for (Path p : s.filter(p -> NETWORK_TEMP.matcher(p.getFileName().toString()).matches())
              .filter(Files::isRegularFile).toList()) {
            Files.deleteIfExists(p);
            removed.add(UNTRAINED + "/" + p.getFileName());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete temporary files in run " + id() + ": " + describe(e), e);
    }
    return removed;
  }

  private static int snapshotEpochOf(String name) {
    Matcher parked = PARKED_DIR.matcher(name);
    return epochOf(parked.matches() ? parked.group(1) : name);
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
      throw new UncheckedIOException("cannot write " + shortName(target) + ": " + describe(e), e);
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
      throw new UncheckedIOException("cannot append to " + shortName(file) + ": " + describe(e), e);
    }
  }

  /** "<run id>/<file>": a path relative to the folder of runs, for messages. */
  static String shortName(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return (parent == null || parent.getFileName() == null ? "" : parent.getFileName() + "/") + file.getFileName();
  }

  /** The names of the folder's entries that {@code accept} takes, sorted. */
  private List<String> childNames(java.util.function.Predicate<String> accept) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(accept).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list run " + id() + ": " + describe(e), e);
    }
  }

  /** The epoch of a snapshot folder name, or -1 when it is beyond an int. */
  private static int epochOf(String name) {
    Matcher m = SNAPSHOT_DIR.matcher(name);
    if (!m.matches()) {
      return -1;
    }
    long e = Long.parseLong(m.group(1)); // at most 10 digits: fits a long
    return e <= Integer.MAX_VALUE ? (int) e : -1;
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(q);
        }
      }
    } else {
      Files.deleteIfExists(p);
    }
  }

  /**
   * What went wrong, without the absolute path the exception may carry (messages reach the
   * workbench's clients): a JSON parser's own message, else the exception's kind.
   */
  static String describe(IOException e) {
    if (e instanceof JsonProcessingException j) {
      return j.getOriginalMessage();
    }
    if (e instanceof java.nio.file.FileSystemException f) {
      return f.getClass().getSimpleName() + (f.getReason() == null ? "" : " (" + f.getReason() + ")");
    }
    return e.getClass().getSimpleName();
  }

  /**
   * A run folder whose files cannot be read as a run (status.json missing or unreadable, ...):
   * the workbench answers 409 with {@link #problem} and lists the run as {@code damaged}.
   */
  public static final class DamagedException extends UncheckedIOException {
    private final String problem;

    DamagedException(RunFolder run, String problem) {
      super("run " + run.id() + " is damaged: " + problem, new IOException(problem));
      this.problem = problem;
    }

    /** What file is wrong and how, e.g. "status.json is missing". */
    public String problem() {
      return problem;
    }
  }
}
