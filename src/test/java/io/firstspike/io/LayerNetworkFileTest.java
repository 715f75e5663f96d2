package io.firstspike.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.core.layer.DelayType;
import io.firstspike.core.layer.EpsRule;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.core.layer.LayerTraining;
import io.firstspike.core.layer.NeuronSettings;
import io.firstspike.core.layer.NoiseSource;
import io.firstspike.core.layer.Parameter;
import io.firstspike.core.layer.Positivity;
import io.firstspike.core.layer.ReferenceNeuronPass;
import io.firstspike.core.layer.SeededNoise;
import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.core.neuron.Variant;
import io.firstspike.core.optim.WeightClipping;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FirstSpike's layer-network folder ({@link LayerNetworkFile}) on a network built here with every
 * layer type, positivity, noise setting and training option: a write/read round trip is bit-exact
 * (parameters, layer list, options, times with and without noise), and a damaged or foreign
 * folder is refused with one line that names the file and what is wrong.
 */
class LayerNetworkFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final NeuronSettings NOISY_DT = new NeuronSettings(
      new NeuronParams(1.0, 0.0, 1.0, 1.0, 2.0), Variant.DT, EpsRule.DELGRAD, 3.3,
      new NeuronSettings.Noise(0.01, 0.02, 0.05, 0.03, 0.004));
  private static final NeuronSettings ET = NeuronSettings.of(
      new NeuronParams(1.0, 0.0, 0.5, 1.0, 1.0), Variant.ET, EpsRule.RELEASE_2021,
      ReferenceNeuronPass.NO_CLIPPING);
  /** Multiplex, a shared sigmoid delay, biases, a noisy hidden layer, clip, broadcast, shift. */
  private static final List<LayerSpec> SPECS = List.of(
      new LayerSpec.Multiplex(2),
      new LayerSpec.Delay(DelayType.SYNAPTIC, Positivity.sigmoid(0.5, 2.0), 2, 1, 0.0, true,
          new LayerSpec.Normal(0.3, 0.2)),
      new LayerSpec.Biases(new double[] {0.1, 1.7}),
      new LayerSpec.Neuron(5, NOISY_DT, true, new LayerSpec.Normal(1.5, 0.8)),
      new LayerSpec.Delay(DelayType.DENDRITIC, Positivity.clip(), 1, 1, 0.0, false,
          new LayerSpec.Normal(0.2, 0.1)),
      new LayerSpec.Neuron(4, ET, false, new LayerSpec.Normal(0.5, 1.0)),
      new LayerSpec.Delay(DelayType.AXONAL, Positivity.shiftToPositive(), 1, 1, 0.01, true,
          new LayerSpec.Normal(0.1, 0.1)),
      new LayerSpec.Neuron(3, ET, true, new LayerSpec.Normal(1.0, 1.0)));
  private static final List<LayerTraining> TRAINING = List.of(
      LayerTraining.NONE,
      new LayerTraining(0.003, true, null, WeightClipping.Setting.ABSENT),
      LayerTraining.NONE,
      new LayerTraining(null, true, 0.3, new WeightClipping.Setting.Bound(2.5)),
      new LayerTraining(null, false, null, WeightClipping.Setting.ABSENT),
      new LayerTraining(0.01, false, 0.0, new WeightClipping.Setting.Flag(false)),
      new LayerTraining(null, false, null, WeightClipping.Setting.ABSENT),
      new LayerTraining(null, false, 0.5, WeightClipping.Setting.ABSENT));
  private static final double[][] INPUTS = {
    {0.2, 1.1, 0.4}, {0.9, 0.3, 1.9}, {Double.POSITIVE_INFINITY, 0.5, 0.0}, {1.2, 1.2, 1.2}};

  @TempDir Path dir;

  private static LayerNetwork network() {
    return LayerNetwork.initialise(3, SPECS, 1.0 / 64, new SeededNoise(2025));
  }

  @Test
  @DisplayName("write then read: same layer list, options, provenance and parameters, and bit-identical times with and without noise")
  void roundTripIsExact() throws IOException {
    LayerNetwork net = network();
    Path folder = dir.resolve("net");
    LayerNetworkFile.write(net, TRAINING, folder, Map.of("imported_from", "x.pt", "epoch", 300));
    LayerNetworkFile.Stored back = LayerNetworkFile.read(folder);

    assertThat(back.network().nInputs()).isEqualTo(3);
    assertThat(back.network().roundingPrecision()).isEqualTo(1.0 / 64);
    assertThat(back.network().specs()).isEqualTo(SPECS);
    assertThat(back.training()).isEqualTo(TRAINING);
    assertThat(back.provenance()).containsEntry("imported_from", "x.pt").containsEntry("epoch", 300);
    List<Parameter> a = net.parameters();
    List<Parameter> b = back.network().parameters();
    assertThat(b).hasSameSizeAs(a);
    for (int k = 0; k < a.size(); k++) {
      assertThat(b.get(k).name()).isEqualTo(a.get(k).name());
      assertThat(b.get(k).shape()).isEqualTo(a.get(k).shape());
      assertThat(b.get(k).trainable()).isEqualTo(a.get(k).trainable());
      assertThat(b.get(k).values()).as(a.get(k).name()).isEqualTo(a.get(k).values());
    }
    double[][] quiet = net.forward(INPUTS, NoiseSource.ZERO).labelTimes();
    assertThat(back.network().forward(INPUTS, NoiseSource.ZERO).labelTimes())
        .isDeepEqualTo(quiet);
    double[][] noisy = net.forward(INPUTS, new SeededNoise(7)).labelTimes();
    assertThat(noisy).as("the noise is on").isNotEqualTo(quiet);
    assertThat(back.network().forward(INPUTS, new SeededNoise(7)).labelTimes())
        .isDeepEqualTo(noisy);

    // A second round trip writes the same bytes: nothing drifts through the text.
    Path again = dir.resolve("again");
    LayerNetworkFile.write(back.network(), back.training(), again, back.provenance());
    assertThat(Files.readString(again.resolve("network.json")))
        .isEqualTo(Files.readString(folder.resolve("network.json")));
  }

  @Test
  @DisplayName("the folder is readable without FirstSpike: config-style JSON and one float64 .npy per state-dict tensor")
  void contentIsInspectable() throws IOException {
    LayerNetwork net = network();
    Path folder = dir.resolve("net");
    LayerNetworkFile.write(net, TRAINING, folder, Map.of());
    JsonNode root = JSON.readTree(folder.resolve("network.json").toFile());
    assertThat(root.get("format").asText()).isEqualTo("firstspike-layer-network");
    assertThat(root.get("version").asInt()).isEqualTo(1);
    assertThat(root.has("provenance")).isFalse();
    JsonNode layers = root.get("layers");
    assertThat(layers.get(1).get("name").asText()).isEqualTo("DelaySynaptic");
    assertThat(layers.get(1).get("positivity").get("name").asText()).isEqualTo("sigmoid");
    assertThat(layers.get(1).get("delay_parameters").get("file").asText())
        .isEqualTo("layers.1._delay_parameters.npy");
    assertThat(layers.get(3).get("neuron_params").get("model_tau_ratio").asInt()).isEqualTo(2);
    assertThat(layers.get(3).get("neuron_params").get("clip_weights_max").asDouble())
        .isEqualTo(2.5);
    assertThat(layers.get(5).get("neuron_params").get("max_dw_norm").isNull()).isTrue();
    assertThat(layers.get(5).get("eps").asText()).isEqualTo("release_2021");
    NpyArray w = Npy.read(folder.resolve("layers.3.weights.npy"));
    assertThat(w.shape()).as("3 inputs multiplexed by 2, plus 2 biases").containsExactly(8, 5);
    assertThat(w.asDoubles()).isEqualTo(net.parameter("layers.3.weights").values());
    assertThat(Npy.read(folder.resolve("layers.3.threshold_noise_fp.npy")).shape())
        .containsExactly(5);
  }

  @Test
  @DisplayName("rewriting a smaller network into the folder removes the parameter files it no longer has")
  void staleParametersRemoved() throws IOException {
    Path folder = dir.resolve("net");
    LayerNetworkFile.write(network(), TRAINING, folder, Map.of());
    assertThat(folder.resolve("layers.7.weights.npy")).exists();
    List<LayerSpec> small = List.of(new LayerSpec.Broadcast(),
        new LayerSpec.Neuron(2, ET, true, new LayerSpec.Normal(1, 1)));
    LayerNetwork net = LayerNetwork.initialise(3, small, 0, new SeededNoise(1));
    LayerNetworkFile.write(net, List.of(LayerTraining.NONE,
        new LayerTraining(null, false, 0.0, WeightClipping.Setting.ABSENT)), folder, Map.of());
    assertThat(folder.resolve("layers.7.weights.npy")).doesNotExist();
    assertThat(folder.resolve("layers.1._delay_parameters.npy")).doesNotExist();
    assertThat(LayerNetworkFile.read(folder).network().specs()).isEqualTo(small);
  }

  /** A written network whose network.json is changed by {@code edit}; returns the folder. */
  private Path edited(String name, Consumer<ObjectNode> edit) throws IOException {
    Path folder = dir.resolve(name);
    LayerNetworkFile.write(network(), TRAINING, folder, Map.of());
    Path json = folder.resolve("network.json");
    ObjectNode root = (ObjectNode) JSON.readTree(json.toFile());
    edit.accept(root);
    Files.writeString(json, JSON.writeValueAsString(root));
    return folder;
  }

  private static ObjectNode layer(ObjectNode root, int l) {
    return (ObjectNode) root.get("layers").get(l);
  }

  /** Reading fails with an IOException whose message is one line starting with {@code file}. */
  private static String refusal(Path folder, Path file) {
    Throwable t = catchThrowable(() -> LayerNetworkFile.read(folder));
    assertThat(t).as("reading %s", folder).isInstanceOf(IOException.class);
    assertThat(t.getMessage()).startsWith(file.toString()).doesNotContain("\n");
    return t.getMessage();
  }

  private static String jsonRefusal(Path folder) {
    return refusal(folder, folder.resolve("network.json"));
  }

  @Test
  @DisplayName("bad network.json: each refusal is one line naming the file, the key and what would be right")
  void badJson() throws IOException {
    assertThat(jsonRefusal(edited("v2", r -> r.put("version", 2))))
        .contains("format version 2 is not supported").contains("newer FirstSpike");
    assertThat(jsonRefusal(edited("fmt", r -> r.put("format", "firstspike-network"))))
        .contains("expected \"firstspike-layer-network\"").contains("NetworkFile");
    assertThat(jsonRefusal(edited("top", r -> r.put("n_input", 3))))
        .contains("unknown key(s) [n_input]");
    assertThat(jsonRefusal(edited("miss", r -> r.remove("n_inputs"))))
        .contains("missing key 'n_inputs'");
    assertThat(jsonRefusal(edited("lkey", r -> layer(r, 3).put("weight_mean", 1.0))))
        .contains("layers[3]").contains("weight_mean");
    assertThat(jsonRefusal(edited("lname", r -> layer(r, 3).put("name", "EqualtimeLayer"))))
        .contains("layers[3]").contains("'EqualtimeLayer'").contains("NeuronLayer");
    assertThat(jsonRefusal(edited("pos", r -> ((ObjectNode) layer(r, 1).get("positivity"))
        .put("name", "relu")))).contains("layers[1]").contains("sigmoid, clip or shift");
    assertThat(jsonRefusal(edited("tau", r -> ((ObjectNode) layer(r, 3).get("neuron_params"))
        .put("model_tau_ratio", 3)))).contains("layers[3]").contains("model_tau_ratio must be 1 or 2");
    assertThat(jsonRefusal(edited("theta", r -> ((ObjectNode) layer(r, 3).get("neuron_params"))
        .put("tau_syn", -1.0)))).contains("layers[3]").contains("tau_syn");
    assertThat(jsonRefusal(edited("npkey", r -> ((ObjectNode) layer(r, 3).get("neuron_params"))
        .put("treshold", 1.0)))).contains("treshold");
    assertThat(jsonRefusal(edited("bool", r -> layer(r, 3).put("trainable", "yes"))))
        .contains("'trainable' must be true or false");
    assertThat(jsonRefusal(edited("eps", r -> layer(r, 3).put("eps", "2022"))))
        .contains("'eps' must be \"delgrad\" or \"release_2021\"");
    assertThat(jsonRefusal(edited("share", r -> layer(r, 1).put("presyn_sharing_factor", 4))))
        .contains("presyn");
    assertThat(jsonRefusal(edited("empty", r -> r.putArray("layers"))))
        .contains("layer");
    assertThat(jsonRefusal(edited("lastdelay", r -> ((ArrayNode) r.get("layers")).remove(7))))
        .contains("NeuronLayer");
  }

  @Test
  @DisplayName("parameter files: a declared shape the layer list contradicts, a .npy that contradicts its declaration, a missing file, NaN, a path outside the folder")
  void badParameterFiles() throws IOException {
    Path declared = edited("declared", r -> {
      ArrayNode shape = ((ObjectNode) layer(r, 3).get("weights")).putArray("shape");
      shape.add(5).add(8);
    });
    Npy.write(declared.resolve("layers.3.weights.npy"), new double[40], 5, 8);
    assertThat(jsonRefusal(declared)).contains("layers.3.weights").contains("[5, 8]")
        .contains("implies [8, 5]");

    Path npy = edited("npy", r -> { });
    Npy.write(npy.resolve("layers.3.weights.npy"), new double[40], 5, 8);
    assertThat(refusal(npy, npy.resolve("layers.3.weights.npy")))
        .contains("shape [5, 8]").contains("declares float64 of shape [8, 5]");

    Path gone = edited("gone", r -> { });
    Files.delete(gone.resolve("layers.5.threshold_noise_fp.npy"));
    assertThat(jsonRefusal(gone)).contains("layers[5]").contains("layers.5.threshold_noise_fp.npy")
        .contains("missing");

    Path nan = edited("nan", r -> { });
    double[] w = new double[40];
    w[7] = Double.NaN;
    Npy.write(nan.resolve("layers.3.weights.npy"), w, 8, 5);
    assertThat(refusal(nan, nan.resolve("layers.3.weights.npy"))).contains("element 7 is NaN");

    assertThat(jsonRefusal(edited("escape", r -> ((ObjectNode) layer(r, 3).get("weights"))
        .put("file", "../x.npy")))).contains("file name inside the network folder");
  }

  @Test
  @DisplayName("not a layer network: no network.json, broken JSON, a 2021 network folder")
  void foreignFolders() throws IOException {
    Throwable none = catchThrowable(() -> LayerNetworkFile.read(dir.resolve("nothing")));
    assertThat(none).isInstanceOf(NoSuchFileException.class);
    assertThat(none.getMessage()).contains("network.json").contains("no FirstSpike layer network");

    Path broken = edited("broken", r -> { });
    Files.writeString(broken.resolve("network.json"), "{\"format\": ", StandardCharsets.UTF_8);
    assertThat(jsonRefusal(broken)).contains("not valid JSON");

    Path old = dir.resolve("old");
    NetworkFile.write(new Network(NeuronParams.equalTime(1, 0, 1, 1), 2, new int[] {3},
        new int[] {0}, new double[][] {{}}, new double[][] {{1, 2, 3, 4, 5, 6}}), old);
    assertThat(jsonRefusal(old)).contains("2021 network").contains("NetworkFile");
    Path layered = dir.resolve("layered");
    LayerNetworkFile.write(network(), TRAINING, layered, Map.of());
    Throwable t = catchThrowable(() -> NetworkFile.read(layered));
    assertThat(t).isInstanceOf(FileFormatException.class);
    assertThat(t.getMessage()).contains("LayerNetworkFile");
  }
}
