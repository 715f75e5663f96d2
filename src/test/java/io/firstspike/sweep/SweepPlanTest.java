package io.firstspike.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.testsupport.Shared;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Parsing and expansion of the original's sweep files (DELGRAD-MODEL.md section 14), checked on
 * its own sweep.yaml and sweep2.yaml with its own DelGrad configs from ../shared/reference/delgrad.
 */
class SweepPlanTest {
  private static final String DELGRAD = "reference/delgrad/";

  private static ObjectNode config(String name) throws Exception {
    Path f = Shared.file(DELGRAD + "configs/" + name);
    return (ObjectNode) SweepYaml.read(Files.readString(f), f.toString());
  }

  private static SweepDefinition sweep(String name) throws Exception {
    Path f = Shared.file(DELGRAD + "sweep_config/" + name);
    return SweepDefinition.parse(Files.readString(f), f.getFileName().toString());
  }

  private static JsonNode at(JsonNode root, String path) {
    JsonNode n = root;
    for (Object p : KeyPath.parse(path).parts()) {
      n = p instanceof Integer i ? n.get(i) : n.get((String) p);
    }
    return n;
  }

  @Test
  @DisplayName("sweep.yaml over yin_yang_H30_WA: 2 seeds x 2 layer kinds x 6 sizes = 24 runs in product order, last entry fastest")
  void sweepYaml() throws Exception {
    ObjectNode initial = config("yin_yang_H30_WA.yaml");
    SweepPlan plan = SweepPlan.expand(initial, "yin_yang_H30_WA.yaml", sweep("sweep.yaml"));
    assertThat(plan.runs()).hasSize(24);
    List<String> expected = new ArrayList<>();
    for (int seed : new int[] {1000, 1001}) {
      for (String kind : new String[] {"DelayAxonal", "BroadcastLayer"}) {
        for (int size : new int[] {30, 25, 20, 15, 10, 5}) {
          expected.add("run_0=" + seed + "_1=" + seed + "_2=" + kind + "_3=" + kind + "_4=" + size);
        }
      }
    }
    assertThat(plan.runs()).extracting(SweepPlan.Run::name).containsExactlyElementsOf(expected);
    SweepPlan.Run r = plan.runs().get(13); // seed 1001, DelayAxonal, size 25
    assertThat(r.name()).isEqualTo("run_0=1001_1=1001_2=DelayAxonal_3=DelayAxonal_4=25");
    assertThat(r.updates()).extracting(u -> u.path().text()).containsExactly(
        "training_params/torch_seed", "training_params/numpy_seed", "network_layout/layers/0/name",
        "network_layout/layers/2/name", "network_layout/layers/1/size");
    assertThat(at(r.config(), "training_params/torch_seed").intValue()).isEqualTo(1001);
    assertThat(at(r.config(), "training_params/numpy_seed").intValue()).isEqualTo(1001);
    assertThat(at(r.config(), "network_layout/layers/1/size").intValue()).isEqualTo(25);
    SweepPlan.Run w = plan.runs().get(6); // seed 1000, BroadcastLayer, size 30
    assertThat(at(w.config(), "network_layout/layers/0/name").textValue())
        .isEqualTo("BroadcastLayer");
    assertThat(at(w.config(), "network_layout/layers/2/name").textValue())
        .isEqualTo("BroadcastLayer");
    // the delay keys stay (the original's Broadcast ignores them); nothing else changes
    ObjectNode back = w.config().deepCopy();
    SweepPlan.set(back, KeyPath.parse("training_params/torch_seed"), at(initial, "training_params/torch_seed"));
    SweepPlan.set(back, KeyPath.parse("training_params/numpy_seed"), at(initial, "training_params/numpy_seed"));
    SweepPlan.set(back, KeyPath.parse("network_layout/layers/0/name"), at(initial, "network_layout/layers/0/name"));
    SweepPlan.set(back, KeyPath.parse("network_layout/layers/2/name"), at(initial, "network_layout/layers/2/name"));
    SweepPlan.set(back, KeyPath.parse("network_layout/layers/1/size"), at(initial, "network_layout/layers/1/size"));
    assertThat(back).isEqualTo(initial);
    assertThat(initial).as("the initial tree is not changed").isEqualTo(config("yin_yang_H30_WA.yaml"));
  }

