package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.layer.DelgradTrainingStep.Result;
import io.firstspike.core.layer.DelgradTrainingStep.Settings;
import io.firstspike.core.layer.DelgradTrainingStep.TrainingNoise;
import io.firstspike.core.layer.NoiseSource.Kind;
import io.firstspike.core.loss.DelgradLoss;
import io.firstspike.core.loss.DelgradObjective;
import io.firstspike.core.loss.DelgradRegulariser;
import io.firstspike.core.network.ParallelRanges;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.core.optim.DelgradWeightBumper;
import io.firstspike.core.optim.GroupedAdam;
import io.firstspike.core.optim.GroupedOptimizer;
import io.firstspike.core.optim.GroupedOptimizerState;
import io.firstspike.core.optim.ParameterGroup;
import io.firstspike.core.optim.ParameterTensor;
import io.firstspike.core.optim.RangeRunner;
import io.firstspike.core.optim.WeightClipping;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The rules of {@link DelgradTrainingStep} that the golden file does not reach: threads, the
 * run's seeded noise (hardware-aware and training noise), a bumped batch, and the checks of its
 * settings. The golden batches are in {@link DelgradTrainingStepGoldenTest}.
 */
class DelgradTrainingStepTest {

  static final DelgradLoss LOSS = new DelgradLoss(new DelgradObjective.ShiftInvariantMse(0.2, 1.0),
      List.of(new DelgradRegulariser.EarlyOutput(0.005, 3.0, 1.0),
          new DelgradRegulariser.L2Delay(0.01, true), new DelgradRegulariser.L2Delay(0.02, false)));

  /** The noisy network of every delay type, with weights rounded in the forward pass. */
  static LayerNetwork noisyNetwork(double rounding) {
    LayerNetwork template = LayerNetworkNoiseAndThreadsTest.network();
    java.util.Map<String, double[]> params = new java.util.HashMap<>();
    for (Parameter p : template.parameters()) {
      params.put(p.name(), p.values().clone());
    }
    return LayerNetwork.withParameters(4, LayerNetworkNoiseAndThreadsTest.specs(), rounding,
        params);
  }

  static DelgradTrainingStep step(LayerNetwork net, RangeRunner optimizerThreads,
      TrainingNoise noise, double clip) {
    List<ParameterGroup> groups = net.parameterGroups(
        Collections.nCopies(net.layers().size(), null), 0.01);
    WeightClipping.Plan plan = WeightClipping.resolve(new WeightClipping.Setting.Bound(clip),
        List.of(WeightClipping.Setting.ABSENT, WeightClipping.Setting.ABSENT,
            WeightClipping.Setting.ABSENT));
    return new DelgradTrainingStep(net, new Settings(LOSS, new double[] {0.5, 0.5, 0.5}, plan,
        noise), new GroupedAdam(groups, optimizerThreads), new DelgradWeightBumper(0.0005, true,
        true));
  }

  static int[] labels(int batch, long seed) {
    Random rnd = new Random(seed);
    int[] y = new int[batch];
    for (int b = 0; b < batch; b++) {
      y[b] = rnd.nextInt(4);
    }
    return y;
  }

