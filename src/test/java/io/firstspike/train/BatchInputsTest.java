package io.firstspike.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.random.SplitMix64;
import io.firstspike.core.random.ZigguratNormal;
import io.firstspike.data.Dataset;
import io.firstspike.data.NumpyRandom;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.ExperimentConfig;
import io.firstspike.train.config.TrainingParams;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BatchInputsTest {
  /** 2 epochs of the small Yin-Yang experiment: 5000 samples, batches of 150 (the last one 50). */
  private static final ExperimentConfig CFG =
      ConfigLoader.parse(TrainerTest.yinYang(2, 0.005, "[2]"), "test.yaml");

  /**
   * The first {@code batches} batches of an epoch computed by hand from a fresh generator: the
   * permutation, then the seed of the epoch's noise stream (the generator's next 64-bit word),
   * then one normal per input time in row-major order, t' = |t + (z sd + mean)|.
   */
  private static List<double[][]> handComputed(
      Dataset train, TrainingParams p, NumpyRandom ref, int batches) {
    int[] order = ref.permutation(train.size());
    double mean = p.trainingNoise().mean();
    double sd = p.trainingNoise().stdDev();
    ZigguratNormal normals = new ZigguratNormal(new SplitMix64(ref.nextInt64()));
    List<double[][]> out = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      int from = b * p.batchSize();
      int size = Math.min(train.size(), from + p.batchSize()) - from;
      double[][] batch = new double[size][];
      for (int s = 0; s < size; s++) {
        double[] row = train.inputTimes()[order[from + s]];
        batch[s] = new double[row.length];
        for (int i = 0; i < row.length; i++) {
          double z = normals.next();
          batch[s][i] = Math.abs(row[i] + (z * sd + mean));
        }
      }
      out.add(batch);
    }
    return out;
  }

  @Test
  @DisplayName("prefetched batches equal hand-computed noise bit for bit and leave the generator"
      + " where the inline loop leaves it")
  void prefetchedBatchesEqualHandComputed() {
    TrainingParams p = CFG.trainingParams();
    Dataset train = Experiments.loadData(CFG).train();
    int batches = (train.size() + p.batchSize() - 1) / p.batchSize();
    assertThat(train.size() % p.batchSize()).as("the last batch is a partial one").isNotZero();
    NumpyRandom ref = new NumpyRandom(p.numpySeed());
    NumpyRandom rng = new NumpyRandom(p.numpySeed());
    try (BatchInputs inputs = new BatchInputs(train, p, rng, true)) {
      for (int epoch = 0; epoch < 2; epoch++) {
        List<double[][]> expected = handComputed(train, p, ref, batches);
        try (BatchInputs.Epoch e = inputs.epoch(rng.permutation(train.size()))) {
          for (int b = 0; b < batches; b++) {
            double[][] got = e.take(b);
            assertThat(got).as("epoch %d batch %d", epoch, b).isDeepEqualTo(expected.get(b));
          }
        }
        assertThat(rng.getState()).as("generator after epoch %d", epoch).isEqualTo(ref.getState());
      }
    }
  }

  @Test
  @DisplayName("closing an epoch after a stop waits for the batch being prefetched; the"
      + " generator is where the epoch's start left it (permutation and noise seed)")
  void stopLeavesGeneratorConsistent() {
    TrainingParams p = CFG.trainingParams();
    Dataset train = Experiments.loadData(CFG).train();
    NumpyRandom ref = new NumpyRandom(p.numpySeed());
    handComputed(train, p, ref, 3);
    NumpyRandom rng = new NumpyRandom(p.numpySeed());
    try (BatchInputs inputs = new BatchInputs(train, p, rng, true)) {
      try (BatchInputs.Epoch e = inputs.epoch(rng.permutation(train.size()))) {
        e.take(0);
        e.take(1); // starts batch 2; the stop comes now
      }
      assertThat(rng.getState()).isEqualTo(ref.getState());
    }
  }

  @Test
  @DisplayName("inline preparation draws the same numbers as the prefetch")
  void inlineEqualsPrefetched() {
    TrainingParams p = CFG.trainingParams();
    Dataset train = Experiments.loadData(CFG).train();
    NumpyRandom ref = new NumpyRandom(p.numpySeed());
    List<double[][]> expected = handComputed(train, p, ref, 4);
    NumpyRandom rng = new NumpyRandom(p.numpySeed());
    try (BatchInputs inputs = new BatchInputs(train, p, rng, false);
        BatchInputs.Epoch e = inputs.epoch(rng.permutation(train.size()))) {
      for (int b = 0; b < 4; b++) {
        assertThat(e.take(b)).as("batch %d", b).isDeepEqualTo(expected.get(b));
      }
      assertThat(rng.getState()).isEqualTo(ref.getState());
    }
  }
}
