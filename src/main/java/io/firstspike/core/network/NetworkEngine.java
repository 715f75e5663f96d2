package io.firstspike.core.network;

import io.firstspike.core.math.WeightRounding;
import io.firstspike.core.neuron.Variant;
import java.util.Arrays;

/**
 * Forward and backward passes of a whole {@link Network} over a batch, on several threads, with
 * results bit-identical for any number of threads.
 *
 * <p>Determinism: the batch is cut into chunks ({@value #CHUNK} samples forward, fewer at the end,
 * {@link #gradientChunk} backward) whose boundaries do not depend on the thread count. Forward
 * results are per sample anyway. Each backward chunk sums its weight gradients in sample order
 * into its own buffer; the chunks are then added in chunk order.
 *
 * <p>The weights are read live from {@code net.weights(l)} at every {@link #forward} (an optimizer
 * updates them in place between calls). With {@code roundingPrecision} p > 0 the passes use a
 * per-call copy rounded to multiples of p (round half to even), the network keeps the unrounded
 * ones. {@link #backward} uses the weights its {@link ForwardResult} was computed with, so call it
 * before the weights change. Not for concurrent use by several callers (methods synchronize).
 *
 * <p>Each layer's forward and backward pass is chosen once, by the options' {@link PassPolicy},
 * from the layer's {@link LayerComputation}; each thread has its own {@link LayerScratch}.
 */
public final class NetworkEngine implements AutoCloseable {
  /** Samples per chunk: the unit of work and of the fixed-order gradient reduction. */
  static final int CHUNK = 8;

  /** Most chunks the backward pass cuts a batch into (see {@link #gradientChunk}). */
  static final int GRADIENT_CHUNKS = 4;

  /**
   * How the engine simulates.
   *
   * @param maxDwNorm per-sample, per-neuron gradient clipping bound ({@code max_dw_norm});
   *     {@link Double#POSITIVE_INFINITY} disables clipping
   * @param useForwardIntegrator Euler forward pass instead of the closed form (section 6)
   * @param simTime simulated time of the Euler pass ({@code sim_time})
   * @param resolution Euler step ({@code resolution})
   * @param roundingPrecision p > 0 rounds the weights the passes use to multiples of p; 0 = off
   * @param passes which layer passes run ({@link PassPolicy#FASTEST} unless checking)
   */
  public record EngineOptions(double maxDwNorm, boolean useForwardIntegrator, double simTime,
      double resolution, double roundingPrecision, PassPolicy passes) {
    /** Options with the fastest passes. */
    public EngineOptions(double maxDwNorm, boolean useForwardIntegrator, double simTime,
        double resolution, double roundingPrecision) {
      this(maxDwNorm, useForwardIntegrator, simTime, resolution, roundingPrecision,
          PassPolicy.FASTEST);
    }

    public EngineOptions {
      if (passes == null) {
        throw new IllegalArgumentException("engine options: passes must be a PassPolicy "
            + "(FASTEST or REFERENCE), got null");
      }
      if (!(maxDwNorm >= 0)) {
        throw new IllegalArgumentException("max_dw_norm must be >= 0 (Infinity = no clipping), got "
            + maxDwNorm);
      }
      if (useForwardIntegrator && !(simTime > 0 && resolution > 0 && Double.isFinite(simTime)
          && Double.isFinite(resolution))) {
        throw new IllegalArgumentException("use_forward_integrator needs finite sim_time > 0 and "
            + "resolution > 0, got sim_time " + simTime + ", resolution " + resolution);
      }
      if (!(roundingPrecision >= 0 && Double.isFinite(roundingPrecision))) {
        throw new IllegalArgumentException("rounding_precision must be a finite number >= 0 "
            + "(0 = off), got " + roundingPrecision);
      }
    }

    /** max_dw_norm 0.2, closed form (Euler settings sim_time 3.0, resolution 0.01 unused), no rounding. */
    public static EngineOptions defaults() {
      return new EngineOptions(0.2, false, 3.0, 0.01, 0.0);
    }
  }

  private final Network net;
  private final EngineOptions options;
  private final ChunkExecutor<Worker> executor;
  private final Worker[] workers;
  /** Per layer, its forward and backward pass (chosen once, by the options' policy). */
  private final LayerPass.Forward[] forwardPasses;

  private final LayerPass.Backward[] backwardPasses;
  /**
   * Per layer, the weights' column sums and row copies, refilled by every forward pass (only the
   * forward pass reads them, so one set serves all results; for full MNIST a fresh copy per
   * batch was 2.2 MB of garbage).
   */
  private final PreparedWeights[] prepared;
  /** Per chunk, per layer gradient buffers, grown on demand and reused. */
  private double[][][] chunkGrads = new double[0][][];

