package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.testsupport.Shared;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
  @Test
  @DisplayName("run folders are printed as the user can type them: relative inside the working directory")
  void shownRunFolder(@TempDir Path tmp) {
    Path cwd = Path.of("").toAbsolutePath();
    assertThat(TrainCommand.shown(cwd.resolve("experiment_results").resolve("yy_1")))
        .isEqualTo(Path.of("experiment_results", "yy_1").toString());
    assertThat(TrainCommand.shown(Path.of("experiment_results/yy_2")))
        .isEqualTo(Path.of("experiment_results", "yy_2").toString());
    assertThat(TrainCommand.shown(tmp.resolve("runs"))).isEqualTo(tmp.resolve("runs").toAbsolutePath().toString());
  }

  @TempDir Path tmp;

  /** Output and exit code of one CLI call. */
  record Result(int code, String out, String err) {}

  /** Runs the CLI; {@code err} has picocli's error writer and System.err (a run's outcome). */
  static Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream systemErr = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(systemErr, true, StandardCharsets.UTF_8));
      CommandLine cl = Main.commandLine();
      cl.setErr(new PrintWriter(err, true));
      int code = cl.execute(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8),
          err + systemErr.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private Path existingRun() throws Exception {
    Path root = tmp.resolve("experiment_results");
    Path keep = root.resolve("keep_me");
    Files.createDirectories(keep);
    Files.writeString(keep.resolve("note.txt"), "precious");
    return root;
  }

  private long entries(Path root) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.count();
    }
  }

  @Test
  @DisplayName("a config error gives exit code 2, names the key, and touches nothing")
  void configError() throws Exception {
    Path root = existingRun();
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(cfg, TrainerYaml.yinYang(1).replace("batch_size: 150", "batch_sise: 150"));
    Result r = run("train", cfg.toString(), "--out", root.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("bad.yaml").contains("batch_sise");
    assertThat(entries(root)).isEqualTo(1);
  }

  @Test
  @DisplayName("missing MNIST files give exit code 2 naming the folder and files")
  void missingData() throws Exception {
    Path root = existingRun();
    Path empty = tmp.resolve("no-mnist");
    Files.createDirectories(empty);
    Result r = run("train", "configs/16x16_mnist.yaml", "--out", root.toString(), "--data-dir",
        empty.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(empty.toString()).contains("train-images-idx3-ubyte");
    assertThat(entries(root)).isEqualTo(1);
  }

  @Test
  @DisplayName("a missing or foreign folder gives exit code 2")
  void badFolders() {
    assertThat(run("inference", tmp.resolve("nope").toString()).code()).isEqualTo(2);
    assertThat(run("inference", tmp.toString()).code()).isEqualTo(2);
    assertThat(run("continue", tmp.toString(), "3").code()).isEqualTo(2);
  }

  @Test
  @DisplayName("train writes a run folder that inference and continue accept")
  void trainInferenceContinue() throws Exception {
    Path root = tmp.resolve("runs");
    Path cfg = tmp.resolve("tiny.yaml");
    Files.writeString(cfg, TrainerYaml.yinYang(2));
    Result t = run("train", cfg.toString(), "--out", root.toString(), "--threads", "2");
    assertThat(t.code()).as(t.err()).isEqualTo(0);
    assertThat(t.out()).contains("epoch   2/2");
    assertThat(t.out()).contains("run folder: " + root.toAbsolutePath()); // outside the working directory
    Path runDir;
    try (Stream<Path> s = Files.list(root)) {
      runDir = s.findFirst().orElseThrow();
    }
    assertThat(runDir.getFileName().toString()).startsWith("tiny_");
    for (String f : new String[] {"config.yaml", "status.json", "metrics.jsonl",
        "epoch_2/yin_yang_train_losses.npy", "epoch_2/yin_yang_test_spiketimes.npy",
        "epoch_2/network/network.json", "epoch_1/training_state.json"}) {
      assertThat(runDir.resolve(f)).as(f).exists();
    }
    Result inf = run("inference", runDir.toString(), "--json");
    assertThat(inf.code()).isEqualTo(0);
    assertThat(inf.out().trim())
        .matches("\\{\"accuracy\":0\\.\\d+,\"samples\":1000,\"dataset\":\"yin_yang\"}");
    Result cont = run("continue", runDir.toString(), "1", "2");
    assertThat(cont.code()).as(cont.err()).isEqualTo(0);
  }

  @Test
  @DisplayName("inference on the original's Yin-Yang network prints 96.00%")
  void inferenceOnOriginal() throws Exception {
    Path folder = Shared.file("reference/fastanddeep/yinyang_et_300epochs");
    Path times = tmp.resolve("times.npy");
    Result r = run("inference", folder.toString(), "--save-times", times.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(0);
    assertThat(r.out().trim()).isEqualTo("After inference, the accuracy is 96.00%.");
    // --save-times writes the label-layer times of the test set: the original's own file.
    double[][] saved = io.firstspike.io.Npy.read(times).asMatrix();
    double[][] golden =
        io.firstspike.io.Npy.read(folder.resolve("yin_yang_test_spiketimes.npy")).asMatrix();
    assertThat(saved.length).isEqualTo(1000);
    for (int s = 0; s < golden.length; s++) {
      for (int k = 0; k < golden[s].length; k++) {
        assertThat(saved[s][k]).isCloseTo(golden[s][k], org.assertj.core.data.Offset.offset(1e-9));
      }
    }
  }

  @Test
  @DisplayName("the shipped pretrained networks reproduce the accuracies pretrained/README.md states")
  void pretrainedNetworks() {
    assertThat(run("inference", "pretrained/yin_yang").out().trim())
        .isEqualTo("After inference, the accuracy is 96.40%.");
    assertThat(run("inference", "pretrained/xor").out().trim())
        .isEqualTo("After inference, the accuracy is 100.00%.");
    assertThat(run("inference", "pretrained/bars").out().trim())
        .isEqualTo("After inference, the accuracy is 100.00%.");
    assertThat(run("inference", "pretrained/yin_yang_H30_WS").out().trim())
        .isEqualTo("After inference, the accuracy is 98.60%.");
    Path subset = Shared.file("data/mnist-subset");
    assertThat(run("inference", "pretrained/16x16_mnist", "--data-dir", subset.toString()).out().trim())
        .isEqualTo("After inference, the accuracy is 92.75%.");
  }

  /** A config that passes no further than its text or its values, by what is wrong with it. */
  static java.util.Map<String, byte[]> configsThatCannotRun() {
    String ok = TrainerYaml.yinYang(1);
    java.util.Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
    bad.put("needs about ", bytes(ok.replace("layer_sizes: [10, 3]", "layer_sizes: [3000000, 3]")));
    bad.put("training_params.learning_rate: .nan is not a number",
        bytes(ok.replace("learning_rate: 0.005", "learning_rate: .nan")));
    bad.put("is not UTF-8 text (byte 0xE9 at offset 3)",
        ("# r\u00e9seau\n" + ok).getBytes(StandardCharsets.ISO_8859_1));
    bad.put("a second YAML document starts at line", bytes(ok + "---\n" + ok));
    bad.put("training_params.resolution: sim_time 4.0 / resolution 1.0E-9 gives 4000000000 Euler",
        bytes(ok.replace("use_forward_integrator: false", "use_forward_integrator: true")
            .replace("resolution: 0.01", "resolution: 1e-9")));
    bad.put("training_params.sim_time: sim_time 1.0E12", bytes(ok.replace(
        "use_forward_integrator: false", "use_forward_integrator: true").replace("sim_time: 4.0",
        "sim_time: 1e12")));
    bad.put("training_params.batch_size: 2147483648 is out of range",
        bytes(ok.replace("batch_size: 150", "batch_size: 2147483648")));
    bad.put("at most 1048576 (1 MiB)", bytes(ok + ("#" + "x".repeat(99) + "\n").repeat(20_000)));
    // the new (DelGrad) schema: too large for this JVM; invalid ones name their key
    String delgrad = read(Path.of("configs/yin_yang_H30_WS.yaml"));
    bad.put("needs about ", bytes(delgrad.replace("size: 30 ", "size: 3000000 ")));
    bad.put("network_layout.layers[1].size: must be a positive integer",
        bytes(delgrad.replace("size: 30 ", "size: 0  ")));
    bad.put("network_layout.layers[0].trainabel: unknown key 'trainabel' (did you mean"
        + " 'trainable'?)", bytes(delgrad.replace("trainable: true           # false keeps the"
        + " delays", "trainabel: true           # false keeps the delays")));
    // the chip first, before any other check
    bad.put("training_params.substrate: is hx, the BrainScaleS-2 chip", bytes(delgrad
        .replace("substrate: sim", "substrate: hx ").replace("learning_rate: 0.005",
            "learning_rate: .nan  ").replace("size: 30 ", "size: 0  ")));
    bad.put("training_params.use_hicannx: is true, but the BrainScaleS-2 chip", bytes(ok
        .replace("use_hicannx: false", "use_hicannx: true").replace("learning_rate: 0.005",
            "learning_rate: *rate")));
    bad.put("mixes the two config schemas", bytes(ok.replace("n_layers: 2",
        "n_layers: 2\n  layers: []")));
    return bad;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("configs that validate but cannot run give one line, exit code 2, and no run folder")
  void configsThatCannotRunAreRefused() throws Exception {
    Path root = existingRun();
    Path cfg = tmp.resolve("cannot.yaml");
    for (var c : configsThatCannotRun().entrySet()) {
      Files.write(cfg, c.getValue());
      Result r = run("train", cfg.toString(), "--out", root.toString());
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).startsWith("error: " + cfg + ": ").contains(c.getKey());
      assertThat(r.err().strip().lines()).as("one line: " + r.err()).hasSize(1);
      assertThat(entries(root)).as("nothing written for " + c.getKey()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("learning_rate 1e6 stops with the runaway weight as reason (exit code 1); the folder says why")
  void runawayWeights() throws Exception {
    Path root = tmp.resolve("runs");
    Path cfg = tmp.resolve("lr.yaml");
    Files.writeString(cfg, TrainerYaml.yinYang(3).replace("learning_rate: 0.005", "learning_rate: 1e6"));
    Result r = run("train", cfg.toString(), "--out", root.toString(), "--threads", "2");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err().strip()).matches("run failed: training diverged in epoch 1, batch \\d+: a weight"
        + " of layer \\d reached .*, beyond the bound \\|w\\| <= 1e\\+06 .*; the last good snapshot is kept");
    Path runDir;
    try (Stream<Path> s = Files.list(root)) {
      runDir = s.findFirst().orElseThrow();
    }
    String status = Files.readString(runDir.resolve("status.json"));
    assertThat(status).contains("\"FAILED\"", "beyond the bound");
    assertThat(runDir.resolve("config.yaml")).exists();
  }

  @Test
  @DisplayName("a run that runs away after a snapshot keeps that snapshot")
  void runawayKeepsSnapshots() throws Exception {
    Path root = tmp.resolve("runs");
    Path cfg = tmp.resolve("tiny.yaml");
    Files.writeString(cfg, TrainerYaml.yinYang(1));
    assertThat(run("train", cfg.toString(), "--out", root.toString(), "--threads", "2").code()).isZero();
    Path runDir;
    try (Stream<Path> s = Files.list(root)) {
      runDir = s.findFirst().orElseThrow();
    }
    byte[] weights = Files.readAllBytes(runDir.resolve("epoch_1/network/weights_layer_0.npy"));
    Path config = runDir.resolve("config.yaml");
    Files.writeString(config, Files.readString(config).replace("learning_rate: 0.005", "learning_rate: 1.0e+6")
        .replace("epoch_number: 1", "epoch_number: 2"));
    Result r = run("continue", runDir.toString(), "1");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("training diverged in epoch 2", "beyond the bound");
    assertThat(Files.readAllBytes(runDir.resolve("epoch_1/network/weights_layer_0.npy"))).isEqualTo(weights);
  }
}
