package io.firstspike.core.layer;

import java.util.Map;

/**
 * The result of {@link LayerNetwork#backward}.
 *
 * @param parameters dL/d(parameter) of every trainable parameter, by {@link Parameter#name()}, in
 *     the order of {@link LayerNetwork#parameters()}; each array has that parameter's shape,
 *     row-major (weights and raw delays are sums over the batch)
 * @param inputTimes dL/d(input time) {@code [B][n_inputs]}
 */
public record NetworkGradients(Map<String, double[]> parameters, double[][] inputTimes) {

  /** The gradient of one parameter. */
  public double[] get(String name) {
    double[] g = parameters.get(name);
    if (g == null) {
      throw new IllegalArgumentException("no gradient for " + name + "; gradients exist for "
          + parameters.keySet());
    }
    return g;
  }
}
