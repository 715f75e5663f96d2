package io.firstspike.cli;

/** Small configs for CLI tests. */
final class TrainerYaml {
  private TrainerYaml() {}

  /** A 4-10-3 Yin-Yang experiment with snapshots at epoch 1 and the last. */
  static String yinYang(int epochs) {
    return """
        dataset: yin_yang
        neuron_params: {g_leak: 1.0, leak: 0.0, tau_syn: 1.0, threshold: 1.0}
        network_layout:
          n_inputs: 4
          n_layers: 2
          layer_sizes: [10, 3]
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
          epoch_snapshots: [1]
          learning_rate: 0.005
          lr_scheduler: {type: StepLR, step_size: 20, gamma: 0.95}
          max_dw_norm: 0.2
          max_num_missing_spikes: [0.3, 0.0]
          momentum: 0
          numpy_seed: 12345
          optimizer: adam
          print_step_percent: 5.0
          resolution: 0.01
          sim_time: 4.0
          torch_seed: 2000
          training_noise: false
          use_forward_integrator: false
          use_hicannx: false
          weight_bumping_exp: true
          weight_bumping_targeted: true
          weight_bumping_value: 0.0005
          xi: 0.2
        """
        .formatted(epochs);
  }
}
