package io.firstspike.train.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.testsupport.Shared;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Jackson binding loads every 2021 config to the same values as the hand-written loader it
 * replaced: for each shipped and reference config, the new loader and writer produce exactly the
 * text the old loader and writer produced (captured in {@code legacy/} before the change; see its
 * README). The writer writes every key with its effective value, so equal text means every key
 * loaded to the same value, defaults included.
 */
class LegacyOutputTest {
  private static final String DIR = "/io/firstspike/train/config/legacy/";

  static Stream<Object[]> configs() throws IOException {
    List<Object[]> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("configs"))) {
      files.filter(p -> p.toString().endsWith(".yaml")).sorted()
          .filter(p -> ConfigLoader.loadAny(p) instanceof ExperimentConfig)
          .forEach(p -> out.add(new Object[] {
              "configs_" + p.getFileName().toString().replace(".yaml", ""), p}));
    }
    assertThat(out).as("the 2021 configs in configs/").hasSize(9);
    try (Stream<Path> dirs = Files.list(Path.of("pretrained"))) {
      dirs.filter(Files::isDirectory).sorted()
          .filter(d -> ConfigLoader.loadAny(d.resolve("config.yaml")) instanceof ExperimentConfig)
          .forEach(d -> out.add(new Object[] {
          "pretrained_" + d.getFileName(), d.resolve("config.yaml")}));
    }
    for (String run : List.of("16x16mnist_et_200epochs", "fullmnist_et_150epochs",
        "yinyang_et_300epochs")) {
      out.add(new Object[] {"fastanddeep_" + run,
          Shared.file("reference/fastanddeep/" + run + "/config.yaml")});
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void sameAsTheOldLoader(String name, Path file) throws IOException {
    assertThat(ConfigWriter.toYaml(ConfigLoader.load(file))).isEqualTo(resource(name + ".yaml"));
  }

  @ParameterizedTest(name = "input_everything")
  @MethodSource("everything")
  void everyOptionalForm(String yaml) throws IOException {
    assertThat(ConfigWriter.toYaml(ConfigLoader.parse(yaml, "e.yaml")))
        .isEqualTo(resource("everything.yaml"));
  }

  static Stream<String> everything() throws IOException {
    return Stream.of(resource("input_everything.yaml"));
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = LegacyOutputTest.class.getResourceAsStream(DIR + name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
