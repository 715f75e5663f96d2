package io.firstspike.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.core.layer.BiasesLayer;
import io.firstspike.core.layer.BroadcastLayer;
import io.firstspike.core.layer.DelayLayer;
import io.firstspike.core.layer.Layer;
import io.firstspike.core.layer.LayerInference;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerTraining;
import io.firstspike.core.layer.MultiplexLayer;
import io.firstspike.core.layer.NetworkPass;
import io.firstspike.core.layer.NeuronLayer;
import io.firstspike.core.layer.NoiseSource;
import io.firstspike.core.layer.Parameter;
import io.firstspike.core.layer.SeededNoise;
import io.firstspike.core.loss.DelgradLoss;
import io.firstspike.core.loss.DelgradObjective;
import io.firstspike.core.optim.RangeRunner;
import io.firstspike.data.Dataset;
import io.firstspike.data.YinYang;
import io.firstspike.testsupport.GoldenJson;
import io.firstspike.testsupport.Shared;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The original's HEAD pretrained runs (../shared/reference/delgrad/pretrained), imported from
 * their {@code .pt} files alone, reproduce what HEAD saved and computed: the test spike times of
 * the four simulation runs with their accuracies, the hardware-aware runs with the noise off
 * (golden {@code inference_cases}), the initial parameters of the untrained networks (golden
 * {@code network_steps}), and all of it again after a round trip through our own format.
 */
class DelgradPretrainedParityTest {
  private static final String RUNS = "reference/delgrad/pretrained/";
  /** Time parity with HEAD: our sums run in another order than torch's (about 1e-15 relative). */
  private static final double RELATIVE = 1e-9;
  /** The bound on |ours - saved| (times are in units of tau_syn, about 0.5 to 3). */
  private static final double ABSOLUTE = 1e-9;
  /** Below this a saved time counts as zero for the relative error. */
  private static final double FLOOR = 1e-15;
  /** Effective delays: sigmoid through SLEEF's exp in torch and libm here (3.3e-16 measured). */
  private static final double DELAY_RELATIVE = 1e-14;
  /** HEAD's test set: Yin-Yang with seed 40, 1000 samples, batches of batch_size_eval. */
  private static final long TEST_SEED = 40;
  private static final int TEST_SIZE = 1000;
  private static final int BATCH_EVAL = 200;
  /**
   * HEAD's accuracy of the hardware-aware runs over 20 noise draws, mean and std (reference
   * README); a seeded noisy run must lie within 5 std of the mean.
   */
  private static final double NOISY_SIGMAS = 5;

  @TempDir Path dir;

  private static Path run(String name) {
    return Shared.file(RUNS + name);
  }

  private static ImportedLayerNetwork trained(String run) throws IOException {
    return PtImporter.readLayerNetwork(run(run).resolve("epoch_300/yin_yang_network.pt"));
  }

  /** HEAD's class selection and loss from the network's own training_params. */
  @SuppressWarnings("unchecked")
  static DelgradLoss loss(ImportedLayerNetwork imported) {
    Map<String, Object> loss = (Map<String, Object>) imported.trainingParams().get("loss");
    assertThat(loss).containsEntry("type", "shift_invariant_MSE");
    double tau = ((Number) imported.defaultNeuronParams().get("tau_syn")).doubleValue();
    return new DelgradLoss(new DelgradObjective.ShiftInvariantMse(
        ((Number) loss.get("delta_t")).doubleValue(), tau));
  }

  private static Dataset testSet() {
    return YinYang.encoded(TEST_SEED, TEST_SIZE);
  }

