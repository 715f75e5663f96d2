package io.firstspike.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.Variant;
import io.firstspike.testsupport.Shared;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Import of the original's three shipped networks (legacy format) and their invariants. */
class PtImporterTest {
  private static final String YY = "reference/fastanddeep/yinyang_et_300epochs/";
  /** Fraction of weights that 300 epochs of training must have changed. */
  private static final double MIN_CHANGED_FRACTION = 0.9;

  @TempDir Path dir;

  @Test
  @DisplayName("the trained Yin-Yang network is 4 inputs + bias 0.9, 120 hidden + bias 0.9, 3 outputs")
  void yinYangTrained() throws IOException {
    ImportedNetwork imported = PtImporter.read(Shared.file(YY + "yin_yang_network.pt"));
    Network net = imported.network();
    assertThat(imported.container()).isEqualTo("legacy");
    assertThat(imported.networkClass()).isEqualTo("training.Net");
    assertThat(imported.layerClasses()).containsExactly("utils.EqualtimeLayer", "utils.EqualtimeLayer");
    assertThat(net.nInputs()).isEqualTo(4);
    assertThat(net.layerSizes()).containsExactly(120, 3);
    assertThat(net.nBiases()).containsExactly(1, 1);
    assertThat(net.biasTimes(0)).containsExactly(0.9);
    assertThat(net.biasTimes(1)).containsExactly(0.9);
    assertThat(net.rowsOf(0)).isEqualTo(5);
    assertThat(net.weights(0)).hasSize(5 * 120);
    assertThat(net.weights(1)).hasSize(121 * 3);
    assertAllFinite(net);
    assertThat(net.params().variant()).isEqualTo(Variant.ET);
    assertThat(net.params().gLeak()).isEqualTo(1.0);
    assertThat(net.params().leak()).isEqualTo(0.0);
    assertThat(net.params().threshold()).isEqualTo(1.0);
    assertThat(net.params().tauSyn()).isEqualTo(1.0);
    assertThat(imported.simParams()).containsEntry("max_dw_norm", 0.2).containsEntry("sim_time", 4.0);
    assertThat(imported.attributes()).containsEntry("weight_means", List.of(1.5, 0.5));
  }

  @Test
  @DisplayName("the untrained Yin-Yang weights equal the original's weights_before in the golden file, bit for bit")
  void yinYangUntrainedMatchesGolden() throws IOException {
    Network untrained = PtImporter.read(Shared.file(YY + "yin_yang_untrained_network.pt")).network();
    JsonNode golden = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build()
        .readTree(Shared.file("reference/golden/ttfs-golden.json").toFile());
    JsonNode before = golden.get("network_steps").get(0).get("weights_before");
    assertThat(before.size()).isEqualTo(untrained.nLayers());
    for (int l = 0; l < untrained.nLayers(); l++) {
      JsonNode rows = before.get(l);
      assertThat(rows.size()).isEqualTo(untrained.rowsOf(l));
      double[] w = untrained.weights(l);
      for (int i = 0; i < rows.size(); i++) {
        assertThat(rows.get(i).size()).isEqualTo(untrained.layerSize(l));
        for (int j = 0; j < rows.get(i).size(); j++) {
          assertThat(w[i * untrained.layerSize(l) + j]).as("layer %d (%d, %d)", l, i, j)
              .isEqualTo(rows.get(i).get(j).asDouble());
        }
      }
    }
  }

  @Test
  @DisplayName("training changed the Yin-Yang weights: trained and untrained files differ almost everywhere")
  void trainedDiffersFromUntrained() throws IOException {
    Network trained = PtImporter.read(Shared.file(YY + "yin_yang_network.pt")).network();
    Network untrained = PtImporter.read(Shared.file(YY + "yin_yang_untrained_network.pt")).network();
    assertThat(trained.sameAs(untrained)).isFalse();
    for (int l = 0; l < trained.nLayers(); l++) {
      double[] a = trained.weights(l);
      double[] b = untrained.weights(l);
      long changed = IntStream.range(0, a.length).filter(i -> a[i] != b[i]).count();
      assertThat((double) changed / a.length).as("layer %d", l).isGreaterThan(MIN_CHANGED_FRACTION);
    }
  }