  @Test
  @DisplayName("whole steps with delays, hardware noise, training noise, rounding and clipping"
      + " give the same bits on one and on two threads")
  void threadsDoNotChangeBits() {
    LayerNetwork one = noisyNetwork(1.0 / 30);
    LayerNetwork two = noisyNetwork(1.0 / 30);
    TrainingNoise tn = new TrainingNoise(0.0, 0.05);
    SeededNoise noiseOne = new SeededNoise(21);
    SeededNoise noiseTwo = new SeededNoise(21);
    int steps = 0;
    int withLoss = 0;
    int neuronOutputs = 0;
    try (ParallelRanges threads = new ParallelRanges(2)) {
      DelgradTrainingStep serial = step(one, RangeRunner.SERIAL, tn, 2.1);
      DelgradTrainingStep parallel = step(two, threads, tn, 2.1);
      for (int s = 0; s < 6; s++) {
        double[][] x = LayerNetworkNoiseAndThreadsTest.inputs(37); // not a multiple of 8
        int[] y = labels(37, s);
        Result a = serial.train(x, y, noiseOne, RangeRunner.SERIAL);
        Result b = parallel.train(x, y, noiseTwo, threads);
        assertThat(Double.doubleToLongBits(b.loss())).as("step %d loss", s)
            .isEqualTo(Double.doubleToLongBits(a.loss()));
        assertThat(b.selected()).containsExactly(a.selected());
        assertThat(b.bump().code()).isEqualTo(a.bump().code());
        assertThat(b.silentFractions()).containsExactly(a.silentFractions());
        assertThat(a.layerTimes().length).isEqualTo(one.layers().size());
        for (int l = 0; l < one.layers().size(); l++) {
          if (one.layer(l) instanceof NeuronLayer) {
            assertThat(b.layerTimes()[l]).as("step %d layer %d", s, l)
                .isDeepEqualTo(a.layerTimes()[l]);
            neuronOutputs++;
          } else {
            assertThat(a.layerTimes()[l]).as("layer %d", l).isNull();
          }
        }
        for (Parameter p : one.parameters()) {
          assertThat(two.parameter(p.name()).values()).as("step %d %s", s, p.name())
              .containsExactly(p.values());
        }
        withLoss += a.bumped() ? 0 : 1;
        steps++;
      }
      assertSameState(serial, parallel);
    }
    assertThat(steps).isEqualTo(6);
    assertThat(neuronOutputs).isEqualTo(6 * 3);
    assertThat(withLoss).isGreaterThan(3);
    assertThat(noiseOne.state()).isEqualTo(noiseTwo.state());
  }

  private static void assertSameState(DelgradTrainingStep a, DelgradTrainingStep b) {
    // the optimizer is reached through the network's live arrays: compare one more step's effect
    double[][] x = LayerNetworkNoiseAndThreadsTest.inputs(9);
    a.train(x, labels(9, 99), NoiseSource.ZERO, RangeRunner.SERIAL);
    b.train(x, labels(9, 99), NoiseSource.ZERO, RangeRunner.SERIAL);
    for (Parameter p : a.network().parameters()) {
      assertThat(b.network().parameter(p.name()).values()).as(p.name())
          .containsExactly(p.values());
    }
  }

  @Test
  @DisplayName("the training noise is drawn first from the run's source (std 1), goes on a copy"
      + " of the inputs as |t + (z std + mean)|, and the same seed repeats the whole step")
  void trainingNoiseFromTheRunsSource() {
    double[][] x = LayerNetworkNoiseAndThreadsTest.inputs(5);
    double[][] untouched = copy(x);
    int[] y = labels(5, 1);
    TrainingNoise tn = new TrainingNoise(0.01, 0.1);
    // the first 20 draws of the stream are the input noise
    SeededNoise probe = new SeededNoise(8);
    double[] z = new double[20];
    for (int k = 0; k < z.length; k++) {
      z[k] = probe.next();
    }
    LayerNetwork net = noisyNetwork(0);
    Result r = step(net, RangeRunner.SERIAL, tn, 10).train(x, y, new SeededNoise(8),
        RangeRunner.SERIAL);
    assertThat(x).isDeepEqualTo(untouched);
    double[][] seen = new double[5][4];
    for (int b = 0; b < 5; b++) {
      for (int i = 0; i < 4; i++) {
        seen[b][i] = Math.abs(x[b][i] + (z[b * 4 + i] * 0.1 + 0.01));
      }
    }
    // the step's forward pass is that of the noisy inputs, its hardware noise drawn after them
    SeededNoise afterInputs = new SeededNoise(8);
    for (int k = 0; k < z.length; k++) {
      afterInputs.next();
    }
    double[][] expected = noisyNetwork(0).forward(seen, afterInputs).labelTimes();
    assertThat(r.labelTimes()).isDeepEqualTo(expected);
    assertThat(noisyNetwork(0).forward(x, new SeededNoise(8)).labelTimes())
        .isNotEqualTo(expected);
    LayerNetwork again = noisyNetwork(0);
    Result r2 = step(again, RangeRunner.SERIAL, tn, 10).train(x, y, new SeededNoise(8),
        RangeRunner.SERIAL);
    assertThat(r2.loss()).isEqualTo(r.loss());
    assertThat(r2.labelTimes()).isDeepEqualTo(r.labelTimes());
    for (Parameter p : net.parameters()) {
      assertThat(again.parameter(p.name()).values()).containsExactly(p.values());
    }
    // another seed, another step
    LayerNetwork other = noisyNetwork(0);
    Result r3 = step(other, RangeRunner.SERIAL, tn, 10).train(x, y, new SeededNoise(9),
        RangeRunner.SERIAL);
    assertThat(r3.labelTimes()).isNotEqualTo(r.labelTimes());
  }

