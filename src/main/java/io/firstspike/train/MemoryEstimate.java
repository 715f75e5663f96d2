package io.firstspike.train;

import io.firstspike.core.network.PassPolicy;
import io.firstspike.core.network.NetworkEngine;
import io.firstspike.core.neuron.Variant;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.train.config.AnyConfig;
import io.firstspike.train.config.ConfigException;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.ExperimentConfig;
import io.firstspike.train.config.NetworkLayout;
import io.firstspike.train.config.Optimizer;
import io.firstspike.train.config.TrainingParams;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The heap a training run needs, estimated from its config before anything is allocated, so that
 * a config that cannot run is refused with the figure ("needs about 37.2 GiB, this JVM may use
 * 4.0 GiB") instead of ending in an OutOfMemoryError.
 *
 * <p>Counted, with 8 bytes per double, 4 per int and 16 per row array; W is the number of
 * weights, rows(l) and n(l) the inputs (bias inputs included) and neurons of layer l:
 * <ul>
 *   <li>weights: the network and the engine's row copies (2 W), the optimizer's state and the
 *       copy a snapshot keeps (Adam 4 W, SGD with momentum 2 W), the gradients (one buffer per
 *       backward chunk, at most four, and their sum), a rounded copy with
 *       {@code rounding_precision}, and the label layer's weights per epoch in the curves;
 *   <li>batch buffers: one training batch with the backward caches ({@code ForwardResult},
 *       {@code LayerCache}) and one evaluation batch without, both kept by the engine for reuse,
 *       the trainer's copy of the batch's times, and the prepared input batches;
 *   <li>thread scratch, per worker thread: the kernel's per-input and per-neuron arrays, the
 *       deferred first-layer rows of a backward chunk (wide first layers), and the Euler
 *       integrator's charge (steps x neurons);
 *   <li>data set: samples x n_inputs doubles for the built-in sets. User files are not counted:
 *       their size is known only once they are read (and the file system is not probed for a
 *       config that may come over the network).
 * </ul>
 * Left out: the JVM's own structures, the server, per-epoch statistics (kilobytes); hence only
 * {@link #USABLE_FRACTION} of the maximum heap is offered to the run.
 *
 * @param weights bytes of weights, optimizer state and gradients
 * @param batchBuffers bytes of the training and evaluation batch buffers
 * @param threadScratch bytes of scratch over all worker threads
 * @param eulerCharge the part of {@code threadScratch} that is the Euler integrator's charge
 * @param dataSet bytes of the data set's samples (0 for user files)
 */
public record MemoryEstimate(
    long weights, long batchBuffers, long threadScratch, long eulerCharge, long dataSet,
    boolean layerList) {

  /** An estimate of a 2021-schema config. */
  public MemoryEstimate(
      long weights, long batchBuffers, long threadScratch, long eulerCharge, long dataSet) {
    this(weights, batchBuffers, threadScratch, eulerCharge, dataSet, false);
  }

  /** Share of {@code Runtime.maxMemory()} a run may plan to use; the rest is the JVM's. */
  public static final double USABLE_FRACTION = 0.9;

  private static final long DOUBLE = 8;
  private static final long INT = 4;
  /** Header of one row array (double[] of a sample): 16 bytes with compressed pointers. */
  private static final long ROW = 16;

  /**
   * Samples held per built-in data set (train + validation + test, distinct ones only): Yin-Yang
   * 5000 + 1000 + 1000, the MNIST sets 50000 + 10000 + 10000, and XOR and bars, whose three
   * splits are the same 4 and 30 samples.
   */
  static final Map<String, Integer> BUILT_IN_SAMPLES = Map.of("yin_yang", 7000, "xor", 4,
      "bars", 30, "mnist", 70_000, "fashion_mnist", 70_000, "16x16_mnist", 70_000);

  /**
   * The estimate for training {@code cfg} on {@code threads} worker threads. Computed in double
   * precision: absurd configs give absurd figures, never an overflow (a part that exceeds
   * Long.MAX_VALUE bytes saturates).
   */
  public static MemoryEstimate of(ExperimentConfig cfg, int threads) {
    NetworkLayout layout = cfg.networkLayout();
    TrainingParams t = cfg.trainingParams();
    int layers = layout.nLayers();
    double w = 0;
    double maxRows = 0;
    double maxN = 0;
    for (int l = 0; l < layers; l++) {
      double rows = layout.inputsOfLayer(l);
      double n = layout.layerSizes().get(l);
      w += rows * n;
      maxRows = Math.max(maxRows, rows);
      maxN = Math.max(maxN, n);
    }
    double lastLayer = (double) layout.inputsOfLayer(layers - 1) * layout.nOutputs();

    // weights, optimizer state, gradients
    int chunk = NetworkEngine.gradientChunk(t.batchSize());
    double gradientBuffers = (t.batchSize() + chunk - 1) / chunk + 1;
    double optimizerCopies = t.optimizer() == Optimizer.ADAM ? 4 : t.momentum() > 0 ? 2 : 0;
    double weightCopies = 2 + optimizerCopies + gradientBuffers
        + (t.roundingPrecision() != null ? 1 : 0);
    double weights = DOUBLE * (weightCopies * w + (t.epochNumber() + 1.0) * lastLayer);

    // batch buffers: training batch with caches, evaluation batch without
    boolean et = cfg.variant() == Variant.ET;
    boolean passedExps = et && !t.useForwardIntegrator();
    double train = 0;
    double eval = 0;
    for (int l = 0; l < layers; l++) {
      double rows = layout.inputsOfLayer(l);
      double n = layout.layerSizes().get(l);
      int exps = passedExps && l > 0 ? 1 : 0;
      // inputs, the cache's sorted order and exp(t / tau_s) (and exp(t / tau_m) for dt), the
      // exps passed from the layer below
      double perInput = DOUBLE + INT + DOUBLE + (et ? 0 : DOUBLE) + exps * DOUBLE;
      // outputs, the cache's causal-set length and two sums (and Lambert W for et), the
      // trainer's copy of the times
      double perNeuron = DOUBLE + INT + 2 * DOUBLE + (et ? DOUBLE : 0) + DOUBLE;
      train += t.batchSize() * (rows * perInput + n * perNeuron + (3 + exps) * ROW);
      eval += t.batchSizeEval() * (rows * (DOUBLE + exps * DOUBLE) + n * DOUBLE
          + (2 + exps) * ROW);
    }
    // two prepared input batches (the one training and the next)
    double inputs = 2.0 * t.batchSize() * (layout.nInputs() * DOUBLE + ROW);
    double batchBuffers = train + eval + inputs;

    // per thread: kernel scratch per input (9 arrays) and per neuron (22), the row-major
    // backward's (2 and 14), two error vectors, the deferred rows of one backward chunk
    // (per sample 8 arrays per neuron, 4 per input of layer 0), the Euler charge
    double perThread = maxRows * (2 * INT + 7 * DOUBLE + INT + DOUBLE)
        + maxN * (6 * INT + 16 * DOUBLE + 7 * INT + 7 * DOUBLE)
        + 2 * Math.max(maxRows, maxN) * DOUBLE
        + (PassPolicy.FASTEST.defersFirstLayer(layout.inputsOfLayer(0),
            layout.layerSizes().get(0))
            ? Math.min(chunk, t.batchSize()) * (layout.layerSizes().get(0) * (INT + 7 * DOUBLE)
                + (double) layout.inputsOfLayer(0) * (INT + 3 * DOUBLE)) : 0);
    double charge = t.useForwardIntegrator() ? t.integratorSteps() * maxN * DOUBLE : 0;
    double threadScratch = (double) threads * (perThread + charge);

    String name = cfg.dataset().name();
    double samples = name == null ? 0 : BUILT_IN_SAMPLES.getOrDefault(name, 0);
    double dataSet = samples * (layout.nInputs() * DOUBLE + ROW + INT);
    return new MemoryEstimate((long) weights, (long) batchBuffers, (long) threadScratch,
        (long) (threads * charge), (long) dataSet);
  }

  /**
   * A coarser estimate for a new-schema (DelGrad) config, from the shapes of its layer list
   * (DELGRAD-MODEL.md section 1: each layer's output is [rows][width] per sample, a NeuronLayer
   * sees one input time per synapse, N x M): P parameters held by the network, its gradient, the
   * optimizer (Adam 2 P, SGD with momentum P) and a snapshot's copy of it; per training sample
   * every layer's output and its gradient plus 4 doubles per synapse of a NeuronLayer (its
   * pass's sorted inputs and sums kept for the backward pass); per evaluation sample the
   * outputs; per thread 8 doubles per synapse of the widest NeuronLayer; the data set as for 2021
   * configs. It has not been calibrated against measured heaps as the 2021 estimate has; it
   * is meant to refuse configs that are off by orders of magnitude.
   */
  public static MemoryEstimate of(DelgradExperiment cfg, int threads) {
    TrainingParams t = cfg.trainingParams();
    List<LayerSpec> specs = cfg.toLayerSpecs();
    double rows = cfg.networkLayout().nInputs();
    double params = 0;
    double outputs = 0; // doubles per sample over all layer outputs
    double synapses = 0; // doubles per sample over all NeuronLayer inputs
    double widest = 0;
    double lastLayer = 0;
    for (int l = 0; l < specs.size(); l++) {
      LayerSpec spec = specs.get(l);
      double next = nextNeuronSize(specs, l);
      double width;
      if (spec instanceof LayerSpec.Broadcast) {
        width = next;
      } else if (spec instanceof LayerSpec.Delay d) {
        width = next;
        params += (double) d.type().rawRows((int) rows, d.presynSharing())
            * d.type().rawCols((int) next, d.postsynSharing());
      } else if (spec instanceof LayerSpec.Biases b) {
        rows += b.times().length;
        width = next;
      } else if (spec instanceof LayerSpec.Multiplex m) {
        rows *= m.factor();
        width = next;
      } else {
        LayerSpec.Neuron n = (LayerSpec.Neuron) spec;
        double in = rows * n.size();
        params += in + n.size();
        synapses += in;
        widest = Math.max(widest, in);
        lastLayer = in;
        rows = n.size();
        width = 1;
      }
      outputs += rows * width;
    }
    double optimizer = t.optimizer() == Optimizer.ADAM ? 2 : t.momentum() > 0 ? 1 : 0;
    double weights = DOUBLE * ((3 + 2 * optimizer) * params + (t.epochNumber() + 1.0) * lastLayer);
    double batchBuffers = DOUBLE * (t.batchSize() * (2 * outputs + 4 * synapses)
        + t.batchSizeEval() * outputs + 2.0 * t.batchSize() * cfg.networkLayout().nInputs())
        + ROW * (t.batchSize() + t.batchSizeEval()) * specs.size();
    double threadScratch = (double) threads * 8 * DOUBLE * widest;
    double samples = BUILT_IN_SAMPLES.getOrDefault(cfg.datasetParams().name(), 0);
    double dataSet = samples * (cfg.networkLayout().nInputs() * DOUBLE + ROW + INT);
    return new MemoryEstimate((long) weights, (long) batchBuffers, (long) threadScratch, 0,
        (long) dataSet, true);
  }

  private static double nextNeuronSize(List<LayerSpec> specs, int l) {
    for (int k = l; k < specs.size(); k++) {
      if (specs.get(k) instanceof LayerSpec.Neuron n) {
        return n.size();
      }
    }
    return 1;
  }

  /** The estimate of a config of either schema. */
  public static MemoryEstimate of(AnyConfig cfg, int threads) {
    return cfg instanceof ExperimentConfig c ? of(c, threads)
        : of((DelgradExperiment) cfg, threads);
  }

  /** {@link #requireFitsThisJvm(ExperimentConfig, int)} for a config of either schema. */
  public static void requireFitsThisJvm(AnyConfig cfg, int threads) {
    of(cfg, threads).requireFits(Runtime.getRuntime().maxMemory(), cfg.source());
  }

  /** Bytes in all (Long.MAX_VALUE if that overflows). */
  public long total() {
    long sum = 0;
    for (long part : new long[] {weights, batchBuffers, threadScratch, dataSet}) {
      sum = sum > Long.MAX_VALUE - part ? Long.MAX_VALUE : sum + part;
    }
    return sum;
  }

  /** True if the run fits in {@code USABLE_FRACTION} of a heap of {@code maxMemory} bytes. */
  public boolean fits(long maxMemory) {
    return total() <= USABLE_FRACTION * maxMemory;
  }

  /**
   * Refuses the run unless it {@link #fits}: a {@link ConfigException} naming {@code source},
   * the key of the largest part, the figures and what would help.
   */
  public void requireFits(long maxMemory, String source) {
    if (fits(maxMemory)) {
      return;
    }
    Part largest = largest();
    throw new ConfigException(source, largest.key, "the run needs about " + size(total())
        + " of memory (weights and optimizer " + size(weights) + ", batch buffers "
        + size(batchBuffers) + ", thread scratch " + size(threadScratch) + ", data set "
        + size(dataSet) + "), this JVM may use " + size(maxMemory) + ": " + largest.advice
        + "give java more memory (-Xmx)");
  }

  /** The key to name when a part dominates, and what to change there. */
  private enum Part {
    WEIGHTS("network_layout.layer_sizes", "use smaller layer_sizes, or "),
    BATCH("training_params.batch_size", "use a smaller batch_size (or smaller layer_sizes), or "),
    EULER("training_params.resolution", "use a larger resolution (fewer Euler steps), or "),
    LAYERS("network_layout.layers", "use smaller layers (size, sharing factors), or "),
    DATA("dataset", "");

    final String key;
    final String advice;

    Part(String key, String advice) {
      this.key = key;
      this.advice = advice;
    }
  }

  private Part largest() {
    long max = Math.max(Math.max(weights, batchBuffers), Math.max(threadScratch, dataSet));
    if (layerList && max != dataSet && max != batchBuffers) {
      return Part.LAYERS;
    }
    if (max == batchBuffers) {
      return Part.BATCH;
    }
    if (max == dataSet) {
      return Part.DATA;
    }
    return max == threadScratch && eulerCharge > threadScratch / 2 ? Part.EULER : Part.WEIGHTS;
  }

  /**
   * {@link #requireFits} for this JVM ({@code Runtime.maxMemory()}), training on
   * {@code threads} threads: the check the CLI and the server make before a run starts.
   */
  public static void requireFitsThisJvm(ExperimentConfig cfg, int threads) {
    of(cfg, threads).requireFits(Runtime.getRuntime().maxMemory(), cfg.source());
  }

  /** "37.2 GiB", "512.0 MiB": binary units, as -Xmx counts them. */
  public static String size(long bytes) {
    double gib = bytes / (double) (1L << 30);
    if (gib >= 1) {
      return String.format(Locale.ROOT, "%.1f GiB", gib);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
  }
}