  /** Scratch of one thread. */
  private static final class Worker {
    final LayerScratch scratch;
    final double[] deltaA;
    final double[] deltaB;

    Worker(Network net) {
      scratch = new LayerScratch(net.params());
      int max = 0;
      for (int l = 0; l < net.nLayers(); l++) {
        max = Math.max(max, Math.max(net.rowsOf(l), net.layerSize(l)));
      }
      deltaA = new double[max];
      deltaB = new double[max];
    }
  }

  /**
   * @param threads worker threads (1 = run on the calling thread)
   * @throws IllegalArgumentException for threads < 1, or a layer no pass of the policy supports
   */
  public NetworkEngine(Network net, EngineOptions options, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.net = net;
    this.options = options;
    this.workers = new Worker[threads];
    for (int t = 0; t < threads; t++) {
      workers[t] = new Worker(net);
    }
    int layers = net.nLayers();
    this.forwardPasses = new LayerPass.Forward[layers];
    this.backwardPasses = new LayerPass.Backward[layers];
    this.prepared = new PreparedWeights[layers];
    PassPolicy policy = options.passes();
    for (int l = 0; l < layers; l++) {
      LayerComputation computation = computation(l);
      forwardPasses[l] = policy.forward(computation);
      backwardPasses[l] = policy.backward(computation, l == 0);
      for (LayerPass p : new LayerPass[] {forwardPasses[l], backwardPasses[l]}) {
        if (!p.supports(computation)) {
          throw new IllegalArgumentException("layer " + l + ": " + policy + " chose the pass "
              + p.name() + ", which does not support " + computation);
        }
      }
      prepared[l] = new PreparedWeights(net.rowsOf(l), net.layerSize(l),
          policy.preparesRows(computation));
    }
    this.executor = new ChunkExecutor<>(workers);
  }

  /** What layer l computes. */
  private LayerComputation computation(int l) {
    LayerComputation computation =
        LayerComputation.release2021(net.params(), net.rowsOf(l), net.layerSize(l));
    return options.useForwardIntegrator()
        ? computation.withEuler(
            new LayerComputation.EulerGrid(options.simTime(), options.resolution()))
        : computation;
  }

  /** Layer l's prepared weights as the last forward pass left them (for tests). */
  PreparedWeights prepared(int l) {
    return prepared[l];
  }

  /** The names of layer l's forward and backward pass, e.g. "blocked/deferred-rows". */
  public String passNames(int l) {
    return forwardPasses[l].name() + "/" + backwardPasses[l].name();
  }

  /**
   * Spikes of the Euler forward pass that the backward passes so far skipped because their
   * causal set has no closed-form crossing (see {@link LayerScratch#integratorSkips}); always 0
   * with the exact forward pass. Read it between calls, not during one.
   */
  public long integratorSkips() {
    long n = 0;
    for (Worker w : workers) {
      n += w.scratch.integratorSkips();
    }
    return n;
  }

  public Network network() {
    return net;
  }

  public EngineOptions options() {
    return options;
  }

  /**
   * Forward pass for training: all layers' times plus what {@link #backward} needs.
   *
   * @param inputs [B][nInputs] input spike times (+Infinity = silent); bias inputs are appended
   */
  public synchronized ForwardResult forward(double[][] inputs) {
    return run(inputs, true);
  }

  /** Forward pass without the backward caches (less memory): times only, no {@link #backward}. */
  public synchronized ForwardResult forwardTimes(double[][] inputs) {
    return run(inputs, false);
  }

  /** Label-layer output times [B][nOutputs] (inference). */
  public synchronized double[][] labelTimes(double[][] inputs) {
    ForwardResult r = forwardTimes(inputs);
    double[][] times = r.labelTimes();
    recycle(r);
    return times;
  }

  /**
   * Hands a result back: the engine marks it released (its methods, and {@link #backward} with
   * it, then throw) and the next pass of the same batch size and kind overwrites its buffers
   * instead of allocating new ones. For Yin-Yang those were 1.2 MB per batch, allocated and
   * zeroed on the calling thread while the other threads waited: 130 us of a 1.6 ms step on two
   * threads. Optional: a result that is not handed back is simply left to the garbage collector.
   *
   * @throws IllegalArgumentException for a result of another engine
   */
  public synchronized void recycle(ForwardResult r) {
    if (r.engine != this) {
      throw new IllegalArgumentException("recycle: this ForwardResult was made by another engine");
    }
    r.released = true;
    spare[r.state.caches != null ? 1 : 0] = r;
  }

