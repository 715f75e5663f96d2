package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.runs.Json;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOwner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code continue} over damaged logs and over runs whose trainer was killed. */
class ContinueCommandTest {
  @TempDir Path tmp;

  /** Exit code, stdout and stderr (the command's and System.err) of one CLI call. */
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream errStream = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errStream, true, StandardCharsets.UTF_8));
      CommandLine cl = Main.commandLine();
      cl.setErr(new PrintWriter(err, true));
      int code = cl.execute(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err + errStream.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** A 10-epoch Yin-Yang run (snapshots at 1 and 10), trained once for the class. */
  @TempDir static Path trained;

  private static Path trainedRun;

  @BeforeAll
  static void train() throws Exception {
    Path cfg = trained.resolve("ten.yaml");
    Files.writeString(cfg, TrainerYaml.yinYang(10));
    Result t = run("train", cfg.toString(), "--out", trained.resolve("runs").toString(), "--threads", "2");
    assertThat(t.code()).as(t.err()).isEqualTo(0);
    try (Stream<Path> s = Files.list(trained.resolve("runs"))) {
      trainedRun = s.findFirst().orElseThrow();
    }
  }

  /** A copy of the trained run folder for one test. */
  private Path trainTenEpochs() throws Exception {
    Path copy = Files.createDirectories(tmp.resolve("runs")).resolve(trainedRun.getFileName().toString());
    try (Stream<Path> s = Files.walk(trainedRun)) {
      for (Path p : s.toList()) {
        Files.copy(p, copy.resolve(trainedRun.relativize(p).toString()));
      }
    }
    return copy;
  }

  private static List<Integer> epochs(Path runDir) throws Exception {
    List<Integer> out = new ArrayList<>();
    for (String line : Files.readAllLines(runDir.resolve("metrics.jsonl"))) {
      out.add(Json.MAPPER.readTree(line).get("epoch").asInt());
    }
    return out;
  }

  @Test
  @DisplayName("continue RUN 10 over a metrics.jsonl with a bad line at epoch 2 keeps epochs 3-10 and the bad line itself")
  void badLineSurvivesContinue() throws Exception {
    Path runDir = trainTenEpochs();
    Path metrics = runDir.resolve("metrics.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(metrics));
    assertThat(lines).hasSize(11);
    String damaged = lines.get(2).substring(0, lines.get(2).length() / 2) + "#damaged";
    lines.set(2, damaged);
    Files.write(metrics, lines);

    Result c = run("continue", runDir.toString(), "10");

    assertThat(c.code()).as(c.err()).isEqualTo(0);
    assertThat(epochs(runDir)).containsExactly(0, 1, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(c.err()).contains("warning: metrics.jsonl: 1 unreadable line skipped (line 3)");
    assertThat(Files.readString(runDir.resolve("metrics.jsonl.damaged"))).isEqualTo(damaged + "\n");
  }

  @Test
  @DisplayName("continue treats a run whose trainer was killed as interrupted, and refuses one a live process trains")
  void killedAndLiveOwners() throws Exception {
    Path runDir = trainTenEpochs();
    RunFolder run = new RunFolder(runDir);
    Files.writeString(runDir.resolve("status.json"),
        Files.readString(runDir.resolve("status.json")).replace("\"FINISHED\"", "\"RUNNING\""));
    Files.createDirectories(runDir.resolve(".epoch_11.tmp"));
    Process owner = new ProcessBuilder("sleep", "60").start();
    long pid = owner.pid();
    try {
      writeOwner(runDir, owner);
      Result refused = run("continue", runDir.toString(), "10");
      assertThat(refused.code()).isEqualTo(2);
      assertThat(refused.err()).contains("is being trained by process " + pid);
      assertThat(runDir.resolve(".epoch_11.tmp")).as("a live owner's files are not touched").exists();
    } finally {
      owner.destroyForcibly();
      assertThat(owner.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(run.requireStatus().state().wire()).isEqualTo("running");

    Result c = run("continue", runDir.toString(), "10");

    assertThat(c.code()).as(c.err()).isEqualTo(0);
    assertThat(c.err()).contains("note: the training process (pid " + pid + ") ended without finishing");
    assertThat(run.requireStatus().state().wire()).isEqualTo("finished");
    assertThat(runDir.resolve(".epoch_11.tmp")).as("an interrupted snapshot's temp folder is removed").doesNotExist();
    assertThat(runDir.resolve(RunOwner.FILE)).doesNotExist();
  }

  private static void writeOwner(Path runDir, Process p) throws Exception {
    Files.writeString(runDir.resolve(RunOwner.FILE), "{\"host\":\"" + InetAddress.getLocalHost().getHostName()
        + "\",\"pid\":" + p.pid() + ",\"started\":\""
        + p.info().startInstant().map(Instant::toString).orElse("") + "\"}");
  }
}
