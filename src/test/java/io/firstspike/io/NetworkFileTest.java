package io.firstspike.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.NeuronParams;
import io.firstspike.testsupport.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FirstSpike's network folder: exact round trips, readable content, versioning and clear errors. */
class NetworkFileTest {
  private static final long SEED = 4242L;
  private static final JsonMapper JSON = new JsonMapper();

  @TempDir Path dir;

  /** 3 inputs -> 4 (1 bias) -> 5 (no bias) -> 2 (2 biases), dt parameters, awkward doubles. */
  private static Network sample() {
    Random rnd = new Random(SEED);
    int[] sizes = {4, 5, 2};
    int[] nBiases = {1, 0, 2};
    int[] inputs = {3, 4, 5};
    double[][] w = new double[3][];
    for (int l = 0; l < 3; l++) {
      w[l] = rnd.doubles((long) (inputs[l] + nBiases[l]) * sizes[l], -3, 3).toArray();
    }
    w[0][0] = 1.0 / 3;
    w[0][1] = -0.0;
    w[0][2] = Double.MIN_VALUE;
    w[0][3] = 1e-300;
    double[][] times = {{0.9}, {}, {0.1 + 0.2, 1.7}};
    return new Network(new NeuronParams(0.5, -0.25, 1.1, 0.7, 1.4), 3, sizes, nBiases, times, w);
  }

  @Test
  @DisplayName("write then read gives an identical network, bit for bit")
  void roundTripIsExact() throws IOException {
    Network net = sample();
    NetworkFile.write(net, dir.resolve("net"));
    Network back = NetworkFile.read(dir.resolve("net"));
    assertThat(back.sameAs(net)).isTrue();
    assertThat(Double.doubleToRawLongBits(back.weights(0)[1])).isEqualTo(Double.doubleToRawLongBits(-0.0));
    assertThat(back.biasTimes(2)).containsExactly(0.1 + 0.2, 1.7);
    assertThat(back.params()).isEqualTo(net.params());
  }

  @Test
  @DisplayName("provenance is stored and read back; a path to network.json works like the folder")
  void provenanceAndJsonPath() throws IOException {
    Map<String, Object> prov = Map.of("source", "yin_yang_network.pt", "epoch", 300,
        "curve", List.of(0.5, 0.25));
    NetworkFile.write(sample(), dir.resolve("p/network.json"), prov);
    NetworkFile.Stored stored = NetworkFile.readWithProvenance(dir.resolve("p"));
    assertThat(stored.provenance()).containsEntry("source", "yin_yang_network.pt")
        .containsEntry("epoch", 300).containsEntry("curve", List.of(0.5, 0.25));
    assertThat(NetworkFile.read(dir.resolve("p/network.json")).sameAs(sample())).isTrue();
    assertThat(NetworkFile.readWithProvenance(write("q", n -> { })).provenance()).isEmpty();
  }

  @Test
  @DisplayName("the folder is human-readable: named, versioned JSON and plain float64 .npy weights")
  void contentIsInspectable() throws IOException {
    Network net = sample();
    Path folder = dir.resolve("look");
    NetworkFile.write(net, folder);
    JsonNode json = JSON.readTree(folder.resolve("network.json").toFile());
    assertThat(json.get("format").asText()).isEqualTo("firstspike-network");
    assertThat(json.get("version").asInt()).isEqualTo(1);
    assertThat(json.get("neuron_params").get("tau_mem").asDouble()).isEqualTo(1.4);
    assertThat(json.get("layer_sizes").toString()).isEqualTo("[4,5,2]");
    assertThat(json.get("layers").get(2).get("weights").asText()).isEqualTo("weights_layer_2.npy");
    assertThat(Files.readString(folder.resolve("network.json"))).contains("\n  \"version\" : 1");
    for (int l = 0; l < 3; l++) {
      NpyArray a = Npy.read(folder.resolve(NetworkFile.weightFileName(l)));
      assertThat(a.dtype()).isEqualTo("<f8");
      assertThat(a.shape()).containsExactly(net.rowsOf(l), net.layerSize(l));
      assertThat(a.asDoubles()).containsExactly(net.weights(l));
    }
  }