  /**
   * The result last handed to {@link #recycle}, per kind: [0] times only ({@link #forwardTimes}),
   * [1] with backward caches ({@link #forward}); a trainer alternates the two.
   */
  private final ForwardResult[] spare = new ForwardResult[2];

  private ForwardResult run(double[][] inputs, boolean withCache) {
    int kind = withCache ? 1 : 0;
    ForwardResult r = spare[kind] != null && spare[kind].state.batch == inputs.length
        ? spare[kind]
        : new ForwardResult(this, new EngineBatch(net, inputs, usedWeights(), withCache,
            net.params().variant() == Variant.ET && !options.useForwardIntegrator()));
    if (r == spare[kind]) {
      spare[kind] = null;
      r.state.reuse(inputs, usedWeights());
      r.released = false;
    }
    EngineBatch st = r.state;
    for (int l = 0; l < prepared.length; l++) {
      prepared[l].load(st.weights[l]);
    }
    // copying and summing the weights in parallel where they are many (full MNIST: 278k)
    int parts = st.weightCount() >= PARALLEL_REDUCTION_FROM ? REDUCTION_PARTS : 1;
    executor.run(parts, (w, part) -> {
      for (PreparedWeights p : prepared) {
        p.prepareRows(part, parts);
      }
    });
    executor.run(parts, (w, part) -> {
      for (PreparedWeights p : prepared) {
        p.sumColumns(part, parts);
      }
    });
    st.bind(prepared, options.maxDwNorm());
    int b = inputs.length;
    executor.run(chunks(b), (w, chunk) -> {
      for (int s = chunkStart(b, chunk), end = chunkStart(b, chunk + 1); s < end; s++) {
        forwardSample(w.scratch, st, s);
      }
    });
    return r;
  }

  private void forwardSample(LayerScratch scratch, EngineBatch st, int s) {
    for (int l = 0; l < st.layers; l++) {
      double[] in = st.inputs[l][s];
      int real = net.inputsOf(l);
      System.arraycopy(l == 0 ? st.source[s] : st.outputs[l - 1][s], 0, in, 0, real);
      System.arraycopy(st.biasTimes[l], 0, in, real, st.biasTimes[l].length);
      forwardPasses[l].forward(st.layer[l], s, scratch);
    }
  }

  /**
   * Backward pass: propagates dL/dT of the label layer down through all layers and returns the
   * weight gradient of every layer, summed over the batch, clipped per {@code maxDwNorm}.
   *
   * @param labelDelta [B][nOutputs] dL/dT of the label times (NaN counts as 0)
   * @return per layer, row-major like {@link Network#weights(int)}
   * @throws ArithmeticException if a gradient or propagated error is not finite
   */
  public synchronized double[][] backward(ForwardResult fwd, double[][] labelDelta) {
    fwd.requireLive();
    EngineBatch st = fwd.state;
    if (st.caches == null) {
      throw new IllegalStateException("backward needs a ForwardResult from forward(), not from "
          + "forwardTimes()/labelTimes(), which keep no backward caches");
    }
    int b = st.batch;
    int k = net.nOutputs();
    if (labelDelta.length != b) {
      throw new IllegalArgumentException("labelDelta has " + labelDelta.length
          + " rows; the forward batch has " + b);
    }
    for (int s = 0; s < b; s++) {
      if (labelDelta[s].length != k) {
        throw new IllegalArgumentException("labelDelta[" + s + "] has " + labelDelta[s].length
            + " entries; expected one per label neuron (" + k + ")");
      }
    }
    int size = gradientChunk(b);
    int nChunks = (b + size - 1) / size;
    ensureChunkGrads(nChunks);
    int layers = net.nLayers();
    LayerPass.Backward[] passes = backwardPasses;
    executor.run(nChunks, (w, chunk) -> {
      double[][] grads = chunkGrads[chunk];
      for (int l = 0; l < grads.length; l++) {
        // a pass that writes the whole buffer at the chunk's end (the deferred first layer)
        // needs no zeros first
        if (!passes[l].overwritesGradient()) {
          Arrays.fill(grads[l], 0.0);
        }
        passes[l].beginChunk(w.scratch);
      }
      for (int s = chunk * size, end = Math.min(b, s + size); s < end; s++) {
        double[] delta = w.deltaA;
        double[] next = w.deltaB;
        System.arraycopy(labelDelta[s], 0, delta, 0, k);
        for (int l = layers - 1; l >= 0; l--) {
          passes[l].backward(st.layer[l], s, delta, grads[l], l > 0 ? next : null, w.scratch);
          double[] t = delta;
          delta = next;
          next = t;
        }
      }
      for (int l = 0; l < grads.length; l++) {
        passes[l].endChunk(grads[l], w.scratch);
      }
    });
    double[][] result = new double[layers][];
    for (int l = 0; l < layers; l++) {
      result[l] = new double[net.rowsOf(l) * net.layerSize(l)];
    }
    // The chunks' gradients added in chunk order per weight (the same bits on any thread count),
    // cut into ranges of weights that run in parallel (serial, the other threads would wait).
    long weights = 0;
    for (double[] r : result) {
      weights += r.length;
    }
    // small networks (Yin-Yang: 963 weights) add serially: a hand-off would cost more
    int parts = weights * nChunks >= PARALLEL_REDUCTION_FROM ? REDUCTION_PARTS : 1;
    executor.run(parts, (w, part) -> {
      for (int l = 0; l < layers; l++) {
        double[] sum = result[l];
        int from = (int) ((long) sum.length * part / parts);
        int to = (int) ((long) sum.length * (part + 1) / parts);
        for (int c = 0; c < nChunks; c++) {
          double[] g = chunkGrads[c][l];
          for (int p = from; p < to; p++) {
            sum[p] += g[p];
          }
        }
      }
    });
    return result;
  }

