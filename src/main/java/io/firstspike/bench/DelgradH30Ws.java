package io.firstspike.bench;

import io.firstspike.core.layer.DelayType;
import io.firstspike.core.layer.DelgradTrainingStep;
import io.firstspike.core.layer.EpsRule;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.core.layer.NeuronPassKind;
import io.firstspike.core.layer.NeuronSettings;
import io.firstspike.core.layer.Positivity;
import io.firstspike.core.layer.SeededNoise;
import io.firstspike.core.loss.DelgradLoss;
import io.firstspike.core.loss.DelgradObjective;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.core.optim.DelgradWeightBumper;
import io.firstspike.core.optim.WeightClipping;
import java.util.List;

/**
 * The original's {@code yin_yang_H30_WS.yaml} (DelGrad's Yin-Yang network with synaptic delays,
 * ../shared/reference/delgrad/configs) written out as the core's objects, for the benchmark:
 *
 * <pre>
 *   4 inputs -> DelaySynaptic (sigmoid, scale 1; lr 0.003) -> NeuronLayer 30 (lr 0.01)
 *            -> DelaySynaptic (sigmoid, scale 1; lr 0.003) -> NeuronLayer 3 (lr 0.01)
 *   neurons: g_leak 0.5, leak 0, threshold 1, tau_syn 1, tau_mem 2 (dt), max_dw_norm 0.2
 *   init: delays N(0, 0.25), weights N(1, 1); max_num_missing_spikes 0.3 and 0.0
 *   training: Adam, lr 0.005 (layers without their own), StepLR(20, 0.95), batch 150, eval 200,
 *             shift_invariant_MSE delta_t 0.2, bumping 0.0005 (exponential, targeted),
 *             no clipping, no rounding, no noise
 * </pre>
 *
 * A new-schema config loader does not exist yet (a later issue builds it); until then this class
 * is the one place that spells the config out, and {@code DelgradH30WsTest} checks it against
 * the YAML file key by key. The initial parameters are drawn from a seeded stream
 * ({@link LayerNetwork#initialise}), not read from the original's
 * {@code yin_yang_untrained_network.pt}: same shapes and distributions, other numbers.
 */
public final class DelgradH30Ws {
  private DelgradH30Ws() {}

  public static final int N_INPUTS = 4;
  public static final int BATCH_SIZE = 150;
  public static final int BATCH_SIZE_EVAL = 200;
  public static final double LEARNING_RATE = 0.005;
  public static final int STEP_SIZE = 20;
  public static final double GAMMA = 0.95;

  /** The neuron parameters of every layer ({@code default_neuron_params}). */
  public static NeuronSettings neurons() {
    return NeuronSettings.of(new NeuronParams(0.5, 0.0, 1.0, 1.0, 2.0), Variant.DT,
        EpsRule.DELGRAD, 0.2);
  }

  /** {@code network_layout.layers}. */
  public static List<LayerSpec> layers() {
    LayerSpec.Delay delays = new LayerSpec.Delay(DelayType.SYNAPTIC, Positivity.sigmoid(0.0, 1.0),
        1, 1, 0.0, true, new LayerSpec.Normal(0.0, 0.25));
    return List.of(delays,
        new LayerSpec.Neuron(30, neurons(), true, new LayerSpec.Normal(1.0, 1.0)),
        delays,
        new LayerSpec.Neuron(3, neurons(), true, new LayerSpec.Normal(1.0, 1.0)));
  }

  /** Each layer's own {@code learning_rate}. */
  public static List<Double> layerLearningRates() {
    return List.of(0.003, 0.01, 0.003, 0.01);
  }

  /** The untrained network, drawn from {@code seed}, with the network's default passes. */
  public static LayerNetwork untrained(long seed) {
    return untrained(seed, LayerNetwork.DEFAULT_PASSES);
  }

  /** The untrained network, drawn from {@code seed}, with the neuron passes named here. */
  public static LayerNetwork untrained(long seed, NeuronPassKind passes) {
    return LayerNetwork.initialise(N_INPUTS, layers(), 0, new SeededNoise(seed), passes);
  }

  /** Loss, bumping limits, clipping (off) and training noise (off) of a batch step. */
  public static DelgradTrainingStep.Settings stepSettings() {
    return new DelgradTrainingStep.Settings(
        new DelgradLoss(new DelgradObjective.ShiftInvariantMse(0.2, 1.0)),
        new double[] {0.3, 0.0},
        WeightClipping.resolve(WeightClipping.Setting.ABSENT,
            List.of(WeightClipping.Setting.ABSENT, WeightClipping.Setting.ABSENT)),
        null);
  }

  /** {@code weight_bumping_value}, {@code _exp}, {@code _targeted}. */
  public static DelgradWeightBumper bumper() {
    return new DelgradWeightBumper(0.0005, true, true);
  }
}
