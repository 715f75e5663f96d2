package io.firstspike.train.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.core.optim.WeightClipping;
import io.firstspike.testsupport.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The three config.yaml files shipped with the original's pretrained networks load unchanged;
 * expected values are read off those files by eye (the files are in ../shared, not copied here).
 * So do the keys the 2021 original reads beyond them (TTFS-MODEL.md section 6; its code reads
 * rounding_precision, clip_weights_max, resolution, sim_time, use_hicannx and max_dw_norm with a
 * default of false).
 */
class OriginalConfigsTest {

  private static ExperimentConfig original(String run) {
    Path file = Shared.file("reference/fastanddeep/" + run + "/config.yaml");
    return ConfigLoader.load(file);
  }

  @Test
  @DisplayName("yinyang_et_300epochs: 4-120-3 with one bias at 0.9 per layer, TTFS, StepLR, no noise")
  void yinYang() {
    ExperimentConfig c = original("yinyang_et_300epochs");
    assertThat(c.source()).endsWith("config.yaml");
    assertThat(c.dataset()).isEqualTo(DatasetConfig.named("yin_yang"));
    assertThat(c.neuronParams()).isEqualTo(NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0));
    assertThat(c.variant()).isEqualTo(Variant.ET);
    NetworkLayout n = c.networkLayout();
    assertThat(n.nInputs()).isEqualTo(4);
    assertThat(n.nLayers()).isEqualTo(2);
    assertThat(n.layerSizes()).containsExactly(120, 3);
    assertThat(n.nBiases()).containsExactly(1, 1);
    assertThat(n.biasTimes()).containsExactly(List.of(0.9), List.of(0.9));
    assertThat(n.weightMeans()).containsExactly(1.5, 0.5);
    assertThat(n.weightStdevs()).containsExactly(0.8, 0.8);
    assertThat(n.widthPixel()).isNull();
    assertThat(n.inputsOfLayer(0)).isEqualTo(5);
    assertThat(n.inputsOfLayer(1)).isEqualTo(121);

