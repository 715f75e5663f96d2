package io.firstspike.core.layer;

import io.firstspike.core.loss.DelgradLoss;
import io.firstspike.core.optim.RangeRunner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Inference of a {@link LayerNetwork} on a data set, as the original's HEAD evaluates a set
 * (DELGRAD-MODEL.md section 5): forward passes over consecutive batches of {@code batch_size_eval}
 * samples in data-set order, the class of each sample selected by the loss's rule (-1 = no
 * decision, always wrong), the accuracy, and the set's loss
 *
 * <pre>
 *   loss = sum over batches of (batch loss * batch size) / set size
 * </pre>
 *
 * The batching matters only for noisy networks: batch-to-batch threshold noise is drawn once per
 * forward call. Noise comes from the given source, in batch order ({@link NoiseSource#ZERO} for a
 * noise-free inference of a noisy model).
 */
public final class LayerInference {
  private LayerInference() {}

  /**
   * The outcome on a set.
   *
   * @param labelTimes [n][K] label-layer times in data-set order (+Infinity = no spike)
   * @param selected [n] selected class per sample, -1 for none
   * @param correct samples whose selected class is their label
   * @param loss the set's loss (see the class comment)
   */
  public record Result(double[][] labelTimes, int[] selected, int correct, double loss) {

    /** Number of samples. */
    public int size() {
      return selected.length;
    }

    /** correct / size (NaN for an empty set). */
    public double accuracy() {
      return (double) correct / selected.length;
    }
  }

  /**
   * Sees each batch's forward pass as it is made (an evaluation takes hidden-layer times and
   * reports progress from here).
   */
  @FunctionalInterface
  public interface BatchObserver {
    /**
     * @param from index in the set of the batch's first sample
     * @param pass the batch's forward pass; valid during the call only
     */
    void batch(int from, NetworkPass pass);

    /** Sees nothing. */
    BatchObserver NONE = (from, pass) -> { };
  }

  /** The run below without an observer. */
  public static Result run(LayerNetwork network, double[][] inputs, int[] labels, DelgradLoss loss,
      int batchSize, NoiseSource noise, RangeRunner threads) {
    return run(network, inputs, labels, loss, batchSize, noise, threads, BatchObserver.NONE);
  }

  /**
   * Runs the network over a set.
   *
   * @param inputs [n][n_inputs] input times
   * @param labels [n] true classes
   * @param loss the run's loss: class selection and loss value
   * @param batchSize {@code batch_size_eval}, >= 1; the last batch may be smaller
   * @param noise the source of the forward passes' noise draws
   * @param observer sees every batch's pass after its times were taken
   * @throws IllegalArgumentException for mismatched lengths or a batch size below 1
   */
  public static Result run(LayerNetwork network, double[][] inputs, int[] labels, DelgradLoss loss,
      int batchSize, NoiseSource noise, RangeRunner threads, BatchObserver observer) {
    if (inputs.length != labels.length) {
      throw new IllegalArgumentException("inference: " + inputs.length + " inputs but "
          + labels.length + " labels");
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch_size_eval must be >= 1, got " + batchSize);
    }
    int n = inputs.length;
    double[][] times = new double[n][];
    int[] selected = new int[n];
    int correct = 0;
    double lossSum = 0;
    DelgradLoss.DelayVectors delays = delayVectors(network, loss);
    PassBuffers buffers = new PassBuffers(); // each batch's pass is done with before the next
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      double[][] batch = Arrays.copyOfRange(inputs, from, to);
      int[] batchLabels = Arrays.copyOfRange(labels, from, to);
      NetworkPass pass = network.forward(batch, noise, threads, buffers);
      double[][] t = pass.labelTimes();
      for (int b = 0; b < t.length; b++) {
        times[from + b] = t[b];
        selected[from + b] = loss.select(t[b]);
        correct += selected[from + b] == batchLabels[b] ? 1 : 0;
      }
      lossSum += loss.compute(t, batchLabels, delays).loss() * t.length;
      observer.batch(from, pass);
    }
    return new Result(times, selected, correct, lossSum / n);
  }

  /** The delay vectors of every Delay layer, in layer order, as the loss's l2_delay needs them. */
  private static DelgradLoss.DelayVectors delayVectors(LayerNetwork network, DelgradLoss loss) {
    if (loss.delaySources().isEmpty()) {
      return DelgradLoss.DelayVectors.NONE;
    }
    List<double[]> effective = new ArrayList<>();
    List<double[]> raw = new ArrayList<>();
    for (Layer layer : network.layers()) {
      if (layer instanceof DelayLayer d) {
        double[][] e = d.effectiveDelays();
        double[] flat = new double[e.length * e[0].length];
        for (int i = 0; i < e.length; i++) {
          System.arraycopy(e[i], 0, flat, i * e[i].length, e[i].length);
        }
        effective.add(flat);
        raw.add(d.raw().clone());
      }
    }
    return new DelgradLoss.DelayVectors(effective, raw);
  }
}
