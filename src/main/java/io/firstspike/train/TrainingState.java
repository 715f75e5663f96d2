package io.firstspike.train;

import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerTraining;
import io.firstspike.core.network.Network;
import io.firstspike.core.optim.GroupedOptimizerState;
import io.firstspike.core.optim.OptimizerState;
import io.firstspike.core.optim.WeightBumper;
import io.firstspike.data.NumpyRandom;
import java.util.List;

/**
 * Everything needed to continue a training exactly as if it had never stopped: weights,
 * optimizer moments and step count, scheduler steps, weight-bumping state, the data generator's
 * state, counters and curves. A snapshot is this object on disk.
 *
 * <p>A state holds the network of one schema: {@link #network} (2021) or {@link #layerNetwork}
 * (new schema, DelGrad), the other is null; the fields of the other schema stay unused.
 */
public final class TrainingState {
  /** The 2021 network, null for a new-schema run. */
  public final Network network;
  /** The new-schema (DelGrad) network, null for a 2021 run. */
  public final LayerNetwork layerNetwork;
  /** New schema: how each layer entry is trained (saved with the network); else null. */
  public final List<LayerTraining> layerTraining;
  public final Curves curves;
  public int epochsDone;
  public long step;
  /** 2021: null before the first optimizer step. */
  public OptimizerState optimizer;
  /** New schema: the grouped optimizer's state, null before the first epoch ended. */
  public GroupedOptimizerState groupedOptimizer;
  public int schedulerSteps;
  /** 2021 weight bumping. */
  public WeightBumper.State bumper;
  /**
   * New schema: the bump state within a snapshot segment, null at a segment's start (a fresh
   * run, a full snapshot: DELGRAD-MODEL.md section 7.2 restarts it there).
   */
  public DelgradBump delgradBump;
  /** New schema: where the run's noise stream stands ({@code SeededNoise#state}). */
  public long noiseState;
  public NumpyRandom.State rng;

  /** The bump value and previous batch code of a new-schema run inside a snapshot segment. */
  public record DelgradBump(double value, int previousCode) {}

  public TrainingState(Network network, Curves curves) {
    this.network = network;
    this.layerNetwork = null;
    this.layerTraining = null;
    this.curves = curves;
  }

  /** The state of a new-schema run. */
  public TrainingState(LayerNetwork network, List<LayerTraining> training, Curves curves) {
    this.network = null;
    this.layerNetwork = network;
    this.layerTraining = List.copyOf(training);
    this.curves = curves;
  }

  /** True for a new-schema (DelGrad) run. */
  public boolean isDelgrad() {
    return layerNetwork != null;
  }
}
