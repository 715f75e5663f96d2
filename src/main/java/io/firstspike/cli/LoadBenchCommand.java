package io.firstspike.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.firstspike.bench.LoadBench;
import io.firstspike.bench.Machine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench load}: the live stream under many browsers (see docs/BENCHMARKS.md). */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    description = "Train a Yin-Yang run on a fresh workbench (a child JVM) while N WebSocket clients"
        + " read its live streams, for each N; print training time, server memory, frames and"
        + " GET /api/runs/{id} latency.")
final class LoadBenchCommand implements Callable<Integer> {
  @Option(names = "--clients", defaultValue = "0,20,100,200", paramLabel = "N,N,...",
      description = "Client counts, one measurement each (default: ${DEFAULT-VALUE}).")
  String clients;

  @Option(names = "--stalled", defaultValue = "0", paramLabel = "K",
      description = "Extra clients that register and never read (default: ${DEFAULT-VALUE}).")
  int stalled;

  @Option(names = "--config", defaultValue = "yin_yang_small",
      description = "Config of --configs-dir to train (default: ${DEFAULT-VALUE}).")
  String config;

  @Option(names = "--epochs", defaultValue = "300", description = "Epochs of the run (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--configs-dir", defaultValue = "configs",
      description = "Folder of configs (default: ${DEFAULT-VALUE}).")
  Path configsDir;

  @Option(names = "--threads", description = "Training threads of the server (default: all cores).")
  Integer threads;

  @Option(names = "--server-classpath", paramLabel = "CP",
      description = "Class path of the server build to measure, e.g. another build's"
          + " target/firstspike.jar (default: this program's).")
  String serverClassPath;

  @Option(names = "--server-jvm-args", paramLabel = "ARGS",
      description = "JVM options of the server, space-separated, e.g. \"-Xmx512m\" (default: none).")
  String serverJvmArgs;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<Integer> counts;
    try {
      counts = LoadBench.parseCounts(clients);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    if (stalled < 0 || epochs < 1) {
      throw new UserError("--stalled must be >= 0 and --epochs >= 1, got " + stalled + " and " + epochs);
    }
    if (!Files.isRegularFile(configsDir.resolve(config + ".yaml"))) {
      throw new UserError("no config " + configsDir.resolve(config + ".yaml") + "; --config names a file of --configs-dir");
    }
    String cp = serverClassPath != null ? serverClassPath : System.getProperty("java.class.path");
    List<String> jvm = serverJvmArgs == null || serverJvmArgs.isBlank() ? List.of()
        : new ArrayList<>(Arrays.asList(serverJvmArgs.trim().split("\\s+")));
    Path work = Files.createTempDirectory("firstspike-load-");
    LoadBench.Setup setup = new LoadBench.Setup(cp, jvm, configsDir.toAbsolutePath(), config, epochs,
        TrainCommand.threadCount(threads), stalled, work);
    double loadBefore = Machine.loadAverage();
    List<LoadBench.Row> rows = LoadBench.run(setup, counts, System.err);
    Files.deleteIfExists(work);
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("config", config);
      out.put("epochs", epochs);
      out.put("server_classpath", cp);
      out.put("server_jvm_args", jvm);
      out.put("machine", Machine.describe());
      out.put("load_average_before", loadBefore);
      out.put("rows", LoadBench.asMaps(rows));
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out));
    } else {
      System.out.print(LoadBench.table(rows));
      System.out.printf("%s, %d epochs, server %s%s; machine: %s; load average %.2f before%n", config, epochs,
          serverClassPath == null ? "this build" : serverClassPath, jvm.isEmpty() ? "" : " " + String.join(" ", jvm),
          Machine.describe(), loadBefore);
      System.out.println("train s: the run's own elapsedSeconds at its last epoch; srv cpu / cli cpu: CPU"
          + " seconds of the server and of the clients' JVM from the start of the run to its end; RSS0: the server's VmRSS before"
          + " the clients connect; peak: its VmHWM after the run; heap: in use after a full GC at the end;"
          + " GET: /api/runs/{id} every 500 ms during the run; frames/c, epochs/c, MB/client: received per reading"
          + " client; dropped: the server's droppedFrames; load: 1-minute load average after the run.");
    }
    return 0;
  }
}
