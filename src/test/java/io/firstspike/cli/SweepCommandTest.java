package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.firstspike.io.Npy;
import io.firstspike.testsupport.Shared;
import io.firstspike.testsupport.TestConfigs;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep run|status|continue|eval} end to end on a 2021 Yin-Yang config cut to one epoch:
 * a 4-run sweep (two seeds from --seeds x two hidden sizes), its folder layout, the continue of
 * an unfinished run only, and the CSV checked against numbers computed here from the runs' own
 * files.
 */
class SweepCommandTest {
  @TempDir Path tmp;

  private static final YAMLMapper YAML = new YAMLMapper();

  /** One epoch, no snapshots but the last; hidden sizes swept by the sweep file. */
  private Path writeInputs() throws Exception {
    Files.writeString(tmp.resolve("yy.yaml"), TestConfigs.yinYang(10, 1, 0.005, "[]", 20, 0.95,
        "false"));
    Files.writeString(tmp.resolve("sweep.yaml"), """
        parameters:
          - path: network_layout/layer_sizes/0
            value: [4, 8]
        """);
    return tmp.resolve("out");
  }

  private static Path onlySweepFolder(Path out) throws Exception {
    try (Stream<Path> s = Files.list(out)) {
      List<Path> all = s.toList();
      assertThat(all).hasSize(1);
      return all.get(0);
    }
  }

  private static List<Path> runDirs(Path sweep) throws Exception {
    try (Stream<Path> s = Files.list(sweep)) {
      return s.filter(p -> p.getFileName().toString().startsWith("run_")).sorted().toList();
    }
  }

  @Test
  @DisplayName("run, status, continue of an unfinished run only, and eval: layout, names, CSV aggregates from the runs' own files, plots")
  void endToEnd() throws Exception {
    Path out = writeInputs();
    CliTest.Result run = CliTest.run("sweep", "run", tmp.resolve("yy.yaml").toString(),
        tmp.resolve("sweep.yaml").toString(), "--seeds", "1..2", "--out", out.toString());
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("(4 runs)").contains("4 finished, 0 failed, 0 skipped");
    Path sweep = onlySweepFolder(out);
    assertThat(sweep.getFileName().toString()).matches("sweep_yin_yang_\\d{4}-\\d\\d-\\d\\d_\\d\\d-\\d\\d-\\d\\d");

    // layout: initial config copied byte for byte, the sweep with the seed entry first
    assertThat(Files.readString(sweep.resolve("initial_config.yaml")))
        .isEqualTo(Files.readString(tmp.resolve("yy.yaml")));
    JsonNode sweepConfig = YAML.readTree(sweep.resolve("sweep_config.yaml").toFile());
    assertThat(sweepConfig.at("/parameters/0/path").toString())
        .isEqualTo("[\"training_params/torch_seed\",\"training_params/numpy_seed\"]");
    assertThat(sweepConfig.at("/parameters/1/path").asText()).isEqualTo("network_layout/layer_sizes/0");
    List<Path> runs = runDirs(sweep);
    assertThat(runs).extracting(p -> p.getFileName().toString()).containsExactly(
        "run_0=1_1=1_2=4", "run_0=1_1=1_2=8", "run_0=2_1=2_2=4", "run_0=2_1=2_2=8");
    Path r28 = sweep.resolve("run_0=2_1=2_2=8");
    JsonNode cfg = YAML.readTree(r28.resolve("config.yaml").toFile());
    assertThat(cfg.at("/training_params/torch_seed").asInt()).isEqualTo(2);
    assertThat(cfg.at("/training_params/numpy_seed").asInt()).isEqualTo(2);
    assertThat(cfg.at("/network_layout/layer_sizes/0").asInt()).isEqualTo(8);
    List<String> keys = new ArrayList<>();
    cfg.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).isSorted();
    assertThat(Files.readString(r28.resolve("sweep_updates.yaml"))).isEqualTo("""
        - path:
          - training_params
          - torch_seed
          value: 2
        - path:
          - training_params
          - numpy_seed
          value: 2
        - path:
          - network_layout
          - layer_sizes
          - 0
          value: 8
        """);
    for (Path r : runs) {
      assertThat(r.resolve("epoch_1/yin_yang_test_labels.npy")).isRegularFile();
      assertThat(Files.readString(r.resolve("output.log"))).contains("epoch 1/1");
      assertThat(Files.readString(r.resolve("status.json"))).contains("\"FINISHED\"");
    }
    double[] valBefore = Npy.read(r28.resolve("epoch_1/yin_yang_val_accuracies.npy")).asDoubles();
    // the seeds matter: the two seeds of one size give different validation curves
    assertThat(valBefore).isNotEqualTo(
        Npy.read(sweep.resolve("run_0=1_1=1_2=8/epoch_1/yin_yang_val_accuracies.npy")).asDoubles());

