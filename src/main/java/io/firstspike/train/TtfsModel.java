package io.firstspike.train;

import io.firstspike.core.loss.Loss;
import io.firstspike.core.network.ForwardResult;
import io.firstspike.core.network.Network;
import io.firstspike.core.network.NetworkEngine;
import io.firstspike.core.optim.Optimizer;
import io.firstspike.core.optim.WeightBumper;
import io.firstspike.core.optim.WeightClipping;
import io.firstspike.data.Dataset;
import io.firstspike.train.config.ExperimentConfig;
import io.firstspike.train.config.TrainingParams;
import java.util.Set;

/**
 * The 2021-schema model of the training loop (TTFS-MODEL.md section 5): a {@link Network} on the
 * {@link NetworkEngine}, with the config's loss, optimizer, scheduler and weight bumper ({@link
 * Setup}). Per batch: forward, class selection, weight bumping or loss + backward + optimizer
 * step, {@code clip_weights_max}, then the check that every weight stayed finite and bounded.
 */
final class TtfsModel implements TrainingModel {
  private final TrainingParams params;
  private final Network net;
  private final Setup setup;
  private final NetworkEngine engine;
  private final double[][] weights;

  /** The engine over the state's network, the setup restored to the state. */
  TtfsModel(ExperimentConfig config, TrainingState state, int threads) {
    if (state.isDelgrad()) {
      throw new IllegalArgumentException("a 2021-schema config needs the state of a 2021"
          + " network, got a layer network");
    }
    this.params = config.trainingParams();
    this.net = state.network;
    NetworkEngine e = new NetworkEngine(state.network, Setup.engineOptions(params), threads);
    try {
      this.setup = Setup.of(config, state, e::runParts);
    } catch (RuntimeException ex) {
      e.close(); // a bad config must not leave the engine's threads behind
      throw ex;
    }
    this.engine = e;
    this.weights = new double[net.nLayers()][];
    for (int l = 0; l < weights.length; l++) {
      weights[l] = net.weights(l);
    }
  }

  /** The loss and class selection of this experiment. */
  Loss loss() {
    return setup.loss();
  }

  @Override
  public void startEpoch(int epoch, Set<Integer> fullSnapshots) {
    // the 2021 bumper carries its state across epochs and snapshots
  }

  @Override
  public BatchOutcome trainBatch(int epoch, int b, double[][] inputs, int[] labels) {
    Optimizer opt = setup.optimizer();
    WeightBumper bumper = setup.bumper();
    Loss loss = setup.loss();
    int size = labels.length;
    ForwardResult fwd = engine.forward(inputs);
    double[][] out = fwd.labelTimes();
    int correct = 0;
    for (int s = 0; s < size; s++) {
      if (loss.select(out[s]) == labels[s]) {
        correct++;
      }
    }
    double[][][] layerTimes = new double[net.nLayers()][][];
    for (int l = 0; l < layerTimes.length; l++) {
      layerTimes[l] = fwd.times(l);
    }
    int bumped = bumper.apply(net, layerTimes);
    double batchLoss = Double.NaN;
    if (bumped >= 0) {
      clipWeights();
      checkWeights(epoch, b, "after weight bumping added " + bumper.state().value()
          + " to layer " + bumped);
    } else {
      double[][] dLdT = new double[size][out[0].length];
      batchLoss = loss.compute(out, labels, dLdT);
      if (!Double.isFinite(batchLoss)) {
        throw new TrainingDivergedException(epoch, b, "the loss is " + batchLoss);
      }
      double[][] grads;
      try {
        grads = engine.backward(fwd, dLdT);
      } catch (ArithmeticException e) {
        throw new TrainingDivergedException(epoch, b, e.getMessage());
      }
      opt.step(weights, grads);
      clipWeights();
      checkWeights(epoch, b, "after the optimizer step (learning rate " + opt.learningRate()
          + ")");
    }
    engine.recycle(fwd); // its times were copied above; the next batch reuses its buffers
    return new BatchOutcome(batchLoss, correct, bumped, layerTimes);
  }

  /**
   * {@code clip_weights_max} (2021): after every batch, bumped or not, every weight of every
   * layer, bias rows included, is clamped to [-c, c], as the original does before writing the
   * weights to the chip (and in the simulation too).
   */
  private void clipWeights() {
    double bound = params.weightBound();
    if (bound != Double.POSITIVE_INFINITY) {
      for (double[] w : weights) {
        WeightClipping.clamp(w, bound);
      }
    }
  }

  /**
   * Throws if a weight is not finite or beyond {@link WeightCheck#bound} (the first in layer and
   * index order is named), {@code when} saying what changed the weights.
   */
  private void checkWeights(int epoch, int batch, String when) {
    String problem = WeightCheck.problem(net, engine::runParts);
    if (problem != null) {
      throw new TrainingDivergedException(epoch, batch, problem + " " + when);
    }
  }

  @Override
  public void endEpoch() {
    if (setup.scheduler() != null) {
      setup.scheduler().step();
    }
  }

  @Override
  public EvaluationPass validate(Dataset set, int batchSize) {
    return EvaluationPass.run(engine, setup.loss(), set, batchSize);
  }

  @Override
  public EvaluationPass snapshotOutputs(Dataset set, int batchSize, int epoch) {
    return EvaluationPass.run(engine, setup.loss(), set, batchSize);
  }

  @Override
  public double learningRate() {
    return setup.optimizer().learningRate();
  }

  @Override
  public double[][] layerWeights() {
    return weights;
  }

  @Override
  public double[] labelWeights() {
    return net.weights(net.nLayers() - 1).clone();
  }

  @Override
  public double histogramMax() {
    return params.simTime();
  }

  @Override
  public long integratorSkips() {
    return engine.integratorSkips();
  }

  @Override
  public void saveState(TrainingState state) {
    state.optimizer = setup.optimizer().state();
    state.schedulerSteps = setup.scheduler() == null ? 0 : setup.scheduler().epochsStepped();
    state.bumper = setup.bumper().state();
  }

  @Override
  public void close() {
    engine.close();
  }
}
