package io.firstspike.core.layer;

import io.firstspike.core.layer.NoiseSource.Kind;
import io.firstspike.core.optim.RangeRunner;
import java.util.List;
import java.util.Map;

/**
 * {@code DelayAxonal}, {@code DelaySynaptic}, {@code DelayDendritic} (DELGRAD-MODEL.md section 2):
 * trainable transmission delays between N inputs and the M neurons of the next neuron layer.
 *
 * <p>Effective delays: E = positivity(raw) of the raw shape [r][c] ({@link DelayType}), tiled so
 * that synapse (i, j) uses E[i mod r][j mod c].
 *
 * <pre>
 *   forward:   t_bij = x_bij + E[i mod r][j mod c]  (+ jitter n_bij, n ~ N(0,1) per call)
 *              a 2-D input x_bi is first broadcast to every j; +Infinity stays +Infinity
 *   backward:  dL/draw[p][q] = positivity'(raw[p][q]) * sum over synapses (i, j) with
 *                              i mod r = p, j mod c = q of sum_b dL/dt_bij
 *              dL/dx_bij = dL/dt_bij   (2-D input: dL/dx_bi = sum_j dL/dt_bij)
 * </pre>
 *
 * The delay gradient is a sum over the batch (no mean, no clipping); jitter, being additive,
 * does not enter it. {@link #rectify()} applies the positivity's rectification to the raw tensor
 * (at construction and after every optimizer step, never inside a pass).
 */
public final class DelayLayer implements Layer {
  private final int index;
  private final DelayType type;
  private final LayerShape inputShape;
  private final int n;
  private final int m;
  private final int rawRows;
  private final int rawCols;
  private final Positivity positivity;
  private final double jitter;
  private final boolean trainable;
  private final double[] raw;

  /**
   * @param m neurons of the next neuron layer (M_next)
   * @param raw the raw parameters, row-major [rawRows][rawCols]; kept (live), not copied
   * @throws IllegalArgumentException if N or M is not divisible by its sharing factor, or raw has
   *     the wrong length
   */
  public DelayLayer(int index, LayerSpec.Delay spec, LayerShape inputShape, int m, double[] raw) {
    this.index = index;
    this.type = spec.type();
    this.inputShape = inputShape;
    this.n = inputShape.rows();
    this.m = m;
    String name = "layer " + index + " (" + type.configName() + ")";
    if (n % spec.presynSharing() != 0 || m % spec.postsynSharing() != 0) {
      throw new IllegalArgumentException(name + ": " + n + " inputs and " + m
          + " neurons must be divisible by presyn_sharing_factor " + spec.presynSharing()
          + " and postsyn_sharing_factor " + spec.postsynSharing());
    }
    if (!inputShape.perInput() && inputShape.synapses() != m) {
      throw new IllegalArgumentException(name + ": input shape " + inputShape
          + " has synapses for " + inputShape.synapses() + " neurons; the next neuron layer has "
          + m);
    }
    this.rawRows = type.rawRows(n, spec.presynSharing());
    this.rawCols = type.rawCols(m, spec.postsynSharing());
    if (raw.length != rawRows * rawCols) {
      throw new IllegalArgumentException(Parameter.delaysName(index) + " must have shape ["
          + rawRows + "][" + rawCols + "] (" + rawRows * rawCols + " values), got "
          + raw.length);
    }
    this.positivity = spec.positivity();
    this.jitter = spec.jitter();
    this.trainable = spec.trainable();
    this.raw = raw;
  }

  @Override
  public int index() {
    return index;
  }

  public DelayType type() {
    return type;
  }

  public Positivity positivity() {
    return positivity;
  }

  @Override
  public LayerShape inputShape() {
    return inputShape;
  }

  @Override
  public LayerShape outputShape() {
    return new LayerShape(n, m);
  }

  /** The live raw parameters, row-major [rawRows][rawCols]. */
  public double[] raw() {
    return raw;
  }

  public int rawRows() {
    return rawRows;
  }

  public int rawCols() {
    return rawCols;
  }

  /** The effective delay of synapse (i, j). */
  public double effectiveDelay(int i, int j) {
    return positivity.effective(raw[(i % rawRows) * rawCols + (j % rawCols)]);
  }

  /**
   * The tiled effective delays E'' of HEAD's {@code effective_delays}: {@code [N][1]} axonal,
   * {@code [N][M]} synaptic, {@code [1][M]} dendritic.
   */
  public double[][] effectiveDelays() {
    double[][] e = new double[type.tiledRows(n)][type.tiledCols(m)];
    for (int i = 0; i < e.length; i++) {
      for (int j = 0; j < e[i].length; j++) {
        e[i][j] = effectiveDelay(i, j);
      }
    }
    return e;
  }

  /** Applies the positivity's rectification to the raw parameters, in place. */
  public void rectify() {
    positivity.rectify(raw);
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(new Parameter(Parameter.delaysName(index), index,
        new int[] {rawRows, rawCols}, raw, trainable));
  }

