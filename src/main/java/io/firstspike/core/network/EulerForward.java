package io.firstspike.core.network;

import java.util.Arrays;

/**
 * The original's discrete-time forward pass of one layer ({@code use_forward_integrator},
 * TTFS-MODEL.md section 6), reproduced with its quirks:
 *
 * <pre>
 *   steps = ceil(sim_time / resolution)
 *   input i is injected at step floor(t_i / resolution), clamped to steps - 1
 *     (+Infinity inputs too are injected, at step steps - 1)
 *   per step s:  V   = d (V - E_l) + syn resolution / g_l + E_l
 *                syn = d syn + (sum of weights injected at s)
 *   d = exp(-resolution / tau_s) for both (the original assumes tau_m = tau_s here)
 *   output = s * resolution at the first s with V > theta, +Infinity if none
 * </pre>
 *
 * V starts at E_l and syn at 0. Negative input times (never produced by the data sets) are
 * injected at step 0.
 */
final class EulerForward implements LayerPass.Forward {
  private final LayerComputation.EulerGrid grid;

  /** The Euler pass on this grid. */
  EulerForward(LayerComputation.EulerGrid grid) {
    this.grid = grid;
  }

  @Override
  public String name() {
    return "euler";
  }

  @Override
  public String toString() {
    return "euler " + grid;
  }

  /** The 2021 model's layers (et or dt: the scheme uses tau_s only) with this Euler grid. */
  @Override
  public boolean supports(LayerComputation computation) {
    return grid.equals(computation.euler()) && computation.release2021Shared();
  }

  /**
   * The cache holds the sorted inputs but no causal sets (count 0), so the backward passes
   * rebuild them from the output times; it is marked {@code integrated}.
   */
  @Override
  public void forward(LayerBatch layer, int sample, LayerScratch s) {
    double[] in = layer.in()[sample];
    double[] out = layer.out()[sample];
    LayerCache cache = layer.cache();
    if (layer.outExp() != null) {
      throw new IllegalArgumentException("layer " + layer.index() + ": output exp factors come "
          + "from Lambert W, which the Euler pass does not evaluate");
    }
    s.prepare(in, layer.weights(), out.length, cache, sample, layer.index(), null);
    if (cache != null) {
      cache.integrated = true;
    }
    s.charge = simulate(in, layer.weights(), out, grid.simTime(), grid.resolution(), s.tauSyn,
        s.params.gLeak(), s.params.leak(), s.params.threshold(), s.charge);
  }

  /**
   * Simulates every output neuron of one sample.
   *
   * @param charge scratch for the injected charge per step and neuron; returned, grown if needed
   */
  static double[] simulate(double[] in, double[] w, double[] out, double simTime,
      double resolution, double tauSyn, double gLeak, double leak, double threshold,
      double[] charge) {
    int nOut = out.length;
    int nIn = in.length;
    int steps = (int) Math.ceil(simTime / resolution);
    if (steps <= 0) {
      throw new IllegalArgumentException("sim_time " + simTime + " / resolution " + resolution
          + " gives " + steps + " steps; expected at least 1");
    }
    int need = steps * nOut;
    if (charge.length < need) {
      charge = new double[need];
    } else {
      Arrays.fill(charge, 0, need, 0.0);
    }
    for (int i = 0; i < nIn; i++) {
      double t = in[i];
      int s = t == Double.POSITIVE_INFINITY ? steps - 1
          : (int) Math.max(0, Math.min(steps - 1, Math.floor(t / resolution)));
      int row = i * nOut;
      int base = s * nOut;
      for (int j = 0; j < nOut; j++) {
        charge[base + j] += w[row + j];
      }
    }
    double d = Math.exp(-resolution / tauSyn);
    double scale = resolution / gLeak;
    for (int j = 0; j < nOut; j++) {
      double v = leak;
      double syn = 0;
      double t = Double.POSITIVE_INFINITY;
      for (int s = 0; s < steps; s++) {
        v = d * (v - leak) + syn * scale + leak;
        if (v > threshold) {
          t = s * resolution;
          break;
        }
        syn = d * syn + charge[s * nOut + j];
      }
      out[j] = t;
    }
    return charge;
  }
}
