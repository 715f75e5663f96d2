package io.firstspike.core.layer;

import io.firstspike.core.layer.NoiseSource.Kind;
import io.firstspike.core.math.WeightRounding;
import io.firstspike.core.optim.RangeRunner;
import java.util.List;
import java.util.Map;

/**
 * {@code NeuronLayer} (DELGRAD-MODEL.md section 3): M LIF neurons on a 3-D input {@code [B][N][M]}
 * (bias and multiplexed rows included), output {@code [B][M]}. The passes are
 * {@link ReferenceNeuronPass}'s; this class adds the layer's state and noise:
 *
 * <pre>
 *   weights        w_ij [N][M], live (the optimizer updates them in place)
 *   forward        w_r = p * roundHalfEven(w / p) when the network rounds (p = rounding precision)
 *   thresholds     theta_bj = (threshold + fp_j) + (s2s_bj + b2b_j)       (forward only)
 *   output         T_bj = first spike at theta_bj, + jitter n_bj
 *   backward       with the unrounded w, the nominal threshold, T_bj after jitter
 * </pre>
 *
 * fp_j are the fixed-pattern offsets (drawn once, saved with the network); s2s_bj (per sample)
 * and b2b_j (per batch) are drawn anew every forward call, both whenever either std is nonzero,
 * then the output jitter: the order of {@link NoiseSource}. Samples run in chunks on the given
 * threads; the weight gradient is reduced per chunk in sample order, then over the chunks in
 * chunk order, so its bits do not depend on the number of threads (the pass's contract).
 */
public final class NeuronLayer implements Layer {
  private final int index;
  private final LayerShape inputShape;
  private final int n;
  private final int m;
  private final NeuronSettings settings;
  private final boolean trainable;
  private final double[] weights;
  private final double[] thresholdOffsets;
  private final double roundingPrecision;
  private final NeuronLayerPass pass;

