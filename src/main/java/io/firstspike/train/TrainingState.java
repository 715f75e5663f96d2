package io.firstspike.train;

import io.firstspike.core.network.Network;
import io.firstspike.core.optim.OptimizerState;
import io.firstspike.core.optim.WeightBumper;
import io.firstspike.data.NumpyRandom;

/**
 * Everything needed to continue a training exactly as if it had never stopped: weights,
 * optimizer moments and step count, scheduler steps, weight-bumping state, the data generator's
 * state, counters and curves. A snapshot is this object on disk.
 */
public final class TrainingState {
  public final Network network;
  public final Curves curves;
  public int epochsDone;
  public long step;
  /** Null before the first optimizer step. */
  public OptimizerState optimizer;
  public int schedulerSteps;
  public WeightBumper.State bumper;
  public NumpyRandom.State rng;

  public TrainingState(Network network, Curves curves) {
    this.network = network;
    this.curves = curves;
  }
}
