package io.firstspike.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.network.Network;
import io.firstspike.core.neuron.Variant;
import io.firstspike.io.CraftedPt.View;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Import of network files built by hand from the format description (zip container, odd strides,
 * dt parameters) and refusal of hostile or inconsistent files.
 */
class PtImporterCraftedTest {
  private static final long SEED = 1950L;
  private static final String SENTINEL = "firstspike-pwned";

  @TempDir Path dir;

  private final Map<String, double[]> storages = new LinkedHashMap<>();

  /** 2 inputs + 1 bias at 0.5 -> 3 neurons -> 2 neurons; layer 1 stored transposed at offset 1. */
  @BeforeEach
  void storages() {
    Random rnd = new Random(SEED);
    storages.put("w0", rnd.doubles(9, -2, 2).toArray());
    storages.put("w1", rnd.doubles(7, -2, 2).toArray());
    storages.put("b0", new double[] {0.5});
  }

  private byte[] network(int[] w0Size) {
    View[] weights = {
      new View("w0", 0, w0Size, new int[] {w0Size[1], 1}),
      new View("w1", 1, new int[] {3, 2}, new int[] {1, 3}),
    };
    return CraftedPt.network(2, new int[] {3, 2}, new int[] {1, 0}, new double[][] {{0.5}, {}},
        weights, new View[] {new View("b0", 0, new int[] {1}, new int[] {1})},
        CraftedPt.counts(storages));
  }

  @Test
  @DisplayName("a PyTorch >= 1.6 zip file is read: shape, biases, dt parameters, strided weights")
  void zipNetwork() throws IOException {
    Path f = CraftedPt.zip(dir.resolve("net.pt"), network(new int[] {3, 3}), storages);
    ImportedNetwork imported = PtImporter.read(f);
    assertThat(imported.container()).isEqualTo("zip");
    Network net = imported.network();
    assertThat(net.nInputs()).isEqualTo(2);
    assertThat(net.layerSizes()).containsExactly(3, 2);
    assertThat(net.nBiases()).containsExactly(1, 0);
    assertThat(net.biasTimes(0)).containsExactly(0.5);
    assertThat(net.params().variant()).isEqualTo(Variant.DT);
    assertThat(net.params().tauMem()).isEqualTo(2.0);
    assertThat(net.params().threshold()).isEqualTo(1.2);
    assertThat(net.weights(0)).containsExactly(storages.get("w0"));
    double[] w1 = storages.get("w1");
    double[] expected = new double[6];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 2; j++) {
        expected[i * 2 + j] = w1[1 + i + 3 * j]; // offset 1, strides (1, 3)
      }
    }
    assertThat(net.weights(1)).containsExactly(expected);
    assertThat(imported.simParams()).containsEntry("max_dw_norm", null);
    assertThat(imported.attributes()).containsKey("weight_means").doesNotContainKey("n_inputs");
  }

  @Test
  @DisplayName("the same pickle in the legacy container gives the same network")
  void legacyContainer() throws IOException {
    Network fromZip = PtImporter.read(
        CraftedPt.zip(dir.resolve("a.pt"), network(new int[] {3, 3}), storages)).network();
    ImportedNetwork fromLegacy = PtImporter.read(
        CraftedPt.legacy(dir.resolve("b.pt"), network(new int[] {3, 3}), storages));
    assertThat(fromLegacy.container()).isEqualTo("legacy");
    assertThat(fromLegacy.network().sameAs(fromZip)).isTrue();
  }

  @Test
  @DisplayName("weights whose shape disagrees with the layer sizes are refused, naming both shapes")
  void wrongWeightShape() throws IOException {
    Path f = CraftedPt.zip(dir.resolve("bad.pt"), network(new int[] {1, 9}), storages);
    assertThatThrownBy(() -> PtImporter.read(f))
        .isInstanceOf(FileFormatException.class)
        .hasMessageContaining("bad.pt")
        .hasMessageContaining("layer 0 weights have shape [1, 9], expected [3, 3]");
  }

  @Test
  @DisplayName("a missing storage record in a zip file is reported with its name")
  void missingRecord() throws IOException {
    Map<String, double[]> partial = new LinkedHashMap<>(storages);
    byte[] pkl = network(new int[] {3, 3});
    partial.remove("w1");
    Path f = CraftedPt.zip(dir.resolve("partial.pt"), pkl, partial);
    assertThatThrownBy(() -> PtImporter.read(f)).hasMessageContaining("archive/data/w1");
  }

  @Test
  @DisplayName("a truncated zip file is reported as broken, naming the file")
  void truncatedZip() throws IOException {
    byte[] whole = Files.readAllBytes(CraftedPt.zip(dir.resolve("z.pt"), network(new int[] {3, 3}), storages));
    Path f = dir.resolve("half.pt");
    Files.write(f, Arrays.copyOf(whole, whole.length / 2));
    assertThatThrownBy(() -> PtImporter.read(f))
        .isInstanceOf(FileFormatException.class).hasMessageContaining("half.pt").hasMessageContaining("zip");
  }

  @Test
  @DisplayName("a state_dict instead of a whole network is refused with an explanation")
  void stateDict() throws IOException {
    byte[] pkl = new PickleBuilder().orderedDict().stop();
    Path f = CraftedPt.zip(dir.resolve("sd.pt"), pkl, Map.of());
    assertThatThrownBy(() -> PtImporter.read(f)).hasMessageContaining("state_dict")
        .hasMessageContaining("torch.save(net, path)");
  }

  @Test
  @DisplayName("os.system in a legacy file is refused by name, and nothing is executed")
  void hostileGlobalLegacy() throws IOException {
    Path marker = dir.resolve(SENTINEL);
    byte[] evil = new PickleBuilder().global("os", "system")
        .mark().str("touch " + marker).tuple().reduce().stop();
    Path f = dir.resolve("evil.pt");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(CraftedPt.legacyHeader());
    out.writeBytes(evil);
    Files.write(f, out.toByteArray());
    assertThatThrownBy(() -> PtImporter.read(f))
        .isInstanceOf(FileFormatException.class)
        .hasMessageStartingWith(f.toString())
        .hasMessageContaining("refused the Python global 'os.system'")
        .hasMessageContaining("collections.OrderedDict");
    assertThat(marker).doesNotExist();
  }

  @Test
  @DisplayName("hostile globals via STACK_GLOBAL, INST or inside a zip file are refused too")
  void hostileVariants() throws IOException {
    byte[] stackGlobal = new PickleBuilder().stackGlobal("builtins", "eval")
        .mark().str("1+1").tuple().reduce().stop();
    assertThatThrownBy(() -> PtImporter.read(CraftedPt.zip(dir.resolve("sg.pt"), stackGlobal, Map.of())))
        .hasMessageContaining("refused the Python global 'builtins.eval'");

    byte[] inst = new PickleBuilder().mark().str("echo").inst("subprocess", "call").stop();
    assertThatThrownBy(() -> PtImporter.read(CraftedPt.zip(dir.resolve("inst.pt"), inst, Map.of())))
        .hasMessageContaining("refused pickle opcode");

    // An allowed module class reached through a forged persistent id is still only a name.
    byte[] forgedPid = new PickleBuilder().mark().str("module").global("posix", "system")
        .str("x.py").str("import os").tuple().binPersId().stop();
    assertThatThrownBy(() -> PtImporter.read(CraftedPt.zip(dir.resolve("pid.pt"), forgedPid, Map.of())))
        .hasMessageContaining("'posix.system'");
  }
}
