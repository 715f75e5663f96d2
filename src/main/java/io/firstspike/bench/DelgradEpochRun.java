package io.firstspike.bench;

import io.firstspike.core.layer.DelgradTrainingStep;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.NeuronPassKind;
import io.firstspike.core.layer.SeededNoise;
import io.firstspike.core.network.ParallelRanges;
import io.firstspike.core.optim.GroupedAdam;
import io.firstspike.core.optim.StepLR;
import io.firstspike.data.DataSplits;
import io.firstspike.data.Dataset;
import io.firstspike.data.NumpyRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Epochs of DelGrad's {@code yin_yang_H30_WS} ({@link DelgradH30Ws}) through the core's
 * {@link DelgradTrainingStep}, timed for the benchmark. This is a measurement harness, not a
 * training loop: it has no events, records, snapshots or stop flag (the one training loop,
 * {@code train.Trainer}, trains new-schema configs through {@code train.DelgradModel}); it keeps
 * the benchmark's figures comparable across builds. It does what an epoch of HEAD does, in
 * HEAD's order: shuffle the 5000 training samples, train on
 * batches of 150 (the last one 50), step the StepLR scheduler, validate the 1000 validation
 * samples in batches of 200 (forward, selection, loss).
 *
 * @param epochSeconds wall time of each epoch (shuffle, training batches, scheduler, validation)
 * @param trainSeconds wall time of each epoch's training batches
 * @param valAccuracy validation accuracy after each epoch
 * @param bumps bumped batches over all epochs
 * @param network the network after the last epoch
 */
public record DelgradEpochRun(List<Double> epochSeconds, List<Double> trainSeconds,
    List<Double> valAccuracy, int bumps, LayerNetwork network) {

  /**
   * Trains {@code epochs} epochs from the untrained network of {@code seed} (which also seeds
   * the shuffling).
   */
  public static DelgradEpochRun run(DataSplits data, int threads, int epochs, long seed) {
    return run(data, threads, epochs, seed, LayerNetwork.DEFAULT_PASSES);
  }

  /** {@link #run(DataSplits, int, int, long)} with the neuron passes named here. */
  public static DelgradEpochRun run(DataSplits data, int threads, int epochs, long seed,
      NeuronPassKind passes) {
    LayerNetwork net = DelgradH30Ws.untrained(seed, passes);
    SeededNoise noise = new SeededNoise(seed + 1); // the config has none; nothing is drawn
    NumpyRandom shuffle = new NumpyRandom(seed);
    Dataset train = data.train();
    Dataset val = data.validation();
    List<Double> epochSeconds = new ArrayList<>();
    List<Double> trainSeconds = new ArrayList<>();
    List<Double> valAcc = new ArrayList<>();
    int bumps = 0;
    try (ParallelRanges ranges = new ParallelRanges(threads)) {
      GroupedAdam adam = new GroupedAdam(net.parameterGroups(DelgradH30Ws.layerLearningRates(),
          DelgradH30Ws.LEARNING_RATE), ranges);
      StepLR scheduler = new StepLR(adam, DelgradH30Ws.STEP_SIZE, DelgradH30Ws.GAMMA);
      DelgradTrainingStep step = new DelgradTrainingStep(net, DelgradH30Ws.stepSettings(), adam,
          DelgradH30Ws.bumper());
      for (int e = 0; e < epochs; e++) {
        long t0 = System.nanoTime();
        int[] order = shuffle.permutation(train.size());
        for (int from = 0; from < order.length; from += DelgradH30Ws.BATCH_SIZE) {
          int to = Math.min(order.length, from + DelgradH30Ws.BATCH_SIZE);
          double[][] x = new double[to - from][];
          int[] y = new int[to - from];
          for (int s = from; s < to; s++) {
            x[s - from] = train.inputTimes()[order[s]];
            y[s - from] = train.labels()[order[s]];
          }
          bumps += step.train(x, y, noise, ranges).bumped() ? 1 : 0;
        }
        long t1 = System.nanoTime();
        scheduler.step();
        int correct = 0;
        for (int from = 0; from < val.size(); from += DelgradH30Ws.BATCH_SIZE_EVAL) {
          Dataset part = val.slice(from, Math.min(val.size(), from + DelgradH30Ws.BATCH_SIZE_EVAL));
          correct += step.evaluate(part.inputTimes(), part.labels(), noise, ranges).correct();
        }
        long t2 = System.nanoTime();
        epochSeconds.add((t2 - t0) / 1e9);
        trainSeconds.add((t1 - t0) / 1e9);
        valAcc.add((double) correct / val.size());
      }
    }
    return new DelgradEpochRun(epochSeconds, trainSeconds, valAcc, bumps, net);
  }

  /** Median epoch time over the epochs after the first {@code warmup}. */
  public double medianEpochSeconds(int warmup) {
    return Timing.median(epochSeconds.subList(warmup, epochSeconds.size()));
  }

  /** Validation accuracy after the last epoch. */
  public double finalValAccuracy() {
    return valAccuracy.get(valAccuracy.size() - 1);
  }
}