  @ParameterizedTest(name = "{0}: {1}/1000")
  @CsvSource({"yin_yang_H30_W, 967", "yin_yang_H30_WA, 975", "yin_yang_H30_WS, 982",
      "yin_yang_H5_WS, 954"})
  @DisplayName("the simulation runs reproduce HEAD's saved test spike times (1e-9) and accuracies, also after a round trip through our format")
  void simulationRunsReproduceSavedTestTimes(String run, int correct) throws IOException {
    ImportedLayerNetwork imported = trained(run);
    assertThat(imported.container()).isEqualTo("zip");
    assertThat(imported.trainingParams()).containsEntry("batch_size_eval", BATCH_EVAL);
    Dataset test = testSet();
    long[] savedLabels = Npy.read(run(run).resolve("epoch_300/yin_yang_test_labels.npy")).asLongs();
    assertThat(Arrays.stream(savedLabels).mapToInt(l -> (int) l).toArray())
        .isEqualTo(test.labels());
    double[][] saved = Npy.read(run(run).resolve("epoch_300/yin_yang_test_spiketimes.npy"))
        .asMatrix();

    LayerInference.Result result = infer(imported.network(), loss(imported), NoiseSource.ZERO);
    double worst = worstRelativeError(saved, result.labelTimes());
    double worstAbsolute = worstAbsoluteError(saved, result.labelTimes());
    System.out.printf("%s: largest difference %.3g (relative %.3g), accuracy %d/%d%n", run,
        worstAbsolute, worst, result.correct(), result.size());
    assertThat(worst).as(run + " largest relative error of the test spike times")
        .isLessThanOrEqualTo(RELATIVE);
    assertThat(worstAbsolute).as(run + " largest difference of the test spike times")
        .isLessThanOrEqualTo(ABSOLUTE);
    assertThat(result.correct()).as(run + " correct test samples").isEqualTo(correct);

    LayerNetworkFile.Stored back = roundTrip(imported, dir.resolve(run));
    assertThat(back.training()).isEqualTo(imported.training());
    LayerInference.Result again = infer(back.network(), loss(imported), NoiseSource.ZERO);
    assertThat(again.labelTimes()).as("times after the round trip, bit for bit")
        .isDeepEqualTo(result.labelTimes());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"yin_yang_hwAware_W, yin_yang_hwAware_W_noise_free, 864, 0.865, 0.011",
      "yin_yang_hwAware_WA, yin_yang_hwAware_WA_noise_free, 927, 0.917, 0.009"})
  @DisplayName("the hardware-aware runs give HEAD's golden times and accuracy with the noise off; a seeded noisy run is reproducible and as accurate as HEAD's noisy runs")
  void hardwareAwareRuns(String run, String goldenCase, int correctNoiseOff, double noisyMean,
      double noisyStd) throws IOException {
    ImportedLayerNetwork imported = trained(run);
    JsonNode golden = inferenceCase(goldenCase);
    assertThat(golden.get("noise_switched_off").asBoolean()).isTrue();
    LayerNetwork net = imported.network();
    assertThat(net.roundingPrecision()).isEqualTo(golden.get("rounding_precision").asDouble());
    assertParametersEqual(net, golden.get("parameters"), golden.get("threshold_noise_fp"));

    // The golden samples: hidden and label times with the noise off.
    int[] range = GoldenJson.ints(golden.get("test_sample_range"));
    double[][] inputs = GoldenJson.matrix(golden.get("input_times"));
    Dataset test = testSet();
    assertThat(inputs).isDeepEqualTo(Arrays.copyOfRange(test.inputTimes(), range[0], range[1]));
    NetworkPass pass = net.forward(inputs, NoiseSource.ZERO);
    assertThat(worstRelativeError(GoldenJson.matrix(golden.get("label_times")),
        pass.labelTimes())).isLessThanOrEqualTo(RELATIVE);
    for (Iterator<Map.Entry<String, JsonNode>> it = golden.get("hidden_times").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      assertThat(worstRelativeError(GoldenJson.matrix(e.getValue()),
          pass.hiddenTimes(Integer.parseInt(e.getKey())))).as("hidden times of layer " + e.getKey())
          .isLessThanOrEqualTo(RELATIVE);
    }
    DelgradLoss loss = loss(imported);
    LayerInference.Result off = infer(net, loss, NoiseSource.ZERO);
    assertThat(off.selected()).startsWith(GoldenJson.ints(golden.get("selected_classes")));
    assertThat(off.correct()).isEqualTo(correctNoiseOff);
    assertThat(off.accuracy()).isEqualTo(golden.get("test_accuracy_1000").asDouble());

    LayerInference.Result one = infer(net, loss, new SeededNoise(7));
    LayerInference.Result two = infer(net, loss, new SeededNoise(7));
    LayerInference.Result other = infer(net, loss, new SeededNoise(8));
    assertThat(two.labelTimes()).as("same seed, same times").isDeepEqualTo(one.labelTimes());
    assertThat(other.labelTimes()).as("another seed, other times").isNotEqualTo(one.labelTimes());
    assertThat(one.labelTimes()).as("the noise changes the times").isNotEqualTo(off.labelTimes());
    System.out.printf("%s: noise off %d/1000, seeded noise %d and %d/1000%n", run, off.correct(),
        one.correct(), other.correct());
    for (LayerInference.Result noisy : List.of(one, other)) {
      assertThat(noisy.accuracy()).isBetween(noisyMean - NOISY_SIGMAS * noisyStd,
          noisyMean + NOISY_SIGMAS * noisyStd);
    }

    LayerNetworkFile.Stored back = roundTrip(imported, dir.resolve(run));
    assertThat(infer(back.network(), loss, new SeededNoise(7)).labelTimes())
        .as("seeded noisy times after the round trip, bit for bit").isDeepEqualTo(one.labelTimes());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"yin_yang_H30_W", "yin_yang_H30_WA", "yin_yang_H30_WS", "yin_yang_H5_WS"})
  @DisplayName("the trained parameters equal the golden inference cases bit for bit, and the training options those of the config")
  void trainedParametersAndOptions(String run) throws IOException {
    ImportedLayerNetwork imported = trained(run);
    JsonNode golden = inferenceCase(run);
    assertParametersEqual(imported.network(), golden.get("parameters"),
        golden.get("threshold_noise_fp"));
    assertThat(imported.network().roundingPrecision()).isZero();
    assertEffectiveDelays(imported.network(), golden.get("effective_delays"));
    assertOptionsMatchConfig(imported, golden.get("config").get("network_layout").get("layers"));
  }

  @Test
  @DisplayName("the untrained H30_WS and H30_WA networks hold the golden initial parameters, fixed-pattern offsets and effective delays")
  void untrainedNetworksMatchGolden() throws IOException {
    int checked = 0;
    for (JsonNode step : section("network_steps")) {
      String run = step.get("name").asText().replace("_untrained", "");
      ImportedLayerNetwork imported =
          PtImporter.readLayerNetwork(run(run).resolve("yin_yang_untrained_network.pt"));
      assertParametersEqual(imported.network(), step.get("parameters_initial"),
          step.get("threshold_noise_fp"));
      assertEffectiveDelays(imported.network(), step.get("effective_delays_initial"));
      assertOptionsMatchConfig(imported, step.get("config").get("network_layout").get("layers"));
      checked++;
    }
    assertThat(checked).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"yin_yang_H30_W", "yin_yang_H30_WA", "yin_yang_H30_WS", "yin_yang_H5_WS",
      "yin_yang_hwAware_W", "yin_yang_hwAware_WA"})
  @DisplayName("every untrained network imports with the trained one's layers and options, and training changed its parameters")
  void untrainedNetworksImport(String run) throws IOException {
    ImportedLayerNetwork untrained =
        PtImporter.readLayerNetwork(run(run).resolve("yin_yang_untrained_network.pt"));
    ImportedLayerNetwork trained = trained(run);
    assertThat(untrained.network().specs()).isEqualTo(trained.network().specs());
    assertThat(untrained.training()).isEqualTo(trained.training());
    assertThat(untrained.layerClasses()).isEqualTo(trained.layerClasses());
    List<Parameter> before = untrained.network().parameters();
    List<Parameter> after = trained.network().parameters();
    assertThat(before).hasSameSizeAs(after);
    for (int k = 0; k < before.size(); k++) {
      Parameter b = before.get(k);
      Parameter a = after.get(k);
      assertThat(b.name()).isEqualTo(a.name());
      assertThat(b.shape()).isEqualTo(a.shape());
      if (b.trainable()) {
        assertThat(b.values()).as(b.name() + " changed by training").isNotEqualTo(a.values());
      } else {
        assertThat(b.values()).as(b.name() + " (fixed) kept").isEqualTo(a.values());
      }
    }
    // Untrained networks run too (finite or silent outputs, no NaN).
    LayerInference.Result r = infer(untrained.network(), loss(untrained), NoiseSource.ZERO);
    for (double[] row : r.labelTimes()) {
      for (double t : row) {
        assertThat(Double.isNaN(t)).isFalse();
      }
    }
  }

  @Test
  @DisplayName("the layer lists are HEAD's: broadcast/delay, multiplex and neuron layers with the configured shapes")
  void layerLists() throws IOException {
    assertThat(kinds(trained("yin_yang_H30_W").network())).containsExactly(
        BroadcastLayer.class, NeuronLayer.class, BroadcastLayer.class, NeuronLayer.class);
    LayerNetwork ws = trained("yin_yang_H30_WS").network();
    assertThat(((DelayLayer) ws.layer(0)).rawRows()).isEqualTo(4);
    assertThat(((DelayLayer) ws.layer(0)).rawCols()).isEqualTo(30);
    assertThat(((DelayLayer) ws.layer(2)).rawCols()).isEqualTo(3);
    LayerNetwork wa = trained("yin_yang_hwAware_WA").network();
    assertThat(kinds(wa)).containsExactly(MultiplexLayer.class, DelayLayer.class,
        NeuronLayer.class, DelayLayer.class, NeuronLayer.class);
    DelayLayer shared = (DelayLayer) wa.layer(1);
    assertThat(shared.rawRows()).as("20 inputs shared by 5").isEqualTo(4);
    assertThat(shared.positivity().shift()).isEqualTo(2.0);
    assertThat(shared.positivity().scale()).isEqualTo(1.5);
    NeuronLayer hidden = (NeuronLayer) wa.layer(2);
    assertThat(hidden.settings().noise().b2bStd()).isEqualTo(0.04);
    assertThat(hidden.settings().params().threshold()).isEqualTo(2.6);
    assertThat(kinds(wa)).doesNotContain(BiasesLayer.class);
  }

  private static List<Class<?>> kinds(LayerNetwork net) {
    List<Class<?>> out = new ArrayList<>();
    for (Layer l : net.layers()) {
      out.add(l.getClass());
    }
    return out;
  }

  private static LayerInference.Result infer(LayerNetwork net, DelgradLoss loss, NoiseSource noise) {
    Dataset test = testSet();
    return LayerInference.run(net, test.inputTimes(), test.labels(), loss, BATCH_EVAL, noise,
        RangeRunner.SERIAL);
  }

  private static LayerNetworkFile.Stored roundTrip(ImportedLayerNetwork imported, Path folder)
      throws IOException {
    LayerNetworkFile.write(imported.network(), imported.training(), folder,
        Map.of("imported_from", imported.source().getFileName().toString()));
    LayerNetworkFile.Stored back = LayerNetworkFile.read(folder);
    assertThat(back.network().specs()).isEqualTo(imported.network().specs());
    assertThat(back.network().roundingPrecision())
        .isEqualTo(imported.network().roundingPrecision());
    List<Parameter> a = imported.network().parameters();
    List<Parameter> b = back.network().parameters();
    assertThat(b).hasSameSizeAs(a);
    for (int k = 0; k < a.size(); k++) {
      assertThat(b.get(k).name()).isEqualTo(a.get(k).name());
      assertThat(b.get(k).values()).as(a.get(k).name()).isEqualTo(a.get(k).values());
    }
    return back;
  }

  /** A top-level section of the DelGrad golden file, e.g. {@code inference_cases}. */
  private static JsonNode section(String name) {
    JsonNode n = GoldenJson.delgrad().get(name);
    assertThat(n).as("section " + name + " of delgrad-golden.json").isNotNull();
    return n;
  }

  static JsonNode inferenceCase(String name) {
    for (JsonNode c : section("inference_cases")) {
      if (c.get("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no inference case " + name);
  }

  /** Every golden parameter (state-dict names) and fp offset (by layer) equals ours bit for bit. */
  private static void assertParametersEqual(LayerNetwork net, JsonNode params, JsonNode fp) {
    int count = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      assertThat(net.parameter(e.getKey()).values()).as(e.getKey())
          .isEqualTo(GoldenJson.flat(e.getValue()));
      count++;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = fp.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = Parameter.thresholdOffsetsName(Integer.parseInt(e.getKey()));
      assertThat(net.parameter(name).values()).as(name)
          .isEqualTo(GoldenJson.vector(e.getValue()));
      count++;
    }
    assertThat(net.parameters()).as("every parameter is in the golden file").hasSize(count);
  }

  private static void assertEffectiveDelays(LayerNetwork net, JsonNode delays) {
    int count = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = delays.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      double[][] ours = ((DelayLayer) net.layer(Integer.parseInt(e.getKey()))).effectiveDelays();
      assertThat(worstRelativeError(GoldenJson.matrix(e.getValue()), ours))
          .as("effective delays of layer " + e.getKey()).isLessThanOrEqualTo(DELAY_RELATIVE);
      count++;
    }
    assertThat(net.layers().stream().filter(l -> l instanceof DelayLayer).count())
        .isEqualTo(count);
  }

  /** learning_rate, monitor, max_num_missing_spikes of each config layer dict. */
  private static void assertOptionsMatchConfig(ImportedLayerNetwork imported, JsonNode layers) {
    List<LayerTraining> t = imported.training();
    assertThat(t).hasSize(layers.size());
    for (int l = 0; l < layers.size(); l++) {
      JsonNode def = layers.get(l);
      String name = def.get("name").asText();
      if (name.startsWith("Delay") || name.equals("NeuronLayer")) {
        assertThat(t.get(l).learningRate()).as("layer " + l + " learning rate")
            .isEqualTo(def.has("learning_rate") ? def.get("learning_rate").asDouble() : null);
        assertThat(t.get(l).monitor()).isEqualTo(def.path("monitor").asBoolean(false));
      }
      if (name.equals("NeuronLayer")) {
        assertThat(t.get(l).maxNumMissingSpikes())
            .isEqualTo(def.get("max_num_missing_spikes").asDouble());
      }
    }
  }

  /** Largest |ours - saved| over finite saved times (call after {@link #worstRelativeError}). */
  static double worstAbsoluteError(double[][] saved, double[][] ours) {
    double worst = 0;
    for (int s = 0; s < saved.length; s++) {
      for (int k = 0; k < saved[s].length; k++) {
        if (Double.isFinite(saved[s][k])) {
          worst = Math.max(worst, Math.abs(ours[s][k] - saved[s][k]));
        }
      }
    }
    return worst;
  }

  /** Largest |ours - saved| / |saved| over finite saved times; +Infinity must match exactly. */
  static double worstRelativeError(double[][] saved, double[][] ours) {
    assertThat(ours.length).isEqualTo(saved.length);
    double worst = 0;
    for (int s = 0; s < saved.length; s++) {
      assertThat(ours[s]).hasSameSizeAs(saved[s]);
      for (int k = 0; k < saved[s].length; k++) {
        double g = saved[s][k];
        double a = ours[s][k];
        if (!Double.isFinite(g)) {
          assertThat(a).as("sample %d, output %d", s, k).isEqualTo(g);
        } else {
          assertThat(Double.isFinite(a)).as("sample %d, output %d: %s vs %s", s, k, a, g).isTrue();
          worst = Math.max(worst, Math.abs(a - g) / Math.max(Math.abs(g), FLOOR));
        }
      }
    }
    return worst;
  }
}
