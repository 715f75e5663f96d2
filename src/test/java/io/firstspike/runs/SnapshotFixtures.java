package io.firstspike.runs;

import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.optim.OptimizerState;
import io.firstspike.core.optim.WeightBumper;
import io.firstspike.data.NumpyRandom;
import io.firstspike.train.Curves;
import io.firstspike.train.TrainingState;
import java.util.List;
import java.util.Random;

/**
 * Complete training states for snapshot tests, without training: a 2-3-2 network (one bias per
 * layer), the curves of {@code epoch} epochs, Adam moments, a generator state. {@code marker}
 * is the step count, so tests can tell which of two saved states a snapshot holds.
 */
final class SnapshotFixtures {
  private SnapshotFixtures() {}

  static final int INPUTS = 2;
  static final int[] SIZES = {3, 2};
  static final int[] BIASES = {1, 1};

  static TrainingState state(int epoch, long marker) {
    Random rnd = new Random(marker);
    double[][] weights = new double[SIZES.length][];
    for (int l = 0; l < SIZES.length; l++) {
      int rows = (l == 0 ? INPUTS : SIZES[l - 1]) + BIASES[l];
      weights[l] = rnd.doubles(rows * SIZES[l], -1, 1).toArray();
    }
    Network net = new Network(NeuronParams.equalTime(1.0, 0.0, 1.0, 1.0), INPUTS, SIZES, BIASES,
        new double[][] {{0.9}, {0.9}}, weights);
    Curves c = new Curves();
    for (int e = 0; e <= epoch; e++) {
      if (e > 0) {
        c.trainLoss.add(rnd.nextDouble());
        c.trainAccuracy.add(rnd.nextDouble());
      }
      c.valLoss.add(rnd.nextDouble());
      c.valAccuracy.add(rnd.nextDouble());
      c.labelWeights.add(weights[SIZES.length - 1].clone());
      c.meanValOutputs.add(new double[][] {{1.0, 2.0}, {Double.NaN, 1.5}});
      c.stdValOutputs.add(new double[][] {{0.1, 0.2}, {Double.NaN, 0.0}});
    }
    TrainingState st = new TrainingState(net, c);
    st.epochsDone = epoch;
    st.step = marker;
    st.schedulerSteps = epoch;
    st.bumper = new WeightBumper.State(-1, 0.0005);
    st.rng = new NumpyRandom(marker).getState();
    double[][] m = new double[SIZES.length][];
    double[][] v = new double[SIZES.length][];
    for (int l = 0; l < SIZES.length; l++) {
      m[l] = rnd.doubles(weights[l].length).toArray();
      v[l] = rnd.doubles(weights[l].length, 0, 1).toArray();
    }
    st.optimizer = new OptimizerState("adam", marker, 0.005, List.of(m, v));
    return st;
  }
}