  @Test
  @DisplayName("sweep2.yaml over yin_yang_hwAware: 3 sizes x 5 seeds x 3 learning rates = 45 runs, floats named as Python prints them")
  void sweep2Yaml() throws Exception {
    SweepPlan plan = SweepPlan.expand(config("yin_yang_hwAware.yaml"), "yin_yang_hwAware.yaml",
        sweep("sweep2.yaml"));
    assertThat(plan.runs()).hasSize(45);
    assertThat(plan.runs().get(0).name()).isEqualTo("run_0=10_1=0_2=0_3=0.0025");
    assertThat(plan.runs().get(1).name()).isEqualTo("run_0=10_1=0_2=0_3=0.005");
    assertThat(plan.runs().get(2).name()).isEqualTo("run_0=10_1=0_2=0_3=0.01");
    assertThat(plan.runs().get(3).name()).isEqualTo("run_0=10_1=1_2=1_3=0.0025");
    assertThat(plan.runs().get(15).name()).isEqualTo("run_0=11_1=0_2=0_3=0.0025");
    assertThat(plan.runs().get(44).name()).isEqualTo("run_0=12_1=4_2=4_3=0.01");
    SweepPlan.Run r = plan.runs().get(44);
    assertThat(at(r.config(), "network_layout/layers/2/size").intValue()).isEqualTo(12);
    assertThat(at(r.config(), "training_params/learning_rate").doubleValue()).isEqualTo(0.01);
    assertThat(plan.runs()).extracting(SweepPlan.Run::name).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("a path missing from the initial config is one line naming the sweep file, the entry, the path and the keys that exist")
  void missingPath() throws Exception {
    assertThatThrownBy(() -> SweepPlan.expand(config("yin_yang_H30_WA.yaml"),
        "yin_yang_H30_WA.yaml", sweep("sweep2.yaml")))
        .isInstanceOf(SweepException.class)
        .hasMessage("sweep2.yaml: parameters[0]: path network_layout/layers/2/size does not exist"
            + " in the initial config yin_yang_H30_WA.yaml: network_layout/layers/2 has no key"
            + " 'size' (its keys: delay_mean, delay_std, learning_rate, monitor, name, positivity,"
            + " trainable); every swept path must be a key already in the initial config");
    ObjectNode c = config("yin_yang_H30_W.yaml");
    assertThatThrownBy(() -> SweepPlan.expand(c, "c.yaml", SweepDefinition.parse(
        "parameters:\n  - path: network_layout/layers/9/size\n    value: 3\n", "s.yaml")))
        .hasMessageContaining("s.yaml: parameters[0]: path network_layout/layers/9/size")
        .hasMessageContaining("network_layout/layers is a list of 4 items, so index 9 does not exist");
    assertThatThrownBy(() -> SweepPlan.expand(c, "c.yaml", SweepDefinition.parse(
        "parameters:\n  - path: training_params/learning_rate/x\n    value: 3\n", "s.yaml")))
        .hasMessageContaining("training_params/learning_rate is a single value");
  }

  @Test
  @DisplayName("a scalar value is a one-element list, an empty list is skipped with a warning, tied paths share the value")
  void entries() {
    SweepDefinition d = SweepDefinition.parse("""
        parameters:
          - path: a/b
            value: 7
          - path: [a/c, d/0]
            value: []
          - path: [a/c, d/0]
            value: [x, y]
        """, "s.yaml");
    assertThat(d.axes()).hasSize(2);
    assertThat(d.axes().get(0).values()).extracting(JsonNode::intValue).containsExactly(7);
    assertThat(d.warnings()).containsExactly("s.yaml: parameters[1] ([a/c, d/0]): no values; entry skipped");
    ObjectNode initial = (ObjectNode) SweepYaml.read("{a: {b: 1, c: 2}, d: [5, 6]}", "c");
    SweepPlan plan = SweepPlan.expand(initial, "c", d);
    assertThat(plan.runs()).extracting(SweepPlan.Run::name)
        .containsExactly("run_0=7_1=x_2=x", "run_0=7_1=y_2=y");
    assertThat(plan.runs().get(1).config().toString()).isEqualTo("{\"a\":{\"b\":7,\"c\":\"y\"},\"d\":[\"y\",6]}");
  }

  @Test
  @DisplayName("run names drop spaces, braces, colons, quotes, brackets and commas from Python's str() of the values")
  void namesOfStructuredValues() {
    SweepDefinition d = SweepDefinition.parse("""
        parameters:
          - path: a
            value: [[1, 2], {k: v}, true, null, 1.0e-5, 'x y']
        """, "s.yaml");
    SweepPlan plan = SweepPlan.expand((ObjectNode) SweepYaml.read("{a: 0}", "c"), "c", d);
    assertThat(plan.runs()).extracting(SweepPlan.Run::name).containsExactly(
        "run_0=12", "run_0=kv", "run_0=True", "run_0=None", "run_0=1e-05", "run_0=xy");
    assertThatThrownBy(() -> SweepPlan.expand((ObjectNode) SweepYaml.read("{a: 0}", "c"), "c",
        SweepDefinition.parse("parameters: [{path: a, value: ['a b', 'ab']}]", "s.yaml")))
        .hasMessageContaining("runs 0 and 1 both get the folder name run_0=ab");
    assertThatThrownBy(() -> SweepPlan.expand((ObjectNode) SweepYaml.read("{a: 0}", "c"), "c",
        SweepDefinition.parse("parameters: [{path: a, value: ['../x']}]", "s.yaml")))
        .hasMessageContaining("contains '/'");
  }

  @Test
  @DisplayName("Python's repr of floats: shortest digits, exponent form below 1e-4 and from 1e16")
  void pythonFloats() {
    // expected strings are Python 3's repr() of the same doubles
    assertThat(SweepYaml.pythonFloat(0.0025)).isEqualTo("0.0025");
    assertThat(SweepYaml.pythonFloat(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(SweepYaml.pythonFloat(1e-5)).isEqualTo("1e-05");
    assertThat(SweepYaml.pythonFloat(1.5e-7)).isEqualTo("1.5e-07");
    assertThat(SweepYaml.pythonFloat(0.0001)).isEqualTo("0.0001");
    assertThat(SweepYaml.pythonFloat(3.0)).isEqualTo("3.0");
    assertThat(SweepYaml.pythonFloat(1e15)).isEqualTo("1000000000000000.0");
    assertThat(SweepYaml.pythonFloat(1e16)).isEqualTo("1e+16");
    assertThat(SweepYaml.pythonFloat(-2.5)).isEqualTo("-2.5");
    assertThat(SweepYaml.pythonFloat(2e-3)).isEqualTo("0.002");
  }

  @Test
  @DisplayName("--seeds adds the tied numpy/torch seed axis first; a sweep that has a seed already is refused")
  void seeds() throws Exception {
    assertThat(SweepDefinition.parseSeeds("1..5")).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(SweepDefinition.parseSeeds("4,9")).containsExactly(4L, 9L);
    assertThatThrownBy(() -> SweepDefinition.parseSeeds("5..1")).hasMessageContaining("a <= b");
    assertThatThrownBy(() -> SweepDefinition.parseSeeds("x")).hasMessageContaining("1..5");
    SweepDefinition d = SweepDefinition.parse(
        "parameters:\n  - path: network_layout/layers/1/size\n    value: [5, 10]\n", "s.yaml")
        .withSeeds(List.of(1L, 2L));
    SweepPlan plan = SweepPlan.expand(config("yin_yang_H30_W.yaml"), "c", d);
    assertThat(plan.runs()).extracting(SweepPlan.Run::name).containsExactly(
        "run_0=1_1=1_2=5", "run_0=1_1=1_2=10", "run_0=2_1=2_2=5", "run_0=2_1=2_2=10");
    assertThat(SweepYaml.write(d.toTree())).isEqualTo("""
        parameters:
        - path:
          - training_params/torch_seed
          - training_params/numpy_seed
          value:
          - 1
          - 2
        - path: network_layout/layers/1/size
          value:
          - 5
          - 10
        """);
    assertThatThrownBy(() -> sweep("sweep.yaml").withSeeds(List.of(1L)))
        .isInstanceOf(SweepException.class)
        .hasMessageContaining("parameters[0] sweeps training_params/torch_seed already");
  }

  @Test
  @DisplayName("a file that is not a list of {path, value} entries is refused naming the file and the entry")
  void badFiles() {
    assertThatThrownBy(() -> SweepDefinition.parse("- a\n- b\n", "s.yaml"))
        .hasMessageStartingWith("s.yaml: expected a mapping with a list 'parameters'");
    assertThatThrownBy(() -> SweepDefinition.parse("parameters:\n  - value: [1]\n", "s.yaml"))
        .hasMessageStartingWith("s.yaml: parameters[0]: 'path' is missing");
    assertThatThrownBy(() -> SweepDefinition.parse("parameters:\n  - path: 3\n    value: [1]\n", "s.yaml"))
        .hasMessageStartingWith("s.yaml: parameters[0]: a path must be a string");
    assertThatThrownBy(() -> SweepDefinition.parse("parameters:\n  - path: a\n    values: [1]\n", "s.yaml"))
        .hasMessageContaining("unknown key(s) [values]");
    assertThatThrownBy(() -> SweepDefinition.parse("parameters:\n  - path: a//b\n    value: [1]\n", "s.yaml"))
        .hasMessageContaining("has an empty part");
    assertThatThrownBy(() -> SweepDefinition.parse("parameters: [\n", "s.yaml"))
        .hasMessageStartingWith("s.yaml: not valid YAML");
  }

  @Test
  @DisplayName("config.yaml has its keys sorted at every level (the original's yaml.safe_dump); YAML 1.1 booleans stay strings")
  void sortedKeys() {
    JsonNode t = SweepYaml.read("{b: 1, a: {d: [x, {z: 1, y: 2}], c: 'yes'}}", "c");
    assertThat(SweepYaml.write(t)).isEqualTo("""
        a:
          c: "yes"
          d:
          - x
          - "y": 2
            z: 1
        b: 1
        """);
  }

  @Test
  @DisplayName("the shipped sweep file expands over the quick demo config as README.md shows, and every run's config validates")
  void shippedSweep() throws Exception {
    SweepSetup setup = SweepSetup.read(Path.of("configs/yin_yang_small.yaml"),
        Path.of("configs/sweeps/yin_yang_hidden.yaml"), List.of(1L, 2L, 3L));
    assertThat(setup.dataset()).isEqualTo("yin_yang");
    assertThat(setup.newSchema()).isFalse();
    assertThat(setup.plan().runs()).extracting(SweepPlan.Run::name).hasSize(9)
        .startsWith("run_0=1_1=1_2=10_3=5_4=5").endsWith("run_0=3_1=3_2=30_3=5_4=5");
    assertThat(setup.requireTrainable(1)).hasSize(9)
        .allSatisfy((name, cfg) -> assertThat(((io.firstspike.train.config.ExperimentConfig) cfg)
            .trainingParams().epochNumber()).isEqualTo(5));
  }

  @Test
  @DisplayName("every run of every sweep file in the original's sweep_config loads as a config,"
      + " over every config of the original that has the swept keys (sweep.yaml over H30_WA:"
      + " 24 runs, its BroadcastLayer runs keeping the delay keys; sweep2.yaml over hwAware: 45)")
  void everyOriginalSweepRunLoads() throws Exception {
    List<Path> sweeps;
    try (var files = Files.list(Shared.file(DELGRAD + "sweep_config"))) {
      sweeps = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(sweeps).extracting(f -> f.getFileName().toString())
        .containsExactly("sweep.yaml", "sweep2.yaml");
    java.util.Map<String, Integer> loaded = new java.util.TreeMap<>();
    for (Path sweepFile : sweeps) {
      for (String name : List.of("yin_yang_H30_W.yaml", "yin_yang_H30_WA.yaml",
          "yin_yang_H30_WS.yaml", "yin_yang_H5_WS.yaml", "yin_yang_hwAware.yaml",
          "16x16_mnist.yaml")) {
        Path configFile = Shared.file(DELGRAD + "configs/" + name);
        SweepSetup setup;
        try {
          setup = SweepSetup.read(configFile, sweepFile, null);
        } catch (SweepException e) {
          assertThat(e.getMessage()).as("%s over %s", sweepFile, name)
              .contains("does not exist in the initial config");
          continue;
        }
        String pair = sweepFile.getFileName() + " over " + name;
        try {
          var configs = setup.requireValid();
          assertThat(configs).hasSameSizeAs(setup.plan().runs());
          loaded.put(pair, configs.size());
        } catch (SweepException e) {
          // a config whose layers/0 is a BroadcastLayer has no delay keys to switch to
          // DelayAxonal with: HEAD fails there as well (delay_mean is required)
          assertThat(e.getMessage()).as(pair).startsWith("sweep run 0 (").contains(
              "network_layout.layers[0].delay_mean: is required but missing");
          loaded.put(pair, 0);
        }
      }
    }
    assertThat(loaded).isEqualTo(java.util.Map.of(
        "sweep.yaml over yin_yang_H30_W.yaml", 0,
        "sweep.yaml over 16x16_mnist.yaml", 0,
        "sweep.yaml over yin_yang_H30_WA.yaml", 24,
        "sweep.yaml over yin_yang_H30_WS.yaml", 24,
        "sweep.yaml over yin_yang_H5_WS.yaml", 24,
        "sweep2.yaml over yin_yang_hwAware.yaml", 45));
  }

  @Test
  @DisplayName("the sweep folder is named after the data set: its name, its name in a map, its file type")
  void folderDataset() throws Exception {
    java.util.function.Function<String, String> name = y -> SweepSetup.datasetName(
        SweepYaml.read(y, "c.yaml"));
    assertThat(name.apply("dataset: fashion_mnist\n")).isEqualTo("fashion_mnist");
    assertThat(name.apply("dataset: {name: fashion_mnist, validation: test}\n"))
        .isEqualTo("fashion_mnist");
    assertThat(name.apply("dataset: {type: npy, train: a, test: b}\n")).isEqualTo("npy");
    assertThat(name.apply("dataset_params: {name: yin_yang}\n")).isEqualTo("yin_yang");
    assertThat(name.apply("dataset: 'a/b c'\n")).isEqualTo("abc");
  }
}
