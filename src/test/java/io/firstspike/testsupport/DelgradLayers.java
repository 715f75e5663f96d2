package io.firstspike.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.core.layer.NeuronSettings;
import io.firstspike.core.layer.Positivity;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.DelgradLayout;
import io.firstspike.train.config.Layer;
import io.firstspike.train.config.NeuronKeys;
import java.util.List;

/**
 * The golden file's new-schema config parts (JSON) through the production mapping: each part is
 * bound onto its config record with the loader's checks ({@link ConfigLoader#section}) and mapped
 * by the record ({@link DelgradLayout#toLayerSpecs}, {@link NeuronKeys#toSettings}, {@link
 * Layer.DelayPositivity#toCore}), so the golden tests check that mapping too.
 */
public final class DelgradLayers {
  private static final String SOURCE = "delgrad-golden.json";

  private DelgradLayers() {}

  /** The specs of {@code network_layout.layers} given {@code default_neuron_params}. */
  public static List<LayerSpec> fromConfig(JsonNode layout, JsonNode defaultNeuronParams) {
    return ConfigLoader.section(layout, DelgradLayout.class, SOURCE)
        .toLayerSpecs(ConfigLoader.section(defaultNeuronParams, NeuronKeys.class, SOURCE));
  }

  /** {@code {name: sigmoid|clip|shift, shift, scale}}. */
  public static Positivity positivity(JsonNode p) {
    return ConfigLoader.section(p, Layer.DelayPositivity.class, SOURCE).toCore();
  }

  /**
   * A layer's complete neuron_params dict as HEAD's layer object holds it (DelGrad schema, EPS
   * rule DELGRAD); {@code threshold_noise_fp}, the offsets HEAD drew from the fp keys, is a
   * parameter of the layer, not a config key, and is left out here.
   */
  public static NeuronSettings neuronSettings(JsonNode p) {
    ObjectNode keys = ((ObjectNode) p).deepCopy();
    keys.remove("threshold_noise_fp");
    return ConfigLoader.section(keys, NeuronKeys.class, SOURCE).toSettings();
  }
}