    CliTest.Result st = CliTest.run("sweep", "status", sweep.toString());
    assertThat(st.code()).isZero();
    assertThat(st.out()).startsWith("Finished runs : 4/4 at ");

    // make one run unfinished, as if killed before its first epoch ended
    byte[] otherMetrics = Files.readAllBytes(sweep.resolve("run_0=1_1=1_2=4/metrics.jsonl"));
    long otherModified = Files.getLastModifiedTime(sweep.resolve("run_0=1_1=1_2=4/metrics.jsonl")).toMillis();
    deleteTree(r28.resolve("epoch_1"));
    Files.writeString(r28.resolve("status.json"), Files.readString(r28.resolve("status.json"))
        .replace("\"FINISHED\"", "\"RUNNING\""));
    st = CliTest.run("sweep", "status", sweep.toString(), "--list");
    assertThat(st.out()).startsWith("Finished runs : 3/4 at ").contains("unfinished: run_0=2_1=2_2=8");
    CliTest.Result cont = CliTest.run("sweep", "continue", sweep.toString());
    assertThat(cont.code()).as(cont.err()).isZero();
    assertThat(cont.out()).contains("will continue 1 runs out of the total 4")
        .contains("[1/1] run_0=2_1=2_2=8 finished");
    assertThat(Files.readAllBytes(sweep.resolve("run_0=1_1=1_2=4/metrics.jsonl"))).isEqualTo(otherMetrics);
    assertThat(Files.getLastModifiedTime(sweep.resolve("run_0=1_1=1_2=4/metrics.jsonl")).toMillis())
        .isEqualTo(otherModified);
    assertThat(Npy.read(r28.resolve("epoch_1/yin_yang_val_accuracies.npy")).asDoubles())
        .as("the rerun reproduces the run").isEqualTo(valBefore);
    assertThat(CliTest.run("sweep", "status", sweep.toString()).out()).startsWith("Finished runs : 4/4");

