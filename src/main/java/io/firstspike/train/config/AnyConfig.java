package io.firstspike.train.config;

/**
 * A loaded, validated config of either schema (DELGRAD-MODEL.md section 0): the schema selects
 * the semantics, so callers switch on the type. {@link ExperimentConfig}: the 2021 schema
 * ({@code dataset}, {@code neuron_params}, {@code network_layout.layer_sizes}); {@link
 * DelgradExperiment}: the new schema ({@code dataset_params}, {@code default_neuron_params},
 * {@code network_layout.layers}).
 */
public sealed interface AnyConfig permits ExperimentConfig, DelgradExperiment {

  /** Where the config came from (file path or a name given to the loader), may be null. */
  String source();
}
