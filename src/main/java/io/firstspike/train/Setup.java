package io.firstspike.train;

import io.firstspike.core.loss.Loss;
import io.firstspike.core.loss.MseLoss;
import io.firstspike.core.loss.TtfsLoss;
import io.firstspike.core.network.NetworkEngine.EngineOptions;
import io.firstspike.core.optim.Adam;
import io.firstspike.core.optim.ExponentialLR;
import io.firstspike.core.optim.LrScheduler;
import io.firstspike.core.optim.MultiStepLR;
import io.firstspike.core.optim.Optimizer;
import io.firstspike.core.optim.RangeRunner;
import io.firstspike.core.optim.Sgd;
import io.firstspike.core.optim.StepLR;
import io.firstspike.core.optim.WeightBumper;
import io.firstspike.train.config.ExperimentConfig;
import io.firstspike.train.config.LossConfig;
import io.firstspike.train.config.TrainingParams;

/**
 * The core objects an experiment config asks for (loss, optimizer, scheduler, weight bumper,
 * engine options), restored to a training state when it has one. The one place that maps config
 * records to the core.
 */
record Setup(
    Loss loss,
    Optimizer optimizer,
    LrScheduler scheduler,
    WeightBumper bumper,
    EngineOptions engineOptions) {

  /**
   * @param ranges runs the parts of a large optimizer update (the engine's threads), or {@link
   *     RangeRunner#SERIAL}
   */
  static Setup of(ExperimentConfig config, TrainingState state, RangeRunner ranges) {
    TrainingParams p = config.trainingParams();
    double tauSyn = config.neuronParams().tauSyn();
    Loss loss = lossOf(p.loss(), tauSyn);
    Optimizer opt =
        switch (p.optimizer()) {
          case ADAM -> new Adam(p.learningRate(), ranges);
          case SGD -> new Sgd(p.learningRate(), p.momentum());
        };
    LrScheduler sched = null;
    if (p.lrScheduler() != null) {
      var s = p.lrScheduler();
      sched =
          switch (s.type()) {
            case STEP_LR -> new StepLR(opt, s.stepSize(), s.gamma());
            case MULTI_STEP_LR ->
                new MultiStepLR(
                    opt, s.milestones().stream().mapToInt(Integer::intValue).toArray(), s.gamma());
            case EXPONENTIAL_LR -> new ExponentialLR(opt, s.gamma());
          };
    }
    int layers = config.networkLayout().nLayers();
    double[] maxMissing = new double[layers];
    for (int l = 0; l < layers; l++) {
      maxMissing[l] = p.maxNumMissingSpikes().get(Math.min(l, p.maxNumMissingSpikes().size() - 1));
    }
    WeightBumper bumper =
        new WeightBumper(
            p.weightBumpingValue(), p.weightBumpingExp(), p.weightBumpingTargeted(), maxMissing);
    if (state.optimizer != null) {
      opt.restore(state.optimizer);
    }
    if (sched != null && state.schedulerSteps > 0) {
      sched.restore(state.schedulerSteps);
    }
    if (state.bumper != null) {
      bumper.restore(state.bumper);
    }
    return new Setup(loss, opt, sched, bumper, engineOptions(p));
  }

  /** Clipping, integrator and rounding options of the engine. */
  static EngineOptions engineOptions(TrainingParams p) {
    return new EngineOptions(
        p.maxDwNorm(),
        p.useForwardIntegrator(),
        p.simTime(),
        p.resolution(),
        p.roundingPrecision() == null ? 0 : p.roundingPrecision());
  }

  /** The core loss for a loss config. */
  static Loss lossOf(LossConfig lc, double tauSyn) {
    if (lc instanceof LossConfig.Ttfs t) {
      return new TtfsLoss(t.xi(), t.alpha(), t.beta(), tauSyn);
    }
    LossConfig.Mse m = (LossConfig.Mse) lc;
    return new MseLoss(m.tCorrect(), m.tWrong(), tauSyn);
  }
}
