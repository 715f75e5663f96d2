package io.firstspike.sweep;

import io.firstspike.data.DataSplits;
import io.firstspike.runs.RunExecutor;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOutcome;
import io.firstspike.runs.RunOwner;
import io.firstspike.train.EpochMetrics;
import io.firstspike.train.Experiments;
import io.firstspike.train.RunState;
import io.firstspike.train.StopFlag;
import io.firstspike.train.TrainingEvent;
import io.firstspike.train.TrainingListener;
import io.firstspike.train.config.AnyConfig;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.ExperimentConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Trains the runs of a sweep, {@code parallel} at a time, each through the project's one training
 * path ({@link RunExecutor}, as {@code train} and the server use it) into its own run folder.
 * Each run's epoch lines go to its {@code output.log}; the console gets one line per run that
 * ends.
 *
 * <p>Why one run at a time by default: the training loop already spreads each batch over all
 * cores, so on a small machine {@code --parallel 1} keeps every core busy with one run and
 * finishes the first settings first; {@code --parallel N} splits the cores between N runs (at
 * least one thread each), which pays off when the batches are too small to keep all cores busy.
 */
public final class SweepRunner {
  /**
   * How a sweep's execution ended.
   *
   * @param finished runs that finished
   * @param failed runs that failed or could not start, with the reason
   * @param skipped runs another live process trains, with the reason
   */
  public record Summary(List<String> finished, List<String> failed, List<String> skipped) {}

  private final int parallel;
  private final int threadsPerRun;
  private final PrintStream console;

  /**
   * @param parallel runs trained at the same time (>= 1)
   * @param threadsPerRun worker threads of each run (>= 1)
   * @param console where the one line per run goes
   */
  public SweepRunner(int parallel, int threadsPerRun, PrintStream console) {
    if (parallel < 1 || threadsPerRun < 1) {
      throw new IllegalArgumentException("parallel and threads must be >= 1");
    }
    this.parallel = parallel;
    this.threadsPerRun = threadsPerRun;
    this.console = console;
  }

  /**
   * Loads the data of every config once per data set and network shape, which also checks that
   * each network fits its data.
   *
   * @param configs the runs' configs, by run name
   * @return the data by run name
   * @throws SweepException naming the first run whose data cannot be loaded or does not fit
   */
  public static Map<String, DataSplits> loadData(Map<String, ? extends AnyConfig> configs) {
    Map<List<Object>, DataSplits> byShape = new HashMap<>();
    Map<String, DataSplits> out = new HashMap<>();
    for (Map.Entry<String, ? extends AnyConfig> e : configs.entrySet()) {
      AnyConfig c = e.getValue();
      List<Object> key = shapeKey(c);
      DataSplits d = byShape.get(key);
      if (d == null) {
        try {
          d = Experiments.loadData(c);
        } catch (RuntimeException ex) {
          throw new SweepException(e.getKey() + ": " + ex.getMessage());
        }
        byShape.put(key, d);
      }
      out.put(e.getKey(), d);
    }
    return out;
  }

  /** What the data check of a config depends on: the data and the network's input and output. */
  private static List<Object> shapeKey(AnyConfig config) {
    if (config instanceof ExperimentConfig c) {
      List<Integer> sizes = c.networkLayout().layerSizes();
      return List.of(Experiments.dataSpec(c), c.networkLayout().nInputs(),
          sizes.get(sizes.size() - 1));
    }
    DelgradExperiment d = (DelgradExperiment) config;
    var specs = d.toLayerSpecs();
    return List.of("delgrad", Experiments.dataSpec(d), d.datasetParams(),
        d.networkLayout().nInputs(), specs.get(specs.size() - 1));
  }

