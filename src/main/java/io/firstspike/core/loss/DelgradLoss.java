package io.firstspike.core.loss;

import io.firstspike.core.loss.DelgradRegulariser.DelaySource;
import io.firstspike.core.loss.DelgradRegulariser.EarlyOutput;
import io.firstspike.core.loss.DelgradRegulariser.L2Delay;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The batch loss of a new-schema (DelGrad, the original's HEAD) config: a base {@link
 * DelgradObjective}, the listed {@link DelgradRegulariser}s, and HEAD's rule for silent samples
 * (DELGRAD-MODEL.md section 5). Old-schema configs keep {@link TtfsLoss} / {@link MseLoss}.
 *
 * <p>Per sample b, with u_b its weight in the batch mean:
 *
 * <pre>
 *   L_b = objective(t_b, y_b) + sum of the regularisers (in list order)
 *   replaced: L_b = +Infinity or t_(b,y_b) = +Infinity  ->  L_b := 100, u_b := 0
 *   otherwise u_b = 1 / B
 *   loss = (1 / B) * sum_b L_b                    (replaced samples included, as 100)
 *   raw dloss/dt_bk = u_b * dL_b/dt_bk            (IEEE: NaN where a replaced sample's derivative is not finite)
 *   dloss/dt_bk     = raw, with NaN -> 0          (what the label layer's backward receives)
 *   dloss/dd_i      = (kept / B) * alpha * 2 d_i / n_d   (l2_delay; kept = samples not replaced)
 * </pre>
 *
 * A NaN time other than through +Infinity is not a silent neuron: it is not replaced, makes the
 * loss NaN, and the training loop reports it.
 *
 * <p>Call order in a training step: {@link #select} on the forward's label times (before the
 * weight-bumping check), then, for a batch that is not bumped, {@link #compute} with the current
 * delay vectors when {@link #delaySources} is not empty; hand {@link Result#gradient} to the label
 * layer's backward and {@link Result#delayGradient} to the Delay layers (see {@link
 * DelaySource}).
 */
public final class DelgradLoss {
  private final DelgradObjective objective;
  private final List<DelgradRegulariser> regularisers;

  /**
   * @param objective the base loss ({@code training_params.loss.type})
   * @param regularisers {@code training_params.loss.regulariser}, in config order (may be empty)
   */
  public DelgradLoss(DelgradObjective objective, List<DelgradRegulariser> regularisers) {
    if (objective == null) {
      throw new IllegalArgumentException("training_params.loss: the loss type is missing");
    }
    this.objective = objective;
    this.regularisers = List.copyOf(regularisers);
  }

  /** A loss without regularisers. */
  public DelgradLoss(DelgradObjective objective) {
    this(objective, List.of());
  }

  public DelgradObjective objective() {
    return objective;
  }

  public List<DelgradRegulariser> regularisers() {
    return regularisers;
  }

  /** The delay vectors {@link #compute} needs (empty without {@code l2_delay}). */
  public Set<DelaySource> delaySources() {
    Set<DelaySource> out = EnumSet.noneOf(DelaySource.class);
    for (DelgradRegulariser r : regularisers) {
      if (r instanceof L2Delay l2) {
        out.add(l2.source());
      }
    }
    return out;
  }

  /** The selected class of one sample, -1 if none. */
  public int select(double[] labelTimes) {
    return objective.select(labelTimes);
  }

  /** The selected class of every sample of a batch. */
  public int[] selectAll(double[][] labelTimes) {
    int[] out = new int[labelTimes.length];
    for (int b = 0; b < out.length; b++) {
      out[b] = select(labelTimes[b]);
    }
    return out;
  }

  /**
   * Delay vectors for the {@code l2_delay} regulariser, one flattened row-major array per Delay
   * layer in layer order. A list the loss does not need may be empty.
   *
   * @param effective the tiled effective delays E'' of each Delay layer
   * @param raw the raw {@code _delay_parameters} of each Delay layer
   */
  public record DelayVectors(List<double[]> effective, List<double[]> raw) {
    public static final DelayVectors NONE = new DelayVectors(List.of(), List.of());

    public DelayVectors {
      effective = List.copyOf(effective);
      raw = List.copyOf(raw);
    }

    public static DelayVectors effective(List<double[]> effective) {
      return new DelayVectors(effective, List.of());
    }

    public static DelayVectors raw(List<double[]> raw) {
      return new DelayVectors(List.of(), raw);
    }

    List<double[]> of(DelaySource s) {
      return s == DelaySource.EFFECTIVE ? effective : raw;
    }
  }

  /**
   * dloss/dd for the delay vectors passed to {@link #compute}, shaped like them: {@code effective}
   * goes into each Delay layer's dL/dE'' before sharing and positivity, {@code raw} straight into
   * its raw parameter gradient (see {@link DelaySource}). An empty list: nothing to add.
   */
  public record DelayGradient(List<double[]> effective, List<double[]> raw) {
    public DelayGradient {
      effective = List.copyOf(effective);
      raw = List.copyOf(raw);
    }
  }

  /**
   * One batch's loss.
   *
   * @param loss the batch loss, mean of {@code sampleLosses}
   * @param sampleLosses L_b per sample, after the replacement (100 for replaced samples)
   * @param replaced the samples whose loss was replaced by 100 (they give no gradient)
   * @param rawGradient dloss/dt [B][K] as the original's autograd produces it, NaN included
   * @param gradient {@code rawGradient} with NaN replaced by 0: the label layer's upstream error
   * @param delayGradient dloss/dd of the {@code l2_delay} terms
   */
  public record Result(
      double loss,
      double[] sampleLosses,
      boolean[] replaced,
      double[][] rawGradient,
      double[][] gradient,
      DelayGradient delayGradient) {

    /** Number of samples that were not replaced. */
    public int keptSamples() {
      int n = 0;
      for (boolean r : replaced) {
        n += r ? 0 : 1;
      }
      return n;
    }
  }

  /**
   * The loss of a batch without {@code l2_delay}.
   *
   * @throws IllegalArgumentException if the loss has an {@code l2_delay} term (it needs the
   *     delays), or shapes or labels are wrong
   */
  public Result compute(double[][] labelTimes, int[] labels) {
    return compute(labelTimes, labels, DelayVectors.NONE);
  }

  /**
   * The loss of a batch, its gradient with respect to the label times and, for {@code l2_delay},
   * with respect to the delays.
   *
   * @param labelTimes label-layer output times [B][K] (+Infinity = no spike)
   * @param labels true class per sample, 0 <= y < K
   * @param delays the delay vectors named by {@link #delaySources}
   * @throws IllegalArgumentException naming the sample, label or delay list that is wrong
   */
  public Result compute(double[][] labelTimes, int[] labels, DelayVectors delays) {
    int nClasses = LossSupport.checkShapes(labelTimes, labels, null);
    int batch = labelTimes.length;
    // The l2_delay terms are the same for every sample: evaluate them once, in list position.
    double[] batchTerms = new double[regularisers.size()];
    for (int i = 0; i < batchTerms.length; i++) {
      if (regularisers.get(i) instanceof L2Delay l2) {
        batchTerms[i] = l2.value(requireDelays(delays, l2.source()));
      }
    }
    double[] losses = new double[batch];
    boolean[] replaced = new boolean[batch];
    double[][] raw = new double[batch][nClasses];
    double weight = 1.0 / batch;
    double total = 0;
    int kept = 0;
    for (int b = 0; b < batch; b++) {
      double[] t = labelTimes[b];
      int y = labels[b];
      double lb = objective.value(t, y);
      for (int i = 0; i < batchTerms.length; i++) {
        lb += regularisers.get(i) instanceof EarlyOutput e ? e.value(t[y]) : batchTerms[i];
      }
      replaced[b] = lb == Double.POSITIVE_INFINITY || t[y] == Double.POSITIVE_INFINITY;
      losses[b] = replaced[b] ? Loss.MISSING_SPIKE_LOSS : lb;
      total += losses[b];
      kept += replaced[b] ? 0 : 1;
      double u = replaced[b] ? 0.0 : weight;
      objective.addGradient(t, y, u, raw[b]);
      for (DelgradRegulariser r : regularisers) {
        if (r instanceof EarlyOutput e) {
          raw[b][y] += u * e.derivative(t[y]);
        }
      }
    }
    double[][] gradient = new double[batch][];
    for (int b = 0; b < batch; b++) {
      gradient[b] = raw[b].clone();
      for (int k = 0; k < nClasses; k++) {
        if (Double.isNaN(gradient[b][k])) {
          gradient[b][k] = 0.0;
        }
      }
    }
    return new Result(total / batch, losses, replaced, raw, gradient,
        delayGradient(delays, (double) kept / batch));
  }

  private DelayGradient delayGradient(DelayVectors delays, double keptShare) {
    List<double[]> effective = new ArrayList<>();
    List<double[]> raw = new ArrayList<>();
    for (DelgradRegulariser r : regularisers) {
      if (r instanceof L2Delay l2) {
        List<double[]> target = l2.source() == DelaySource.EFFECTIVE ? effective : raw;
        List<double[]> g = l2.gradient(delays.of(l2.source()), keptShare);
        if (target.isEmpty()) {
          target.addAll(g);
        } else {
          for (int i = 0; i < g.size(); i++) {
            double[] sum = target.get(i);
            for (int j = 0; j < sum.length; j++) {
              sum[j] += g.get(i)[j];
            }
          }
        }
      }
    }
    return new DelayGradient(effective, raw);
  }

  private static List<double[]> requireDelays(DelayVectors delays, DelaySource source) {
    List<double[]> d = delays.of(source);
    if (d.isEmpty()) {
      throw new IllegalArgumentException(
          "loss: the l2_delay regulariser (use_effective_delays: "
              + (source == DelaySource.EFFECTIVE) + ") needs the "
              + (source == DelaySource.EFFECTIVE ? "effective" : "raw")
              + " delays of every Delay layer; none were passed");
    }
    return d;
  }
}
