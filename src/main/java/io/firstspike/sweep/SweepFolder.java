package io.firstspike.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunLifecycle;
import io.firstspike.runs.RunStatus;
import io.firstspike.train.RunState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A sweep folder in the original's layout (DELGRAD-MODEL.md section 14):
 *
 * <pre>
 * OUT/sweep_&lt;dataset&gt;_&lt;YYYY-MM-DD_HH-MM-SS&gt;/
 *   initial_config.yaml        the initial config, copied byte for byte
 *   sweep_config.yaml          the sweep file (with the --seeds entry first when given)
 *   run_&lt;k&gt;=&lt;value&gt;_.../      one per run, an ordinary FirstSpike run folder:
 *     config.yaml              the run's config, keys sorted
 *     sweep_updates.yaml       [{path: [keys], value}], one per path, tied paths flattened
 *     status.json, metrics.jsonl, epoch_&lt;N&gt;/ ...   written by the one training loop
 *     output.log               the run's epoch lines
 * </pre>
 */
public final class SweepFolder {
  public static final String INITIAL_CONFIG = "initial_config.yaml";
  public static final String SWEEP_CONFIG = "sweep_config.yaml";
  public static final String UPDATES = "sweep_updates.yaml";
  public static final String OUTPUT_LOG = "output.log";
  public static final String RESULTS_CSV = "sweep_results_df.csv";
  static final String RUN_PREFIX = "run_";

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss");

  private final Path dir;

  private SweepFolder(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  public Path dir() {
    return dir;
  }

  /**
   * Creates {@code out/sweep_<dataset>_<timestamp>/} with every run folder of {@code plan}, each
   * with its config, its updates and a {@code queued} status. A folder of the same second gets
   * {@code -2}, {@code -3}, ... appended. If writing fails the new folder is removed again.
   *
   * @param initialText the initial config's text, copied unchanged
   * @param sweepText the sweep file's text
   * @param epochsOf the epoch number of each run's config (for its status)
   */
  public static SweepFolder create(Path out, String dataset, String initialText, String sweepText,
      SweepPlan plan, java.util.function.ToIntFunction<SweepPlan.Run> epochsOf) {
    String base = "sweep_" + dataset + "_" + LocalDateTime.now().format(STAMP);
    Path dir;
    try {
      Files.createDirectories(out);
      dir = null;
      for (int k = 1; dir == null; k++) {
        Path candidate = out.resolve(k == 1 ? base : base + "-" + k);
        try {
          dir = Files.createDirectory(candidate);
        } catch (FileAlreadyExistsException e) {
          // the same second: try the next suffix
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the sweep folder in " + out + ": " + e, e);
    }
    SweepFolder folder = new SweepFolder(dir);
    try {
      RunFolder.writeAtomically(dir.resolve(INITIAL_CONFIG), initialText);
      RunFolder.writeAtomically(dir.resolve(SWEEP_CONFIG), sweepText);
      for (SweepPlan.Run r : plan.runs()) {
        Path runDir = Files.createDirectory(dir.resolve(r.name()));
        RunFolder run = new RunFolder(runDir);
        RunFolder.writeAtomically(run.configFile(), SweepYaml.write(r.config()));
        RunFolder.writeAtomically(runDir.resolve(UPDATES), SweepYaml.write(updatesTree(r)));
        RunLifecycle.fresh(run, RunLifecycle.DISK).transition(RunState.QUEUED, "",
            new RunLifecycle.Progress(0, epochsOf.applyAsInt(r), -1));
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(dir);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot write the sweep folder " + dir + ": " + io, io);
      }
      throw (RuntimeException) e;
    }
    return folder;
  }

  /**
   * Opens an existing sweep folder.
   *
   * @throws SweepException when {@code dir} is not a folder with {@code sweep_config.yaml}
   */
  public static SweepFolder open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new SweepException(dir + ": no such folder; expected a sweep folder"
          + " sweep_<dataset>_<timestamp>/ made by 'sweep run'");
    }
    if (!Files.isRegularFile(dir.resolve(SWEEP_CONFIG))) {
      throw new SweepException(dir + " is not a sweep folder: it has no " + SWEEP_CONFIG
          + " (a sweep folder is made by 'sweep run')");
    }
    return new SweepFolder(dir);
  }

  /** The run folders ({@code run_*} with a config.yaml), sorted by name. */
  public List<RunFolder> runs() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith(RUN_PREFIX))
          .filter(Files::isDirectory)
          .filter(p -> Files.isRegularFile(p.resolve(RunFolder.CONFIG)))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .map(RunFolder::new)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e, e);
    }
  }

  /**
   * True when the run has finished: its status says so and its last epoch's snapshot holds the
   * test labels (the original's test: {@code epoch_<epoch_number>/*_test_labels.npy}).
   */
  public static boolean isFinished(RunFolder run) {
    Optional<RunStatus> st;
    try {
      st = run.status();
    } catch (RuntimeException e) {
      return false; // unreadable status: not finished, 'continue' runs it again
    }
    if (st.isEmpty() || st.get().state() != RunState.FINISHED) {
      return false;
    }
    Path last = run.dir().resolve("epoch_" + st.get().epochs());
    try (Stream<Path> s = Files.list(last)) {
      return s.anyMatch(p -> p.getFileName().toString().endsWith("_test_labels.npy"));
    } catch (IOException e) {
      return false;
    }
  }

  /** The finished and the unfinished runs. */
  public record Progress(List<RunFolder> finished, List<RunFolder> unfinished) {
    public int total() {
      return finished.size() + unfinished.size();
    }
  }

  public Progress progress() {
    List<RunFolder> done = new ArrayList<>();
    List<RunFolder> todo = new ArrayList<>();
    for (RunFolder r : runs()) {
      (isFinished(r) ? done : todo).add(r);
    }
    return new Progress(done, todo);
  }

  /** {@code sweep_updates.yaml} of a run: {@code [{path: [keys], value}]}. */
  static JsonNode updatesTree(SweepPlan.Run r) {
    ArrayNode list = JsonNodeFactory.instance.arrayNode();
    for (SweepPlan.Update u : r.updates()) {
      ObjectNode e = list.addObject();
      ArrayNode path = e.putArray("path");
      for (Object part : u.path().parts()) {
        if (part instanceof Integer i) {
          path.add(i);
        } else {
          path.add((String) part);
        }
      }
      e.set("value", u.value());
    }
    return list;
  }


  private static void deleteQuietly(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // best effort: the error that brought us here is the one to report
    }
  }
}