    TrainingParams t = c.trainingParams();
    assertThat(t.loss()).isEqualTo(new LossConfig.Ttfs(0.2, 0.005, 1.0));
    assertThat(t.xi()).isEqualTo(0.2);
    assertThat(t.alpha()).isEqualTo(0.005);
    assertThat(t.beta()).isEqualTo(1.0);
    assertThat(t.batchSize()).isEqualTo(150);
    assertThat(t.batchSizeEval()).isEqualTo(200);
    assertThat(t.enforceCpu()).isFalse();
    assertThat(t.epochNumber()).isEqualTo(300);
    assertThat(t.epochSnapshots()).containsExactly(100, 200, 300);
    assertThat(t.learningRate()).isEqualTo(0.005);
    assertThat(t.lrScheduler()).isEqualTo(LrScheduler.stepLr(20, 0.95));
    assertThat(t.maxDwNorm()).isEqualTo(0.2);
    assertThat(t.maxNumMissingSpikes()).containsExactly(0.3, 0.0);
    assertThat(t.momentum()).isEqualTo(0.0);
    assertThat(t.numpySeed()).isEqualTo(12345L);
    assertThat(t.optimizer()).isEqualTo(Optimizer.ADAM);
    assertThat(t.printStepPercent()).isEqualTo(5.0);
    assertThat(t.resolution()).isEqualTo(0.01);
    assertThat(t.roundingPrecision()).isNull();
    assertThat(t.simTime()).isEqualTo(4.0);
    assertThat(t.torchSeed()).isEqualTo(2000L);
    assertThat(t.trainingNoise()).isNull();
    assertThat(t.useForwardIntegrator()).isFalse();
    assertThat(t.weightBumpingExp()).isTrue();
    assertThat(t.weightBumpingTargeted()).isTrue();
    assertThat(t.weightBumpingValue()).isEqualTo(0.0005);
    assertThat(t.snapshotEpochs()).containsExactly(100, 200, 300);
  }

  @Test
  @DisplayName("16x16mnist_et_200epochs: 256-128-10 without biases, input noise 0.3")
  void mnist16() {
    ExperimentConfig c = original("16x16mnist_et_200epochs");
    assertThat(c.dataset().name()).isEqualTo("16x16_mnist");
    NetworkLayout n = c.networkLayout();
    assertThat(n.nInputs()).isEqualTo(256);
    assertThat(n.layerSizes()).containsExactly(128, 10);
    assertThat(n.nBiases()).containsExactly(0, 0);
    assertThat(n.biasTimes()).containsExactly(List.of(), List.of());
    assertThat(n.weightMeans()).containsExactly(0.1, 0.6);
    assertThat(n.weightStdevs()).containsExactly(0.4, 0.8);
    TrainingParams t = c.trainingParams();
    assertThat(t.batchSize()).isEqualTo(50);
    assertThat(t.batchSizeEval()).isEqualTo(50);
    assertThat(t.epochNumber()).isEqualTo(200);
    assertThat(t.epochSnapshots()).containsExactly(1, 200);
    assertThat(t.learningRate()).isEqualTo(0.003);
    assertThat(t.lrScheduler()).isEqualTo(LrScheduler.stepLr(10, 0.9));
    assertThat(t.maxNumMissingSpikes()).containsExactly(0.5, 0.5);
    assertThat(t.simTime()).isEqualTo(3.0);
    assertThat(t.torchSeed()).isEqualTo(2345L);
    assertThat(t.trainingNoise()).isEqualTo(new TrainingNoise(0.0, 0.3));
    assertThat(t.useForwardIntegrator()).isFalse();
    assertThat(t.loss()).isEqualTo(new LossConfig.Ttfs(0.2, 0.005, 1.0));
  }

  @Test
  @DisplayName("keys the 2021 original reads with training_params.get(key, False) load: false means"
      + " none (rounding_precision, resolution, sim_time), clip_weights_max bounds the weights")
  void falseMeansNone() throws Exception {
    Path file = Shared.file("reference/fastanddeep/yinyang_et_300epochs/config.yaml");
    String text = Files.readString(file);
    ExperimentConfig plain = ConfigLoader.parse(text, "o.yaml");
    ExperimentConfig off = ConfigLoader.parse(text.replace("  resolution: 0.01\n",
        "  clip_weights_max: false\n  resolution: false\n  rounding_precision: false\n")
        .replace("  sim_time: 4.0\n", "  sim_time: false\n"), "o.yaml");
    TrainingParams t = off.trainingParams();
    assertThat(t.roundingPrecision()).isNull();
    assertThat(t.resolution()).isEqualTo(0.01);
    assertThat(t.simTime()).as("false: the default").isEqualTo(4.0);
    assertThat(t.weightBound()).isInfinite();
    assertThat(t.clipWeightsMax()).isEqualTo(new WeightClipping.Setting.Flag(false));
    assertThat(off.networkLayout()).isEqualTo(plain.networkLayout());
    assertThat(ConfigLoader.parse(ConfigWriter.toYaml(off), "o.yaml")).isEqualTo(off);

    ExperimentConfig on = ConfigLoader.parse(text.replace("  resolution: 0.01\n",
        "  clip_weights_max: 2.1\n  resolution: 0.01\n  rounding_precision: 0.0625\n"), "o.yaml");
    assertThat(on.trainingParams().weightBound()).isEqualTo(2.1);
    assertThat(on.trainingParams().roundingPrecision()).isEqualTo(0.0625);
    assertThat(ConfigWriter.toYaml(on)).contains("clip_weights_max: 2.1");
    assertThat(ConfigLoader.parse(ConfigWriter.toYaml(on), "o.yaml")).isEqualTo(on);

    ExperimentConfig noClip = ConfigLoader.parse(text.replace("max_dw_norm: 0.2",
        "max_dw_norm: false"), "o.yaml");
    assertThat(noClip.trainingParams().maxDwNorm()).as("false: no gradient clipping").isInfinite();
  }

  @Test
  @DisplayName("keys and losses of the new schema are refused in a 2021 config, each naming itself")
  void newSchemaKeysRefused() throws Exception {
    String text = Files.readString(Shared.file("reference/fastanddeep/yinyang_et_300epochs/config.yaml"));
    String[][] cases = {
        {"  use_hicannx: false\n", "  use_hicannx: false\n  substrate: sim\n",
            "training_params.substrate", "is a key of the new (DelGrad) schema, not of this one"},
        {"  use_hicannx: false\n", "  use_hicannx: false\n  clip_weights_max: true\n",
            "training_params.clip_weights_max", "names no bound"},
        {"  xi: 0.2\n", "  xi: 0.2\n  loss: {type: shift_invariant_MSE, delta_t: 0.2}\n",
            "training_params.loss.type", "shift_invariant_MSE is a loss of the new schema"},
        {"  threshold: 1.0\n", "  threshold: 1.0\n  max_dw_norm: 0.2\n",
            "neuron_params.max_dw_norm", "is a key of the new schema's neuron parameters"},
        {"  xi: 0.2\n", "  xi: 0.2\n  loss: {type: TTFS, xi: 0.2, alpha: 0.005, beta: 1.0,"
            + " regulariser: [{type: early_output, alpha: 0.005, beta: 1.0}]}\n",
            "training_params.loss.regulariser", "is a key of the new schema"},
    };
    for (String[] c : cases) {
      assertThat(text).contains(c[0]);
      ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(
          ConfigException.class, () -> ConfigLoader.parse(text.replace(c[0], c[1]), "o.yaml"));
      assertThat(e).as(c[2]).isNotNull();
      assertThat(e.keyPath()).isEqualTo(c[2]);
      assertThat(e.detail()).contains(c[3]);
    }
  }

  @Test
  @DisplayName("fullmnist_et_150epochs: 784-350-10 with the forward integrator switched on")
  void fullMnist() {
    ExperimentConfig c = original("fullmnist_et_150epochs");
    assertThat(c.dataset().name()).isEqualTo("mnist");
    NetworkLayout n = c.networkLayout();
    assertThat(n.nInputs()).isEqualTo(784);
    assertThat(n.layerSizes()).containsExactly(350, 10);
    assertThat(n.weightMeans()).containsExactly(0.05, 0.15);
    TrainingParams t = c.trainingParams();
    assertThat(t.batchSize()).isEqualTo(80);
    assertThat(t.batchSizeEval()).isEqualTo(150);
    assertThat(t.epochSnapshots()).containsExactly(5, 10, 30, 50, 100, 140, 150);
    assertThat(t.lrScheduler()).isEqualTo(LrScheduler.stepLr(15, 0.9));
    assertThat(t.maxNumMissingSpikes()).containsExactly(0.15, 0.05);
    assertThat(t.simTime()).isEqualTo(3.5);
    assertThat(t.torchSeed()).isEqualTo(2345678L);
    assertThat(t.useForwardIntegrator()).isTrue();
  }
}
