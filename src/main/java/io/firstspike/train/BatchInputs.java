package io.firstspike.train;

import io.firstspike.core.network.InputNoise;
import io.firstspike.core.random.SplitMix64;
import io.firstspike.core.random.ZigguratNormal;
import io.firstspike.data.Dataset;
import io.firstspike.data.NumpyRandom;
import io.firstspike.train.config.TrainingParams;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The input times of an epoch's training batches: the rows of the shuffled samples, copied into
 * reused buffers, with the training noise added (TTFS-MODEL.md section 5, step 1).
 *
 * <p>Why a class of its own: drawing the noise (one normal per input time, 12,800 per 16x16
 * batch) used to happen on the training thread while the engine's workers waited. Here batch b+1
 * is prepared on one background thread while batch b runs forward and backward.
 *
 * <p>The noise: each epoch draws one 64-bit word from the trainer's generator right after its
 * permutation (on the trainer's thread) and seeds a {@link SplitMix64} stream with it, from which
 * a {@link ZigguratNormal} draws one normal per input time, batch by batch, row-major within a
 * batch. A snapshot's generator state therefore fixes the next epoch's noise too, and the
 * numbers are bit-identical to drawing them inline because
 *
 * <ul>
 *   <li>only one batch is ever being prepared, and batch b+1 is started only after batch b's
 *       preparation has finished, so the normals come from the epoch's stream in exactly the
 *       inline order;
 *   <li>the prefetch never crosses the end of an epoch: the last batch starts no preparation, and
 *       {@link Epoch#close()} waits for any preparation still running (after a stop or a
 *       failure); the background thread never uses the trainer's generator.
 * </ul>
 *
 * <p>Visibility: the epoch's stream and the buffers are handed over through {@link Future#get()}
 * and {@link ExecutorService#submit}, which order the worker's writes before the trainer's reads.
 * Two buffers alternate: batch b+1 is written into the one batch b-1 used, which is finished (the
 * engine copies its inputs; the batch event clones the row it shows).
 */
final class BatchInputs implements AutoCloseable {
  private final Dataset train;
  private final TrainingParams params;
  /** The trainer's generator: it shuffles, and seeds each epoch's noise stream. */
  private final NumpyRandom rng;
  private final ExecutorService worker;
  private final double[][][] buffers;
  /** The training noise this class adds, null when none (or when the model adds its own). */
  private final io.firstspike.train.config.TrainingNoise noise;

  /** Inputs with {@code training_noise} added here (2021 configs). */
  BatchInputs(Dataset train, TrainingParams params, NumpyRandom rng, boolean prefetch) {
    this(train, params, true, rng, prefetch);
  }

  /**
   * @param addNoise add {@code training_noise} here (2021); {@code false} when the model draws
   *     it itself (DelGrad: from the run's noise stream, in HEAD's order)
   * @param prefetch prepare the next batch on a background thread; {@code false} prepares each
   *     batch inline when it is needed (the reference the tests compare against)
   */
  BatchInputs(Dataset train, TrainingParams params, boolean addNoise, NumpyRandom rng,
      boolean prefetch) {
    this.train = train;
    this.params = params;
    this.noise = addNoise ? params.trainingNoise() : null;
    this.rng = rng;
    this.worker =
        prefetch
            ? Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "firstspike-batch-prefetch");
                  t.setDaemon(true);
                  return t;
                })
            : null;
    int nIn = train.inputTimes().length == 0 ? 0 : train.inputTimes()[0].length;
    int rows = Math.min(params.batchSize(), train.size());
    this.buffers = new double[][][] {new double[rows][nIn], new double[rows][nIn]};
  }

  /**
   * Starts an epoch whose samples come in {@code order} (already drawn from the generator). With
   * training noise, the epoch's noise stream is seeded here from the generator's next 64-bit
   * word, on the calling thread: the background thread never touches the generator itself.
   */
  Epoch epoch(int[] order) {
    return new Epoch(order);
  }

  @Override
  public void close() {
    if (worker != null) {
      worker.shutdownNow();
    }
  }

  /** One epoch's batches; close it (try-with-resources) before the generator is used again. */
  final class Epoch implements AutoCloseable {
    private final int[] order;
    private final int batches;
    private Future<double[][]> next;
    private int nextBatch = -1;

    /** This epoch's standard normals (null without training noise). */
    private final ZigguratNormal normals;

    private Epoch(int[] order) {
      this.order = order;
      this.normals = noise == null ? null
          : new ZigguratNormal(new SplitMix64(rng.nextInt64()));
      this.batches = (order.length + params.batchSize() - 1) / params.batchSize();
      if (worker != null && batches > 0) {
        start(0);
      }
    }

    /**
     * The inputs of batch {@code b} (taken in order 0, 1, ...), valid until the next call (which
     * starts overwriting the buffer with batch b+2); starts preparing batch b+1 when the epoch has
     * one.
     */
    double[][] take(int b) {
      double[][] inputs;
      if (worker == null) {
        inputs = prepare(b);
      } else {
        if (nextBatch != b) {
          throw new IllegalStateException(
              "batch " + b + " taken out of order; the prefetched batch is " + nextBatch);
        }
        inputs = await();
        if (b + 1 < batches) {
          start(b + 1);
        }
      }
      return inputs;
    }

    /** Waits for a preparation still running, so the generator is the trainer's alone again. */
    @Override
    public void close() {
      if (next != null) {
        await();
      }
    }

    private void start(int b) {
      nextBatch = b;
      next = worker.submit(() -> prepare(b));
    }

    /** Waits for the running preparation even if interrupted (the generator must be left alone). */
    private double[][] await() {
      Future<double[][]> f = next;
      next = null;
      boolean interrupted = false;
      try {
        while (true) {
          try {
            return f.get();
          } catch (InterruptedException e) {
            interrupted = true;
          } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
              throw r;
            }
            throw new IllegalStateException("preparing a training batch failed", e.getCause());
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /** Copies batch b's rows into its buffer and adds the noise from this epoch's stream. */
    private double[][] prepare(int b) {
      int bs = params.batchSize();
      int from = b * bs;
      int size = Math.min(order.length, from + bs) - from;
      double[][] buffer = buffers[b % 2];
      double[][] inputs = size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
      for (int s = 0; s < size; s++) {
        double[] row = train.inputTimes()[order[from + s]];
        System.arraycopy(row, 0, inputs[s], 0, row.length);
      }
      if (noise != null) {
        InputNoise.apply(inputs, noise.mean(), noise.stdDev(), normals);
      }
      return inputs;
    }
  }
}
