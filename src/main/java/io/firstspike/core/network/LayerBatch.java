package io.firstspike.core.network;

/**
 * One layer's arguments for a batch, indexed by sample: what every {@link LayerPass} call reads
 * and writes. Made once per layer and forward pass, so that the per-sample calls pass a sample
 * index, not a row of positional arrays.
 *
 * @param index the layer, named in error messages
 * @param weights row-major weights, inputs x neurons, as this batch's forward pass used them
 * @param prepared the same weights' column sums and row copies for the fast forward passes, or
 *     null (those passes then go without); valid during the forward pass only
 * @param in input times per sample, bias inputs included (+Infinity = silent)
 * @param out output times per sample (written by the forward pass)
 * @param cache what the fast forward passes leave for the backward passes, or null (inference)
 * @param inExp exp(t_i / tau_s) per sample and input when the layer below wrote them, or null
 * @param outExp where the forward pass writes its spikes' exp(T / tau_s), or null
 * @param maxDwNorm the backward pass's clipping bound, +Infinity = none
 */
public record LayerBatch(int index, double[] weights, PreparedWeights prepared, double[][] in,
    double[][] out, LayerCache cache, double[][] inExp, double[][] outExp, double maxDwNorm) {}