  /** Ranges of weights the gradient reduction is cut into (a few per thread). */
  private static final int REDUCTION_PARTS = 8;

  /** Additions (weights x chunks) from which the reduction runs on several threads. */
  private static final long PARALLEL_REDUCTION_FROM = 50_000;

  private void ensureChunkGrads(int nChunks) {
    if (chunkGrads.length >= nChunks) {
      return;
    }
    double[][][] grown = Arrays.copyOf(chunkGrads, nChunks);
    for (int c = chunkGrads.length; c < nChunks; c++) {
      grown[c] = new double[net.nLayers()][];
      for (int l = 0; l < net.nLayers(); l++) {
        grown[c][l] = new double[net.rowsOf(l) * net.layerSize(l)];
      }
    }
    chunkGrads = grown;
  }

  /**
   * Samples per chunk of the backward pass: at least {@value #CHUNK}, and few enough chunks
   * (at most {@value #GRADIENT_CHUNKS}) that zeroing and adding the per-chunk gradient buffers,
   * one full weight matrix each, stays small next to the gradients themselves (for full MNIST
   * these buffers cost 15% of a step with chunks of 8). Depends on the batch size only, so the
   * reduction order, and with it every bit, is the same for any number of threads.
   */
  public static int gradientChunk(int batch) {
    return Math.max(CHUNK, (batch + GRADIENT_CHUNKS - 1) / GRADIENT_CHUNKS);
  }

  /**
   * Forward chunks: {@value #CHUNK} samples each, except the last {@value #TAIL} samples of a
   * batch, which go in chunks of {@value #TAIL_CHUNK}, so that the threads run out of work at
   * nearly the same time. A full-MNIST chunk of 8 is about 2.4 ms of forward pass; measured (A/B,
   * two threads, trained network): -3% time per sample; Yin-Yang unchanged.
   */
  static int chunks(int batch) {
    int big = bigChunks(batch);
    return big + (batch - big * CHUNK + TAIL_CHUNK - 1) / TAIL_CHUNK;
  }

  private static final int TAIL = 16;

  private static final int TAIL_CHUNK = 2;

  private static int bigChunks(int batch) {
    return Math.max(0, (batch - TAIL) / CHUNK);
  }

  /** First sample of forward chunk c (c = chunks(batch) gives the batch size). */
  static int chunkStart(int batch, int c) {
    int big = bigChunks(batch);
    return c <= big ? c * CHUNK : Math.min(batch, big * CHUNK + (c - big) * TAIL_CHUNK);
  }

  /** The live weights, or a rounded copy: p * round(w / p) (WeightRounding). */
  private double[][] usedWeights() {
    double p = options.roundingPrecision();
    double[][] w = new double[net.nLayers()][];
    for (int l = 0; l < w.length; l++) {
      double[] live = net.weights(l);
      if (p > 0) {
        w[l] = WeightRounding.roundedCopy(live, p);
      } else {
        w[l] = live;
      }
    }
    return w;
  }

  /**
   * Runs {@code part.accept(p)} for p in [0, parts) on the engine's threads and returns when all
   * are done (for element-wise work outside the passes, such as the optimizer step). Not while a
   * pass of this engine runs.
   */
  public synchronized void runParts(int parts, java.util.function.IntConsumer part) {
    executor.run(parts, (w, p) -> part.accept(p));
  }

  @Override
  public void close() {
    executor.close();
  }
}