  @Test
  @DisplayName("a batch with too many silent hidden neurons bumps their weights, takes no"
      + " optimizer step, and is still clipped")
  void bumpedBatchSkipsTheStepButClips() {
    NeuronSettings quiet = NeuronSettings.of(new NeuronParams(0.5, 0.0, 1.0, 1.0, 2.0),
        Variant.DT, EpsRule.DELGRAD, 0.2);
    List<LayerSpec> specs = List.of(new LayerSpec.Broadcast(),
        new LayerSpec.Neuron(3, quiet, true, LayerSpec.Normal.ZERO),
        new LayerSpec.Delay(DelayType.SYNAPTIC, Positivity.sigmoid(0, 1), 1, 1, 0, true,
            LayerSpec.Normal.ZERO),
        new LayerSpec.Neuron(2, quiet, true, LayerSpec.Normal.ZERO));
    java.util.Map<String, double[]> params = new java.util.HashMap<>();
    params.put("layers.1.weights", new double[] {-1, 5, -1, -1, 5, -1}); // neurons 0, 2 silent
    params.put("layers.2._delay_parameters", new double[6]);
    params.put("layers.3.weights", new double[] {3, 3, 3, 3, 3, 3});
    LayerNetwork net = LayerNetwork.withParameters(2, specs, 0, params);
    GroupedAdam adam = new GroupedAdam(net.parameterGroups(Collections.nCopies(4, null), 0.1));
    WeightClipping.Plan plan = WeightClipping.resolve(new WeightClipping.Setting.Bound(4.0),
        List.of(WeightClipping.Setting.ABSENT, WeightClipping.Setting.ABSENT));
    DelgradWeightBumper bumper = new DelgradWeightBumper(0.25, true, true);
    DelgradTrainingStep step = new DelgradTrainingStep(net,
        new Settings(LOSS_WITHOUT_DELAYS, new double[] {0.3, 0.0}, plan, null), adam, bumper);
    double[][] x = {{0.1, 0.2}, {0.3, 0.1}};
    Result r = step.train(x, new int[] {0, 1}, NoiseSource.ZERO, RangeRunner.SERIAL);
    assertThat(r.bumped()).isTrue();
    assertThat(r.bump().code()).isEqualTo(1);
    assertThat(r.silentFractions()[0]).isEqualTo(4.0 / 6);
    assertThat(r.loss()).isNaN();
    assertThat(r.gradients()).isNull();
    assertThat(adam.stepsOf(0)).isZero();
    // targeted: neurons 0 and 2 of layer 1 got +0.25; neuron 1 was clipped from 5 to 4
    assertThat(net.parameter("layers.1.weights").values())
        .containsExactly(-0.75, 4, -0.75, -0.75, 4, -0.75);
    assertThat(net.parameter("layers.3.weights").values()).containsOnly(3.0);
  }

  static final DelgradLoss LOSS_WITHOUT_DELAYS =
      new DelgradLoss(new DelgradObjective.ShiftInvariantMse(0.2, 1.0));

  @Test
  @DisplayName("evaluate gives the loss and selection the training step would start from")
  void evaluateMatchesTheStepsLoss() {
    double[][] x = LayerNetworkNoiseAndThreadsTest.inputs(11);
    int[] y = labels(11, 3);
    LayerNetwork net = noisyNetwork(0);
    DelgradTrainingStep step = step(net, RangeRunner.SERIAL, null, 10);
    DelgradTrainingStep.Evaluation e = step.evaluate(x, y, new SeededNoise(4), RangeRunner.SERIAL);
    Result r = step.train(x, y, new SeededNoise(4), RangeRunner.SERIAL);
    assertThat(r.bumped()).isFalse();
    assertThat(e.loss()).isEqualTo(r.loss());
    assertThat(e.selected()).containsExactly(r.selected());
    assertThat(e.correct()).isEqualTo(r.correct());
  }

