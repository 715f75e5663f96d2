package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.runs.RunFolder;
import io.firstspike.testsupport.DelgradYaml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train} and {@code continue} of new-schema (DelGrad) configs from the command line. */
class DelgradTrainCommandTest {
  @TempDir Path tmp;

  @Test
  @DisplayName("train configs/yin_yang_H30_WS.yaml --epochs 2 writes a run folder with the layer"
      + " network, metrics and batches; continue from epoch 1 gives the same epoch 2 again")
  void trainAndContinue() throws Exception {
    Path root = tmp.resolve("runs");
    Path cfg = tmp.resolve("h30ws.yaml");
    Files.writeString(cfg, DelgradYaml.h30Ws(2, "[1]"));
    ContinueCommandTest.Result t = ContinueCommandTest.run("train", cfg.toString(), "--out",
        root.toString(), "--threads", "2");
    assertThat(t.code()).as(t.err()).isEqualTo(0);
    assertThat(t.out()).contains("epoch   2/2", "finished 2 epochs");
    Path runDir;
    try (Stream<Path> s = Files.list(root)) {
      runDir = s.findFirst().orElseThrow();
    }
    RunFolder run = new RunFolder(runDir);
    assertThat(run.metrics()).hasSize(3);
    assertThat(run.batches()).hasSize(2 * 34); // 5000 samples in batches of 150
    assertThat(Files.readString(runDir.resolve("epoch_2/network/network.json")))
        .contains("\"format\" : \"firstspike-layer-network\"", "DelaySynaptic");
    assertThat(Files.readString(runDir.resolve("status.json"))).contains("FINISHED");
    byte[] state = Files.readAllBytes(runDir.resolve("epoch_2/training_state.json"));
    byte[] weights = Files.readAllBytes(runDir.resolve("epoch_2/network/layers.3.weights.npy"));
    byte[] test = Files.readAllBytes(runDir.resolve("epoch_2/yin_yang_test_spiketimes.npy"));

    ContinueCommandTest.Result c = ContinueCommandTest.run("continue", runDir.toString(), "1",
        "--threads", "1");
    assertThat(c.code()).as(c.err()).isEqualTo(0);
    assertThat(Files.readAllBytes(runDir.resolve("epoch_2/training_state.json"))).isEqualTo(state);
    assertThat(Files.readAllBytes(runDir.resolve("epoch_2/network/layers.3.weights.npy")))
        .isEqualTo(weights);
    assertThat(Files.readAllBytes(runDir.resolve("epoch_2/yin_yang_test_spiketimes.npy")))
        .isEqualTo(test);
    assertThat(run.metrics()).hasSize(3);
    assertThat(List.of(run.metrics().get(2).valAccuracy())).allMatch(a -> a > 0.4);
  }

  @Test
  @DisplayName("a new-schema run that runs away exits with code 1 naming the parameter")
  void runaway() throws Exception {
    Path root = tmp.resolve("runs");
    Path cfg = tmp.resolve("lr.yaml");
    Files.writeString(cfg, DelgradYaml.h30Ws(2, "[]")
        .replace("learning_rate: 0.01 ", "learning_rate: 1e7 "));
    ContinueCommandTest.Result r = ContinueCommandTest.run("train", cfg.toString(), "--out",
        root.toString(), "--threads", "2");
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    assertThat(r.err().strip()).matches("run failed: training diverged in epoch 1, batch \\d+: a"
        + " value of layers\\.\\d\\.weights reached .*; the last good snapshot is kept");
  }
}
