package io.firstspike.core.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.layer.ReferenceNeuronPass.Gradients;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Construction, shapes, parameters and the simple layers of {@link LayerNetwork}. */
class LayerNetworkTest {
  static final double INF = Double.POSITIVE_INFINITY;
  static final NeuronSettings ET = NeuronSettings.of(NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0),
      Variant.ET, EpsRule.DELGRAD, 0.2);
  static final LayerSpec.Normal W = new LayerSpec.Normal(1.0, 0.5);

  static LayerSpec.Delay delay(DelayType type, int pre, int post) {
    return new LayerSpec.Delay(type, Positivity.sigmoid(0, 1), pre, post, 0, true,
        new LayerSpec.Normal(0, 1));
  }

  @Test
  @DisplayName("shapes follow HEAD's feat rules and parameters carry HEAD's state-dict names")
  void shapesAndNames() {
    List<LayerSpec> specs = List.of(new LayerSpec.Multiplex(5), delay(DelayType.AXONAL, 5, 1),
        new LayerSpec.Neuron(30, ET, true, W), delay(DelayType.SYNAPTIC, 1, 1),
        new LayerSpec.Biases(new double[] {0.0, 0.5}), new LayerSpec.Neuron(3, ET, true, W));
    LayerNetwork net = LayerNetwork.initialise(4, specs, 0, new SeededNoise(1));
    assertThat(net.layers()).extracting(Layer::outputShape).containsExactly(
        new LayerShape(20, 1), new LayerShape(20, 30), new LayerShape(30, 1),
        new LayerShape(30, 3), new LayerShape(32, 3), new LayerShape(3, 1));
    assertThat(net.parameters()).extracting(Parameter::toString).containsExactly(
        "layers.1._delay_parameters[4, 1]", "layers.2.weights[20, 30]",
        "layers.2.threshold_noise_fp[30] (fixed)", "layers.3._delay_parameters[30, 3]",
        "layers.5.weights[32, 3]", "layers.5.threshold_noise_fp[3] (fixed)");
    assertThat(net.nOutputs()).isEqualTo(3);
    NetworkPass pass = net.forward(new double[][] {{0.1, 0.2, 0.3, 0.4}}, NoiseSource.ZERO);
    assertThat(pass.hiddenTimes(2)).hasDimensions(1, 30);
    assertThat(pass.hiddenTimes(0)).isNull();
    assertThat(pass.hiddenTimes(4)).isNull();
    assertThat(pass.labelTimes()).hasDimensions(1, 3);
  }

  @Test
  @DisplayName("a layer list whose sizes exceed an int is refused, not wrapped around (5 x 858993460 = 2^32 + 4)")
  void sizesDoNotWrapAround() {
    List<LayerSpec> specs = List.of(new LayerSpec.Multiplex(858_993_460),
        new LayerSpec.Broadcast(), new LayerSpec.Neuron(1, ET, true, W));
    assertThatThrownBy(() -> LayerNetwork.withParameters(5, specs, 0,
        Map.of("layers.2.weights", new double[4])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4294967300");
    List<LayerSpec> wide = List.of(new LayerSpec.Broadcast(),
        new LayerSpec.Neuron(1 << 30, ET, true, W));
    assertThatThrownBy(() -> LayerNetwork.withParameters(4, wide, 0, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4294967296");
  }

  @Test
  @DisplayName("Multiplex interleaves while sharing tiles: copies of feature 0 get d0 d1 d2 d3 d0")
  void multiplexAndSharing() {
    List<LayerSpec> specs = List.of(new LayerSpec.Multiplex(5), delay(DelayType.AXONAL, 5, 1),
        new LayerSpec.Neuron(2, ET, true, W));
    LayerNetwork net = LayerNetwork.withParameters(4, specs, 0, Map.of(
        "layers.1._delay_parameters", new double[] {-1, 0, 1, 2},
        "layers.2.weights", new double[40]));
    DelayLayer d = (DelayLayer) net.layer(1);
    NetworkPass pass = net.forward(new double[][] {{0.1, 0.2, 0.3, 0.4}}, NoiseSource.ZERO);
    BatchTensor t = pass.output(1);
    for (int q = 0; q < 5; q++) {
      // input q is a copy of feature 0 (interleaved), its delay is raw[q mod 4] (tiled)
      assertThat(t.get(0, q, 1)).isEqualTo(0.1 + Positivity.sigmoid(new double[] {-1, 0, 1, 2}[q % 4]));
      assertThat(d.effectiveDelay(q, 0)).isEqualTo(d.effectiveDelay(q, 1));
    }
    assertThat(t.get(0, 5, 0)).isEqualTo(0.2 + Positivity.sigmoid(0)); // feature 1, raw[5 mod 4]
  }

  @Test
  @DisplayName("Multiplex sums the copies' gradients; Biases drop theirs")
  void multiplexAndBiasesBackward() {
    LayerShape in = new LayerShape(2, 3);
    MultiplexLayer mux = new MultiplexLayer(0, in, new LayerShape(6, 3), 3);
    BatchTensor x = BatchTensor.perSynapse(new double[][][] {{{1, 2, 3}, {4, 5, 6}}});
    BatchTensor y = mux.forward(x, NoiseSource.ZERO, null);
    assertThat(y.toArray(3)[0]).isDeepEqualTo(new double[][] {
        {1, 2, 3}, {1, 2, 3}, {1, 2, 3}, {4, 5, 6}, {4, 5, 6}, {4, 5, 6}});
    double[] g = new double[18];
    for (int k = 0; k < 18; k++) {
      g[k] = k;
    }
    BatchTensor gx = mux.backward(x, y, new BatchTensor(1, 6, 3, g), null, new HashMap<>());
    assertThat(gx.values()).containsExactly(0 + 3 + 6, 1 + 4 + 7, 2 + 5 + 8, 9 + 12 + 15,
        10 + 13 + 16, 11 + 14 + 17);

    BiasesLayer biases = new BiasesLayer(0, in, new LayerShape(3, 3), new double[] {0.9});
    BatchTensor z = biases.forward(x, NoiseSource.ZERO, null);
    assertThat(z.toArray(3)[0][2]).containsExactly(0.9, 0.9, 0.9);
    BatchTensor gz = biases.backward(x, z, new BatchTensor(1, 3, 3, new double[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9}), null, new HashMap<>());
    assertThat(gz.values()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  @DisplayName("bias inputs before a delay layer are delayed, after it they are not")
  void biasesAndDelays() {
    double[] raw = {0.0, 0.0, 0.0};
    List<LayerSpec> before = List.of(new LayerSpec.Biases(new double[] {0.5}),
        delay(DelayType.AXONAL, 1, 1), new LayerSpec.Neuron(2, ET, true, W));
    LayerNetwork a = LayerNetwork.withParameters(2, before, 0, Map.of(
        "layers.1._delay_parameters", raw, "layers.2.weights", new double[6]));
    assertThat(a.forward(new double[][] {{0.1, 0.2}}, NoiseSource.ZERO).output(1).get(0, 2, 1))
        .isEqualTo(0.5 + 0.5); // sigmoid(0) = 0.5
    List<LayerSpec> after = List.of(delay(DelayType.AXONAL, 1, 1),
        new LayerSpec.Biases(new double[] {0.5}), new LayerSpec.Neuron(2, ET, true, W));
    LayerNetwork b = LayerNetwork.withParameters(2, after, 0, Map.of(
        "layers.0._delay_parameters", new double[2], "layers.2.weights", new double[6]));
    BatchTensor t = b.forward(new double[][] {{0.1, 0.2}}, NoiseSource.ZERO).output(1);
    assertThat(t.get(0, 2, 0)).isEqualTo(0.5);
    assertThat(t.get(0, 0, 0)).isEqualTo(0.1 + 0.5);
  }

  @Test
  @DisplayName("rounding changes the forward weights only; the backward uses the unrounded ones")
  void rounding() {
    double p = 0.25;
    double[] w = {2.13, 1.87, 1.62, 2.38, 0.125, 0.375};
    List<LayerSpec> specs = List.of(new LayerSpec.Broadcast(),
        new LayerSpec.Neuron(2, ET, true, W));
    LayerNetwork net = LayerNetwork.withParameters(3, specs, p, Map.of("layers.1.weights", w));
    double[][] x = {{0.1, 0.4, 0.3}, {0.2, 0.2, 0.9}};
    double[][] delta = {{1.0, -0.5}, {0.3, 0.7}};
    NetworkPass pass = net.forward(x, NoiseSource.ZERO);
    NetworkGradients g = net.backward(pass, delta);

    // half to even: 0.125 / 0.25 = 0.5 -> 0, 0.375 / 0.25 = 1.5 -> 2
    double[] rounded = {2.25, 1.75, 1.5, 2.5, 0.0, 0.5};
    assertThat(((NeuronLayer) net.layer(1)).forwardWeights()).containsExactly(rounded);
    ReferenceNeuronPass ref = new ReferenceNeuronPass(ET.params(), Variant.ET, EpsRule.DELGRAD);
    BatchTensor in = BatchTensor.perInput(x);
    BatchTensor times = ref.forward(in, rounded, 2);
    assertThat(pass.labelTimes()).isDeepEqualTo(times.toMatrix());
    assertThat(java.util.Arrays.stream(times.values()).filter(Double::isFinite).count())
        .isGreaterThan(2);
    Gradients expected = ref.backward(in, w, 2, times, BatchTensor.perInput(delta), 0.2);
    assertThat(g.get("layers.1.weights")).containsExactly(expected.weights());
    assertThat(w).containsExactly(2.13, 1.87, 1.62, 2.38, 0.125, 0.375); // untouched
  }

  @Test
  @DisplayName("initialise draws delays, then weights, then fp offsets, layer by layer, then rectifies")
  void initialiseOrder() {
    NeuronSettings noisy = new NeuronSettings(ET.params(), Variant.ET, EpsRule.DELGRAD, 0.2,
        new NeuronSettings.Noise(0, 0.04, 0.13, 0.08, 0));
    List<LayerSpec> specs = List.of(new LayerSpec.Delay(DelayType.SYNAPTIC, Positivity.clip(), 1,
        1, 0, true, new LayerSpec.Normal(0.1, 0.5)),
        new LayerSpec.Neuron(2, noisy, true, new LayerSpec.Normal(1.0, 0.3)));
    LayerNetwork net = LayerNetwork.initialise(3, specs, 0, new SeededNoise(42));
    SeededNoise draws = new SeededNoise(42);
    double[] raw = new double[6];
    for (int k = 0; k < 6; k++) {
      raw[k] = Math.max(0.1 + 0.5 * draws.next(), 0.0);
    }
    double[] w = new double[6];
    for (int k = 0; k < 6; k++) {
      w[k] = 1.0 + 0.3 * draws.next();
    }
    double[] fp = {0.13 + 0.08 * draws.next(), 0.13 + 0.08 * draws.next()};
    assertThat(net.parameter("layers.0._delay_parameters").values()).containsExactly(raw);
    assertThat(raw).contains(0.0); // the clip rectification ran
    assertThat(net.parameter("layers.1.weights").values()).containsExactly(w);
    assertThat(net.parameter("layers.1.threshold_noise_fp").values()).containsExactly(fp);
  }

  @Test
  @DisplayName("rectifyDelays clips or shifts the raw delays of every delay layer")
  void rectify() {
    List<LayerSpec> specs = List.of(new LayerSpec.Delay(DelayType.AXONAL, Positivity.clip(), 1,
        1, 0, true, LayerSpec.Normal.ZERO), new LayerSpec.Neuron(2, ET, true, W),
        new LayerSpec.Delay(DelayType.AXONAL, Positivity.shiftToPositive(), 1, 1, 0, true,
            LayerSpec.Normal.ZERO), new LayerSpec.Neuron(1, ET, true, W));
    LayerNetwork net = LayerNetwork.withParameters(2, specs, 0, Map.of(
        "layers.0._delay_parameters", new double[] {-0.5, 0.25},
        "layers.1.weights", new double[4],
        "layers.2._delay_parameters", new double[] {-0.5, 0.25},
        "layers.3.weights", new double[2]));
    assertThat(net.parameter("layers.0._delay_parameters").values()).containsExactly(-0.5, 0.25);
    net.rectifyDelays();
    assertThat(net.parameter("layers.0._delay_parameters").values()).containsExactly(0.0, 0.25);
    assertThat(net.parameter("layers.2._delay_parameters").values()).containsExactly(0.0, 0.75);
  }

  @Test
  @DisplayName("a fixed layer gets no gradient but still passes the error down")
  void nonTrainable() {
    LayerSpec.Normal strong = new LayerSpec.Normal(2.0, 0.2);
    List<LayerSpec> specs = List.of(delay(DelayType.SYNAPTIC, 1, 1),
        new LayerSpec.Neuron(3, ET, true, strong), new LayerSpec.Delay(DelayType.SYNAPTIC,
            Positivity.sigmoid(0, 1), 1, 1, 0, false, new LayerSpec.Normal(0, 1)),
        new LayerSpec.Neuron(2, ET, false, strong));
    LayerNetwork net = LayerNetwork.initialise(2, specs, 0, new SeededNoise(3));
    NetworkPass pass = net.forward(new double[][] {{0.1, 0.3}, {0.2, 0.1}}, NoiseSource.ZERO);
    assertThat(java.util.Arrays.stream(pass.labelTimes()[0]).allMatch(Double::isFinite)).isTrue();
    NetworkGradients g = net.backward(pass, new double[][] {{1, 1}, {1, -1}});
    assertThat(g.parameters().keySet()).containsExactly("layers.0._delay_parameters",
        "layers.1.weights");
    assertThat(g.get("layers.1.weights")).isNotEqualTo(new double[6]);
  }

  @Test
  @DisplayName("bad layer lists and parameters are refused with messages naming what is wrong")
  void errors() {
    assertThatThrownBy(() -> LayerNetwork.initialise(4,
        List.of(new LayerSpec.Neuron(3, ET, true, W)), 0, new SeededNoise(1)))
        .hasMessageContaining("layer 0 (NeuronLayer, size 3)")
        .hasMessageContaining("BroadcastLayer or a Delay layer");
    assertThatThrownBy(() -> LayerNetwork.initialise(4,
        List.of(new LayerSpec.Neuron(3, ET, true, W), new LayerSpec.Broadcast()), 0,
        new SeededNoise(1)))
        .hasMessageContaining("must end with a NeuronLayer");
    assertThatThrownBy(() -> LayerNetwork.initialise(4,
        List.of(delay(DelayType.SYNAPTIC, 3, 1), new LayerSpec.Neuron(3, ET, true, W)), 0,
        new SeededNoise(1)))
        .hasMessageContaining("DelaySynaptic").hasMessageContaining("presyn_sharing_factor 3");
    // With given parameters too: the factor is named, not the size it miscomputes (4 / 3 rows).
    assertThatThrownBy(() -> LayerNetwork.withParameters(4,
        List.of(delay(DelayType.SYNAPTIC, 3, 1), new LayerSpec.Neuron(3, ET, true, W)), 0,
        Map.of("layers.0._delay_parameters", new double[12], "layers.1.weights", new double[12])))
        .hasMessageContaining("layer 0 (DelaySynaptic)")
        .hasMessageContaining("presyn_sharing_factor 3");
    List<LayerSpec> specs = List.of(new LayerSpec.Broadcast(),
        new LayerSpec.Neuron(3, ET, true, W));
    assertThatThrownBy(() -> LayerNetwork.withParameters(4, specs, 0, Map.of()))
        .hasMessageContaining("layers.1.weights is missing (12 values expected)");
    assertThatThrownBy(() -> LayerNetwork.withParameters(4, specs, 0, Map.of(
        "layers.1.weights", new double[11])))
        .hasMessageContaining("layers.1.weights has 11 values, expected 12");
    assertThatThrownBy(() -> LayerNetwork.withParameters(4, specs, 0, Map.of(
        "layers.1.weights", new double[12], "layers.0.weights", new double[12])))
        .hasMessageContaining("[layers.0.weights] belong to no layer");
    LayerNetwork net = LayerNetwork.withParameters(4, specs, 0, Map.of(
        "layers.1.weights", new double[12]));
    assertThatThrownBy(() -> net.forward(new double[][] {{0.1, 0.2}}, NoiseSource.ZERO))
        .hasMessageContaining("input sample 0 has 2 times; the network has n_inputs 4");
    assertThatThrownBy(() -> NeuronSettings.variantOf(1.0, 1.5, null))
        .hasMessageContaining("model_tau_ratio");
    assertThat(NeuronSettings.variantOf(1.0, 1.0, 2.0)).isEqualTo(Variant.DT);
  }
}