  @Test
  @DisplayName("settings that do not fit the network are refused with the key they concern")
  void refusesSettingsThatDoNotFit() {
    LayerNetwork net = noisyNetwork(0);
    List<ParameterGroup> groups = net.parameterGroups(Collections.nCopies(8, null), 0.01);
    WeightClipping.Plan three = WeightClipping.resolve(WeightClipping.Setting.ABSENT,
        List.of(WeightClipping.Setting.ABSENT, WeightClipping.Setting.ABSENT,
            WeightClipping.Setting.ABSENT));
    DelgradWeightBumper bumper = new DelgradWeightBumper(0.0005, true, true);
    assertThatThrownBy(() -> new DelgradTrainingStep(net,
        new Settings(LOSS, new double[] {0.3, 0.0}, three, null), new GroupedAdam(groups), bumper))
        .hasMessageContaining("max_num_missing_spikes").hasMessageContaining("3 NeuronLayers");
    List<ParameterGroup> copies = new ArrayList<>();
    for (ParameterGroup g : groups) {
      copies.add(new ParameterGroup(g.name(), g.tensors().stream()
          .map(t -> new ParameterTensor(t.name(), t.values().clone())).toList(),
          g.learningRate()));
    }
    assertThatThrownBy(() -> new DelgradTrainingStep(net,
        new Settings(LOSS, new double[] {0.3, 0.3, 0.0}, three, null), new GroupedAdam(copies),
        bumper)).hasMessageContaining("live array");
    assertThatThrownBy(() -> new DelgradTrainingStep(net,
        new Settings(LOSS, new double[] {0.3, 0.3, 0.0}, three, null),
        new GroupedAdam(groups.subList(0, 4)), bumper))
        .hasMessageContaining("one per layer entry");
    assertThatThrownBy(() -> net.parameterGroups(List.of(0.1), 0.01))
        .hasMessageContaining("1 learning rates given for 8 layers");
    assertThatThrownBy(() -> new TrainingNoise(0, -1)).hasMessageContaining("std_dev");
    GroupedOptimizer ok = new GroupedAdam(groups);
    DelgradTrainingStep step = new DelgradTrainingStep(net,
        new Settings(LOSS, new double[] {0.3, 0.3, 0.0}, three, null), ok, bumper);
    assertThatThrownBy(() -> step.train(new double[2][4], new int[3], NoiseSource.ZERO,
        RangeRunner.SERIAL)).hasMessageContaining("2 input rows but 3 labels");
    GroupedOptimizerState before = ok.state();
    assertThat(before.tensors()).hasSize(6);
  }

  @Test
  @DisplayName("with training noise off nothing is drawn for the inputs")
  void noInputDrawsWithoutTrainingNoise() {
    List<Kind> asked = new ArrayList<>();
    NoiseSource spy = (kind, layer, std, out) -> asked.add(kind);
    step(noisyNetwork(0), RangeRunner.SERIAL, null, 10).train(
        LayerNetworkNoiseAndThreadsTest.inputs(3), labels(3, 2), spy, RangeRunner.SERIAL);
    assertThat(asked).doesNotContain(Kind.INPUT_NOISE).contains(Kind.DELAY_JITTER);
    asked.clear();
    step(noisyNetwork(0), RangeRunner.SERIAL, new TrainingNoise(0, 0.1), 10).train(
        LayerNetworkNoiseAndThreadsTest.inputs(3), labels(3, 2), spy, RangeRunner.SERIAL);
    assertThat(asked.get(0)).isEqualTo(Kind.INPUT_NOISE);
    assertThat(asked.subList(1, asked.size())).doesNotContain(Kind.INPUT_NOISE);
  }

  private static double[][] copy(double[][] x) {
    double[][] c = new double[x.length][];
    for (int b = 0; b < x.length; b++) {
      c[b] = x[b].clone();
    }
    return c;
  }
}
