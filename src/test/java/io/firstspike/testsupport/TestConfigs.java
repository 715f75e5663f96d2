package io.firstspike.testsupport;

/** Small experiment configs for tests, in the original's schema. */
public final class TestConfigs {
  private TestConfigs() {}

  /**
   * A Yin-Yang experiment 4-{@code hidden}-3 with one bias per layer and the TTFS loss.
   *
   * @param snapshots YAML list of snapshot epochs, e.g. {@code "[1]"}
   * @param noise YAML value of training_noise, e.g. {@code "false"} or {@code "{mean: 0.0, std_dev: 0.05}"}
   */
  public static String yinYang(int hidden, int epochs, double lr, String snapshots, int stepSize,
      double gamma, String noise) {
    return """
        dataset: yin_yang
        neuron_params: {g_leak: 1.0, leak: 0.0, tau_syn: 1.0, threshold: 1.0}
        network_layout:
          n_inputs: 4
          n_layers: 2
          layer_sizes: [%d, 3]
          n_biases: [1, 1]
          bias_times: [0.9]
          weight_means: [1.5, 0.5]
          weight_stdevs: [0.8, 0.8]
        training_params:
          alpha: 0.005
          batch_size: 150
          batch_size_eval: 200
          beta: 1.0
          enforce_cpu: false
          epoch_number: %d
          epoch_snapshots: %s
          learning_rate: %s
          lr_scheduler: {type: StepLR, step_size: %d, gamma: %s}
          max_dw_norm: 0.2
          max_num_missing_spikes: [0.3, 0.0]
          momentum: 0
          numpy_seed: 12345
          optimizer: adam
          print_step_percent: 5.0
          resolution: 0.01
          sim_time: 4.0
          torch_seed: 2000
          training_noise: %s
          use_forward_integrator: false
          use_hicannx: false
          weight_bumping_exp: true
          weight_bumping_targeted: true
          weight_bumping_value: 0.0005
          xi: 0.2
        """
        .formatted(hidden, epochs, snapshots, lr, stepSize, gamma, noise);
  }
}