  @Test
  @DisplayName("rewriting with fewer layers removes the stale weight files")
  void staleWeightsRemoved() throws IOException {
    Path folder = dir.resolve("re");
    NetworkFile.write(sample(), folder);
    Network small = new Network(NeuronParams.equalTime(1, 0, 1, 1), 2, new int[] {3}, new int[] {0},
        new double[][] {{}}, new double[][] {{1, 2, 3, 4, 5, 6}});
    NetworkFile.write(small, folder);
    assertThat(folder.resolve("weights_layer_1.npy")).doesNotExist();
    assertThat(folder.resolve("weights_layer_2.npy")).doesNotExist();
    assertThat(NetworkFile.read(folder).sameAs(small)).isTrue();
  }

  @Test
  @DisplayName("a file from a newer FirstSpike is refused with the version numbers")
  void futureVersion() throws IOException {
    Path f = write("v2", root -> root.put("version", 2));
    assertThatThrownBy(() -> NetworkFile.read(f))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("network.json")
        .hasMessageContaining("format version 2 is not supported")
        .hasMessageContaining("newer FirstSpike");
  }

  @Test
  @DisplayName("wrong format names, unknown or missing keys and bad types are named in the error")
  void badJson() throws IOException {
    assertThatThrownBy(() -> NetworkFile.read(write("fmt", r -> r.put("format", "other"))))
        .hasMessageContaining("expected \"firstspike-network\"");
    assertThatThrownBy(() -> NetworkFile.read(write("typo", r -> r.put("n_input", 3))))
        .hasMessageContaining("unknown key(s) [n_input]");
    assertThatThrownBy(() -> NetworkFile.read(write("miss", r -> r.remove("n_biases"))))
        .hasMessageContaining("missing key 'n_biases'");
    assertThatThrownBy(() -> NetworkFile.read(write("type", r -> r.put("n_inputs", "three"))))
        .hasMessageContaining("'n_inputs' must be an integer, got \"three\"");
    assertThatThrownBy(() -> NetworkFile.read(write("param",
        r -> ((ObjectNode) r.get("neuron_params")).put("tau_syn", -1.0))))
        .hasMessageContaining("tau_syn must be > 0");
  }

  @Test
  @DisplayName("shapes that disagree between JSON, sizes and .npy files are refused, naming the file")
  void inconsistentShapes() throws IOException {
    assertThatThrownBy(() -> NetworkFile.read(write("sh", r -> r.put("n_inputs", 2))))
        .hasMessageContaining("layers[0].shape is [4, 4] but the layer sizes imply [3, 4]");
    Path f = write("npy", r -> { });
    Npy.write(f.resolve("weights_layer_1.npy"), new double[20], 5, 4);
    assertThatThrownBy(() -> NetworkFile.read(f))
        .hasMessageContaining("weights_layer_1.npy").hasMessageContaining("shape [5, 4]")
        .hasMessageContaining("[4, 5]");
    Path escape = write("esc", r -> ((ObjectNode) r.get("layers").get(0)).put("weights", "../x.npy"));
    assertThatThrownBy(() -> NetworkFile.read(escape)).hasMessageContaining("file name inside");
  }

  @Test
  @DisplayName("a folder without network.json is reported as such")
  void missingFolder() {
    assertThatThrownBy(() -> NetworkFile.read(dir.resolve("nothing")))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("network.json");
  }

  @Test
  @DisplayName("an imported original network survives the FirstSpike format unchanged")
  void importedNetworkRoundTrip() throws IOException {
    ImportedNetwork imported = PtImporter.read(
        Shared.file("reference/fastanddeep/yinyang_et_300epochs/yin_yang_network.pt"));
    NetworkFile.write(imported.network(), dir.resolve("yy"),
        Map.of("imported_from", imported.source().getFileName().toString()));
    NetworkFile.Stored back = NetworkFile.readWithProvenance(dir.resolve("yy"));
    assertThat(back.network().sameAs(imported.network())).isTrue();
    assertThat(back.provenance()).containsEntry("imported_from", "yin_yang_network.pt");
  }

  /** Writes the sample network into {@code name}, then edits its network.json. */
  private Path write(String name, Consumer<ObjectNode> edit) throws IOException {
    Path folder = dir.resolve(name);
    NetworkFile.write(sample(), folder);
    Path json = folder.resolve("network.json");
    ObjectNode root = (ObjectNode) JSON.readTree(json.toFile());
    edit.accept(root);
    JSON.writeValue(json.toFile(), root);
    return folder;
  }
}
