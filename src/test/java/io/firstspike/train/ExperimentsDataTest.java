package io.firstspike.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.data.DataSplits;
import io.firstspike.testsupport.Shared;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What a config's {@code dataset} key makes {@link Experiments#loadData} load. */
class ExperimentsDataTest {
  private static DataSplits load(String dataset) throws IOException {
    Path subset = Shared.file("data/mnist-subset");
    String mnist = Files.readString(Path.of("configs/mnist.yaml"));
    String yaml = mnist.replaceFirst("(?m)^dataset: mnist .*$", "dataset: " + dataset
        + "\ndata_dir: '" + subset + "'");
    assertThat(yaml).as("configs/mnist.yaml names its data set on one line").isNotEqualTo(mnist);
    ExperimentConfig c = ConfigLoader.parse(yaml, "mnist.yaml");
    return Experiments.loadData(c);
  }

  @Test
  @DisplayName("dataset {name, validation: test} trains on the whole training file and validates on the test set")
  void wholeTrainingFile() throws IOException {
    DataSplits carved = load("mnist");
    assertThat(carved.train().size()).isEqualTo(6667);
    assertThat(carved.validation().size()).isEqualTo(1333);
    assertThat(load("{name: mnist, validation: carve}").train().inputTimes())
        .isDeepEqualTo(carved.train().inputTimes());

    DataSplits whole = load("{name: mnist, validation: test}");
    assertThat(whole.train().size()).isEqualTo(8000);
    assertThat(whole.train().inputTimes()[6666]).containsExactly(carved.train().inputTimes()[6666]);
    assertThat(whole.train().inputTimes()[6667]).containsExactly(carved.validation().inputTimes()[0]);
    assertThat(whole.validation().inputTimes()).isDeepEqualTo(carved.test().inputTimes());
    assertThat(whole.test().labels()).containsExactly(carved.test().labels());
  }
}
