package io.firstspike.train.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.neuron.Variant;
import io.firstspike.testsupport.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file in the top-level configs/ folder loads, and the ones with a stated purpose keep it. */
class ShippedConfigsTest {
  static final Path CONFIGS = Path.of("configs");

  /** The set the project promises; a missing or extra file is noticed by {@link #allPresent}. */
  static final List<String> EXPECTED = List.of("16x16_mnist.yaml", "bars.yaml", "fashion_mnist.yaml",
      "mnist.yaml", "xor.yaml", "yin_yang.yaml", "yin_yang_H30_W.yaml", "yin_yang_H30_WA.yaml",
      "yin_yang_H30_WS.yaml", "yin_yang_H5_WS.yaml", "yin_yang_dt.yaml", "yin_yang_hwAware.yaml",
      "yin_yang_small.yaml", "yin_yang_ttfs.yaml");

  /** Our commented copies of DelGrad's experiments, with the original's file each copies. */
  static final List<String> DELGRAD = List.of("yin_yang_H30_W", "yin_yang_H30_WA",
      "yin_yang_H30_WS", "yin_yang_H5_WS", "yin_yang_hwAware");

  static Stream<Path> shipped() throws IOException {
    try (Stream<Path> files = Files.list(CONFIGS)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  private static ExperimentConfig load(String name) {
    return ConfigLoader.load(CONFIGS.resolve(name));
  }

  @Test
  void allPresent() throws IOException {
    assertThat(shipped().map(p -> p.getFileName().toString())).containsExactlyElementsOf(EXPECTED);
  }

  @ParameterizedTest
  @MethodSource("shipped")
  @DisplayName("every shipped config loads, and every key has a comment")
  void loads(Path file) throws IOException {
    AnyConfig c = ConfigLoader.loadAny(file);
    assertThat(c.source()).isEqualTo(file.toString());
    assertThat(c instanceof DelgradExperiment)
        .isEqualTo(DELGRAD.contains(file.getFileName().toString().replace(".yaml", "")));
    for (String line : Files.readAllLines(file)) {
      boolean keyWithScalar = line.matches("\\s*[a-z_]+: \\S.*");
      if (keyWithScalar && !line.trim().startsWith("#")) {
        assertThat(line).as("comment on key line in %s", file).contains(" # ");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("delgradCopies")
  @DisplayName("each commented DelGrad copy loads to exactly the original's experiment config")
  void delgradCopiesEqualTheOriginals(String name) {
    AnyConfig ours = ConfigLoader.loadAny(CONFIGS.resolve(name + ".yaml"));
    AnyConfig head = ConfigLoader.loadAny(Shared.file("reference/delgrad/configs/" + name + ".yaml"));
    assertThat(((DelgradExperiment) ours).withSource(head.source())).isEqualTo(head);
  }

  static Stream<String> delgradCopies() {
    return DELGRAD.stream();
  }

  @Test
  @DisplayName("yin_yang_ttfs.yaml is exactly the paper's yinyang_et_300epochs config")
  void ttfsIsThePaperSetup() {
    ExperimentConfig paper = ConfigLoader.load(
        Shared.file("reference/fastanddeep/yinyang_et_300epochs/config.yaml"));
    ExperimentConfig ours = load("yin_yang_ttfs.yaml");
    assertThat(ours.withSource(paper.source())).isEqualTo(paper);
  }

  @Test
  @DisplayName("yin_yang.yaml is the paper setup with the MSE loss of the golden step (1.7 / 1.0)")
  void yinYangMse() {
    ExperimentConfig ours = load("yin_yang.yaml");
    ExperimentConfig paper = load("yin_yang_ttfs.yaml");
    assertThat(ours.trainingParams().loss()).isEqualTo(new LossConfig.Mse(1.7, 1.0));
    assertThat(ours.networkLayout()).isEqualTo(paper.networkLayout());
    assertThat(ours.neuronParams()).isEqualTo(paper.neuronParams());
    assertThat(ours.trainingParams().epochNumber()).isEqualTo(300);
    assertThat(ours.trainingParams().learningRate()).isEqualTo(paper.trainingParams().learningRate());
  }

  @Test
  void smallAndDt() {
    ExperimentConfig small = load("yin_yang_small.yaml");
    assertThat(small.networkLayout().layerSizes()).containsExactly(30, 3);
    assertThat(small.trainingParams().epochNumber()).isEqualTo(20);
    ExperimentConfig dt = load("yin_yang_dt.yaml");
    assertThat(dt.variant()).isEqualTo(Variant.DT);
    assertThat(dt.neuronParams().tauMem()).isEqualTo(2 * dt.neuronParams().tauSyn());
    assertThat(dt.neuronParams().gLeak()).isEqualTo(0.5);
  }

  @Test
  void smallDataSetsAndMnist() {
    assertThat(load("xor.yaml").dataset().name()).isEqualTo("xor");
    assertThat(load("xor.yaml").networkLayout().nInputs()).isEqualTo(4);
    assertThat(load("bars.yaml").networkLayout().nInputs()).isEqualTo(9);
    assertThat(load("bars.yaml").networkLayout().nOutputs()).isEqualTo(3);
    for (String name : List.of("mnist.yaml", "fashion_mnist.yaml")) {
      ExperimentConfig c = load(name);
      assertThat(c.networkLayout().nInputs()).isEqualTo(784);
      assertThat(c.networkLayout().layerSizes()).containsExactly(350, 10);
      assertThat(c.trainingParams().useForwardIntegrator()).as(name).isFalse();
    }
    assertThat(load("fashion_mnist.yaml").dataset().name()).isEqualTo("fashion_mnist");
    assertThat(load("fashion_mnist.yaml").dataset().testAsValidation()).isTrue();
    assertThat(load("mnist.yaml").dataset().testAsValidation()).isFalse();
  }

  @Test
  @DisplayName("mnist.yaml and 16x16_mnist.yaml equal the original runs except where documented")
  void mnistMatchesOriginals() {
    ExperimentConfig full = ConfigLoader.load(
        Shared.file("reference/fastanddeep/fullmnist_et_150epochs/config.yaml"));
    ExperimentConfig ours = load("mnist.yaml");
    assertThat(ours.networkLayout()).isEqualTo(full.networkLayout());
    assertThat(ours.trainingParams().withSeeds(0, 0))
        .usingRecursiveComparison().ignoringFields("useForwardIntegrator")
        .isEqualTo(full.trainingParams().withSeeds(0, 0));
    assertThat(ours.trainingParams().torchSeed()).isEqualTo(full.trainingParams().torchSeed());

    ExperimentConfig m16 = ConfigLoader.load(
        Shared.file("reference/fastanddeep/16x16mnist_et_200epochs/config.yaml"));
    ExperimentConfig ours16 = load("16x16_mnist.yaml");
    assertThat(ours16.trainingParams()).isEqualTo(m16.trainingParams());
    assertThat(ours16.networkLayout().widthPixel()).isEqualTo(16);
    assertThat(ours16.networkLayout().layerSizes()).isEqualTo(m16.networkLayout().layerSizes());
    assertThat(ours16.networkLayout().weightMeans()).isEqualTo(m16.networkLayout().weightMeans());
  }
}