  /**
   * @param weights [N][M] row-major; kept (live), not copied
   * @param thresholdOffsets fp_j, [M]; kept, not copied
   * @param roundingPrecision p > 0 rounds the forward weights to multiples of p; 0 = off
   * @param passes which pass computes the forward and backward passes
   */
  public NeuronLayer(int index, LayerSpec.Neuron spec, LayerShape inputShape, double[] weights,
      double[] thresholdOffsets, double roundingPrecision, NeuronPassKind passes) {
    this.index = index;
    this.inputShape = inputShape;
    this.n = inputShape.rows();
    this.m = spec.size();
    if (inputShape.synapses() != m) {
      throw new IllegalArgumentException("layer " + index + " (NeuronLayer, size " + m
          + ") needs one time per synapse [N][" + m + "], got input shape " + inputShape
          + "; put a BroadcastLayer or a Delay layer before it");
    }
    if (weights.length != n * m) {
      throw new IllegalArgumentException(Parameter.weightsName(index) + " must have shape [" + n
          + "][" + m + "] (" + n * m + " values), got " + weights.length);
    }
    if (thresholdOffsets.length != m) {
      throw new IllegalArgumentException(Parameter.thresholdOffsetsName(index) + " must have "
          + m + " values, got " + thresholdOffsets.length);
    }
    if (!(roundingPrecision >= 0 && Double.isFinite(roundingPrecision))) {
      throw new IllegalArgumentException("rounding_precision must be a finite number >= 0 "
          + "(0 = off), got " + roundingPrecision);
    }
    this.settings = spec.neuron();
    this.trainable = spec.trainable();
    this.weights = weights;
    this.thresholdOffsets = thresholdOffsets;
    this.roundingPrecision = roundingPrecision;
    this.pass = passes.create(settings, m);
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public LayerShape inputShape() {
    return inputShape;
  }

  @Override
  public LayerShape outputShape() {
    return new LayerShape(m, 1);
  }

  public int size() {
    return m;
  }

  public NeuronSettings settings() {
    return settings;
  }

  /** The live weights, row-major [N][M]. */
  public double[] weights() {
    return weights;
  }

  /** The live fixed-pattern threshold offsets fp_j. */
  public double[] thresholdOffsets() {
    return thresholdOffsets;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(
        new Parameter(Parameter.weightsName(index), index, new int[] {n, m}, weights, trainable),
        new Parameter(Parameter.thresholdOffsetsName(index), index, new int[] {m},
            thresholdOffsets, false));
  }

  /** The weights the forward pass uses: rounded to multiples of p, or the live ones. */
  public double[] forwardWeights() {
    return roundingPrecision == 0 ? weights
        : WeightRounding.roundedCopy(weights, roundingPrecision);
  }

  /**
   * theta_bj = (threshold + fp_j) + (s2s_bj + b2b_j), {@code [B][M]}.
   *
   * @param s2s [B*M] or null (no threshold noise drawn)
   * @param b2b [M] or null
   */
  public BatchTensor effectiveThresholds(int batch, double[] s2s, double[] b2b) {
    return effectiveThresholds(batch, s2s, b2b, PassBuffers.fresh());
  }

  /** {@link #effectiveThresholds(int, double[], double[])} into a tensor of {@code buffers}. */
  private BatchTensor effectiveThresholds(int batch, double[] s2s, double[] b2b,
      PassBuffers buffers) {
    double threshold = settings.params().threshold();
    BatchTensor theta = buffers.tensor(index, PassBuffers.Slot.THRESHOLDS, batch, m, 1);
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < m; j++) {
        double noise = s2s == null ? 0.0 : s2s[b * m + j] + b2b[j];
        theta.values()[b * m + j] = (threshold + thresholdOffsets[j]) + noise;
      }
    }
    return theta;
  }

  @Override
  public BatchTensor forward(BatchTensor in, NoiseSource noise, RangeRunner threads,
      PassBuffers buffers) {
    requireInput(in);
    int batch = in.batch();
    NeuronSettings.Noise model = settings.noise();
    double[] s2s = null;
    double[] b2b = null;
    if (model.thresholdNoise()) {
      s2s = new double[batch * m];
      b2b = new double[m];
      noise.fill(Kind.THRESHOLD_S2S, index, model.s2sStd(), s2s);
      noise.fill(Kind.THRESHOLD_B2B, index, model.b2bStd(), b2b);
    }
    BatchTensor thresholds = effectiveThresholds(batch, s2s, b2b, buffers);
    BatchTensor jitter = null;
    if (model.outputJitter() != 0) {
      jitter = buffers.tensor(index, PassBuffers.Slot.JITTER, batch, m, 1);
      java.util.Arrays.fill(jitter.values(), 0.0); // as a fresh array, should a source skip one
      noise.fill(Kind.OUTPUT_JITTER, index, model.outputJitter(), jitter.values());
    }
    BatchTensor out = buffers.tensor(index, PassBuffers.Slot.OUTPUT, batch, m, 1);
    pass.forward(in, forwardWeights(), thresholds, jitter, out, threads); // writes every T_bj
    return out;
  }

  @Override
  public BatchTensor backward(BatchTensor in, BatchTensor out, BatchTensor gradOut,
      RangeRunner threads, Map<String, double[]> grads, PassBuffers buffers) {
    // the pass clears each sample's part before it adds to it
    BatchTensor timeGradient = buffers.tensor(index, PassBuffers.Slot.INPUT_GRADIENT, in.batch(),
        n, in.width());
    double[] g;
    try {
      g = pass.backward(in, weights, out, gradOut, timeGradient, threads);
    } catch (ArithmeticException e) {
      throw new ArithmeticException("layer " + index + " (NeuronLayer): " + e.getMessage());
    }
    if (trainable) {
      grads.put(Parameter.weightsName(index), g);
    }
    return timeGradient;
  }
}
