package io.firstspike.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live stream under load ({@code bench load}): for each client count, a fresh workbench in a
 * child JVM, that many WebSocket clients (in this JVM, on their own Vert.x) registered on one
 * run's streams and reading, optionally some stalled ones, and one training of a Yin-Yang config
 * (300 epochs by default). Measures the training's own wall time (the last epoch's
 * {@code elapsedSeconds}), the server's RSS before the clients connect and its peak (VmHWM)
 * after the run, its heap after a full GC at the end, frames received and dropped, and the
 * latency of {@code GET /api/runs/{id}} polled every 500 ms during the run.
 */
public final class LoadBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ENDED = Set.of("finished", "failed", "stopped", "interrupted");
  private static final long POLL_MILLIS = 500;
  /** A run that has not ended after this long is reported as it is. */
  private static final long RUN_LIMIT_MILLIS = 30 * 60_000;

  /**
   * @param classPath the server build's class path (this JVM's, or another build's jar)
   * @param jvmArgs the server JVM's extra options
   * @param config a config name of {@code configsDir}
   * @param epochs the run's epochs (an override of the config's)
   * @param stalled clients per measurement that register and never read (on top of the readers)
   */
  public record Setup(String classPath, List<String> jvmArgs, Path configsDir, String config, int epochs,
      int threads, int stalled, Path workDir) {}

  /** One measurement. */
  public record Row(int clients, int stalled, double trainSeconds, double endToEndSeconds, double serverCpuSeconds,
      double clientCpuSeconds, double rssBeforeMb,
      double rssPeakMb, double heapAfterGcMb, double getP50Ms, double getP95Ms, double getMaxMs, int gets,
      int getTimeouts,
      double framesPerClient, double epochFramesPerClient, double mbPerClient, long droppedFrames,
      long closedByServer, double loadAverage, String state) {
    double rssGrowthMb() {
      return rssPeakMb - rssBeforeMb;
    }
  }

  private LoadBench() {}

  /** Runs one measurement per entry of {@code clientCounts}, printing progress to {@code log}. */
  public static List<Row> run(Setup s, List<Integer> clientCounts, PrintStream log)
      throws IOException, InterruptedException {
    List<Row> rows = new ArrayList<>();
    for (int n : clientCounts) {
      log.printf("bench load: %d clients (+%d stalled), %s for %d epochs...%n", n, s.stalled(), s.config(), s.epochs());
      Row r = measure(s, n);
      log.printf("  %s%n", format(r, Double.NaN));
      rows.add(r);
    }
    return rows;
  }

  static Row measure(Setup s, int clients) throws IOException, InterruptedException {
    Path runs = Files.createTempDirectory(s.workDir(), "load-" + clients + "-");
    int connections = clients + s.stalled();
    try (ServerProcess server = ServerProcess.start(s.classPath(), s.jvmArgs(), runs, s.configsDir(), s.threads(),
        connections + 10)) {
      server.heapAfterGcMb(); // settle: the first full GC returns the startup's garbage
      double rssBefore = server.statusMb("VmRSS");
      try (LoadClients load = new LoadClients(connections)) {
        if (connections > 0) {
          load.connect(server.port, clients, s.stalled(), 5_000);
        }
        long t0 = System.nanoTime();
        double cpu0 = server.cpuSeconds();
        double clientCpu0 = ownCpuSeconds();
        String body = JSON.createObjectNode().put("config", s.config())
            .set("overrides", JSON.createObjectNode().put("epochs", s.epochs())).toString();
        HttpResponse<String> created = server.post("/api/runs", body);
        if (created.statusCode() != 201) {
          throw new IllegalStateException("POST /api/runs: " + created.statusCode() + " " + created.body());
        }
        String id = JSON.readTree(created.body()).path("id").asText();
        if (connections > 0) {
          load.register(id);
        }
        List<Double> latencies = new ArrayList<>();
        int timeouts = 0;
        String state = "queued";
        while (!ENDED.contains(state)) {
          Thread.sleep(POLL_MILLIS);
          long g0 = System.nanoTime();
          try {
            HttpResponse<String> r = server.get("/api/runs/" + id);
            if (r.statusCode() == 200) {
              state = JSON.readTree(r.body()).path("state").asText();
            }
          } catch (IOException timedOut) {
            timeouts++; // the server did not answer within 30 s: the symptom
          }
          latencies.add((System.nanoTime() - g0) / 1e6);
          if (!server.process.isAlive()) {
            throw new IllegalStateException("the server died during the run: " + server.output());
          }
          if ((System.nanoTime() - t0) / 1_000_000 > RUN_LIMIT_MILLIS) {
            state = "still " + state + " after " + RUN_LIMIT_MILLIS / 60_000 + " min";
            break;
          }
        }
        double endToEnd = (System.nanoTime() - t0) / 1e9;
        double cpu = server.cpuSeconds() - cpu0;
        double clientCpu = ownCpuSeconds() - clientCpu0;
        Thread.sleep(1000); // the last frames
        JsonNode metrics = getJson(server, "/api/runs/" + id + "/metrics?points=10");
        JsonNode epochs = metrics.path("epochs");
        double train = epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).path("elapsedSeconds").asDouble();
        JsonNode health = getJson(server, "/api/health");
        double load1 = Machine.loadAverage();
        double heap = server.heapAfterGcMb();
        double peak = server.statusMb("VmHWM");
        double[] lat = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int readers = Math.max(1, clients);
        return new Row(clients, s.stalled(), train, endToEnd, cpu, clientCpu, rssBefore, peak, heap, pct(lat, 0.5), pct(lat, 0.95),
            lat.length == 0 ? Double.NaN : lat[lat.length - 1], lat.length, timeouts,
            clients == 0 ? 0 : load.frames.get() / (double) readers,
            clients == 0 ? 0 : load.epochFrames.get() / (double) readers,
            clients == 0 ? 0 : load.bytes.get() / (double) readers / (1 << 20),
            health.path("droppedFrames").asLong(), load.closedByServer.get(), load1, state);
      }
    } finally {
      deleteQuietly(runs);
    }
  }

  /** The table of {@code rows}; the slowdown is against the row with 0 clients, if any. */
  public static String table(List<Row> rows) {
    double base = rows.stream().filter(r -> r.clients() == 0).mapToDouble(Row::trainSeconds).findFirst()
        .orElse(Double.NaN);
    StringBuilder b = new StringBuilder();
    b.append(String.format("%7s %7s %8s %8s %7s %7s %9s %9s %9s %8s %24s %9s %8s %9s %8s %6s%n", "clients",
        "stalled", "train s", "vs 0", "srv cpu", "cli cpu", "RSS0 MB", "peak MB", "growth", "heap MB", "GET p50/95/max ms", "frames/c", "epochs/c",
        "MB/client", "dropped", "load"));
    for (Row r : rows) {
      b.append(format(r, base)).append('\n');
    }
    return b.toString();
  }

  static String format(Row r, double base) {
    String vs = Double.isNaN(base) || r.clients() == 0 ? "-" : String.format("%+.0f%%", 100 * (r.trainSeconds() / base - 1));
    return String.format("%7d %7d %8.1f %8s %7.1f %7.1f %9.0f %9.0f %9.0f %8.0f %24s %9.0f %8.0f %9.1f %8d %6.2f%s",
        r.clients(), r.stalled(), r.trainSeconds(), vs, r.serverCpuSeconds(), r.clientCpuSeconds(), r.rssBeforeMb(), r.rssPeakMb(), r.rssGrowthMb(), r.heapAfterGcMb(),
        String.format("%.0f/%.0f/%.0f", r.getP50Ms(), r.getP95Ms(), r.getMaxMs())
            + (r.getTimeouts() > 0 ? " (" + r.getTimeouts() + " t/o)" : ""), r.framesPerClient(),
        r.epochFramesPerClient(), r.mbPerClient(), r.droppedFrames(), r.loadAverage(),
        "finished".equals(r.state()) ? "" : "  (run " + r.state() + ")");
  }

  /** The rows as plain maps, for {@code --json}. */
  public static List<Map<String, Object>> asMaps(List<Row> rows) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("clients", r.clients());
      m.put("stalled", r.stalled());
      m.put("train_seconds", r.trainSeconds());
      m.put("end_to_end_seconds", r.endToEndSeconds());
      m.put("server_cpu_seconds", r.serverCpuSeconds());
      m.put("client_cpu_seconds", r.clientCpuSeconds());
      m.put("rss_before_mb", r.rssBeforeMb());
      m.put("rss_peak_mb", r.rssPeakMb());
      m.put("rss_growth_mb", r.rssGrowthMb());
      m.put("heap_after_gc_mb", r.heapAfterGcMb());
      m.put("get_run_ms_p50", r.getP50Ms());
      m.put("get_run_ms_p95", r.getP95Ms());
      m.put("get_run_ms_max", r.getMaxMs());
      m.put("get_run_requests", r.gets());
      m.put("get_run_timeouts", r.getTimeouts());
      m.put("frames_per_client", r.framesPerClient());
      m.put("epoch_frames_per_client", r.epochFramesPerClient());
      m.put("mb_per_client", r.mbPerClient());
      m.put("dropped_frames", r.droppedFrames());
      m.put("closed_by_server", r.closedByServer());
      m.put("load_average", r.loadAverage());
      m.put("state", r.state());
      out.add(m);
    }
    return out;
  }

  private static double ownCpuSeconds() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
  }

  /** The JSON of a GET, or an empty object if it fails or times out. */
  private static JsonNode getJson(ServerProcess server, String path) throws InterruptedException {
    try {
      return JSON.readTree(server.get(path).body());
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static double pct(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp folder left behind
    }
  }

  /** "0,20,100,200" as numbers; a clear error for anything else. */
  public static List<Integer> parseCounts(String s) {
    try {
      List<Integer> out = Arrays.stream(s.split(",")).map(String::trim).map(Integer::parseInt).toList();
      if (out.isEmpty() || out.stream().anyMatch(n -> n < 0)) {
        throw new NumberFormatException();
      }
      return out;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--clients must be a comma-separated list of counts >= 0 such as 0,20,100,200, got '" + s + "'");
    }
  }
}
