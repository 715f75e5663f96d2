package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.firstspike.io.Npy;
import io.firstspike.testsupport.FolderTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code continue} on damaged run folders: each kind of damage gives exit code 2 and one line per
 * damaged file naming it and what is wrong, and leaves the folder byte for byte as it was (the
 * whole tree is hashed before and after). A 2-epoch Yin-Yang run with snapshots at epochs 1 and 2
 * is trained once and copied for every case.
 */
class ContinueDamageTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  @TempDir static Path shared;
  private static Path template;

  @TempDir Path tmp;

  @BeforeAll
  static void trainTemplate() throws IOException {
    Path cfg = shared.resolve("tiny.yaml");
    Files.writeString(cfg, TrainerYaml.yinYang(2));
    CliTest.Result r = CliTest.run("train", cfg.toString(), "--out", shared.resolve("runs").toString(),
        "--threads", "2");
    assertThat(r.code()).as(r.err()).isZero();
    try (Stream<Path> s = Files.list(shared.resolve("runs"))) {
      template = s.findFirst().orElseThrow();
    }
  }

  /** What a test does to its copy of the run. */
  @FunctionalInterface
  interface Damage {
    void apply(Path run) throws IOException;
  }

  static Stream<Arguments> damages() {
    return Stream.of(
        Arguments.of("missing rng", (Damage) run -> editState(run, 1, s -> s.remove("rng")),
            List.of("epoch_1/training_state.json: 'rng' is missing")),
        Arguments.of("rng key of 623 words", (Damage) run -> editState(run, 1,
                s -> ((ArrayNode) s.get("rng").get("key")).remove(0)),
            List.of("epoch_1/training_state.json: 'rng.key' must be a list of 624 integers")),
        Arguments.of("epoch number that disagrees with the folder", (Damage) run -> editState(run, 1,
                s -> s.put("epoch", 2)),
            List.of("epoch_1/training_state.json: 'epoch' is 2 but this is the snapshot of epoch 1")),
        Arguments.of("state file that is not JSON", (Damage) run -> Files.writeString(
                run.resolve("epoch_1/training_state.json"), "{\"format\": \"firstspike-tr"),
            List.of("epoch_1/training_state.json: not valid JSON")),
        Arguments.of("curve of the wrong length", (Damage) run -> Npy.write(
                run.resolve("epoch_1/yin_yang_val_losses.npy"), new double[5], 5),
            List.of("epoch_1/yin_yang_val_losses.npy: shape [5], expected [2]")),
        Arguments.of("per-class curve with the wrong neuron count", (Damage) run -> Npy.write(
                run.resolve("epoch_1/yin_yang_mean_val_outputs_sorted.npy"), new double[2 * 3 * 4],
                2, 3, 4),
            List.of("epoch_1/yin_yang_mean_val_outputs_sorted.npy: shape [2, 3, 4], expected [2, *, 3]")),
        Arguments.of("label weights of the wrong width", (Damage) run -> Npy.write(
                run.resolve("epoch_1/yin_yang_label_weights_training.npy"), new double[2 * 30], 2, 30),
            List.of("epoch_1/yin_yang_label_weights_training.npy: shape [2, 30], expected [2, 33]")),
        Arguments.of("truncated curve file", (Damage) run -> truncate(
                run.resolve("epoch_1/yin_yang_train_losses.npy"), 3),
            List.of("epoch_1/yin_yang_train_losses.npy: truncated")),
        Arguments.of("missing curve file", (Damage) run -> Files.delete(
                run.resolve("epoch_1/yin_yang_train_accuracies.npy")),
            List.of("epoch_1/yin_yang_train_accuracies.npy: missing")),
        Arguments.of("missing network weights", (Damage) run -> Files.delete(
                run.resolve("epoch_1/network/weights_layer_0.npy")),
            List.of("weights_layer_0.npy")),
        Arguments.of("missing optimizer buffer", (Damage) run -> Files.delete(
                run.resolve("epoch_1/optimizer_buffer_1_layer_0.npy")),
            List.of("epoch_1/optimizer_buffer_1_layer_0.npy: missing")),
        Arguments.of("optimizer buffer of the wrong length", (Damage) run -> Npy.write(
                run.resolve("epoch_1/optimizer_buffer_0_layer_1.npy"), new double[7], 7),
            List.of("epoch_1/optimizer_buffer_0_layer_1.npy: shape [7], expected [33]")),
        Arguments.of("missing epoch folder", (Damage) run -> deleteTree(run.resolve("epoch_1")),
            List.of("epoch_1: missing; the snapshots of", "are of epochs [2]")),
        Arguments.of("config.yaml that is not YAML", (Damage) run -> Files.writeString(
                run.resolve("config.yaml"), "dataset: yin_yang\nneuron_params: {g_leak: [\n"),
            List.of("config.yaml")),
        Arguments.of("config.yaml that is not UTF-8 text", (Damage) run -> Files.write(
                run.resolve("config.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x41}),
            List.of("config.yaml", "is not UTF-8 text")),
        Arguments.of("config.yaml with a misspelt key", (Damage) run -> editConfig(run,
                c -> ((ObjectNode) c.get("training_params")).set("batch_sise",
                    ((ObjectNode) c.get("training_params")).remove("batch_size"))),
            List.of("config.yaml", "batch_sise")),
        Arguments.of("config whose layers differ from the snapshot's network", (Damage) run ->
                editConfig(run, c -> ((ObjectNode) c.get("network_layout")).set("layer_sizes",
                    JSON.createArrayNode().add(12).add(3))),
            List.of("epoch_1/network/network.json: layer_sizes is [10, 3] but config.yaml's"
                + " network_layout.layer_sizes is [12, 3]")),
        Arguments.of("config whose optimizer differs from the snapshot's", (Damage) run ->
                editConfig(run, c -> ((ObjectNode) c.get("training_params")).put("optimizer", "sgd")),
            List.of("epoch_1/training_state.json: sgd: cannot restore an optimizer state of type"
                + " 'adam'")),
        Arguments.of("status.json that is not JSON", (Damage) run -> Files.writeString(
                run.resolve("status.json"), "{\"state\": \"fini"),
            List.of("status.json")),
        Arguments.of("two damaged files at once", (Damage) run -> {
              editState(run, 1, s -> s.remove("rng"));
              truncate(run.resolve("epoch_1/yin_yang_val_accuracies.npy"), 8);
            },
            List.of("epoch_1/training_state.json: 'rng' is missing",
                "epoch_1/yin_yang_val_accuracies.npy: truncated")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damages")
  @DisplayName("continue on a damaged run exits with 2, names each damaged file, and changes nothing")
  void damagedRunIsRefusedAndUntouched(String kind, Damage damage, List<String> phrases)
      throws IOException {
    Path run = FolderTree.copy(template, tmp.resolve("run"));
    damage.apply(run);
    SortedMap<String, String> before = FolderTree.hash(run);
    CliTest.Result r = CliTest.run("continue", run.toString(), "1");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    List<String> lines = Arrays.asList(r.err().strip().split("\n"));
    assertThat(lines).as(r.err()).allMatch(l -> l.startsWith("error: "));
    for (String phrase : phrases) {
      assertThat(lines).as("a line containing '%s' in%n%s", phrase, r.err())
          .anyMatch(l -> l.contains(phrase.replace("/", java.io.File.separator)));
    }
    assertThat(lines.size()).as("one line per problem and a heading at most: %s", r.err())
        .isLessThanOrEqualTo(phrases.size() + 1);
    assertThat(FolderTree.hash(run)).as("the run folder after the failed continue").isEqualTo(before);
  }

  @Test
  @DisplayName("the undamaged copy continues (the damage, not the copy, makes the cases fail)")
  void intactCopyContinues() throws IOException {
    Path run = FolderTree.copy(template, tmp.resolve("intact"));
    CliTest.Result r = CliTest.run("continue", run.toString(), "1");
    assertThat(r.code()).as(r.err()).isZero();
  }

  private static void editState(Path run, int epoch, java.util.function.Consumer<ObjectNode> edit)
      throws IOException {
    Path f = run.resolve("epoch_" + epoch).resolve("training_state.json");
    ObjectNode s = (ObjectNode) JSON.readTree(f.toFile());
    edit.accept(s);
    Files.writeString(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
  }

  private static void editConfig(Path run, java.util.function.Consumer<JsonNode> edit)
      throws IOException {
    Path f = run.resolve("config.yaml");
    JsonNode c = YAML.readTree(Files.readString(f, StandardCharsets.UTF_8));
    edit.accept(c);
    Files.writeString(f, YAML.writeValueAsString(c));
  }

  private static void truncate(Path f, int bytes) throws IOException {
    byte[] b = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(b, b.length - bytes));
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