  @Test
  @DisplayName("the 16x16 MNIST network is 256-128-10 without biases")
  void mnist16() throws IOException {
    Network net = PtImporter.read(
        Shared.file("reference/fastanddeep/16x16mnist_et_200epochs/16x16_mnist_network.pt")).network();
    assertThat(net.nInputs()).isEqualTo(256);
    assertThat(net.layerSizes()).containsExactly(128, 10);
    assertThat(net.nBiases()).containsExactly(0, 0);
    assertThat(net.biasTimes(0)).isEmpty();
    assertThat(net.weights(0)).hasSize(256 * 128);
    assertThat(net.weights(1)).hasSize(128 * 10);
    assertAllFinite(net);
  }

  @Test
  @DisplayName("the full MNIST network is 784-350-10 without biases")
  void mnistFull() throws IOException {
    ImportedNetwork imported = PtImporter.read(
        Shared.file("reference/fastanddeep/fullmnist_et_150epochs/mnist_network.pt"));
    Network net = imported.network();
    assertThat(net.nInputs()).isEqualTo(784);
    assertThat(net.layerSizes()).containsExactly(350, 10);
    assertThat(net.nBiases()).containsExactly(0, 0);
    assertThat(net.weights(0)).hasSize(784 * 350);
    assertThat(net.weights(1)).hasSize(350 * 10);
    assertAllFinite(net);
    assertThat(imported.simParams()).containsEntry("use_forward_integrator", true);
  }

  @Test
  @DisplayName("a truncated network file gives an error that names the file and says it is truncated")
  void truncatedFiles() throws IOException {
    byte[] whole = Files.readAllBytes(Shared.file(YY + "yin_yang_network.pt"));
    int dataStart = storageDataStart(whole);
    int[] cuts = {3, 100, whole.length / 2, dataStart + 4, dataStart + 8 + 20, whole.length - 1};
    for (int cut : cuts) {
      Path f = dir.resolve("cut" + cut + ".pt");
      Files.write(f, Arrays.copyOf(whole, cut));
      assertThatThrownBy(() -> PtImporter.read(f)).as("cut at %d of %d", cut, whole.length)
          .isInstanceOf(FileFormatException.class)
          .hasMessageStartingWith(f.toString())
          .hasMessageContaining("truncated");
    }
  }

  @Test
  @DisplayName("a file that is neither format is refused with a message saying what was expected")
  void notANetworkFile() throws IOException {
    Path npy = dir.resolve("weights.pt");
    Npy.write(npy, new double[] {1, 2, 3});
    assertThatThrownBy(() -> PtImporter.read(npy))
        .isInstanceOf(FileFormatException.class).hasMessageContaining("weights.pt");
    Path text = dir.resolve("text.pt");
    Files.write(text, new byte[] {(byte) 0x80, 2, 'K', 7, '.'}); // a pickle of the int 7
    assertThatThrownBy(() -> PtImporter.read(text))
        .hasMessageContaining("not a PyTorch network file").hasMessageContaining("1950a86a20f9469cfc6c");
  }

  /**
   * Where the legacy data section of the Yin-Yang file starts: it ends the file and holds, per
   * storage, an int64 count and count float64 values; the storages are the two weight matrices
   * (5 x 120, 121 x 3) and two one-element bias tensors.
   */
  private static int storageDataStart(byte[] file) {
    int[] counts = {5 * 120, 121 * 3, 1, 1};
    int size = Arrays.stream(counts).map(c -> Long.BYTES + c * Double.BYTES).sum();
    return file.length - size;
  }

  private static void assertAllFinite(Network net) {
    for (int l = 0; l < net.nLayers(); l++) {
      double[] w = net.weights(l);
      assertThat(Arrays.stream(w).allMatch(Double::isFinite)).as("layer %d finite", l).isTrue();
      assertThat(Arrays.stream(w).anyMatch(v -> v != 0)).as("layer %d not all zero", l).isTrue();
    }
  }
}
