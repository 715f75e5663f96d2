package io.firstspike.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workbench ({@code serve}) in a child JVM on a free loopback port, for the load benchmark: its
 * memory is measured from outside (/proc/PID/status, {@code jcmd PID GC.heap_info}), and any
 * build can be measured by giving its class path (the current main against a branch).
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  final Process process;
  final int port;
  final String base;
  private final List<String> log = new ArrayList<>();

  private ServerProcess(Process process, int port) {
    this.process = process;
    this.port = port;
    this.base = "http://127.0.0.1:" + port;
  }

  /**
   * Starts {@code serve} from {@code classPath} and waits until {@code /api/health} answers.
   *
   * @param jvmArgs extra JVM options for the server (e.g. {@code -Xmx512m}), may be empty
   * @param maxClients passed as {@code --max-clients} if the build has that option, else ignored
   */
  static ServerProcess start(String classPath, List<String> jvmArgs, Path runsDir, Path configsDir, int threads,
      int maxClients) throws IOException, InterruptedException {
    int port = freePort();
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmArgs);
    cmd.addAll(List.of("-cp", classPath, "io.firstspike.cli.Main", "serve", "--port", Integer.toString(port),
        "--runs-dir", runsDir.toString(), "--configs-dir", configsDir.toString(), "--threads",
        Integer.toString(threads)));
    if (hasOption(classPath, "--max-clients")) {
      cmd.addAll(List.of("--max-clients", Integer.toString(maxClients)));
    }
    Files.createDirectories(runsDir);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    ServerProcess s = new ServerProcess(p, port);
    Thread pump = new Thread(s::pumpOutput, "server-output");
    pump.setDaemon(true);
    pump.start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the server exited with code " + p.exitValue() + ": " + s.output());
      }
      try {
        if (s.get("/api/health").statusCode() == 200) {
          return s;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    s.close();
    throw new IllegalStateException("the server did not answer /api/health within 60 s: " + s.output());
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return Http.CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET()
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return Http.CLIENT.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** VmRSS or VmHWM of the server in MiB, NaN if unknown. */
  double statusMb(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith(key + ":")) {
          return Double.parseDouble(line.substring(key.length() + 1).trim().split("\\s+")[0]) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  /** CPU time (user + system) the server used so far, in seconds (/proc/PID/stat), NaN if unknown. */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
      // after the command name: state is field 3, utime field 14, stime field 15 (1-based)
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Heap in use after a full collection (jcmd GC.run, then GC.heap_info), in MiB; NaN if jcmd fails. */
  double heapAfterGcMb() {
    try {
      jcmd("GC.run");
      Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
      return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }

  String output() {
    synchronized (log) {
      return String.join("\n", log.subList(Math.max(0, log.size() - 20), log.size()));
    }
  }

  /** SIGTERM (the graceful stop), then a kill after 60 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
        Long.toString(process.pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  private void pumpOutput() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        synchronized (log) {
          log.add(line);
          if (log.size() > 200) {
            log.remove(0);
          }
        }
      }
    } catch (IOException e) {
      // the server exited
    }
  }

  private static boolean hasOption(String classPath, String option) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        classPath, "io.firstspike.cli.Main", "serve", "--help").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out.contains(option);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** One HTTP client for the benchmark's REST calls. */
  static final class Http {
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Http() {}
  }
}
