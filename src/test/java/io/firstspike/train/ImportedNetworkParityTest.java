package io.firstspike.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.network.NetworkEngine;
import io.firstspike.data.DataSplits;
import io.firstspike.io.Npy;
import io.firstspike.runs.ModelFolder;
import io.firstspike.testsupport.Shared;
import io.firstspike.train.config.ExperimentConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The original's shipped networks, imported from their .pt files, give the original's outputs
 * (Yin-Yang, whose test set we generate) and finite, reproducible outputs on real MNIST digits
 * (the MNIST test images of the original's runs are not available here; the subset is).
 */
class ImportedNetworkParityTest {
  static final double TIME_TOLERANCE = 1e-9;

  @Test
  @DisplayName("the original's Yin-Yang network reproduces its test spike times and 96.0%")
  void yinYangParity() throws Exception {
    Path folder = Shared.file("reference/fastanddeep/yinyang_et_300epochs");
    ModelFolder model = ModelFolder.open(folder);
    ExperimentConfig cfg = model.config();
    DataSplits data = Experiments.loadData(cfg);
    double[][] golden = Npy.read(folder.resolve("yin_yang_test_spiketimes.npy")).asMatrix();
    long[] labels = Npy.read(folder.resolve("yin_yang_test_labels.npy")).asLongs();
    EvaluationPass pass;
    try (NetworkEngine engine = new NetworkEngine(model.network(), Experiments.engineOptions(cfg), 2)) {
      pass = EvaluationPass.run(engine, Experiments.loss(cfg), data.test(), 200);
    }
    double worst = 0;
    for (int s = 0; s < golden.length; s++) {
      assertThat(data.test().labels()[s]).isEqualTo((int) labels[s]);
      for (int k = 0; k < golden[s].length; k++) {
        double g = golden[s][k];
        double a = pass.outputs()[s][k];
        if (Double.isInfinite(g)) {
          assertThat(a).isEqualTo(g);
        } else {
          worst = Math.max(worst, Math.abs(a - g));
        }
      }
    }
    assertThat(worst).isLessThan(TIME_TOLERANCE);
    assertThat(pass.accuracy()).isEqualTo(0.96);
  }

  @Test
  @DisplayName("the original's 16x16 and full MNIST networks give finite, reproducible outputs")
  void mnistNetworksRunOnTheSubset() {
    Path subset = Shared.file("data/mnist-subset");
    for (String name : new String[] {"16x16mnist_et_200epochs", "fullmnist_et_150epochs"}) {
      ModelFolder model = ModelFolder.open(Shared.file("reference/fastanddeep/" + name));
      ExperimentConfig cfg = model.config().withDataDir(subset);
      DataSplits data = Experiments.loadData(cfg);
      var test = data.test().slice(0, 500);
      EvaluationPass one;
      EvaluationPass two;
      try (NetworkEngine e1 = new NetworkEngine(model.network(), Experiments.engineOptions(cfg), 1);
          NetworkEngine e2 = new NetworkEngine(model.network(), Experiments.engineOptions(cfg), 2)) {
        one = EvaluationPass.run(e1, Experiments.loss(cfg), test, 50);
        two = EvaluationPass.run(e2, Experiments.loss(cfg), test, 50);
      }
      assertThat(two.outputs()).as(name + " reproducible").isDeepEqualTo(one.outputs());
      for (double[] row : one.outputs()) {
        for (double t : row) {
          assertThat(Double.isNaN(t)).as(name + " NaN output").isFalse();
        }
      }
      // Real digits: the trained networks must be far above chance (10%).
      assertThat(one.accuracy()).as(name + " accuracy on 500 subset digits").isGreaterThan(0.9);
      System.out.printf("%s: accuracy %.4f on 500 subset test digits%n", name, one.accuracy());
    }
  }
}
