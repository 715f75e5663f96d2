package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.cli.CliTest.Result;
import io.firstspike.eval.Evaluation;
import io.firstspike.eval.Evaluator;
import io.firstspike.eval.WeightSet;
import io.firstspike.eval.plot.EvaluationPlots;
import io.firstspike.io.NetworkFile;
import io.firstspike.io.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short FirstSpike training (the {@code train} command, 4-10-3 Yin-Yang, 2 epochs) evaluated
 * as a run folder, as one of its epoch folders and as a {@code pretrained/}-style folder.
 */
class EvalRunFolderTest {
  private static final int HIDDEN = 10;
  private static final int THREADS = 2;

  @TempDir static Path tmp;
  private static Path run;

  @BeforeAll
  static void train() throws Exception {
    Path cfg = tmp.resolve("tiny.yaml");
    Files.writeString(cfg, TrainerYaml.yinYang(2));
    Result t = CliTest.run("train", cfg.toString(), "--out", tmp.resolve("runs").toString(),
        "--threads", Integer.toString(THREADS));
    assertThat(t.code()).as(t.err()).isEqualTo(0);
    try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
      run = s.findFirst().orElseThrow();
    }
  }

  @Test
  @DisplayName("eval of a run folder writes every plot into it, the summary with per-class outputs")
  void runFolder() throws Exception {
    Result r = CliTest.run("eval", run.toString(), "--threads", Integer.toString(THREADS));
    assertThat(r.code()).as(r.err()).isEqualTo(0);
    // the run's snapshot has mean/std outputs for 3 classes and untrained_network/
    ExpectedPlots.check(run, ExpectedPlots.yinYang(HIDDEN, 3));
    assertThat(r.out()).doesNotContain("note:").contains("snapshot of epoch 2")
        .contains("wrote 19 plots to " + run);
  }

  @Test
  @DisplayName("an epoch folder is evaluated with its own curves and the run's untrained network")
  void epochFolder() throws Exception {
    Evaluation e = new Evaluator(THREADS).evaluate(run.resolve("epoch_1"), null);
    assertThat(e.epoch()).isEqualTo(1);
    assertThat(e.notes()).isEmpty();
    assertThat(e.bundle().curves().epochs()).isEqualTo(1);
    assertThat(e.bundle().curves().hasOutputs()).isTrue();
    assertThat(e.bundle().curves().trainLoss()).containsExactly(
        Npy.read(run.resolve("epoch_1/yin_yang_train_losses.npy")).asDoubles());
    assertThat(e.bundle().untrained())
        .isEqualTo(WeightSet.of(NetworkFile.read(run.resolve("untrained_network"))));
    assertThat(e.bundle().trained())
        .isEqualTo(WeightSet.of(NetworkFile.read(run.resolve("epoch_1/network"))));
    // the snapshot's saved test outputs are what the evaluator computes again
    double[][] saved = Npy.read(run.resolve("epoch_1/yin_yang_test_spiketimes.npy")).asMatrix();
    assertThat(e.bundle().test().outputTimes()).isDeepEqualTo(saved);
  }

  @Test
  @DisplayName("plots drawn on two threads are byte-identical to plots drawn one after the other")
  void parallelRenderingIsIdentical() throws Exception {
    Evaluation e = new Evaluator(1).evaluate(run.resolve("epoch_2"), null);
    List<Path> one = EvaluationPlots.render(e, tmp.resolve("one"), 1, null);
    List<String> order = new ArrayList<>();
    List<Path> two = EvaluationPlots.render(e, tmp.resolve("two"), THREADS,
        (phase, done, total, name) -> order.add(done + "/" + total));
    assertThat(two).hasSameSizeAs(one).hasSize(19);
    for (int i = 0; i < one.size(); i++) {
      assertThat(two.get(i).getFileName()).isEqualTo(one.get(i).getFileName());
      assertThat(Files.readAllBytes(two.get(i))).as(one.get(i).getFileName().toString())
          .isEqualTo(Files.readAllBytes(one.get(i)));
    }
    assertThat(order).first().isEqualTo("0/19");
    assertThat(order).last().isEqualTo("19/19");
    assertThat(order).hasSize(20);
  }

  @Test
  @DisplayName("a pretrained/-style folder (config.yaml + network/) evaluates without curves, with notes")
  void pretrainedFolder() throws Exception {
    Path pre = Files.createDirectories(tmp.resolve("pretrained/tiny"));
    Files.copy(run.resolve("config.yaml"), pre.resolve("config.yaml"));
    NetworkFile.write(NetworkFile.read(run.resolve("epoch_2/network")), pre.resolve("network"));
    Evaluation e = new Evaluator(THREADS).evaluate(pre, null);
    assertThat(e.origin()).contains("network folder");
    assertThat(e.bundle().curves()).isNull();
    assertThat(e.bundle().untrained()).isNull();
    assertThat(e.bundle().trained()).isNotNull();
    assertThat(e.notes()).hasSize(2);
    assertThat(e.notes().get(0)).contains("no training curves").contains("loss_accuracy.png");
    assertThat(e.notes().get(1)).contains("no untrained network");
    assertThat(e.bundle().test().accuracy()).isBetween(0.0, 1.0);
  }
}
