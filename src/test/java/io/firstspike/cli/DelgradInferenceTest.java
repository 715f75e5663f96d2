package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firstspike.cli.CliTest.Result;
import io.firstspike.io.ImportedLayerNetwork;
import io.firstspike.io.LayerNetworkFile;
import io.firstspike.io.Npy;
import io.firstspike.io.PtImporter;
import io.firstspike.testsupport.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code inference} on the run folders of the original's newest version (HEAD,
 * ../shared/reference/delgrad/pretrained) and on FirstSpike's own layer-network folders: the
 * accuracies and test spike times HEAD saved, {@code --repeat} on a hardware-aware run, and the
 * one-line refusals.
 */
class DelgradInferenceTest {
  private static final String RUNS = "reference/delgrad/pretrained/";
  /** The bound on |ours - saved| for the test spike times (units of tau_syn). */
  private static final double TIME_BOUND = 1e-9;
  /**
   * HEAD's accuracy of hwAware_W over 20 noise draws (reference README): mean 0.865, std 0.011;
   * a seeded draw must lie within 5 std of that mean.
   */
  private static final double HW_W_MEAN = 0.865;
  private static final double HW_W_STD = 0.011;
  private static final double NOISY_SIGMAS = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static Path run(String name) {
    return Shared.file(RUNS + name);
  }

  @ParameterizedTest(name = "{0}: {1}%")
  @CsvSource({"yin_yang_H30_W, 96.70", "yin_yang_H30_WA, 97.50", "yin_yang_H30_WS, 98.20",
      "yin_yang_H5_WS, 95.40"})
  @DisplayName("inference on HEAD's four simulation runs prints their accuracies and saves their test spike times (<= 1e-9)")
  void simulationRuns(String name, String percent) throws Exception {
    Path times = tmp.resolve(name + ".npy");
    Result r = CliTest.run("inference", run(name).toString(), "--save-times", times.toString(),
        "--threads", "2");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().trim()).isEqualTo("After inference, the accuracy is " + percent + "%.");
    assertThat(r.err()).as("no note for a noise-free network").isEmpty();
    double[][] ours = Npy.read(times).asMatrix();
    double[][] saved = Npy.read(run(name).resolve("epoch_300/yin_yang_test_spiketimes.npy"))
        .asMatrix();
    double worst = largestDifference(saved, ours);
    System.out.printf("%s through the CLI: %s%%, largest test spike-time difference %.3g%n", name,
        percent, worst);
    assertThat(worst).isLessThanOrEqualTo(TIME_BOUND);

