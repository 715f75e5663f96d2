package io.firstspike.train;

import io.firstspike.core.loss.Loss;
import io.firstspike.core.network.NetworkEngine;
import io.firstspike.data.Dataset;
import java.util.Arrays;

/**
 * Inference of a network over a whole data set in evaluation batches: label-layer output times,
 * selected classes, loss and accuracy. The validation loss is the original's: sum over batches
 * of (batch loss x batch size) / set size.
 *
 * @param outputs label-layer times [sample][neuron]
 * @param predicted selected class per sample (-1: none)
 * @param loss loss over the set
 * @param accuracy fraction of samples whose selected class is the label
 */
public record EvaluationPass(double[][] outputs, int[] predicted, double loss, double accuracy) {

  /** Runs {@code engine} over {@code set} in batches of {@code batchSize}. */
  public static EvaluationPass run(NetworkEngine engine, Loss loss, Dataset set, int batchSize) {
    int n = set.size();
    double[][] outputs = new double[n][];
    int[] predicted = new int[n];
    double lossSum = 0;
    int correct = 0;
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      double[][] in = Arrays.copyOfRange(set.inputTimes(), from, to);
      int[] labels = Arrays.copyOfRange(set.labels(), from, to);
      double[][] out = engine.labelTimes(in);
      lossSum += loss.compute(out, labels, null) * (to - from);
      for (int s = 0; s < out.length; s++) {
        outputs[from + s] = out[s];
        predicted[from + s] = loss.select(out[s]);
        if (predicted[from + s] == labels[s]) {
          correct++;
        }
      }
    }
    return new EvaluationPass(
        outputs, predicted, n == 0 ? Double.NaN : lossSum / n, n == 0 ? Double.NaN : (double) correct / n);
  }
}
