package io.firstspike.core.network;

import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;

/**
 * One layer on one thread, sample by sample, for the kernel tests: the passes that
 * {@link PassPolicy#FASTEST} would choose for the arrays given (narrow, blocked with row copies,
 * per prefix; columns or rows backward by shape), or a named one, over one {@link LayerScratch}.
 * Wraps each call's arrays in a {@link LayerBatch} whose slot {@code sample} holds them.
 */
final class OneLayer {
  final LayerScratch scratch;
  private final boolean screen;

  OneLayer(NeuronParams params) {
    this(params, true);
  }

  /** @param screen false: every candidate evaluated ({@link ClosedFormForward#UNSCREENED}) */
  OneLayer(NeuronParams params, boolean screen) {
    this.scratch = new LayerScratch(params);
    this.screen = screen;
  }

  Variant variant() {
    return scratch.variant;
  }

  static double[][] slot(double[] v, int sample) {
    double[][] a = new double[sample + 1][];
    a[sample] = v;
    return a;
  }

  static LayerBatch batch(double[] in, double[] w, PreparedWeights prepared, double[] out,
      LayerCache cache, int sample, int layer, double[] inExp, double[] outExp,
      double maxDwNorm) {
    return new LayerBatch(layer, w, prepared, slot(in, sample), slot(out, sample), cache,
        inExp == null ? null : slot(inExp, sample), outExp == null ? null : slot(outExp, sample),
        maxDwNorm);
  }

  void forward(double[] in, double[] w, double[] out, LayerCache cache, int sample, int layer) {
    forward(in, w, null, null, null, out, cache, sample, layer, null, null);
  }

  void forward(double[] in, double[] w, double[] columnSums, double[] out, LayerCache cache,
      int sample, int layer) {
    forward(in, w, columnSums, null, null, out, cache, sample, layer, null, null);
  }

  void forward(double[] in, double[] w, double[] columnSums, double[][] rows, double[] rowMaxPos,
      double[] out, LayerCache cache, int sample, int layer) {
    forward(in, w, columnSums, rows, rowMaxPos, out, cache, sample, layer, null, null);
  }

  /** The forward pass FASTEST takes for these arrays (the old kernel's choice). */
  void forward(double[] in, double[] w, double[] columnSums, double[][] rows, double[] rowMaxPos,
      double[] out, LayerCache cache, int sample, int layer, double[] inExp, double[] outExp) {
    PreparedWeights prepared = columnSums == null && rows == null ? null
        : new PreparedWeights(w, out.length, columnSums, rows, rowMaxPos);
    boolean et = scratch.variant == Variant.ET;
    ClosedFormForward pass = !screen ? ClosedFormForward.UNSCREENED
        : et && out.length <= PassPolicy.NARROW_MAX_WIDTH ? ClosedFormForward.NARROW
        : et && rows != null ? ClosedFormForward.BLOCKED : ClosedFormForward.PREFIX;
    pass.forward(batch(in, w, prepared, out, cache, sample, layer, inExp, outExp,
        Double.POSITIVE_INFINITY), sample, scratch);
  }

  void forward(LayerPass.Forward pass, double[] in, double[] w, PreparedWeights prepared,
      double[] out, LayerCache cache, int sample) {
    pass.forward(batch(in, w, prepared, out, cache, sample, 0, null, null,
        Double.POSITIVE_INFINITY), sample, scratch);
  }

  void forwardEuler(double[] in, double[] w, double[] out, LayerCache cache, int sample,
      int layer, double simTime, double resolution) {
    new EulerForward(new LayerComputation.EulerGrid(simTime, resolution)).forward(
        batch(in, w, null, out, cache, sample, layer, null, null, Double.POSITIVE_INFINITY),
        sample, scratch);
  }

  /** True if FASTEST takes the row-major backward pass for this shape. */
  static boolean rowMajor(int nIn, int nOut) {
    return PassPolicy.FASTEST.backward(computation(nIn, nOut), false) == ExactBackward.ROWS;
  }

  /** True if FASTEST defers a first layer of this shape. */
  static boolean defersBackward(int nIn, int nOut) {
    return PassPolicy.FASTEST.backward(computation(nIn, nOut), true) == ExactBackward.DEFERRED_ROWS;
  }

  private static LayerComputation computation(int nIn, int nOut) {
    return LayerComputation.release2021(RandomLayer.ET, nIn, nOut);
  }

  /** The backward pass FASTEST takes for a layer of this shape (not a first layer). */
  void backward(double[] in, double[] w, double[] out, double[] delta, LayerCache cache,
      int sample, int layer, double maxDwNorm, double[] grad, double[] deltaIn) {
    backward(rowMajor(in.length, out.length) ? ExactBackward.ROWS : ExactBackward.COLUMNS, in, w,
        out, delta, cache, sample, layer, maxDwNorm, grad, deltaIn);
  }

  void backwardColumns(double[] in, double[] w, double[] out, double[] delta, LayerCache cache,
      int sample, int layer, double maxDwNorm, double[] grad, double[] deltaIn) {
    backward(ExactBackward.COLUMNS, in, w, out, delta, cache, sample, layer, maxDwNorm, grad,
        deltaIn);
  }

  void backward(LayerPass.Backward pass, double[] in, double[] w, double[] out, double[] delta,
      LayerCache cache, int sample, int layer, double maxDwNorm, double[] grad,
      double[] deltaIn) {
    pass.backward(batch(in, w, null, out, cache, sample, layer, null, null, maxDwNorm), sample,
        delta, grad, deltaIn, scratch);
  }

  void deferBackward(double[] in, double[] w, double[] out, double[] delta, LayerCache cache,
      int sample, int layer, double maxDwNorm) {
    backward(ExactBackward.DEFERRED_ROWS, in, w, out, delta, cache, sample, layer, maxDwNorm,
        null, null);
  }

  /** Adds the deferred samples' gradients to grad. */
  void flushBackward(double[] grad) {
    scratch.deferred().flush(grad, false);
  }

  /** Replaces grad by the deferred samples' gradients (the engine's end of a chunk). */
  void flushBackwardInto(double[] grad) {
    ExactBackward.DEFERRED_ROWS.endChunk(grad, scratch);
  }

  void discardDeferred() {
    ExactBackward.DEFERRED_ROWS.beginChunk(scratch);
  }

  long integratorSkips() {
    return scratch.integratorSkips();
  }
}
