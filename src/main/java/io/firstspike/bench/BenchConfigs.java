package io.firstspike.bench;

import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.ExperimentConfig;

/**
 * The three experiments the benchmarks train, as configs in the original's schema. They are the
 * paper's setups (as shipped in {@code configs/}), except that the epoch count is open-ended (the
 * benchmark stops the trainer itself) and no snapshot falls inside the measured epochs.
 */
public final class BenchConfigs {
  /** Far beyond any benchmark: the stop flag ends training, and no snapshot is ever due. */
  static final int OPEN_EPOCHS = 100_000;

  private BenchConfigs() {}

  /** Yin-Yang, 4-120-3, one bias spike at 0.9 per layer, TTFS loss, batch 150 (the paper's). */
  public static ExperimentConfig yinYang() {
    return parse("yin_yang", 4, "[120, 3]", "[1, 1]", "[0.9]", "[1.5, 0.5]", "[0.8, 0.8]",
        0.005, 20, 0.95, 150, 200, "[0.3, 0.0]", "false", 2000, 4.0, "yin_yang (bench)");
  }

  /** 16x16 MNIST, 256-128-10, no biases, batch 50, noise 0.3 (the original's 16x16 run). */
  public static ExperimentConfig mnist16() {
    return parse("16x16_mnist", 256, "[128, 10]", "[0, 0]", "[]", "[0.1, 0.6]", "[0.4, 0.8]",
        0.003, 10, 0.9, 50, 50, "[0.5, 0.5]", "{mean: 0.0, std_dev: 0.3}", 2345, 3.0,
        "16x16_mnist (bench)");
  }

  /** Full MNIST, 784-350-10, no biases, batch 80, event based (the original's run, exact). */
  public static ExperimentConfig mnist784() {
    return parse("mnist", 784, "[350, 10]", "[0, 0]", "[]", "[0.05, 0.15]", "[0.8, 0.8]",
        0.005, 15, 0.9, 80, 150, "[0.15, 0.05]", "{mean: 0.0, std_dev: 0.3}", 2345678, 3.5,
        "mnist (bench)");
  }

  private static ExperimentConfig parse(String dataset, int nInputs, String sizes, String biases,
      String biasTimes, String means, String stdevs, double lr, int stepSize, double gamma,
      int batch, int batchEval, String missing, String noise, long torchSeed, double simTime,
      String source) {
    String yaml = """
        dataset: %s
        neuron_params: {g_leak: 1.0, leak: 0.0, tau_syn: 1.0, threshold: 1.0}
        network_layout:
          n_inputs: %d
          n_layers: 2
          layer_sizes: %s
          n_biases: %s
          bias_times: %s
          weight_means: %s
          weight_stdevs: %s
        training_params:
          xi: 0.2
          alpha: 0.005
          beta: 1.0
          optimizer: adam
          learning_rate: %s
          momentum: 0
          lr_scheduler: {type: StepLR, step_size: %d, gamma: %s}
          epoch_number: %d
          epoch_snapshots: [%d]
          batch_size: %d
          batch_size_eval: %d
          max_dw_norm: 0.2
          max_num_missing_spikes: %s
          weight_bumping_value: 0.0005
          weight_bumping_exp: true
          weight_bumping_targeted: true
          training_noise: %s
          numpy_seed: 12345
          torch_seed: %d
          use_forward_integrator: false
          resolution: 0.01
          sim_time: %s
          print_step_percent: 5.0
          enforce_cpu: false
          use_hicannx: false
        """.formatted(dataset, nInputs, sizes, biases, biasTimes, means, stdevs, lr, stepSize,
        gamma, OPEN_EPOCHS, OPEN_EPOCHS, batch, batchEval, missing, noise, torchSeed, simTime);
    return ConfigLoader.parse(yaml, source);
  }
}
