package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.firstspike.cli.CliTest.Result;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.io.LayerNetworkFile;
import io.firstspike.io.Npy;
import io.firstspike.io.PtImporter;
import io.firstspike.testsupport.Shared;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.DelgradExperiment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code continue} on the run folders of the original's newest version (HEAD,
 * ../shared/reference/delgrad/pretrained): a new FirstSpike run folder starts from the
 * original's epoch folder and trains on; the original's folder stays byte for byte as it was;
 * what cannot be continued is refused in one line, before anything is created.
 */
class ContinueOriginalRunTest {
  private static final String RUNS = "reference/delgrad/pretrained/";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static Path run(String name) {
    return Shared.file(RUNS + name);
  }

  /** Every file of a folder tree by relative path, with its SHA-256. */
  private static Map<String, String> digests(Path root) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
        out.put(root.relativize(f).toString(), HexFormat.of().formatHex(d));
      }
    }
    return out;
  }

  private static Path onlyChild(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> children = s.toList();
      assertThat(children).hasSize(1);
      return children.get(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"yin_yang_H30_W, 96.70", "yin_yang_H30_WA, 97.50", "yin_yang_H30_WS, 98.20",
      "yin_yang_H5_WS, 95.40"})
  @DisplayName("continue ORIGINAL_RUN 300 \"301\": a new run folder whose epoch_300 is the"
      + " original's network and curves, trained one more epoch; the original is not written")
  void continuesHeadRun(String name, String percent) throws Exception {
    Path original = run(name);
    Map<String, String> before = digests(original);
    Path out = tmp.resolve("out");
    Result r = CliTest.run("continue", original.toString(), "300", "301", "--out",
        out.toString(), "--threads", "2");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(digests(original)).as("the original's folder is only read").isEqualTo(before);
    Path runDir = onlyChild(out);
    assertThat(runDir.getFileName().toString()).startsWith(name + "_from_epoch_300_");
    assertThat(r.out()).startsWith("continuing the original's run " + original
        + " from epoch 300 to 301 in the new run folder ")
        .contains("epoch 301/301", "finished 301 epochs");

    JsonNode status = JSON.readTree(runDir.resolve("status.json").toFile());
    assertThat(status.get("state").asText()).isEqualTo("FINISHED");
    assertThat(status.get("epochsDone").asInt()).isEqualTo(301);
    DelgradExperiment cfg = (DelgradExperiment) ConfigLoader.loadAny(runDir.resolve("config.yaml"));
    DelgradExperiment orig = (DelgradExperiment) ConfigLoader.loadAny(original.resolve("config.yaml"));
    assertThat(cfg).as("the run's config with epoch_number 301")
        .isEqualTo(orig.withEpochs(301).withSource(cfg.source()));

    // epoch_300 of the new run: the original's network and curves
    LayerNetwork saved = LayerNetworkFile.read(runDir.resolve("epoch_300/network")).network();
    LayerNetwork pt = PtImporter.readLayerNetwork(
        original.resolve("epoch_300/yin_yang_network.pt")).network();
    assertThat(saved.parameters()).hasSameSizeAs(pt.parameters());
    for (int k = 0; k < pt.parameters().size(); k++) {
      assertThat(saved.parameters().get(k).values()).as(pt.parameters().get(k).name())
          .containsExactly(pt.parameters().get(k).values());
    }
    for (String curve : List.of("train_losses", "train_accuracies", "val_losses",
        "val_accuracies", "test_spiketimes", "train_spiketimes")) {
      assertThat(Npy.read(runDir.resolve("epoch_300/yin_yang_" + curve + ".npy")).asDoubles())
          .as(curve).containsExactly(
              Npy.read(original.resolve("epoch_300/yin_yang_" + curve + ".npy")).asDoubles());
    }
    double[] mean = Npy.read(runDir.resolve("epoch_300/yin_yang_mean_val_outputs_sorted.npy"))
        .asDoubles();
    double[] head = Npy.read(original.resolve("epoch_300/yin_yang_mean_val_outputs_sorted.npy"))
        .asDoubles();
    // ours [validation][class][neuron], HEAD's [class][validation][neuron]
    for (int e : new int[] {0, 150, 300}) {
      for (int c = 0; c < 3; c++) {
        for (int k = 0; k < 3; k++) {
          assertThat(Double.valueOf(mean[(e * 3 + c) * 3 + k]))
              .isEqualTo(Double.valueOf(head[(c * 301 + e) * 3 + k])); // NaN: never fired
        }
      }
    }
    // the run goes on from there, and its epoch_300 evaluates as the original does
    assertThat(runDir.resolve("epoch_301/yin_yang_val_losses.npy")).isRegularFile();
    assertThat(Npy.read(runDir.resolve("epoch_301/yin_yang_val_losses.npy")).shape())
        .containsExactly(302);
    long[] headCodes = Npy.read(original.resolve("epoch_300/yin_yang_weight_bumping_steps.npy"))
        .asLongs();
    long[] codes = Npy.read(runDir.resolve("epoch_301/yin_yang_weight_bumping_steps.npy"))
        .asLongs();
    assertThat(codes).as("HEAD's 300 x 34 codes, then the new epoch's").hasSize(301 * 34)
        .startsWith(headCodes);
    Result inf = CliTest.run("inference", runDir.toString(), "300", "--threads", "2");
    assertThat(inf.code()).as(inf.err()).isZero();
    assertThat(inf.out().trim()).isEqualTo("After inference, the accuracy is " + percent + "%.");
  }

  @Test
  @DisplayName("what cannot be continued is refused in one line naming the folder, exit code 2,"
      + " nothing created: no later epoch, a snapshot not after the start, an epoch the run does"
      + " not have")
  void refusals() throws Exception {
    Path original = run("yin_yang_H5_WS");
    Path out = tmp.resolve("out");
    Result none = CliTest.run("continue", original.toString(), "300", "--out", out.toString());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).isEqualTo("error: nothing to continue: epoch 300 of " + original
        + " is its last (training_params.epoch_number: 300); list the epochs to train to, e.g."
        + " continue " + original + " 300 \"400\"\n");
    Result early = CliTest.run("continue", original.toString(), "300", "250, 400", "--out",
        out.toString());
    assertThat(early.code()).isEqualTo(2);
    assertThat(early.err()).startsWith("error: snapshot epoch 250 is not after epoch 300");
    Result missing = CliTest.run("continue", original.toString(), "100", "400", "--out",
        out.toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).isEqualTo("error: cannot continue " + original + ": " + original
        + " has no epoch_100/ (it has epoch_300); give one of its epochs\n");
    assertThat(out).doesNotExist();
  }

  @Test
  @DisplayName("a damaged epoch folder of the original: every problem one line naming the file,"
      + " exit code 2, nothing created")
  void damagedOriginal() throws Exception {
    Path original = run("yin_yang_H5_WS");
    Path copy = tmp.resolve("yin_yang_H5_WS");
    Files.createDirectories(copy.resolve("epoch_300"));
    Files.copy(original.resolve("config.yaml"), copy.resolve("config.yaml"));
    try (Stream<Path> files = Files.list(original.resolve("epoch_300"))) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        if (n.endsWith(".pt")) {
          Files.createSymbolicLink(copy.resolve("epoch_300").resolve(n), f); // .pt stay in shared
        } else if (!n.equals("yin_yang_val_losses.npy")) {
          Files.copy(f, copy.resolve("epoch_300").resolve(n));
        }
      }
    }
    Npy.write(copy.resolve("epoch_300/yin_yang_std_val_outputs_sorted.npy"), new double[9], 3, 3);
    Path out = tmp.resolve("out");
    Result r = CliTest.run("continue", copy.toString(), "300", "301", "--out", out.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().toList()).containsExactly(
        "error: cannot continue the original's run " + copy + " from epoch 300:",
        "error: " + copy.resolve("epoch_300/yin_yang_val_losses.npy") + ": missing (HEAD saves it in every"
            + " epoch folder)",
        "error: " + copy.resolve("epoch_300/yin_yang_std_val_outputs_sorted.npy") + ": expected float64 [3,"
            + " 301, 3] (class, validation, label neuron), got <f8 [3, 3]");
    assertThat(out).doesNotExist();
  }
}
