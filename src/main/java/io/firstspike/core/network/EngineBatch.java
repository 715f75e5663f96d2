package io.firstspike.core.network;

/**
 * What {@link NetworkEngine} keeps of one forward pass for its backward pass, behind a
 * {@link ForwardResult}: the inputs of every layer (bias inputs appended), the outputs, the
 * weights the pass used, the layers' caches and the exp factors handed from layer to layer, as
 * one {@link LayerBatch} per layer. Engine-internal: the result exposes only the spike times.
 */
final class EngineBatch {
  final int batch;
  final int layers;
  private final Network net;
  double[][] source;
  double[][] weights;
  final double[][] biasTimes;
  /** [layer][sample][inputs incl. biases]. */
  final double[][][] inputs;
  /** [layer][sample][neurons]. */
  final double[][][] outputs;
  /**
   * [layer][sample][inputs incl. biases]: exp(t_i / tau_s) of the inputs of layers 1 and up,
   * written by the layer below as its neurons fire; the bias part once here. Null for layer 0,
   * and altogether when the passes compute the exps themselves (dt, the Euler pass).
   */
  final double[][][] inputExps;
  /** Per layer, or null when made without caches. */
  final LayerCache[] caches;
  /** Per layer, the arguments of its passes for this batch (see {@link #bind}). */
  final LayerBatch[] layer;

  EngineBatch(Network net, double[][] source, double[][] weights, boolean withCache,
      boolean passExps) {
    this.net = net;
    this.batch = source.length;
    this.layers = net.nLayers();
    checkInputs(net, source);
    this.source = source;
    this.weights = weights;
    this.biasTimes = new double[layers][];
    this.inputs = new double[layers][][];
    this.outputs = new double[layers][][];
    this.caches = withCache ? new LayerCache[layers] : null;
    this.inputExps = passExps ? new double[layers][][] : null;
    this.layer = new LayerBatch[layers];
    for (int l = 0; l < layers; l++) {
      biasTimes[l] = net.biasTimes(l);
      inputs[l] = new double[batch][net.rowsOf(l)];
      outputs[l] = new double[batch][net.layerSize(l)];
      if (withCache) {
        caches[l] = new LayerCache(batch, net.rowsOf(l), net.layerSize(l), net.params().variant());
      }
      if (passExps && l > 0) {
        inputExps[l] = new double[batch][net.rowsOf(l)];
        int real = net.inputsOf(l);
        double tau = net.params().tauSyn();
        for (double[] e : inputExps[l]) {
          for (int i = real; i < e.length; i++) {
            e[i] = Math.exp(biasTimes[l][i - real] / tau); // as LayerScratch#prepare does
          }
        }
      }
    }
  }

  private static void checkInputs(Network net, double[][] source) {
    for (int s = 0; s < source.length; s++) {
      if (source[s].length != net.nInputs()) {
        throw new IllegalArgumentException("inputs[" + s + "] has " + source[s].length
            + " spike times; the network has " + net.nInputs() + " inputs");
      }
    }
  }

  /**
   * Makes a recycled batch ready for a new pass of the same batch size: new inputs and weights.
   * Every other buffer is overwritten by the pass (the forward passes reset each sample's
   * outputs and causal-set lengths before they write them).
   */
  void reuse(double[][] newSource, double[][] newWeights) {
    checkInputs(net, newSource);
    source = newSource;
    weights = newWeights;
  }

  /** The layers' call arguments for this pass, with the engine's prepared weights. */
  void bind(PreparedWeights[] prepared, double maxDwNorm) {
    for (int l = 0; l < layers; l++) {
      layer[l] = new LayerBatch(l, weights[l], prepared[l], inputs[l], outputs[l],
          caches == null ? null : caches[l], inputExps == null ? null : inputExps[l],
          inputExps == null || l + 1 == layers ? null : inputExps[l + 1], maxDwNorm);
    }
  }

  /** Number of weights over all layers. */
  long weightCount() {
    long n = 0;
    for (double[] w : weights) {
      n += w.length;
    }
    return n;
  }
}
