package io.firstspike.bench;

import io.firstspike.data.DataSplits;
import io.firstspike.train.Experiments;
import io.firstspike.train.SnapshotSink;
import io.firstspike.train.StopFlag;
import io.firstspike.train.Trainer;
import io.firstspike.train.TrainingEvent;
import io.firstspike.train.TrainingResult;
import io.firstspike.train.TrainingState;
import io.firstspike.train.config.ExperimentConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Times epochs of the real {@link Trainer} (the one training loop of CLI and server) from its own
 * events: an epoch runs from the previous epoch event (or the initial validation's) to its own,
 * so it includes shuffling, every training batch with its event, the scheduler step and the
 * validation pass. The training part ends at the epoch's last batch event.
 *
 * @param epochSeconds wall time of each epoch (training + validation)
 * @param trainSeconds wall time of each epoch's training batches only
 * @param valAccuracy validation accuracy after each epoch
 * @param trainAccuracy training accuracy of each epoch
 * @param state the trained state (network, optimizer) after the last epoch
 */
public record TrainerRun(List<Double> epochSeconds, List<Double> trainSeconds,
    List<Double> valAccuracy, List<Double> trainAccuracy, TrainingState state) {

  /**
   * Trains {@code epochs} epochs from the config's untrained network.
   */
  public static TrainerRun run(ExperimentConfig cfg, DataSplits data, int threads, int epochs) {
    TrainingState state = Experiments.freshState(cfg);
    List<Double> epochSeconds = new ArrayList<>();
    List<Double> trainSeconds = new ArrayList<>();
    List<Double> valAcc = new ArrayList<>();
    List<Double> trainAcc = new ArrayList<>();
    StopFlag stop = new StopFlag();
    long[] mark = new long[2]; // previous epoch event, last batch event
    try (Trainer trainer = new Trainer(cfg, data, state, threads, false, List.of())) {
      TrainingResult result = trainer.train(event -> {
        long now = System.nanoTime();
        if (event instanceof TrainingEvent.Batch) {
          mark[1] = now;
        } else if (event instanceof TrainingEvent.Epoch e) {
          if (e.metrics().epoch() > 0) {
            epochSeconds.add((now - mark[0]) / 1e9);
            trainSeconds.add((mark[1] - mark[0]) / 1e9);
            valAcc.add(e.metrics().valAccuracy());
            trainAcc.add(e.metrics().trainAccuracy());
          }
          mark[0] = now;
          if (e.metrics().epoch() >= epochs) {
            stop.request("benchmark done");
          }
        }
      }, stop, SnapshotSink.none());
      if (epochSeconds.size() < epochs) {
        throw new IllegalStateException("benchmark training of " + cfg.source() + " ended after "
            + epochSeconds.size() + " of " + epochs + " epochs: " + result.state() + " "
            + result.reason());
      }
      return new TrainerRun(epochSeconds, trainSeconds, valAcc, trainAcc, trainer.state());
    }
  }

  /**
   * Repeats {@link #run} (results discarded) until at least {@code seconds} have passed, so that
   * the JIT has compiled the trainer's code before a measured run. On a 2-vCPU machine the one
   * C2 compiler thread was still busy 8 s into a 16x16 MNIST run, on half a vCPU (per-thread CPU
   * time from /proc), and the epochs measured then ran at 16,000 samples/s, against 20,000 to
   * 26,000 once it had finished.
   *
   * @return the number of discarded runs
   */
  public static int warmUp(ExperimentConfig cfg, DataSplits data, int threads, int epochs,
      double seconds) {
    long t0 = System.nanoTime();
    int runs = 0;
    do {
      run(cfg, data, threads, epochs);
      runs++;
    } while (Timing.since(t0) < seconds);
    return runs;
  }

  /** Median epoch time over the epochs after the first {@code warmup}. */
  public double medianEpochSeconds(int warmup) {
    return Timing.median(epochSeconds.subList(warmup, epochSeconds.size()));
  }

  /** Median training-batches time over the epochs after the first {@code warmup}. */
  public double medianTrainSeconds(int warmup) {
    return Timing.median(trainSeconds.subList(warmup, trainSeconds.size()));
  }

  /** Validation accuracy after the last epoch. */
  public double finalValAccuracy() {
    return valAccuracy.get(valAccuracy.size() - 1);
  }
}