  /**
   * Trains {@code runs} to their configured epoch number, resuming each from its newest snapshot
   * (a fresh run starts from scratch).
   *
   * @param data each run's data by run name, or an empty map to load it here per run
   */
  public Summary run(List<RunFolder> runs, Map<String, DataSplits> data) {
    List<String> finished = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
    List<String> skipped = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger ended = new AtomicInteger();
    int n = runs.size();
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "sweep-run");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (RunFolder run : runs) {
        futures.add(pool.submit(() -> {
          long t0 = System.nanoTime();
          Optional<Long> owner = RunOwner.otherLiveOwner(run);
          if (owner.isPresent()) {
            String why = "trained by process " + owner.get() + " on this host; left alone";
            skipped.add(run.id() + ": " + why);
            line(ended.incrementAndGet(), n, run, "skipped: " + why);
            return;
          }
          RunOutcome o = trainOne(run, data.get(run.id()));
          double s = (System.nanoTime() - t0) / 1e9;
          String what;
          if (o.state() == RunState.FINISHED) {
            finished.add(run.id());
            what = String.format(Locale.ROOT, "finished in %.1f s%s", s, lastAccuracy(run));
          } else {
            failed.add(run.id() + ": " + o.state().wire() + ": " + o.reason());
            what = o.state().wire() + ": " + o.reason();
          }
          line(ended.incrementAndGet(), n, run, what);
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw new IllegalStateException("sweep run crashed: " + e.getCause(), e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      pool.shutdownNow();
    }
    return new Summary(List.copyOf(finished), List.copyOf(failed), List.copyOf(skipped));
  }

  private RunOutcome trainOne(RunFolder run, DataSplits preloaded) {
    try (OutputLog log = new OutputLog(run)) {
      return new RunExecutor(false)
          .execute(run, -1, List.of(), preloaded, threadsPerRun, log, new StopFlag());
    }
  }

  private synchronized void line(int k, int n, RunFolder run, String what) {
    console.println("[" + k + "/" + n + "] " + run.id() + " " + what);
    console.flush();
  }

  private static String lastAccuracy(RunFolder run) {
    List<EpochMetrics> m = run.metrics();
    if (m.isEmpty()) {
      return "";
    }
    return String.format(Locale.ROOT, ", validation accuracy %.2f%%",
        100 * m.get(m.size() - 1).valAccuracy());
  }

  /** Appends a run's epoch lines and its end to {@code output.log} in its folder. */
  private static final class OutputLog implements TrainingListener, AutoCloseable {
    private final BufferedWriter out;

    OutputLog(RunFolder run) {
      try {
        out = Files.newBufferedWriter(run.dir().resolve(SweepFolder.OUTPUT_LOG),
            StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the output log of " + run.dir() + ": " + e, e);
      }
    }

    @Override
    public void onEvent(TrainingEvent event) {
      String text = null;
      if (event instanceof TrainingEvent.Epoch e) {
        EpochMetrics m = e.metrics();
        text = m.epoch() == 0
            ? String.format(Locale.ROOT, "epoch %d/%d  initial validation: loss %.4f  acc %.2f%%",
                m.epoch(), m.epochs(), m.valLoss(), 100 * m.valAccuracy())
            : String.format(Locale.ROOT, "epoch %d/%d  train loss %.4f acc %.2f%%  val loss %.4f"
                + " acc %.2f%%  lr %.5f  bumps %d", m.epoch(), m.epochs(), m.trainLoss(),
                100 * m.trainAccuracy(), m.valLoss(), 100 * m.valAccuracy(), m.learningRate(),
                m.bumps());
      } else if (event instanceof TrainingEvent.Snapshot s) {
        text = "snapshot of epoch " + s.epoch() + " saved";
      } else if (event instanceof TrainingEvent.StateChange s) {
        text = "state " + s.state().wire() + (s.reason().isEmpty() ? "" : ": " + s.reason());
      }
      if (text != null) {
        try {
          out.write(text);
          out.newLine();
          out.flush();
        } catch (IOException e) {
          // the log is for people; the run's own files hold its numbers
        }
      }
    }

    @Override
    public void close() {
      try {
        out.close();
      } catch (IOException ignored) {
        // nothing more to write
      }
    }
  }
}
