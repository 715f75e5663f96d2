package io.firstspike.core.layer;

import io.firstspike.core.optim.ParameterGroup;
import io.firstspike.core.optim.ParameterTensor;
import io.firstspike.core.optim.RangeRunner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A network as an ordered list of layers (DELGRAD-MODEL.md section 1): broadcast, delay, bias,
 * multiplex and neuron layers with shapes fixed at construction.
 *
 * <p>Shapes: starting from {@code [n_inputs, 1]}, each layer maps its input shape (HEAD's
 * {@code feat_in}) to its output shape ({@code feat_out}):
 *
 * <pre>
 *   BroadcastLayer, Delay*   [N, 1] or [N, M_next]  ->  [N, M_next]
 *   Biases (nb times)        [N, W]  ->  [N + nb, W]
 *   Multiplex (factor f)     [N, W]  ->  [N f, W]
 *   NeuronLayer (size M)     [N, M]  ->  [M, 1]
 * </pre>
 *
 * where M_next is the size of the first neuron layer at or after the layer. The last layer must
 * be a neuron layer; a neuron layer needs a broadcast or delay layer below it.
 *
 * <p>Use: {@link #forward} a batch of input times (noise from a {@link NoiseSource}), compute
 * dL/d(label times) from {@link NetworkPass#labelTimes()}, then {@link #backward} gives the
 * gradient of every trainable {@link Parameter} by name and of the input times. An optimizer
 * updates {@link #parameters()} in place; then call {@link #rectifyDelays()}. Call backward
 * before the parameters change (it reads the live weights). Not for concurrent callers; the
 * passes themselves run sample chunks on the given {@link RangeRunner}.
 */
public final class LayerNetwork {
  /**
   * The neuron layers' pass when the builder is not told otherwise: the one place that decides
   * it. Every kind gives the same bits ({@code NeuronPassContractTest}).
   */
  public static final NeuronPassKind DEFAULT_PASSES = NeuronPassKind.FAST;

  private final int nInputs;
  private final List<LayerSpec> specs;
  private final List<Layer> layers;
  private final double roundingPrecision;

  private LayerNetwork(int nInputs, List<LayerSpec> specs, List<Layer> layers,
      double roundingPrecision) {
    this.nInputs = nInputs;
    this.specs = List.copyOf(specs);
    this.layers = List.copyOf(layers);
    this.roundingPrecision = roundingPrecision;
  }

  /** Where the initial values of a parameter come from, by name and size. */
  private interface Values {
    double[] get(String name, int size, LayerSpec.Normal init);
  }

  /**
   * A network with the given parameters (copied), as loaded from a saved network: no
   * rectification. Every neuron layer's {@code layers.<i>.weights} and every delay layer's
   * {@code layers.<i>._delay_parameters} is required; {@code layers.<i>.threshold_noise_fp} may be
   * left out when the layer's fp mean and std are both 0 (then it is 0).
   *
   * @param roundingPrecision p > 0: forward passes use weights rounded to multiples of p; 0 = off
   * @throws IllegalArgumentException for a bad layer list, a missing, misshapen or unknown
   *     parameter
   */
  public static LayerNetwork withParameters(int nInputs, List<LayerSpec> specs,
      double roundingPrecision, Map<String, double[]> parameters) {
    return withParameters(nInputs, specs, roundingPrecision, parameters, DEFAULT_PASSES);
  }

  /**
   * {@link #withParameters(int, List, double, Map)} whose neuron layers use the {@code passes}
   * named here.
   */
  public static LayerNetwork withParameters(int nInputs, List<LayerSpec> specs,
      double roundingPrecision, Map<String, double[]> parameters, NeuronPassKind passes) {
    Set<String> unused = new TreeSet<>(parameters.keySet());
    LayerNetwork net = build(nInputs, specs, roundingPrecision, passes, (name, size, init) -> {
      double[] v = parameters.get(name);
      unused.remove(name);
      if (v == null) {
        boolean zeroOffsets = name.endsWith(".threshold_noise_fp") && init.mean() == 0
            && init.std() == 0;
        if (zeroOffsets) {
          return new double[size];
        }
        throw new IllegalArgumentException("parameters: " + name + " is missing (" + size
            + " values expected)");
      }
      if (v.length != size) {
        throw new IllegalArgumentException("parameters: " + name + " has " + v.length
            + " values, expected " + size);
      }
      return v.clone();
    });
    if (!unused.isEmpty()) {
      throw new IllegalArgumentException("parameters: " + unused + " belong to no layer of this "
          + "network; its parameters are " + net.parameters().stream().map(Parameter::name)
          .toList());
    }
    return net;
  }

  /**
   * A new network with parameters drawn from {@code source}, layer by layer in order (delay
   * layer: raw ~ Normal(delay_mean, delay_std) row-major; neuron layer: weights ~
   * Normal(weights_mean, weights_std) row-major, then fp_j = fp_mean + fp_std N(0, 1), always
   * drawn), then rectified, as HEAD builds a network.
   */
  public static LayerNetwork initialise(int nInputs, List<LayerSpec> specs,
      double roundingPrecision, SeededNoise source) {
    return initialise(nInputs, specs, roundingPrecision, source, DEFAULT_PASSES);
  }

  /** {@link #initialise(int, List, double, SeededNoise)} with the {@code passes} named here. */
  public static LayerNetwork initialise(int nInputs, List<LayerSpec> specs,
      double roundingPrecision, SeededNoise source, NeuronPassKind passes) {
    LayerNetwork net = build(nInputs, specs, roundingPrecision, passes, (name, size, init) -> {
      double[] v = new double[size];
      for (int k = 0; k < size; k++) {
        v[k] = init.mean() + init.std() * source.next();
      }
      return v;
    });
    net.rectifyDelays();
    return net;
  }

  private static LayerNetwork build(int nInputs, List<LayerSpec> specs, double rounding,
      NeuronPassKind passes, Values values) {
    if (nInputs < 1) {
      throw new IllegalArgumentException("network_layout.n_inputs must be >= 1, got " + nInputs);
    }
    if (specs.isEmpty() || !(specs.get(specs.size() - 1) instanceof LayerSpec.Neuron)) {
      throw new IllegalArgumentException("network_layout.layers must end with a NeuronLayer");
    }
    List<Layer> layers = new ArrayList<>();
    LayerShape shape = new LayerShape(nInputs, 1);
    for (int l = 0; l < specs.size(); l++) {
      LayerSpec spec = specs.get(l);
      Layer layer = create(l, spec, shape, nextNeuronSize(specs, l), rounding, passes, values);
      layers.add(layer);
      shape = layer.outputShape();
    }
    return new LayerNetwork(nInputs, specs, layers, rounding);
  }

  /** The layer for one spec, given its input shape and M_next. */
  private static Layer create(int l, LayerSpec spec, LayerShape shape, int next, double rounding,
      NeuronPassKind passes, Values values) {
    if (spec instanceof LayerSpec.Broadcast) {
      return new BroadcastLayer(l, shape, new LayerShape(shape.rows(), next));
    }
    if (spec instanceof LayerSpec.Delay d) {
      if (shape.rows() % d.presynSharing() != 0 || next % d.postsynSharing() != 0) {
        // Checked before the parameters are fetched: their size is computed from the factors.
        throw new IllegalArgumentException("layer " + l + " (" + d.type().configName() + "): "
            + shape.rows() + " inputs and " + next + " neurons must be divisible by"
            + " presyn_sharing_factor " + d.presynSharing() + " and postsyn_sharing_factor "
            + d.postsynSharing());
      }
      int size = exact(l, (long) d.type().rawRows(shape.rows(), d.presynSharing())
          * d.type().rawCols(next, d.postsynSharing()));
      return new DelayLayer(l, d, shape, next, values.get(Parameter.delaysName(l), size,
          d.init()));
    }
    if (spec instanceof LayerSpec.Biases b) {
      return new BiasesLayer(l, shape,
          new LayerShape(exact(l, (long) shape.rows() + b.times().length), shape.synapses()),
          b.times());
    }
    if (spec instanceof LayerSpec.Multiplex x) {
      return new MultiplexLayer(l, shape,
          new LayerShape(exact(l, (long) shape.rows() * x.factor()), shape.synapses()), x.factor());
    }
    LayerSpec.Neuron nl = (LayerSpec.Neuron) spec;
    double[] w = values.get(Parameter.weightsName(l), exact(l, (long) shape.rows() * nl.size()),
        nl.init());
    NeuronSettings.Noise noise = nl.neuron().noise();
    double[] fp = values.get(Parameter.thresholdOffsetsName(l), nl.size(),
        new LayerSpec.Normal(noise.fpMean(), noise.fpStd()));
    return new NeuronLayer(l, nl, shape, w, fp, rounding, passes);
  }

  /** A size that must fit in an int (a Java array); the layer list decides it, so it is checked. */
  private static int exact(int l, long size) {
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("layer " + l + " needs " + size + " inputs or"
          + " parameters; at most " + Integer.MAX_VALUE + " fit in one array");
    }
    return (int) size;
  }

  /** M_next: the size of the first neuron layer at or after layer l. */
  private static int nextNeuronSize(List<LayerSpec> specs, int l) {
    for (int k = l; k < specs.size(); k++) {
      if (specs.get(k) instanceof LayerSpec.Neuron n) {
        return n.size();
      }
    }
    throw new IllegalStateException("no NeuronLayer after layer " + l); // the last one is
  }

  public int nInputs() {
    return nInputs;
  }

  /** Neurons of the last layer (classes). */
  public int nOutputs() {
    return layers.get(layers.size() - 1).outputShape().rows();
  }

  public List<Layer> layers() {
    return layers;
  }

  /** The layer list this network was built from (saving it with the parameters rebuilds it). */
  public List<LayerSpec> specs() {
    return specs;
  }

  public Layer layer(int index) {
    return layers.get(index);
  }

  public double roundingPrecision() {
    return roundingPrecision;
  }

  /**
   * True when a forward pass asks its {@link NoiseSource} for draws (DELGRAD-MODEL.md section 8):
   * a delay layer with {@code jitter}, or a neuron layer with threshold noise ({@code s2s} or
   * {@code b2b} std) or output {@code jitter}. The fixed-pattern threshold offsets are drawn once
   * and belong to the parameters, so they do not count. Without such layers every forward pass of
   * an input gives the same times.
   */
  public boolean drawsNoise() {
    for (LayerSpec spec : specs) {
      if (spec instanceof LayerSpec.Delay d && d.jitter() != 0) {
        return true;
      }
      if (spec instanceof LayerSpec.Neuron n
          && (n.neuron().noise().thresholdNoise() || n.neuron().noise().outputJitter() != 0)) {
        return true;
      }
    }
    return false;
  }

  /** Every parameter tensor, live, in layer order (trainable or not: see the flag). */
  public List<Parameter> parameters() {
    List<Parameter> all = new ArrayList<>();
    for (Layer layer : layers) {
      all.addAll(layer.parameters());
    }
    return Collections.unmodifiableList(all);
  }

  /** The parameter of that name. */
  public Parameter parameter(String name) {
    for (Parameter p : parameters()) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no parameter " + name + "; the network has "
        + parameters().stream().map(Parameter::name).toList());
  }

  /**
   * HEAD's parameter groups (DELGRAD-MODEL.md section 6): one per layer entry, in layer order,
   * with that layer's trainable tensors (a delay layer's raw delays, a neuron layer's weights;
   * none for the others, an empty group), named {@code layers.<i>}.
   *
   * @param layerLearningRates per layer entry its own {@code learning_rate}, null where the layer
   *     has none
   * @param globalLearningRate {@code training_params.learning_rate}, for layers without their own
   * @throws IllegalArgumentException unless there is one entry per layer
   */
  public List<ParameterGroup> parameterGroups(List<Double> layerLearningRates,
      double globalLearningRate) {
    if (layerLearningRates.size() != layers.size()) {
      throw new IllegalArgumentException("parameter groups: " + layerLearningRates.size()
          + " learning rates given for " + layers.size() + " layers");
    }
    List<ParameterGroup> groups = new ArrayList<>();
    for (Layer layer : layers) {
      List<ParameterTensor> tensors = new ArrayList<>();
      for (Parameter p : layer.parameters()) {
        if (p.trainable()) {
          tensors.add(new ParameterTensor(p.name(), p.values()));
        }
      }
      groups.add(ParameterGroup.ofLayer("layers." + layer.index(), tensors,
          layerLearningRates.get(layer.index()), globalLearningRate));
    }
    return groups;
  }

  /** The delay layers, in layer order. */
  public List<DelayLayer> delayLayers() {
    List<DelayLayer> out = new ArrayList<>();
    for (Layer layer : layers) {
      if (layer instanceof DelayLayer d) {
        out.add(d);
      }
    }
    return out;
  }

  /** The neuron layers, in layer order (the last is the label layer). */
  public List<NeuronLayer> neuronLayers() {
    List<NeuronLayer> out = new ArrayList<>();
    for (Layer layer : layers) {
      if (layer instanceof NeuronLayer nl) {
        out.add(nl);
      }
    }
    return out;
  }

  /**
   * Each delay layer's tiled effective delays E'' ({@link DelayLayer#effectiveDelays()}),
   * flattened row-major, in layer order: what the loss's {@code l2_delay} with
   * {@code use_effective_delays} penalises.
   */
  public List<double[]> effectiveDelayVectors() {
    List<double[]> out = new ArrayList<>();
    for (DelayLayer d : delayLayers()) {
      double[][] e = d.effectiveDelays();
      int cols = e[0].length;
      double[] flat = new double[e.length * cols];
      for (int i = 0; i < e.length; i++) {
        System.arraycopy(e[i], 0, flat, i * cols, cols);
      }
      out.add(flat);
    }
    return out;
  }

  /** Copies of each delay layer's raw parameters, in layer order. */
  public List<double[]> rawDelayVectors() {
    List<double[]> out = new ArrayList<>();
    for (DelayLayer d : delayLayers()) {
      out.add(d.raw().clone());
    }
    return out;
  }

  /**
   * The gradient of a loss term on the delays themselves (the loss's {@code l2_delay}), one array
   * per delay layer in layer order, or an empty list: dR/dE'' on the tiled effective delays
   * (shaped like {@link #effectiveDelayVectors()}) and dR/draw on the raw parameters.
   */
  public record DelayPenalty(List<double[]> effective, List<double[]> raw) {
    public static final DelayPenalty NONE = new DelayPenalty(List.of(), List.of());

    public DelayPenalty {
      effective = List.copyOf(effective);
      raw = List.copyOf(raw);
    }
  }

  /** Rectifies every delay layer's raw parameters (after each optimizer step). */
  public void rectifyDelays() {
    for (Layer layer : layers) {
      if (layer instanceof DelayLayer d) {
        d.rectify();
      }
    }
  }

  /** {@link #forward(double[][], NoiseSource, RangeRunner)} on the calling thread. */
  public NetworkPass forward(double[][] inputs, NoiseSource noise) {
    return forward(inputs, noise, RangeRunner.SERIAL);
  }

  /**
   * The forward pass of a batch.
   *
   * @param inputs [B][n_inputs] input spike times (+Infinity = silent)
   * @param noise the source of this pass's noise draws (asked only by layers with noise)
   */
  public NetworkPass forward(double[][] inputs, NoiseSource noise, RangeRunner threads) {
    return forward(inputs, noise, threads, PassBuffers.fresh());
  }

  /**
   * The forward pass of a batch, its tensors from {@code buffers}: with reusing buffers the pass
   * is valid until their next forward pass ({@link PassBuffers}).
   */
  public NetworkPass forward(double[][] inputs, NoiseSource noise, RangeRunner threads,
      PassBuffers buffers) {
    for (int b = 0; b < inputs.length; b++) {
      if (inputs[b].length != nInputs) {
        throw new IllegalArgumentException("input sample " + b + " has " + inputs[b].length
            + " times; the network has n_inputs " + nInputs);
      }
    }
    long generation = buffers.nextGeneration();
    BatchTensor x = copyRows(inputs, buffers.tensor(-1, PassBuffers.Slot.OUTPUT, inputs.length,
        nInputs, 1));
    BatchTensor[] outputs = new BatchTensor[layers.size()];
    BatchTensor in = x;
    for (int l = 0; l < layers.size(); l++) {
      outputs[l] = layers.get(l).forward(in, noise, threads, buffers);
      in = outputs[l];
    }
    return new NetworkPass(this, x, outputs, buffers, generation);
  }

  /** t[b][i] into the width-1 tensor {@code into} (every value written); returns it. */
  private static BatchTensor copyRows(double[][] t, BatchTensor into) {
    int rows = into.rows();
    for (int b = 0; b < t.length; b++) {
      System.arraycopy(t[b], 0, into.values(), b * rows, rows);
    }
    return into;
  }

  /** {@link #backward(NetworkPass, double[][], RangeRunner)} on the calling thread. */
  public NetworkGradients backward(NetworkPass pass, double[][] labelTimeGradient) {
    return backward(pass, labelTimeGradient, RangeRunner.SERIAL);
  }

  /**
   * The backward pass: from dL/dT of the label times to the gradient of every trainable
   * parameter and of the input times.
   *
   * @param labelTimeGradient [B][n_outputs]; NaN counts as 0
   * @throws ArithmeticException if a gradient is not finite (a bug, never a result)
   */
  public NetworkGradients backward(NetworkPass pass, double[][] labelTimeGradient,
      RangeRunner threads) {
    return backward(pass, labelTimeGradient, DelayPenalty.NONE, threads);
  }

  /**
   * The backward pass with the gradient of a penalty on the delays added to the delay layers'
   * raw gradients through their tiling and positivity ({@link DelayLayer#backwardWithPenalty}).
   *
   * @param labelTimeGradient [B][n_outputs]; NaN counts as 0
   * @param penalty dR/d(delays), {@link DelayPenalty#NONE} for none
   * @throws ArithmeticException if a gradient is not finite (a bug, never a result)
   */
  public NetworkGradients backward(NetworkPass pass, double[][] labelTimeGradient,
      DelayPenalty penalty, RangeRunner threads) {
    int delays = delayLayers().size();
    for (List<double[]> list : List.of(penalty.effective(), penalty.raw())) {
      if (!list.isEmpty() && list.size() != delays) {
        throw new IllegalArgumentException("delay penalty: " + list.size() + " gradients for "
            + delays + " delay layers");
      }
    }
    if (pass.network() != this) {
      throw new IllegalArgumentException("this pass was computed by another network");
    }
    if (labelTimeGradient.length != pass.batch()) {
      throw new IllegalArgumentException("label time gradient has " + labelTimeGradient.length
          + " rows; the batch has " + pass.batch());
    }
    for (double[] row : labelTimeGradient) {
      if (row.length != nOutputs()) {
        throw new IllegalArgumentException("label time gradient rows need " + nOutputs()
            + " values, got " + row.length);
      }
    }
    Map<String, double[]> byName = new HashMap<>();
    PassBuffers buffers = pass.buffers();
    BatchTensor grad = copyRows(labelTimeGradient, buffers.tensor(-1,
        PassBuffers.Slot.INPUT_GRADIENT, labelTimeGradient.length, nOutputs(), 1));
    int delay = delays;
    for (int l = layers.size() - 1; l >= 0; l--) {
      Layer layer = layers.get(l);
      if (layer instanceof DelayLayer d) {
        delay--;
        grad = d.backwardWithPenalty(pass.input(l), grad,
            penalty.effective().isEmpty() ? null : penalty.effective().get(delay),
            penalty.raw().isEmpty() ? null : penalty.raw().get(delay), threads, byName, buffers);
      } else {
        grad = layer.backward(pass.input(l), pass.output(l), grad, threads, byName, buffers);
      }
    }
    Map<String, double[]> ordered = new LinkedHashMap<>();
    for (Parameter p : parameters()) {
      if (p.trainable()) {
        ordered.put(p.name(), byName.get(p.name()));
      }
    }
    return new NetworkGradients(Collections.unmodifiableMap(ordered), grad.toMatrix());
  }
}