  @Override
  public BatchTensor forward(BatchTensor in, NoiseSource noise, RangeRunner threads,
      PassBuffers buffers) {
    requireInput(in);
    int batch = in.batch();
    double[] delays = buffers.array(index, PassBuffers.Slot.DELAYS, n * m);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        delays[i * m + j] = effectiveDelay(i, j);
      }
    }
    BatchTensor output = buffers.tensor(index, PassBuffers.Slot.OUTPUT, batch, n, m);
    double[] out = output.values(); // every value is written below
    double[] draws = null;
    if (jitter != 0) {
      draws = buffers.array(index, PassBuffers.Slot.JITTER, out.length);
      java.util.Arrays.fill(draws, 0.0); // as a fresh array, should a source skip an entry
      noise.fill(Kind.DELAY_JITTER, index, jitter, draws); // on the calling thread, in order
    }
    double[] x = in.values();
    double[] jitterDraws = draws;
    SampleChunks.run(batch, threads, (chunk, from, to) -> {
      for (int b = from; b < to; b++) {
        for (int i = 0; i < n; i++) {
          int row = (b * n + i) * m;
          if (in.shared()) {
            double xi = x[b * n + i];
            for (int j = 0; j < m; j++) {
              out[row + j] = xi + delays[i * m + j];
            }
          } else {
            for (int j = 0; j < m; j++) {
              out[row + j] = x[row + j] + delays[i * m + j];
            }
          }
          if (jitterDraws != null) {
            for (int j = 0; j < m; j++) {
              out[row + j] += jitterDraws[row + j];
            }
          }
        }
      }
    });
    return output;
  }

  @Override
  public BatchTensor backward(BatchTensor in, BatchTensor out, BatchTensor gradOut,
      RangeRunner threads, Map<String, double[]> grads, PassBuffers buffers) {
    return backwardWithPenalty(in, gradOut, null, null, threads, grads, buffers);
  }

  /**
   * The backward pass with the gradient of a penalty on the delays themselves (the loss's
   * {@code l2_delay}), which enters the raw gradient besides the per-synapse errors:
   *
   * <pre>
   *   dL/draw[p][q] = positivity'(raw[p][q]) * sum over (i, j) sharing [p][q] of
   *                   (sum_b dL/dt_bij + dR/dE''_ij)   +   dR/draw[p][q]
   * </pre>
   *
   * where dR/dE'' is given on the tiled effective delays E'' ({@link #effectiveDelays()}: a
   * synapse (i, j) of an axonal layer uses E''_i0, of a dendritic layer E''_0j), so the chain
   * through the tiling and the positivity is this layer's business.
   *
   * @param effectivePenalty dR/dE'' flattened row-major like {@link #effectiveDelays()}, or null
   * @param rawPenalty dR/draw, shaped like the raw parameters, or null
   * @param buffers where dL/d(in) of a width-1 input comes from ({@link Layer#backward})
   */
  public BatchTensor backwardWithPenalty(BatchTensor in, BatchTensor gradOut,
      double[] effectivePenalty, double[] rawPenalty, RangeRunner threads,
      Map<String, double[]> grads, PassBuffers buffers) {
    if (gradOut.width() != m || gradOut.rows() != n) {
      throw new IllegalArgumentException("layer " + index + ": gradient " + gradOut
          + " does not match the output [" + n + "][" + m + "]");
    }
    int tiled = type.tiledRows(n) * type.tiledCols(m);
    if (effectivePenalty != null && effectivePenalty.length != tiled) {
      throw new IllegalArgumentException("layer " + index + ": the delay penalty's gradient has "
          + effectivePenalty.length + " values; the effective delays have " + tiled);
    }
    if (rawPenalty != null && rawPenalty.length != raw.length) {
      throw new IllegalArgumentException("layer " + index + ": the raw delay penalty's gradient "
          + "has " + rawPenalty.length + " values; the raw delays have " + raw.length);
    }
    if (trainable) {
      grads.put(Parameter.delaysName(index),
          rawGradient(gradOut, effectivePenalty, rawPenalty, threads));
    }
    if (!in.shared()) {
      return gradOut;
    }
    BatchTensor g = buffers.tensor(index, PassBuffers.Slot.INPUT_GRADIENT, in.batch(), n, 1);
    double[] go = gradOut.values(); // every value of g is set below
    SampleChunks.run(in.batch(), threads, (chunk, from, to) -> {
      for (int b = from; b < to; b++) {
        for (int i = 0; i < n; i++) {
          double sum = 0;
          int row = (b * n + i) * m;
          for (int j = 0; j < m; j++) {
            sum += go[row + j];
          }
          g.values()[b * n + i] = sum;
        }
      }
    });
    return g;
  }

  /** Parts of the per-synapse sum over the batch: each sums its synapses over every sample. */
  private static final int SYNAPSE_PARTS = 8;

  /**
   * dL/draw: over the batch, then the penalty on E'' (at the first synapse that uses each E''
   * entry), over the synapses sharing each raw entry, the positivity's chain, the raw penalty.
   */
  private double[] rawGradient(BatchTensor gradOut, double[] effectivePenalty,
      double[] rawPenalty, RangeRunner threads) {
    int size = n * m;
    double[] perSynapse = new double[size];
    double[] go = gradOut.values();
    // each synapse's sum runs over b = 0, 1, ... whatever the parts: the same bits on any threads
    threads.run(SYNAPSE_PARTS, part -> {
      int from = RangeRunner.from(size, part, SYNAPSE_PARTS);
      int to = RangeRunner.from(size, part + 1, SYNAPSE_PARTS);
      for (int b = 0; b < gradOut.batch(); b++) {
        for (int k = from; k < to; k++) {
          perSynapse[k] += go[b * size + k];
        }
      }
    });
    if (effectivePenalty != null) {
      int cols = type.tiledCols(m);
      for (int k = 0; k < effectivePenalty.length; k++) {
        perSynapse[(k / cols) * m + k % cols] += effectivePenalty[k];
      }
    }
    double[] g = new double[raw.length];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        g[(i % rawRows) * rawCols + (j % rawCols)] += perSynapse[i * m + j];
      }
    }
    for (int k = 0; k < g.length; k++) {
      g[k] *= positivity.derivative(raw[k]);
      if (rawPenalty != null) {
        g[k] += rawPenalty[k];
      }
    }
    return g;
  }
}
