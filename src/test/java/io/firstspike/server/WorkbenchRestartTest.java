package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run is its folder: whatever ends the server (SIGKILL, SIGTERM, a graceful stop), a new server
 * over the same folder finds the run as interrupted with its curves, and resume finishes it.
 * The kill tests run {@code serve} in a child JVM ({@link ServeMain}) and signal it.
 */
@ExtendWith(VertxExtension.class)
class WorkbenchRestartTest {
  private static final long TIMEOUT_MS = 60_000; // a child JVM that trains: slow on a loaded 2-core machine
  /** 4 epochs of 20 batches of 25 ms: about 0.5 s per epoch. */
  private static final String FOUR_EPOCHS = "epochs: 4\nbatches: 20\ndelayMs: 25\n";
  private static final Pattern URL = Pattern.compile("FirstSpike workbench: http://127\\.0\\.0\\.1:(\\d+)/");

  @Test
  @DisplayName("After SIGKILL mid-run a restarted server shows the run interrupted with its epochs, and resume finishes it")
  void sigkill(Vertx vertx, @TempDir Path tmp) throws Exception {
    String id = runInChildThenSignal(vertx, tmp, true);
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp.resolve("runs"), tmp.resolve("configs"), o -> o, null)) {
      JsonObject run = s.run(id);
      assertThat(run.getString("state")).isEqualTo("interrupted");
      assertThat(run.getString("reason")).contains("the server stopped while the run was running");
      int epochsBefore = s.get("/api/runs/" + id + "/metrics").bodyAsJsonObject().getJsonArray("epochs").size();
      assertThat(epochsBefore).as("curves of finished epochs survive the kill").isBetween(1, 3);
      s.post("/api/runs/" + id + "/resume", null);
      JsonObject done = s.awaitState(id, "finished", TIMEOUT_MS);
      assertThat(done.getInteger("epochsDone")).isEqualTo(4);
      assertThat(s.get("/api/runs/" + id + "/metrics").bodyAsJsonObject().getJsonArray("epochs").size())
          .as("resume continued after the last snapshot: each epoch logged once").isEqualTo(4);
    }
  }

  @Test
  @DisplayName("SIGTERM stops the training through the shutdown hook and marks the run interrupted")
  void sigterm(Vertx vertx, @TempDir Path tmp) throws Exception {
    String id = runInChildThenSignal(vertx, tmp, false);
    try (ServerTestSupport s = new ServerTestSupport(vertx, tmp.resolve("runs"), tmp.resolve("configs"), o -> o, null)) {
      JsonObject run = s.run(id);
      assertThat(run.getString("state")).isEqualTo("interrupted");
      assertThat(run.getString("reason")).contains("server shut down during training");
    }
  }

  @Test
  @DisplayName("A graceful stop interrupts running and queued runs; a new server over the folder lists them with the finished one")
  void gracefulStopAndRestart(Vertx vertx, @TempDir Path tmp) throws Exception {
    String finished;
    String running;
    String queued;
    ServerTestSupport s1 = new ServerTestSupport(vertx, tmp, o -> o);
    try {
      finished = s1.startRun(new JsonObject().put("config", "fast"));
      s1.awaitState(finished, "finished", TIMEOUT_MS);
      running = s1.startRun(new JsonObject().put("yaml", FOUR_EPOCHS));
      queued = s1.startRun(new JsonObject().put("yaml", FOUR_EPOCHS));
      s1.awaitState(running, "running", TIMEOUT_MS);
      assertThat(s1.run(queued).getString("state")).isEqualTo("queued");
    } finally {
      s1.close(); // Workbench.stop(): the graceful path
    }
    try (ServerTestSupport s2 = new ServerTestSupport(vertx, s1.runsDir, s1.configsDir, o -> o, null)) {
      assertThat(s2.run(finished).getString("state")).isEqualTo("finished");
      JsonObject r = s2.run(running);
      assertThat(r.getString("state")).isEqualTo("interrupted");
      assertThat(r.getString("reason")).contains("server shut down during training");
      JsonObject q = s2.run(queued);
      assertThat(q.getString("state")).isEqualTo("interrupted");
      assertThat(q.getString("reason")).contains("before the run started");
      assertThat(s2.get("/api/runs").bodyAsJsonObject().getJsonArray("runs").size()).isEqualTo(3);
      s2.post("/api/runs/" + running + "/resume", null);
      s2.awaitState(running, "finished", TIMEOUT_MS);
    }
  }

  @Test
  @DisplayName("A run that another live process (a CLI train) owns stays running when a server starts over the folder; once that process is gone it is interrupted")
  void runOwnedByAnotherProcess(Vertx vertx, @TempDir Path tmp) throws Exception {
    String id;
    ServerTestSupport s1 = new ServerTestSupport(vertx, tmp, o -> o);
    try {
      id = s1.startRun(new JsonObject().put("config", "fast"));
      s1.awaitState(id, "finished", TIMEOUT_MS);
    } finally {
      s1.close();
    }
    io.firstspike.runs.RunFolder run = new io.firstspike.runs.RunFolder(s1.runsDir.resolve(id));
    io.firstspike.runs.RunStatus done = run.status().orElseThrow();
    run.writeStatus(new io.firstspike.runs.RunStatus(io.firstspike.train.RunState.RUNNING, "",
        done.createdAt(), done.updatedAt(), done.epochsDone(), done.epochs(), done.lastSnapshot(),
        done.node()));
    Process cli = new ProcessBuilder("sleep", "120").start(); // stands in for a CLI train
    try {
      java.nio.file.Files.writeString(run.dir().resolve(io.firstspike.runs.RunOwner.FILE),
          new JsonObject().put("host", java.net.InetAddress.getLocalHost().getHostName())
              .put("pid", cli.pid())
              .put("started", cli.info().startInstant().map(Object::toString).orElse(""))
              .encode());
      try (ServerTestSupport s2 =
          new ServerTestSupport(vertx, s1.runsDir, s1.configsDir, o -> o, null)) {
        assertThat(s2.run(id).getString("state")).isEqualTo("running");
      }
    } finally {
      cli.destroyForcibly();
      assertThat(cli.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
    }
    try (ServerTestSupport s3 =
        new ServerTestSupport(vertx, s1.runsDir, s1.configsDir, o -> o, null)) {
      assertThat(s3.run(id).getString("state")).isEqualTo("interrupted");
    }
  }

  @Test
  @DisplayName("The workbench stops a run that a CLI train in another process trains in its folder: the CLI stops after a batch and marks it stopped")
  void stopsACliTraining(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path runs = tmp.resolve("runs");
    Path config = tmp.resolve("yy.yaml");
    java.nio.file.Files.writeString(config, io.firstspike.testsupport.TestConfigs.yinYang(20, 300,
        0.005, "[300]", 2, 0.9, "{mean: 0.0, std_dev: 0.05}"));
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process cli = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
        io.firstspike.cli.Main.class.getName(), "train", config.toString(), "--out",
        runs.toString(), "--threads", "1")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("cli.log").toFile()).start();
    try {
      io.firstspike.runs.RunFolder run = awaitCliRun(runs, cli, tmp.resolve("cli.log"));
      String id = run.id();
      try (ServerTestSupport s = new ServerTestSupport(vertx, runs,
          ServerTestSupport.writeConfigs(tmp.resolve("configs")), o -> o, null)) {
        assertThat(s.run(id).getString("state")).isEqualTo("running");
        assertThat(s.run(id).getBoolean("otherProcess")).isTrue();
        java.util.concurrent.BlockingQueue<JsonObject> states =
            new java.util.concurrent.LinkedBlockingQueue<>();
        ServerTestSupport.await(vertx.eventBus().<JsonObject>consumer(Addresses.state(id),
            msg -> states.add(msg.body())).completion());
        io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> r =
            s.post("/api/runs/" + id + "/stop", null);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getString("state")).isEqualTo("stopping");
        assertThat(cli.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)).as("the CLI stopped").isTrue();
        assertThat(cli.exitValue()).as(java.nio.file.Files.readString(tmp.resolve("cli.log")))
            .isZero();
        JsonObject after = s.run(id);
        assertThat(after.getString("state")).isEqualTo("stopped");
        assertThat(after.getBoolean("otherProcess")).isFalse();
        assertThat(after.getString("reason")).isEqualTo("stopped by user from the workbench");
        assertThat(after.getInteger("epochsDone")).isLessThan(300);
        // the live view hears it as for the server's own runs: stopping, then stopped
        JsonObject first = states.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        JsonObject second = states.poll(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(first).as("a stopping event").isNotNull();
        assertThat(first.getString("state")).isEqualTo("stopping");
        assertThat(second).as("a stopped event").isNotNull();
        assertThat(second.getString("state")).isEqualTo("stopped");
        assertThat(second.getString("reason")).isEqualTo("stopped by user from the workbench");
        assertThat(run.dir().resolve(io.firstspike.runs.StopRequest.FILE)).doesNotExist();
        assertThat(run.dir().resolve(io.firstspike.runs.RunOwner.FILE)).doesNotExist();
        // a finished or stopped run that nobody trains cannot be stopped again
        assertThat(s.post("/api/runs/" + id + "/stop", null).statusCode()).isEqualTo(409);
      }
    } finally {
      cli.destroyForcibly();
      cli.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
  }

  @Test
  @DisplayName("A CLI training killed with SIGKILL shows as interrupted in a server that watches the folder, without a restart, and can be resumed")
  void killedCliTrainingIsInterrupted(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path runs = tmp.resolve("runs");
    Path config = tmp.resolve("yy.yaml");
    java.nio.file.Files.writeString(config, io.firstspike.testsupport.TestConfigs.yinYang(20, 300,
        0.005, "[300]", 2, 0.9, "{mean: 0.0, std_dev: 0.05}"));
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process cli = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
        io.firstspike.cli.Main.class.getName(), "train", config.toString(), "--out",
        runs.toString(), "--threads", "1")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("cli.log").toFile()).start();
    try {
      io.firstspike.runs.RunFolder run = awaitCliRun(runs, cli, tmp.resolve("cli.log"));
      String id = run.id();
      try (ServerTestSupport s = new ServerTestSupport(vertx, runs,
          ServerTestSupport.writeConfigs(tmp.resolve("configs")), o -> o, null)) {
        assertThat(s.run(id).getString("state")).isEqualTo("running");
        assertThat(s.run(id).getBoolean("otherProcess")).isTrue();
        assertThat(s.post("/api/runs/" + id + "/resume", null).statusCode()).isEqualTo(409);

        cli.destroyForcibly(); // SIGKILL: no shutdown hook, no status written
        assertThat(cli.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();

        JsonObject after = s.run(id);
        assertThat(after.getString("state")).isEqualTo("interrupted");
        assertThat(after.getString("reason"))
            .startsWith("the training process (pid " + cli.pid() + ") ended without finishing");
        assertThat(after.getBoolean("otherProcess")).isFalse();
        JsonObject listed = s.get("/api/runs").bodyAsJsonObject().getJsonArray("runs").getJsonObject(0);
        assertThat(listed.getString("state")).isEqualTo("interrupted");
        // shown, not written: the folder is the killed process's until someone resumes it
        assertThat(run.requireStatus().state()).isEqualTo(io.firstspike.train.RunState.RUNNING);
        io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> resume =
            s.post("/api/runs/" + id + "/resume", null);
        assertThat(resume.statusCode()).as(resume.bodyAsString()).isEqualTo(200);
        assertThat(resume.bodyAsJsonObject().getString("state")).isEqualTo("queued");
      }
    } finally {
      cli.destroyForcibly();
      cli.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
  }

  @Test
  @DisplayName("A starting server removes leftover .epoch_N.tmp and .status.json*.tmp files, but keeps .old snapshots and a live owner's files")
  void leftoverTempFilesCleanedAtStart(Vertx vertx, @TempDir Path tmp) throws Exception {
    Path runs = tmp.resolve("runs");
    Path dead = finishedRun(runs.resolve("dead_1"));
    java.nio.file.Files.createDirectories(dead.resolve(".epoch_3.tmp/network"));
    java.nio.file.Files.writeString(dead.resolve(".status.json5550123.tmp"), "{\"state\":");
    java.nio.file.Files.createDirectories(dead.resolve(".epoch_2.old/network"));
    Path live = finishedRun(runs.resolve("live_1"));
    java.nio.file.Files.createDirectories(live.resolve(".epoch_4.tmp"));
    Process owner = new ProcessBuilder("sleep", "120").start();
    try {
      java.nio.file.Files.writeString(live.resolve(io.firstspike.runs.RunOwner.FILE),
          new JsonObject().put("host", java.net.InetAddress.getLocalHost().getHostName())
              .put("pid", owner.pid())
              .put("started", owner.info().startInstant().map(Object::toString).orElse("")).encode());
      try (ServerTestSupport s = new ServerTestSupport(vertx, runs,
          ServerTestSupport.writeConfigs(tmp.resolve("configs")), o -> o, null)) {
        assertThat(dead.resolve(".epoch_3.tmp")).doesNotExist();
        assertThat(dead.resolve(".status.json5550123.tmp")).doesNotExist();
        assertThat(dead.resolve(".epoch_2.old")).isDirectory();
        assertThat(live.resolve(".epoch_4.tmp")).as("a live process may be writing it").isDirectory();
        assertThat(s.run("dead_1").getString("state")).isEqualTo("finished");
      }
    } finally {
      owner.destroyForcibly();
      assertThat(owner.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
    }
  }

  private static Path finishedRun(Path dir) throws Exception {
    java.nio.file.Files.createDirectories(dir);
    java.nio.file.Files.writeString(dir.resolve("config.yaml"), "epochs: 2\n");
    java.nio.file.Files.writeString(dir.resolve("status.json"), "{\"state\":\"FINISHED\",\"reason\":\"\","
        + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-01T00:00:00Z\",\"epochsDone\":2,"
        + "\"epochs\":2,\"lastSnapshot\":2,\"node\":\"n\"}");
    return dir;
  }

  /** Waits until the CLI's run folder exists, is owned by the CLI and has finished an epoch. */
  private static io.firstspike.runs.RunFolder awaitCliRun(Path runs, Process cli, Path log)
      throws Exception {
    long end = System.currentTimeMillis() + TIMEOUT_MS;
    while (System.currentTimeMillis() < end) {
      assertThat(cli.isAlive()).as("CLI alive; log: %s", readOrEmpty(log)).isTrue();
      if (java.nio.file.Files.isDirectory(runs)) {
        try (var dirs = java.nio.file.Files.list(runs)) {
          var found = dirs.filter(d -> java.nio.file.Files.exists(d.resolve(io.firstspike.runs.RunOwner.FILE)))
              .findFirst();
          if (found.isPresent()) {
            io.firstspike.runs.RunFolder run = new io.firstspike.runs.RunFolder(found.get());
            if (run.status().map(st -> st.epochsDone() >= 1).orElse(false)
                && io.firstspike.runs.RunOwner.otherLiveOwner(run).isPresent()) {
              return run;
            }
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no CLI run with an epoch done within " + TIMEOUT_MS + " ms; log: "
        + readOrEmpty(log));
  }

  private static String readOrEmpty(Path p) {
    try {
      return java.nio.file.Files.readString(p);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** Starts serve in a child JVM, runs FOUR_EPOCHS until epoch 1 is logged, then kills or terminates it. */
  private static String runInChildThenSignal(Vertx vertx, Path tmp, boolean kill) throws Exception {
    Path configs = ServerTestSupport.writeConfigs(tmp.resolve("configs"));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        ServeMain.class.getName(), tmp.resolve("runs").toString(), configs.toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      int port = -1;
      while (port < 0) {
        String line = out.readLine();
        if (line == null) {
          break;
        }
        Matcher m = URL.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      assertThat(port).as("child printed its URL").isPositive();
      Thread drain = new Thread(() -> {
        try {
          out.lines().forEach(l -> { });
        } catch (java.io.UncheckedIOException closed) {
          // the child is gone
        }
      }, "child-output");
      drain.setDaemon(true);
      drain.start();
      io.vertx.ext.web.client.WebClient c = io.vertx.ext.web.client.WebClient.create(vertx);
      try {
        String id = ServerTestSupport.await(c.post(port, "127.0.0.1", "/api/runs")
            .sendJsonObject(new JsonObject().put("yaml", FOUR_EPOCHS))).bodyAsJsonObject().getString("id");
        long end = System.currentTimeMillis() + TIMEOUT_MS;
        while (ServerTestSupport.await(c.get(port, "127.0.0.1", "/api/runs/" + id).send())
            .bodyAsJsonObject().getInteger("epochsDone") < 1) {
          assertThat(System.currentTimeMillis()).as("epoch 1 finished in time").isLessThan(end);
          Thread.sleep(20);
        }
        if (kill) {
          p.destroyForcibly(); // SIGKILL: no hook, no cleanup
        } else {
          p.destroy(); // SIGTERM: the shutdown hook stops gracefully
        }
        assertThat(p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
        return id;
      } finally {
        c.close();
      }
    } finally {
      p.destroyForcibly();
    }
  }
}
