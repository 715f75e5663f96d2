package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.runs.RunFolder;
import io.firstspike.sweep.RunResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 21: a head that goes away loses no finished epoch on any worker. A head and one worker as
 * two JVMs on loopback; a Yin-Yang run placed on the worker; the head is killed with SIGKILL once
 * the run has an epoch on it; the worker goes on; a new head on the same runs folder and cluster
 * port adopts the run from the worker and ends with it finished, every epoch's metrics exactly
 * once, its last snapshot, and the test accuracy of the same run trained in one process.
 */
class ClusterHeadRestartTest {
  private static final Pattern URL = Pattern.compile("FirstSpike workbench: http://127\\.0\\.0\\.1:(\\d+)/");
  private static final Pattern WORKER = Pattern.compile("FirstSpike worker (\\S+):");
  private static final Pattern ADOPTED = Pattern.compile("run (\\S+) adopted from node (\\S+)");
  private static final int EPOCHS = 6;
  private static final long TIMEOUT_MS = 120_000;

  private final ClusterJvms jvms = new ClusterJvms();

  @AfterEach
  void killChildren() throws InterruptedException {
    jvms.close();
  }

  private static String yaml() throws Exception {
    return ClusterSweepTest.sweepYaml().replace("epoch_number: 4", "epoch_number: " + EPOCHS);
  }

  @Test
  @DisplayName("Head + worker (2 JVMs): kill -9 of the head mid-run; a new head on the same folder and port gets the run finished, every epoch once, equal to one machine")
  void aRestartedHeadAdoptsTheWorkersRun(@TempDir Path tmp) throws Exception {
    Path configs = Files.createDirectories(tmp.resolve("configs"));
    Path runs = tmp.resolve("runs");
    int hz = ClusterSweepTest.freePort();
    List<String> serve = List.of("serve", "--port", "0", "--runs-dir", runs.toString(),
        "--configs-dir", configs.toString(), "--cluster", "--cluster-host", "127.0.0.1",
        "--cluster-port", String.valueOf(hz), "--max-concurrent", "0", "--threads", "1");
    ClusterSweepTest.Output head = jvms.start("head", serve);
    int port = Integer.parseInt(head.await(URL, 90_000).group(1));
    ClusterSweepTest.Output worker = jvms.start("worker", List.of("worker", "--join", "127.0.0.1:" + hz,
        "--cluster-host", "127.0.0.1", "--cluster-port", String.valueOf(ClusterSweepTest.freePort()),
        "--max-concurrent", "1", "--threads", "1", "--work-dir", tmp.resolve("w").toString()));
    String node = worker.await(WORKER, 90_000).group(1);
    head.await(Pattern.compile("worker node " + Pattern.quote(node) + " joined"), 30_000);

    long t0 = System.currentTimeMillis();
    String id = jvms.post(port, "/api/runs", new JsonObject().put("yaml", yaml()).put("name", "hr")).getString("id");
    while (true) {
      JsonObject r = jvms.get(port, "/api/runs/" + id);
      if (r.getInteger("epochsDone", 0) >= 1) {
        break;
      }
      assertThat(r.getString("state")).as("the run trains; head log:\n" + head.text()).isIn("queued", "running");
      assertThat(System.currentTimeMillis() - t0).isLessThan(TIMEOUT_MS);
      Thread.sleep(50);
    }
    assertThat(head.placements()).containsEntry(id, node);
    head.process.destroyForcibly(); // SIGKILL
    head.process.waitFor(10, TimeUnit.SECONDS);
    int onHeadAtKill = Files.readAllLines(runs.resolve(id).resolve("metrics.jsonl")).size();

    long restarted = System.currentTimeMillis();
    ClusterSweepTest.Output head2 = jvms.start("head2", serve);
    int port2 = Integer.parseInt(head2.await(URL, 90_000).group(1));
    long up = System.currentTimeMillis();
    head2.await(ADOPTED, 60_000);
    long adopted = System.currentTimeMillis();
    JsonObject r;
    while (true) {
      r = jvms.get(port2, "/api/runs/" + id);
      if (!"running".equals(r.getString("state")) && !"interrupted".equals(r.getString("state"))) {
        break;
      }
      assertThat(System.currentTimeMillis() - up).as("the run ends; head log:\n" + head2.text()
          + "\nworker log:\n" + worker.text()).isLessThan(90_000);
      Thread.sleep(200);
    }
    long done = System.currentTimeMillis();
    System.out.printf("head restart: %d metrics lines on the head at the kill; new head up after %d ms, run"
        + " adopted %d ms after it was up, finished on the head %d ms after the restart%n",
        onHeadAtKill, up - restarted, adopted - up, done - restarted);
    assertThat(r.getString("state")).as(r.encodePrettily() + "\nhead log:\n" + head2.text()).isEqualTo("finished");
    assertThat(onHeadAtKill).as("the head was killed mid-run").isLessThan(EPOCHS);

    RunFolder run = new RunFolder(runs.resolve(id));
    List<Integer> epochs = new ArrayList<>();
    for (String line : Files.readAllLines(run.dir().resolve("metrics.jsonl"))) {
      epochs.add(new JsonObject(line).getInteger("epoch"));
    }
    List<Integer> expected = new ArrayList<>();
    for (int e = 0; e <= EPOCHS; e++) { // epoch 0: the evaluation before training
      expected.add(e);
    }
    assertThat(epochs).as("every epoch's metrics exactly once").isEqualTo(expected);
    assertThat(run.snapshotEpochs()).contains(EPOCHS);
    assertThat(run.requireStatus().epochsDone()).isEqualTo(EPOCHS);
    // the worker deletes its copy once the head holds all of it
    long end = System.currentTimeMillis() + 10_000;
    while (Files.exists(tmp.resolve("w").resolve(id)) && System.currentTimeMillis() < end) {
      Thread.sleep(100);
    }
    assertThat(tmp.resolve("w").resolve(id)).doesNotExist();

    // the same run in one process, one machine
    Vertx vertx = Vertx.vertx();
    try {
      Workbench wb = Workbench.start(vertx, WorkbenchOptions.defaults().withPort(0).withRunsDir(tmp.resolve("local"))
          .withConfigsDir(configs).withMaxConcurrent(1).withThreads(1))
          .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      String local = jvms.post(wb.port(), "/api/runs", new JsonObject().put("yaml", yaml()).put("name", "hr")).getString("id");
      JsonObject lr;
      do {
        Thread.sleep(200);
        lr = jvms.get(wb.port(), "/api/runs/" + local);
      } while (java.util.Set.of("queued", "running").contains(lr.getString("state")));
      assertThat(lr.getString("state")).isEqualTo("finished");
      assertThat(RunResult.testAccuracy(run))
          .isEqualTo(RunResult.testAccuracy(new RunFolder(tmp.resolve("local").resolve(local))));
      assertThat(trajectory(run.dir())).as("validation accuracy and loss, epoch by epoch")
          .isEqualTo(trajectory(tmp.resolve("local").resolve(local)));
      wb.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Per epoch: epoch, validation accuracy and loss (the lines' timings differ between machines). */
  private static List<List<Object>> trajectory(Path dir) throws Exception {
    List<List<Object>> out = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
      JsonObject m = new JsonObject(line);
      out.add(List.of(m.getValue("epoch"), m.getValue("valAccuracy"), m.getValue("valLoss")));
    }
    return out;
  }



}