    CliTest.Result ev = CliTest.run("sweep", "eval", sweep.toString());
    assertThat(ev.code()).as(ev.err()).isZero();
    List<String> lines = Files.readAllLines(sweep.resolve("sweep_results_df.csv"));
    List<String> header = new ArrayList<>(List.of("params/network_layout_layer_sizes_0"));
    for (String m : List.of("number_of_parameters", "final_val_err", "final_train_err", "final_test_err")) {
      for (String a : List.of("mean", "std", "median", "0", "25", "75", "100")) {
        header.add("metrics/" + m + "_" + a);
      }
    }
    header.add("metrics/frequency");
    assertThat(lines.get(0)).isEqualTo(String.join(",", header));
    assertThat(lines).hasSize(3);
    for (int row = 1; row <= 2; row++) {
      String[] cells = lines.get(row).split(",", -1);
      int hidden = row == 1 ? 4 : 8;
      assertThat(cells[0]).isEqualTo(Integer.toString(hidden));
      List<double[]> perRun = new ArrayList<>();
      for (int seed = 1; seed <= 2; seed++) {
        perRun.add(independentMetrics(sweep.resolve("run_0=" + seed + "_1=" + seed + "_2=" + hidden)));
      }
      // 4-h-3 with a bias row per layer: (4+1)*h + (h+1)*3 weights
      assertThat(perRun.get(0)[0]).isEqualTo((4 + 1) * hidden + (hidden + 1) * 3);
      for (int m = 0; m < 4; m++) {
        double a = perRun.get(0)[m];
        double b = perRun.get(1)[m];
        double lo = Math.min(a, b);
        double hi = Math.max(a, b);
        double mean = (a + b) / 2;
        // mean, population std, median, quantiles 0, 25, 75, 100 (linear interpolation)
        double[] expected = {mean, Math.abs(a - b) / 2, mean, lo, lo + 0.25 * (hi - lo),
            lo + 0.75 * (hi - lo), hi};
        for (int k = 0; k < 7; k++) {
          String cell = cells[1 + 7 * m + k];
          String what = header.get(1 + 7 * m + k) + " of hidden " + hidden;
          if (expected[k] == Math.rint(expected[k])) {
            assertThat(cell).as(what).isEqualTo(Long.toString((long) expected[k]));
          } else {
            // float16 keeps 11 significant bits (rounding: relative error <= 2^-11), and its
            // shortest text adds less than that again
            assertThat(Double.parseDouble(cell)).as(what)
                .isCloseTo(expected[k], within(Math.abs(expected[k]) * Math.scalb(1.0, -10) + 1e-7));
            assertThat(cell.length()).as(what + " has float16's few digits").isLessThanOrEqualTo(7);
          }
        }
      }
      assertThat(cells[cells.length - 1]).isEqualTo("2");
    }
    for (String png : List.of("nhidden_plot.png", "nparams_plot.png", "val_over_epoch.png")) {
      BufferedImage img = ImageIO.read(sweep.resolve(png).toFile());
      assertThat(img).as(png).isNotNull();
      assertThat(img.getWidth()).isEqualTo(900);
    }
  }

  /**
   * {number of weights, final val error, final train error, final test error} of a run, from its
   * files: the last validation and training accuracies, and the test error of the saved test
   * label times with the TTFS rule (the earliest label neuron; none when it never spikes).
   */
  private static double[] independentMetrics(Path run) throws Exception {
    Path e = run.resolve("epoch_1");
    double[] val = Npy.read(e.resolve("yin_yang_val_accuracies.npy")).asDoubles();
    double[] train = Npy.read(e.resolve("yin_yang_train_accuracies.npy")).asDoubles();
    double[][] times = Npy.read(e.resolve("yin_yang_test_spiketimes.npy")).asMatrix();
    long[] labels = Npy.read(e.resolve("yin_yang_test_labels.npy")).asLongs();
    int wrong = 0;
    for (int i = 0; i < labels.length; i++) {
      int best = 0;
      for (int k = 1; k < times[i].length; k++) {
        if (times[i][k] < times[i][best]) {
          best = k;
        }
      }
      if (times[i][best] == Double.POSITIVE_INFINITY || best != labels[i]) {
        wrong++;
      }
    }
    long weights = 0;
    try (Stream<Path> s = Files.list(e.resolve("network"))) {
      for (Path w : s.filter(p -> p.toString().endsWith(".npy")).toList()) {
        weights += Arrays.stream(Npy.read(w).shape()).reduce(1, (x, y) -> x * y);
      }
    }
    return new double[] {weights, 1 - val[val.length - 1], 1 - train[train.length - 1],
        (double) wrong / labels.length};
  }

  @Test
  @DisplayName("a path missing from the initial config: one line naming the sweep file, entry and path, exit code 2, nothing written")
  void missingPathWritesNothing() throws Exception {
    Path out = writeInputs();
    Files.writeString(tmp.resolve("bad.yaml"), """
        parameters:
          - path: network_layout/layer_sizes/0
            value: [4, 8]
          - path: training_params/learning_rat
            value: [0.1]
        """);
    CliTest.Result r = CliTest.run("sweep", "run", tmp.resolve("yy.yaml").toString(),
        tmp.resolve("bad.yaml").toString(), "--out", out.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).startsWith("error: " + tmp.resolve("bad.yaml") + ": parameters[1]: path"
        + " training_params/learning_rat does not exist in the initial config")
        .contains("training_params has no key 'learning_rat'");
    assertThat(out).doesNotExist();
  }

  @Test
  @DisplayName("a value the config cannot take is refused before anything is written, naming the run and the key")
  void invalidValueWritesNothing() throws Exception {
    Path out = writeInputs();
    Files.writeString(tmp.resolve("bad.yaml"), """
        parameters:
          - path: network_layout/layer_sizes/0
            value: [4, -1]
        """);
    CliTest.Result r = CliTest.run("sweep", "run", tmp.resolve("yy.yaml").toString(),
        tmp.resolve("bad.yaml").toString(), "--out", out.toString());
    assertThat(r.code()).as(r.out()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: sweep run 1 (run_0=-1): ").contains("layer_sizes");
    assertThat(out).doesNotExist();
  }

  @Test
  @DisplayName("a new-schema (DelGrad) sweep is checked run by run: hidden sizes and seeds"
      + " validate as DelGrad experiments; --dry-run loads all 24 runs of the original's sweep.yaml"
      + " (its BroadcastLayer runs keep the delay keys, which HEAD ignores) and lists them; a typo"
      + " in such a run stops the sweep before anything is created")
  void delgradSweep() throws Exception {
    Path config = Shared.file("reference/delgrad/configs/yin_yang_H30_WA.yaml");
    Path sweepFile = Shared.file("reference/delgrad/sweep_config/sweep.yaml");
    Path sizes = tmp.resolve("sizes.yaml");
    Files.writeString(sizes, "parameters:\n  - path: network_layout/layers/1/size\n"
        + "    value: [30, 5]\n");
    var configs = io.firstspike.sweep.SweepSetup.read(config, sizes, List.of(1L, 2L))
        .requireTrainable(1);
    assertThat(configs).hasSize(4);
    assertThat(configs.values())
        .allMatch(c -> c instanceof io.firstspike.train.config.DelgradExperiment);
    Path out = tmp.resolve("out");
    CliTest.Result dry = CliTest.run("sweep", "run", config.toString(), sweepFile.toString(),
        "--dry-run", "--out", out.toString());
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.err()).isEmpty();
    List<String> names = dry.out().lines().filter(l -> l.startsWith("run_")).toList();
    assertThat(names).hasSize(24).doesNotHaveDuplicates()
        .startsWith("run_0=1000_1=1000_2=DelayAxonal_3=DelayAxonal_4=30")
        .endsWith("run_0=1001_1=1001_2=BroadcastLayer_3=BroadcastLayer_4=5");
    assertThat(out).doesNotExist();

    Path typo = tmp.resolve("typo.yaml");
    Files.writeString(typo, Files.readString(config).replaceFirst("delay_std:", "delay_sdt:"));
    for (String mode : List.of("--dry-run", "--parallel=1")) {
      CliTest.Result r = CliTest.run("sweep", "run", typo.toString(), sweepFile.toString(), mode,
          "--out", out.toString());
      assertThat(r.code()).as(mode).isEqualTo(2);
      assertThat(r.err()).as(mode).startsWith("error: sweep run 0 (")
          .contains("network_layout.layers[0].delay_std: is required but missing",
              "(found 'delay_sdt': misspelt?)")
          .doesNotContain("\n ");
      assertThat(out).as(mode).doesNotExist();
    }
  }

  @Test
  @DisplayName("status, continue and eval of a folder that is not a sweep: one line, exit code 2")
  void notASweep() {
    for (String cmd : List.of("status", "continue", "eval")) {
      CliTest.Result r = CliTest.run("sweep", cmd, tmp.toString());
      assertThat(r.code()).as(cmd).isEqualTo(2);
      assertThat(r.err()).as(cmd).isEqualTo("error: " + tmp + " is not a sweep folder: it has no"
          + " sweep_config.yaml (a sweep folder is made by 'sweep run')\n");
    }
  }

  private static void deleteTree(Path p) throws Exception {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
