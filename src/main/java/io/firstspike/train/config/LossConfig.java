package io.firstspike.train.config;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import java.util.List;

/**
 * The {@code training_params.loss} section: which loss the label layer's spike times are trained
 * with, chosen by {@code type}. The two schemas share the section but not the numbers
 * (TTFS-MODEL.md section 4, DELGRAD-MODEL.md sections 0 and 5): the 2021 TTFS loss always has
 * the alpha term and its MSE averages over B*K entries; the new schema's TTFS has only xi (the
 * alpha term is the {@code early_output} regulariser), its MSE sums over K, and it adds {@code
 * shift_invariant_MSE} and the {@code regulariser} list. Which keys a schema accepts is checked
 * by its config ({@link ExperimentConfig#check2021Loss}, {@link DelgradExperiment}). A 2021 config
 * without {@code loss} but with top-level {@code xi}, {@code alpha} and {@code beta} means
 * {@link Ttfs} (that is how the original's configs look).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LossConfig.Ttfs.class, name = LossConfig.Ttfs.TYPE),
    @JsonSubTypes.Type(value = LossConfig.Mse.class, name = LossConfig.Mse.TYPE),
    @JsonSubTypes.Type(value = LossConfig.ShiftInvariantMse.class,
        name = LossConfig.ShiftInvariantMse.TYPE)})
@JsonClassDescription("loss")
public sealed interface LossConfig
    permits LossConfig.Ttfs, LossConfig.Mse, LossConfig.ShiftInvariantMse {

  /** The YAML value of {@code loss.type}. */
  String type();

  /** The {@code regulariser} list (new schema), empty when absent. */
  List<Regulariser> regulariser();

  /**
   * Time-to-first-spike loss. 2021: {@code L = log(sum_k exp(-t_k/(xi tau_s))) + t_y/(xi tau_s)
   * + alpha exp(t_y/(beta tau_s))}; new schema: without the alpha term.
   *
   * @param xi softmax temperature in units of tau_s, > 0
   * @param alpha 2021: weight of the regulariser that pushes the correct spike early, >= 0
   * @param beta 2021: time scale of that regulariser in units of tau_s, > 0
   * @param regulariser new schema: the added terms
   */
  @JsonTypeName(Ttfs.TYPE)
  record Ttfs(@JsonProperty(required = true) double xi, Double alpha, Double beta,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Regulariser> regulariser) implements LossConfig {
    public static final String TYPE = "TTFS";

    @JsonCreator
    public Ttfs {
      Checks.positive("xi", xi);
      if (alpha != null) {
        Checks.nonNegative("alpha", alpha);
      }
      if (beta != null) {
        Checks.positive("beta", beta);
      }
      regulariser = regulariser == null ? List.of() : List.copyOf(regulariser);
    }

    /** The 2021 loss. */
    public Ttfs(double xi, double alpha, double beta) {
      this(xi, alpha, beta, List.of());
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * Mean squared error towards target times {@code t_correct * tau_s} for the label neuron and
   * {@code t_wrong * tau_s} for the others.
   *
   * @param tCorrect {@code t_correct}: target time of the correct neuron in units of tau_s
   * @param tWrong {@code t_wrong}: target time of the wrong neurons in units of tau_s
   * @param regulariser new schema: the added terms
   */
  @JsonTypeName(Mse.TYPE)
  record Mse(@JsonProperty(required = true) double tCorrect,
      @JsonProperty(required = true) double tWrong,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Regulariser> regulariser)
      implements LossConfig {
    public static final String TYPE = "MSE";

    @JsonCreator
    public Mse {
      regulariser = regulariser == null ? List.of() : List.copyOf(regulariser);
    }

    /** Without regularisers. */
    public Mse(double tCorrect, double tWrong) {
      this(tCorrect, tWrong, List.of());
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /**
   * New schema: {@code shift_invariant_MSE}, the correct neuron should fire {@code delta_t * tau}
   * before all others (after, for delta_t < 0).
   *
   * @param deltaT {@code delta_t}, in units of tau, finite
   * @param regulariser the added terms
   */
  @JsonTypeName(ShiftInvariantMse.TYPE)
  record ShiftInvariantMse(@JsonProperty(required = true) double deltaT,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Regulariser> regulariser) implements LossConfig {
    public static final String TYPE = "shift_invariant_MSE";

    @JsonCreator
    public ShiftInvariantMse {
      regulariser = regulariser == null ? List.of() : List.copyOf(regulariser);
    }

    @Override
    public String type() {
      return TYPE;
    }
  }

  /** An entry of the new schema's {@code loss.regulariser} list, chosen by {@code type}. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = EarlyOutput.class, name = EarlyOutput.TYPE),
      @JsonSubTypes.Type(value = L2Delay.class, name = L2Delay.TYPE)})
  @JsonClassDescription("regulariser")
  sealed interface Regulariser permits EarlyOutput, L2Delay {}

  /**
   * {@code early_output}: {@code L_b += alpha exp(t_y / (beta tau))}.
   *
   * @param alpha weight (HEAD asserts it is given)
   * @param beta time scale in units of tau, > 0
   */
  @JsonTypeName(EarlyOutput.TYPE)
  record EarlyOutput(@JsonProperty(required = true) double alpha,
      @JsonProperty(required = true) double beta) implements Regulariser {
    public static final String TYPE = "early_output";

    public EarlyOutput {
      Checks.positive("beta", beta);
    }
  }

  /**
   * {@code l2_delay}: {@code alpha * mean(d^2)} over all Delay layers' delays, the effective
   * (tiled) ones or the raw parameters.
   *
   * @param alpha weight (HEAD asserts it is given)
   * @param useEffectiveDelays {@code use_effective_delays}
   */
  @JsonTypeName(L2Delay.TYPE)
  record L2Delay(@JsonProperty(required = true) double alpha,
      @JsonProperty(required = true) boolean useEffectiveDelays) implements Regulariser {
    public static final String TYPE = "l2_delay";
  }
}
