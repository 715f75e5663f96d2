package io.firstspike.cli;

import io.firstspike.data.DataSplits;
import io.firstspike.runs.RunFolder;
import io.firstspike.sweep.SweepDefinition;
import io.firstspike.sweep.SweepEvaluation;
import io.firstspike.sweep.SweepFolder;
import io.firstspike.sweep.SweepPlan;
import io.firstspike.sweep.SweepRunner;
import io.firstspike.sweep.SweepSetup;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.AnyConfig;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.ExperimentConfig;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sweep run|continue|status|eval}: grids over config paths in the original's sweep
 * format (docs/SWEEPS.md), each run trained by the one training loop into its own run folder.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = "Run a grid of configs (the original's sweep files) and tabulate the results.",
    subcommands = {
      SweepCommand.Run.class,
      SweepCommand.Continue.class,
      SweepCommand.Status.class,
      SweepCommand.Eval.class
    })
final class SweepCommand implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Threads of each run: all cores shared by the parallel runs, at least one each. */
  static int threadsPerRun(Integer threads, int parallel) {
    if (parallel < 1) {
      throw new UserError("--parallel must be >= 1, got " + parallel);
    }
    return threads != null ? TrainCommand.threadCount(threads)
        : Math.max(1, Runtime.getRuntime().availableProcessors() / parallel);
  }

  static int train(List<RunFolder> runs, Map<String, DataSplits> data, int parallel, int threads) {
    System.out.println("training " + runs.size() + " run" + (runs.size() == 1 ? "" : "s") + ", "
        + parallel + " at a time with " + threads + " thread" + (threads == 1 ? "" : "s")
        + " each");
    SweepRunner.Summary s = new SweepRunner(parallel, threads, System.out).run(runs, data);
    System.out.println(s.finished().size() + " finished, " + s.failed().size() + " failed, "
        + s.skipped().size() + " skipped");
    for (String f : s.failed()) {
      System.err.println("failed: " + f);
    }
    return s.failed().isEmpty() ? 0 : Main.RUN_FAILED;
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Create OUT/sweep_<dataset>_<timestamp>/ with one run folder per combination"
          + " and train them.")
  static final class Run implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "Initial experiment config.")
    Path config;

    @Parameters(index = "1", paramLabel = "SWEEP", description = "Sweep file (parameters: [{path,"
        + " value}]).")
    Path sweep;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "sweep_results",
        description = "Folder of sweep folders (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
        description = "Runs trained at the same time (default: ${DEFAULT-VALUE}; the cores are"
            + " shared between them).")
    int parallel;

    @Option(names = "--threads", description = "Threads per run (default: cores / parallel).")
    Integer threads;

    @Option(names = "--seeds", paramLabel = "A..B",
        description = "Add a seed axis (numpy_seed and torch_seed tied): a range 1..5 or a list"
            + " 1,4,9.")
    String seeds;

    @Option(names = "--dry-run",
        description = "Check that every run's config loads and list the runs; create and train"
            + " nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      List<Long> seedList = seeds == null ? null : SweepDefinition.parseSeeds(seeds);
      int threadCount = threadsPerRun(threads, parallel);
      SweepSetup setup = SweepSetup.read(config, sweep, seedList);
      setup.definition().warnings().forEach(w -> System.err.println("warning: " + w));
      SweepPlan plan = setup.plan();
      if (dryRun) {
        setup.requireValid(); // every run's config loads, as training would read it
        System.out.println(plan.runs().size() + " runs of " + sweep + " over " + config + ":");
        plan.runs().forEach(r -> System.out.println(r.name()));
        return 0;
      }
      Map<String, AnyConfig> configs = setup.requireTrainable(threadCount);
      Map<String, DataSplits> data = SweepRunner.loadData(configs); // before any folder exists
      SweepFolder folder = SweepFolder.create(out, setup.dataset(), setup.initialText(),
          setup.sweepText(), plan,
          r -> epochNumber(configs.get(r.name())));
      System.out.println("sweep folder: " + TrainCommand.shown(folder.dir()) + " ("
          + plan.runs().size() + " runs)");
      return train(folder.runs(), data, parallel, threadCount);
    }
  }

  @Command(name = "continue", mixinStandardHelpOptions = true,
      description = "Train the unfinished runs of a sweep folder (each from its newest snapshot).")
  static final class Continue implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The sweep folder.")
    Path dir;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
        description = "Runs trained at the same time (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Option(names = "--threads", description = "Threads per run (default: cores / parallel).")
    Integer threads;

    @Override
    public Integer call() {
      int threadCount = threadsPerRun(threads, parallel);
      SweepFolder folder = SweepFolder.open(dir);
      SweepFolder.Progress p = folder.progress();
      System.out.println("will continue " + p.unfinished().size() + " runs out of the total "
          + p.total());
      Map<String, AnyConfig> configs = new LinkedHashMap<>();
      for (RunFolder r : p.unfinished()) {
        configs.put(r.id(), ConfigLoader.loadAny(r.configFile()));
      }
      Map<String, DataSplits> data = SweepRunner.loadData(configs);
      return train(p.unfinished(), data, parallel, threadCount);
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Print finished/total runs of a sweep folder.")
  static final class Status implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The sweep folder.")
    Path dir;

    @Option(names = "--list", description = "Also list the unfinished runs.")
    boolean list;

    @Override
    public Integer call() {
      SweepFolder.Progress p = SweepFolder.open(dir).progress();
      System.out.println("Finished runs : " + p.finished().size() + "/" + p.total() + " at "
          + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss")));
      if (list) {
        for (RunFolder r : p.unfinished()) {
          String state = r.status().map(s -> s.state().wire()).orElse("no status");
          System.out.println("unfinished: " + r.id() + " (" + state + ")");
        }
      }
      return 0;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "Write DIR/sweep_results_df.csv (the original's columns) and the sweep"
          + " plots.")
  static final class Eval implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The sweep folder.")
    Path dir;

    @Option(names = "--max-seeds", paramLabel = "N", defaultValue = "2147483647",
        description = "Most seeds kept per setting (the original's --n_experiments; default:"
            + " all).")
    int maxSeeds;

    @Option(names = "--x", paramLabel = "COLUMN",
        description = "Swept column to plot against, e.g. network_layout_layers_1_size (default:"
            + " the first numeric one with several values).")
    String x;

    @Option(names = "--plots", paramLabel = "DIR",
        description = "Folder of the PNGs (default: the sweep folder).")
    Path plots;

    @Override
    public Integer call() {
      if (maxSeeds < 1) {
        throw new UserError("--max-seeds must be >= 1, got " + maxSeeds);
      }
      SweepFolder folder = SweepFolder.open(dir);
      SweepEvaluation e = SweepEvaluation.run(folder, maxSeeds, x,
          plots == null ? folder.dir() : plots);
      e.notes().forEach(n -> System.err.println("note: " + n));
      System.out.println("wrote " + TrainCommand.shown(e.csv()) + " (" + e.results().settings()
          .size() + " settings, " + e.results().header().size() + " columns)");
      e.plots().forEach(p -> System.out.println("wrote " + TrainCommand.shown(p)));
      return 0;
    }
  }

  /** {@code training_params.epoch_number} of a config of either schema. */
  static int epochNumber(AnyConfig config) {
    return config instanceof ExperimentConfig c ? c.trainingParams().epochNumber()
        : ((DelgradExperiment) config).trainingParams().epochNumber();
  }
}
