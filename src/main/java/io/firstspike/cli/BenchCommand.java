package io.firstspike.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.firstspike.bench.BenchSuite;
import io.firstspike.bench.FlopRate;
import io.firstspike.bench.ForkedBench;
import io.firstspike.bench.JmhLauncher;
import io.firstspike.bench.Machine;
import io.firstspike.bench.Measurement;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: speed of training and inference on the paper's setups, each result checked
 * (spike times against a slow reference, accuracy above chance) before it is reported. Runs on
 * {@code --threads} threads and, unless that is 1, once more on one thread.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = LoadBenchCommand.class,
    description = "Measure training and inference speed (median of repeated runs after warm-up)"
        + " on all cores and on one; see docs/BENCHMARKS.md. 'bench load' measures the live"
        + " stream under many browsers.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Option(names = "--only", paramLabel = "KEY",
      description = "Run one benchmark: yin_yang_epoch_seconds, mnist16_train_samples_per_s,"
          + " mnist16_inference_images_per_s, mnist784_epoch_seconds,"
          + " delgrad_yin_yang_H30_WS_epoch_seconds or host_two_copies_H30_WS_speedup (what two"
          + " independent one-thread copies of that work get from this host over one alone).")
  String only;

  @Option(names = "--threads", description = "Worker threads (default: all cores).")
  Integer threads;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Folder of the MNIST IDX files (default: ../shared/data/mnist-subset, then"
          + " data/mnist; synthetic digits if neither has them).")
  Path dataDir;

  @Option(names = "--seed", paramLabel = "S",
      description = "Use numpy_seed and torch_seed S in every benchmark's config (the training"
          + " benchmarks train from scratch, so their cost follows the network the seeds lead"
          + " to; compare builds with several seeds).")
  Long seed;

    @Option(names = "--no-single", description = "Skip the repetition on one thread.")
  boolean noSingle;

  @Option(names = "--jmh", description = "Run the JMH forward+backward benchmarks instead.")
  boolean jmh;

  @Option(names = "--no-fork", description = "Run all benchmarks in this JVM (default: each"
      + " benchmark and thread count in its own JVM, so that one's JIT profile does not slow"
      + " the next; --only always runs in this JVM).")
  boolean noFork;

  @Override
  public Integer call() throws JsonProcessingException {
    int n = TrainCommand.threadCount(threads);
    if (only != null && !BenchSuite.KEYS.contains(only)) {
      throw new UserError("--only " + only + " is not a benchmark; valid: "
          + String.join(", ", BenchSuite.KEYS));
    }
    if (jmh) {
      JmhLauncher.run(n);
      return 0;
    }
    double loadBefore = Machine.loadAverage();
    List<Measurement> main;
    List<Measurement> single = List.of();
    Map<String, Double> rss;
    List<String> notes;
    boolean fork = only == null && !noFork;
    if (fork) {
      // one JVM per benchmark and thread count (see ForkedBench)
      rss = new LinkedHashMap<>();
      notes = new ArrayList<>();
      main = ForkedBench.runAll(BenchSuite.KEYS, n, dataDir, seed, rss, notes);
      if (n > 1 && !noSingle) {
        single = ForkedBench.runAll(BenchSuite.KEYS, 1, dataDir, seed, new LinkedHashMap<>(),
            notes);
      }
    } else {
      BenchSuite all = new BenchSuite(n, dataDir, seed, System.err::println);
      main = all.run(only);
      if (n > 1 && !noSingle) {
        single = new BenchSuite(1, dataDir, seed, System.err::println).run(only);
      }
      rss = all.peakRssByKey();
      notes = all.notes();
    }
    double peakRss = fork
        ? rss.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)
        : Machine.peakRssMb();
    Map<String, Object> out = new LinkedHashMap<>();
    for (Measurement m : main) {
      out.put(m.key(), m.value());
    }
    out.put("peak_rss_mb", peakRss);
    out.put("threads", n);
    if (seed != null) {
      out.put("seed", seed);
    }
    out.put("machine", Machine.describe());
    if (!single.isEmpty()) {
      Map<String, Object> one = new LinkedHashMap<>();
      for (Measurement m : single) {
        one.put(m.key(), m.value());
      }
      out.put("single_thread", one);
    }
    out.put("peak_rss_mb_by_benchmark", rss);
    out.put("forked", fork);
    double flops = FlopRate.total(n, 2.0);
    double flops1 = FlopRate.total(1, 2.0);
    out.put("flop_rate_gflops", flops / 1e9);
    out.put("flop_rate_gflops_one_thread", flops1 / 1e9);
    out.put("load_average_before", loadBefore);
    out.put("load_average_after", Machine.loadAverage());
    out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    out.put("data", notes);
    Map<String, Object> details = new LinkedHashMap<>();
    for (Measurement m : main) {
      details.put(m.key(), Map.of("unit", m.unit(), "method", m.method(), "check", m.check()));
    }
    out.put("details", details);
    if (json) {
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(out));
    } else {
      printTable(main, single, n);
      System.out.printf("float64 kernel rate: %.2f GFLOP/s on %d thread(s), %.2f on 1%n",
          flops / 1e9, n, flops1 / 1e9);
      System.out.printf("peak RSS %.0f MiB; machine: %s; load average %.2f -> %.2f%n",
          peakRss, Machine.describe(), loadBefore, Machine.loadAverage());
      for (String note : notes) {
        System.out.println("data: " + note);
      }
    }
    return 0;
  }

  private static void printTable(List<Measurement> main, List<Measurement> single, int n) {
    System.out.printf("%-32s %14s %14s  %s%n", "benchmark", n + " thread(s)", "1 thread", "unit");
    for (int i = 0; i < main.size(); i++) {
      Measurement m = main.get(i);
      String one = i < single.size() ? String.format("%.4g", single.get(i).value()) : "-";
      System.out.printf("%-32s %14.4g %14s  %s%n", m.key(), m.value(), one, m.unit());
    }
    for (Measurement m : main) {
      System.out.println(m.key() + ": " + m.method() + ". Check: " + m.check());
    }
  }
}
