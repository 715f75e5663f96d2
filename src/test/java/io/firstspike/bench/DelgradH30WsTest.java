package io.firstspike.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.firstspike.core.layer.DelgradTrainingStep;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.NeuronPassKind;
import io.firstspike.core.layer.Parameter;
import io.firstspike.core.loss.DelgradObjective;
import io.firstspike.core.optim.DelgradWeightBumper;
import io.firstspike.data.DataSplits;
import io.firstspike.data.YinYang;
import io.firstspike.testsupport.DelgradLayers;
import io.firstspike.testsupport.Shared;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The DelGrad benchmark's pieces: {@link DelgradH30Ws} is the original's
 * {@code yin_yang_H30_WS.yaml} key by key, {@link DelgradEpochRun} trains through the core's
 * step, and {@link DelgradCheck} refuses a network whose fast outputs differ from the reference
 * pass's.
 */
class DelgradH30WsTest {

  static JsonNode config() throws IOException {
    return new YAMLMapper().readTree(
        Shared.file("reference/delgrad/configs/yin_yang_H30_WS.yaml").toFile());
  }

  @Test
  @DisplayName("the written-out layer list, learning rates and training settings are the config's")
  void matchesTheConfig() throws IOException {
    JsonNode c = config();
    JsonNode layout = c.get("network_layout");
    JsonNode tp = c.get("training_params");
    assertThat(layout.get("n_inputs").asInt()).isEqualTo(DelgradH30Ws.N_INPUTS);
    assertThat(DelgradH30Ws.layers()).isEqualTo(
        DelgradLayers.fromConfig(layout, c.get("default_neuron_params")));
    List<Double> lrs = new ArrayList<>();
    List<Double> missing = new ArrayList<>();
    for (JsonNode l : layout.get("layers")) {
      lrs.add(l.has("learning_rate") ? l.get("learning_rate").asDouble() : null);
      if (l.get("name").asText().equals("NeuronLayer")) {
        missing.add(l.get("max_num_missing_spikes").asDouble());
      }
    }
    assertThat(DelgradH30Ws.layerLearningRates()).isEqualTo(lrs);
    DelgradTrainingStep.Settings s = DelgradH30Ws.stepSettings();
    assertThat(s.maxMissingSpikes()).containsExactly(
        missing.stream().mapToDouble(Double::doubleValue).toArray());
    assertThat(tp.get("learning_rate").asDouble()).isEqualTo(DelgradH30Ws.LEARNING_RATE);
    assertThat(tp.get("batch_size").asInt()).isEqualTo(DelgradH30Ws.BATCH_SIZE);
    assertThat(tp.get("batch_size_eval").asInt()).isEqualTo(DelgradH30Ws.BATCH_SIZE_EVAL);
    assertThat(tp.get("optimizer").asText()).isEqualTo("adam");
    assertThat(tp.get("lr_scheduler").get("type").asText()).isEqualTo("StepLR");
    assertThat(tp.get("lr_scheduler").get("step_size").asInt()).isEqualTo(DelgradH30Ws.STEP_SIZE);
    assertThat(tp.get("lr_scheduler").get("gamma").asDouble()).isEqualTo(DelgradH30Ws.GAMMA);
    assertThat(tp.get("loss").get("type").asText()).isEqualTo("shift_invariant_MSE");
    assertThat(s.loss().objective()).isEqualTo(new DelgradObjective.ShiftInvariantMse(
        tp.get("loss").get("delta_t").asDouble(),
        c.get("default_neuron_params").get("tau_syn").asDouble()));
    assertThat(s.loss().regularisers()).isEmpty();
    assertThat(tp.has("clip_weights_max")).isFalse();
    assertThat(s.clipping().enabled()).isFalse();
    assertThat(tp.has("rounding_precision")).isFalse();
    assertThat(tp.get("training_noise").asBoolean()).isFalse();
    assertThat(s.trainingNoise()).isNull();
    DelgradWeightBumper b = DelgradH30Ws.bumper();
    assertThat(b.value()).isEqualTo(tp.get("weight_bumping_value").asDouble());
    assertThat(tp.get("weight_bumping_exp").asBoolean()).isTrue();
    assertThat(tp.get("weight_bumping_targeted").asBoolean()).isTrue();
  }

  @Test
  @DisplayName("an epoch harness run trains (the loss goes somewhere), is reproducible from its"
      + " seed, and passes the bit-for-bit check against the reference pass")
  void harnessRunsAndChecks() {
    DataSplits full = YinYang.splits();
    DataSplits small = new DataSplits(full.train().slice(0, 600), full.validation().slice(0, 300),
        full.test());
    DelgradEpochRun a = DelgradEpochRun.run(small, 2, 3, 7);
    DelgradEpochRun b = DelgradEpochRun.run(small, 1, 3, 7, NeuronPassKind.REFERENCE);
    assertThat(a.epochSeconds()).hasSize(3);
    assertThat(a.valAccuracy()).isEqualTo(b.valAccuracy());
    for (Parameter p : a.network().parameters()) {
      assertThat(b.network().parameter(p.name()).values()).as(p.name())
          .containsExactly(p.values());
    }
    assertThat(a.finalValAccuracy()).isGreaterThan(0.4);
    String check = DelgradCheck.verify(a.network(), small.validation().inputTimes(), 20);
    assertThat(check).contains("bit-identical to the reference pass");
  }

  @Test
  @DisplayName("the check passes an untrained network and fails one whose label layer is silent")
  void checkFailsWithoutLabelSpikes() {
    double[][] x = YinYang.splits().validation().inputTimes();
    assertThat(DelgradCheck.verify(DelgradH30Ws.untrained(3), x, 10)).contains("10 samples");
    LayerNetwork silent = DelgradH30Ws.untrained(3);
    java.util.Arrays.fill(silent.parameter("layers.3.weights").values(), -1.0);
    assertThatThrownBy(() -> DelgradCheck.verify(silent, x, 10))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no label neuron spikes");
  }
}
