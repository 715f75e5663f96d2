package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21's cluster: a head ({@code serve --cluster --max-concurrent 0}) and two workers as three
 * JVMs on loopback train a 6-run Yin-Yang sweep; the runs land on both workers; one worker is
 * killed with SIGKILL mid-run; every run still finishes, with the same test accuracy as the same
 * sweep trained in one process.
 */
class ClusterSweepTest {
  private static final Pattern URL = Pattern.compile("FirstSpike workbench: http://127\\.0\\.0\\.1:(\\d+)/");
  private static final Pattern WORKER = Pattern.compile("FirstSpike worker (\\S+):");
  private static final Pattern PLACED = Pattern.compile("run (\\S+) placed on node (\\S+)");
  private static final long TIMEOUT_MS = 150_000;
  /** Hazelcast on Java 17 (its documented flags for modular Java). */
  static final List<String> OPENS = List.of("--add-modules", "java.se",
      "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED",
      "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private final ClusterJvms jvms = new ClusterJvms();

  @AfterEach
  void killChildren() throws InterruptedException {
    jvms.close();
  }

  static String sweepYaml() throws Exception {
    try (InputStream in = ClusterSweepTest.class.getResourceAsStream("/server/yin_yang_tiny.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("epoch_number: 2", "epoch_number: 4");
    }
  }

  static JsonObject sweepBody() throws Exception {
    return new JsonObject().put("yaml", sweepYaml()).put("name", "yyc")
        .put("sweep", new JsonObject().put("parameters", new JsonArray().add(new JsonObject()
            .put("path", "training_params/learning_rate").put("value", new JsonArray().add(0.005).add(0.01)))))
        .put("seeds", "1..3");
  }

  @Test
  @DisplayName("Head + 2 workers (3 JVMs): a 6-run sweep lands on both workers, survives kill -9 of one, and equals the one-machine sweep")
  void sweepOnTwoWorkersSurvivesAKilledWorker(@TempDir Path tmp) throws Exception {
    Path configs = Files.createDirectories(tmp.resolve("configs"));
    int hz = freePort();
    Output head = jvms.start("head", List.of("serve", "--port", "0", "--runs-dir", tmp.resolve("runs").toString(),
        "--configs-dir", configs.toString(), "--cluster", "--cluster-host", "127.0.0.1",
        "--cluster-port", String.valueOf(hz), "--max-concurrent", "0", "--threads", "1"));
    long started = System.currentTimeMillis();
    int port = Integer.parseInt(head.await(URL, 90_000).group(1));
    System.out.println("head up after " + (System.currentTimeMillis() - started) + " ms");
    Map<String, Process> workers = new HashMap<>();
    Map<String, Output> workerOut = new HashMap<>();
    List<Output> started2 = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      started2.add(jvms.start("worker" + i, List.of("worker", "--join", "127.0.0.1:" + hz, "--cluster-host", "127.0.0.1",
          "--cluster-port", String.valueOf(freePort()), "--max-concurrent", "1", "--threads", "1",
          "--work-dir", tmp.resolve("w" + i).toString())));
    }
    for (int i = 1; i <= 2; i++) {
      Output w = started2.get(i - 1);
      String node = w.await(WORKER, 90_000).group(1);
      System.out.println("worker " + i + " up after " + (System.currentTimeMillis() - started) + " ms");
      workers.put(node, w.process);
      workerOut.put(node, w);
    }
    long t0 = System.currentTimeMillis();
    JsonObject created = jvms.post(port, "/api/sweeps", sweepBody());
    String sweep = created.getString("id");
    assertThat(created.getJsonArray("runs")).hasSize(6);

    // both workers get a run; kill the first one's node once its run has finished an epoch
    Map<String, String> placement = new HashMap<>();
    while (new HashSet<>(placement.values()).size() < 2) {
      assertThat(System.currentTimeMillis() - t0).as("runs placed on both workers; head log:\n" + head.text())
          .isLessThan(60_000);
      placement = head.placements();
      Thread.sleep(200);
    }
    String victimRun = placement.keySet().iterator().next();
    String victimNode = placement.get(victimRun);
    while (true) {
      JsonObject r = jvms.get(port, "/api/runs/" + victimRun);
      if (r.getInteger("epochsDone", 0) >= 1 && "running".equals(r.getString("state"))) {
        break;
      }
      assertThat(r.getString("state")).as("the victim run is still training").isIn("queued", "running");
      assertThat(System.currentTimeMillis() - t0).isLessThan(TIMEOUT_MS);
      Thread.sleep(100);
    }
    int doneAtKill = jvms.get(port, "/api/runs/" + victimRun).getInteger("epochsDone");
    workers.get(victimNode).destroyForcibly(); // SIGKILL
    long killedAt = System.currentTimeMillis();

    JsonObject d;
    while (true) {
      d = jvms.get(port, "/api/sweeps/" + sweep);
      if (!Set.of("queued", "running").contains(d.getString("state"))) {
        break;
      }
      assertThat(System.currentTimeMillis() - t0).as("sweep ends; head log:\n" + head.text()).isLessThan(TIMEOUT_MS);
      Thread.sleep(500);
    }
    long total = System.currentTimeMillis() - t0;
    assertThat(d.getString("state")).as(d.encodePrettily() + "\nhead log:\n" + head.text()).isEqualTo("finished");
    Map<String, String> finalPlacement = head.placements();
    assertThat(finalPlacement.get(victimRun)).as("the killed node's run resumed on the other node")
        .isNotEqualTo(victimNode);
    assertThat(head.text()).contains("worker node " + victimNode + " lost");
    String victimStatus = Files.readString(tmp.resolve("runs").resolve(victimRun).resolve("status.json"));
    assertThat(victimStatus).contains("\"state\":\"FINISHED\"");
    Map<Integer, Double> clustered = accuracies(d);
    System.out.printf("cluster sweep: %d ms; victim %s on %s killed at epoch %d after %d ms; placements %s%n",
        total, victimRun, victimNode, doneAtKill, killedAt - t0, head.placementLines());

    // the same sweep in one process, one machine
    Vertx vertx = Vertx.vertx();
    try {
      Workbench wb = Workbench.start(vertx, WorkbenchOptions.defaults().withPort(0).withRunsDir(tmp.resolve("local"))
          .withConfigsDir(configs).withMaxConcurrent(2).withThreads(1))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      String local = jvms.post(wb.port(), "/api/sweeps", sweepBody()).getString("id");
      JsonObject ld;
      do {
        Thread.sleep(500);
        ld = jvms.get(wb.port(), "/api/sweeps/" + local);
      } while (Set.of("queued", "running").contains(ld.getString("state")));
      assertThat(ld.getString("state")).isEqualTo("finished");
      Map<Integer, Double> alone = accuracies(ld);
      assertThat(clustered).hasSize(6).isEqualTo(alone);
      wb.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Map<Integer, Double> accuracies(JsonObject sweep) {
    Map<Integer, Double> out = new HashMap<>();
    for (Object o : sweep.getJsonArray("runs")) {
      JsonObject r = (JsonObject) o;
      out.put(r.getInteger("index"), r.getDouble("testAccuracy"));
    }
    return out;
  }




  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A child's output, read on a daemon thread, searchable (also used by {@link ClusterHeadRestartTest}). */
  static final class Output {
    final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

    Output(String name, Process p) {
      this.process = p;
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            lines.add(line);
          }
        } catch (java.io.IOException e) {
          // the child is gone
        }
      }, name + "-output");
      t.setDaemon(true);
      t.start();
    }

    Matcher await(Pattern p, long millis) throws InterruptedException {
      long end = System.currentTimeMillis() + millis;
      while (System.currentTimeMillis() < end) {
        synchronized (lines) {
          for (String l : lines) {
            Matcher m = p.matcher(l);
            if (m.find()) {
              return m;
            }
          }
        }
        assertThat(process.isAlive()).as("child alive; its output:\n" + text()).isTrue();
        Thread.sleep(100);
      }
      throw new AssertionError("no line matching " + p + " within " + millis + " ms:\n" + text());
    }

    /** Run id to the node it was placed on last. */
    Map<String, String> placements() {
      Map<String, String> out = new HashMap<>();
      synchronized (lines) {
        for (String l : lines) {
          Matcher m = PLACED.matcher(l);
          if (m.find()) {
            out.put(m.group(1), m.group(2));
          }
        }
      }
      return out;
    }

    List<String> placementLines() {
      synchronized (lines) {
        return lines.stream().filter(l -> PLACED.matcher(l).find() || l.contains(" lost")
            || l.contains("bytes/s")).toList();
      }
    }

    String text() {
      synchronized (lines) {
        return String.join("\n", lines);
      }
    }
  }
}
