package io.firstspike.core.network;

import io.firstspike.core.layer.EpsRule;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;

/**
 * What a layer computes, as far as the choice of its pass is concerned: the closed form (variant)
 * and its EPS rule, the shape, whether input times are per synapse (delays) or per input, whether
 * the threshold is noisy, and the integrator (closed form, or Euler steps). Each
 * {@link LayerPass} says which computations it supports; {@link PassPolicy} chooses among them.
 * (Not the spec of a layer of a layer list: that is {@code core.layer.LayerSpec}.)
 *
 * @param inputs rows of the weight matrix (bias inputs included)
 * @param neurons columns of the weight matrix
 * @param euler the Euler grid of {@code use_forward_integrator}, or null for the closed form
 */
public record LayerComputation(Variant variant, int inputs, int neurons, EpsRule eps,
    boolean perSynapseTimes, boolean thresholdNoise, EulerGrid euler) {

  /**
   * The grid of the Euler forward pass ({@code sim_time}, {@code resolution}).
   *
   * @param simTime simulated time, finite and > 0
   * @param resolution step, finite and > 0
   */
  public record EulerGrid(double simTime, double resolution) {}

  public LayerComputation {
    if (inputs < 1 || neurons < 1) {
      throw new IllegalArgumentException("layer computation: " + inputs + " inputs x " + neurons
          + " neurons; expected at least one of each");
    }
  }

  /** A layer of the 2021 model: variant from the tau ratio, its EPS rule, shared times. */
  public static LayerComputation release2021(NeuronParams params, int inputs, int neurons) {
    return new LayerComputation(params.variant(), inputs, neurons, EpsRule.RELEASE_2021, false, false,
        null);
  }

  /** This computation with the Euler forward pass on this grid (null: the closed form). */
  public LayerComputation withEuler(EulerGrid grid) {
    return new LayerComputation(variant, inputs, neurons, eps, perSynapseTimes, thresholdNoise, grid);
  }

  /** True for the 2021 model's layers on shared input times: what the fast passes handle. */
  boolean release2021Shared() {
    return eps == EpsRule.RELEASE_2021 && !perSynapseTimes && !thresholdNoise;
  }

  /** Number of weights. */
  long weights() {
    return (long) inputs * neurons;
  }
}