    // the epoch folder, HEAD's 'inference <run> <epoch>' form and --json say the same
    String line = r.out();
    assertThat(CliTest.run("inference", run(name).resolve("epoch_300").toString()).out())
        .isEqualTo(line);
    assertThat(CliTest.run("inference", run(name).toString(), "300").out()).isEqualTo(line);
    JsonNode json = JSON.readTree(CliTest.run("inference", run(name).toString(), "--json").out());
    assertThat(json.get("accuracy").asDouble() * 100).isEqualTo(Double.parseDouble(percent),
        org.assertj.core.data.Offset.offset(1e-9));
    assertThat(json.get("samples").asInt()).isEqualTo(1000);
    assertThat(json.get("dataset").asText()).isEqualTo("yin_yang");
  }

  @Test
  @DisplayName("FirstSpike's own layer-network folders (network/ beside config.yaml, a run's epoch_<N>/network/) give the same times as the .pt")
  void ownLayerNetworkFolders() throws Exception {
    Path source = run("yin_yang_H30_WS");
    ImportedLayerNetwork imported =
        PtImporter.readLayerNetwork(source.resolve("epoch_300/yin_yang_network.pt"));
    Path pretrained = Files.createDirectories(tmp.resolve("pretrained/H30_WS"));
    Files.copy(source.resolve("config.yaml"), pretrained.resolve("config.yaml"));
    LayerNetworkFile.write(imported.network(), imported.training(), pretrained.resolve("network"),
        Map.of());
    Path runDir = Files.createDirectories(tmp.resolve("runs/H30_WS_1"));
    Files.copy(source.resolve("config.yaml"), runDir.resolve("config.yaml"));
    LayerNetworkFile.write(imported.network(), imported.training(),
        runDir.resolve("epoch_300/network"), Map.of());

    Path fromPt = tmp.resolve("pt.npy");
    assertThat(CliTest.run("inference", source.toString(), "--save-times", fromPt.toString())
        .code()).isZero();
    for (Path folder : new Path[] {pretrained, runDir, runDir.resolve("epoch_300")}) {
      Path times = tmp.resolve(folder.getFileName() + ".npy");
      Result r = CliTest.run("inference", folder.toString(), "--save-times", times.toString());
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.out().trim()).isEqualTo("After inference, the accuracy is 98.20%.");
      assertThat(Npy.read(times).asMatrix()).as(folder + ": bit for bit as from the .pt")
          .isDeepEqualTo(Npy.read(fromPt).asMatrix());
    }
  }

  @Test
  @DisplayName("a copy of HEAD's epoch folder alone reads its own config.yaml (feat_in/feat_out, the false defaults) and gives the same accuracy")
  void epochFolderAlone() throws Exception {
    Path epoch = run("yin_yang_H5_WS").resolve("epoch_300");
    Path alone = Files.createDirectories(tmp.resolve("copied/epoch_300"));
    for (String f : new String[] {"config.yaml", "yin_yang_network.pt"}) {
      Files.copy(epoch.resolve(f), alone.resolve(f));
    }
    assertThat(Files.readString(alone.resolve("config.yaml"))).contains("feat_in")
        .contains("rounding_precision: false");
    Result r = CliTest.run("inference", alone.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().trim()).isEqualTo("After inference, the accuracy is 95.40%.");
  }

  @Test
  @DisplayName("inference --repeat on a hardware-aware run: seeded, reproducible, each repetition a noise draw, repetition 1 = a single inference")
  void repeatedOnNoisyRun() throws Exception {
    String folder = run("yin_yang_hwAware_W").toString();
    Result a = CliTest.run("inference", folder, "--repeat", "4", "--seed", "7", "--json");
    assertThat(a.code()).as(a.err()).isZero();
    Result b = CliTest.run("inference", folder, "--repeat", "4", "--seed", "7", "--json",
        "--threads", "1");
    assertThat(b.out()).as("same seed, same accuracies, whatever the threads").isEqualTo(a.out());
    JsonNode json = JSON.readTree(a.out());
    assertThat(json.get("repeats").asInt()).isEqualTo(4);
    assertThat(json.get("seed").asLong()).isEqualTo(7);
    double[] acc = new double[4];
    for (int i = 0; i < 4; i++) {
      acc[i] = json.get("accuracies").get(i).asDouble();
      assertThat(acc[i]).isBetween(HW_W_MEAN - NOISY_SIGMAS * HW_W_STD,
          HW_W_MEAN + NOISY_SIGMAS * HW_W_STD);
    }
    double mean = (acc[0] + acc[1] + acc[2] + acc[3]) / 4;
    double sq = 0;
    for (double x : acc) {
      sq += (x - mean) * (x - mean);
    }
    assertThat(json.get("accuracy").asDouble()).isCloseTo(mean,
        org.assertj.core.data.Offset.offset(1e-6));
    assertThat(json.get("accuracy_std").asDouble()).isCloseTo(Math.sqrt(sq / 3),
        org.assertj.core.data.Offset.offset(1e-6));
    assertThat(json.get("accuracy_std").asDouble()).as("the draws differ").isPositive();

    JsonNode single = JSON.readTree(CliTest.run("inference", folder, "--seed", "7", "--json")
        .out());
    assertThat(single.get("accuracy").asDouble()).isEqualTo(acc[0]);
    Result other = CliTest.run("inference", folder, "--repeat", "4", "--seed", "8", "--json");
    assertThat(other.out()).as("another seed, other draws").isNotEqualTo(a.out());

    Result text = CliTest.run("inference", folder, "--repeat", "2");
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).containsPattern(
        "Accuracies of 2 inferences \\(noise seeded from 2000\\): \\d+\\.\\d\\d%, \\d+\\.\\d\\d%")
        .containsPattern("After 2 inferences, the accuracy is \\d+\\.\\d\\d% \\+- \\d+\\.\\d\\d%"
            + " \\(mean and sample standard deviation\\)\\.");
    Result once = CliTest.run("inference", folder);
    assertThat(once.err()).contains("note: the network draws hardware noise")
        .contains("seeded from 2000");
  }

  @Test
  @DisplayName("inference --repeat on a noise-free run says the repetitions would be identical and infers once")
  void repeatedOnNoiseFreeRun() {
    Result r = CliTest.run("inference", run("yin_yang_H30_WS").toString(), "--repeat", "3");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().trim()).isEqualTo("After inference, the accuracy is 98.20%.");
    assertThat(r.err()).contains("draws no noise").contains("3 repetitions would be identical");
  }

  @Test
  @DisplayName("a missing epoch, a folder of neither kind, a chip config, mismatched config and network, and bad options give one line and exit code 2")
  void refusals() throws Exception {
    String ws = run("yin_yang_H30_WS").toString();
    assertOneLine(CliTest.run("inference", ws, "20"), ws, "has no snapshot epoch_20/",
        "it has epoch_300");
    assertOneLine(CliTest.run("inference", ws + "/epoch_300", "300"), "is a snapshot folder"
        + " already");
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    assertOneLine(CliTest.run("inference", empty.toString()), empty.toString(),
        "has no config.yaml");
    Path noNet = Files.createDirectory(tmp.resolve("config-only"));
    Files.copy(run("yin_yang_H30_WS").resolve("config.yaml"), noNet.resolve("config.yaml"));
    Files.copy(run("yin_yang_H30_WS").resolve("yin_yang_untrained_network.pt"),
        noNet.resolve("yin_yang_untrained_network.pt"));
    assertOneLine(CliTest.run("inference", noNet.toString()), noNet.toString(),
        "has a config.yaml but no network", "*_untrained_network.pt is the network before"
            + " training");
    Path epochDir = Files.createDirectories(tmp.resolve("run/epoch_5"));
    Files.copy(run("yin_yang_H30_WS").resolve("config.yaml"), tmp.resolve("run/config.yaml"));
    assertOneLine(CliTest.run("inference", epochDir.toString()), "epoch_5",
        "holds no network (expected network/ or *_network.pt)");

    Path chip = Files.createDirectory(tmp.resolve("chip"));
    Files.writeString(chip.resolve("config.yaml"), Files.readString(run("yin_yang_H30_WS")
        .resolve("config.yaml")).replace("substrate: sim", "substrate: hx"));
    Files.copy(run("yin_yang_H30_WS").resolve("epoch_300/yin_yang_network.pt"),
        chip.resolve("yin_yang_network.pt"));
    assertOneLine(CliTest.run("inference", chip.toString()), "config.yaml",
        "training_params.substrate", "BrainScaleS-2");

    Path mixed = Files.createDirectory(tmp.resolve("mixed"));
    Files.copy(Shared.file("reference/fastanddeep/yinyang_et_300epochs/config.yaml"),
        mixed.resolve("config.yaml"));
    Files.copy(run("yin_yang_H30_WS").resolve("epoch_300/yin_yang_network.pt"),
        mixed.resolve("yin_yang_network.pt"));
    assertOneLine(CliTest.run("inference", mixed.toString()), "yin_yang_network.pt",
        "holds a DelGrad network", "2021-schema config", "use the config.yaml saved with the"
            + " network");

    assertOneLine(CliTest.run("inference", ws, "--repeat", "0"), "--repeat must be at least 1");
    assertOneLine(CliTest.run("inference", ws, "--repeat", "2", "--save-times",
        tmp.resolve("t.npy").toString()), "--save-times writes the times of one inference");
  }

  private static void assertOneLine(Result r, String... parts) {
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(Main.BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).startsWith("error: ").contains(parts);
  }

  /** Largest |ours - saved| over the saved times; +Infinity must match exactly. */
  private static double largestDifference(double[][] saved, double[][] ours) {
    assertThat(ours.length).isEqualTo(saved.length);
    double worst = 0;
    for (int s = 0; s < saved.length; s++) {
      for (int k = 0; k < saved[s].length; k++) {
        if (Double.isFinite(saved[s][k])) {
          worst = Math.max(worst, Math.abs(ours[s][k] - saved[s][k]));
        } else {
          assertThat(ours[s][k]).as("sample %d, neuron %d", s, k).isEqualTo(saved[s][k]);
        }
      }
    }
    return worst;
  }
}
