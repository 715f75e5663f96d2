package io.firstspike.runs;

import io.firstspike.train.Experiments;
import io.firstspike.data.DatasetFactory;
import io.firstspike.data.DataSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.firstspike.testsupport.TestConfigs;
import io.firstspike.train.config.ConfigException;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFoldersTest {
  @TempDir Path tmp;
  private Path allowed;
  private Path outside;
  private DataFolders folders;

  @BeforeEach
  void folders() throws IOException {
    allowed = Files.createDirectories(tmp.resolve("allowed"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(allowed.resolve("train.csv"), "0.1,0\n");
    Files.writeString(allowed.resolve("test.csv"), "0.1,0\n");
    Files.writeString(outside.resolve("secret.csv"), "db_password=hunter2,1\n");
    folders = DataFolders.within(List.of(allowed));
  }

  private static ExperimentConfig cfg(String dataset) {
    return ConfigLoader.parse(TestConfigs.yinYang(4, 1, 0.01, "[]", 10, 0.9, "false")
        .replace("dataset: yin_yang", dataset), "mine.yaml");
  }

  private static String csv(Object train, Object test) {
    return "dataset: {type: csv, train: '" + train + "', test: '" + test + "'}";
  }

  private ConfigException refused(String dataset) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> folders.check(cfg(dataset), "mine.yaml"));
    assertThat(e).as(dataset).isNotNull();
    return e;
  }

  private void accepted(String dataset) {
    assertThatCode(() -> folders.check(cfg(dataset), "mine.yaml")).as(dataset).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("Built-in data sets pass without any folder; the MNIST types from their default folder too")
  void builtIns() {
    DataFolders none = DataFolders.within(List.of());
    for (String d : List.of("dataset: yin_yang", "dataset: xor", "dataset: bars", "dataset: mnist",
        "dataset: 16x16_mnist", "dataset: fashion_mnist")) {
      assertThatCode(() -> none.check(cfg(d), "mine.yaml")).as(d).doesNotThrowAnyException();
    }
    assertThat(catchThrowableOfType(ConfigException.class, () -> none.check(
        cfg(csv(allowed.resolve("train.csv"), allowed.resolve("test.csv"))), "mine.yaml")))
        .hasMessageContaining("dataset.train").hasMessageContaining("none given");
  }

  @Test
  @DisplayName("Files inside an allowed folder pass, absolute or relative to a data_dir inside it")
  void inside() throws IOException {
    accepted(csv(allowed.resolve("train.csv"), allowed.resolve("test.csv")));
    accepted("data_dir: '" + allowed + "'\n" + csv("train.csv", "test.csv"));
    accepted(csv(allowed.resolve("not-yet.csv"), allowed.resolve("test.csv")));
    Files.createSymbolicLink(allowed.resolve("alias.csv"), allowed.resolve("train.csv"));
    accepted(csv(allowed.resolve("alias.csv"), allowed.resolve("test.csv")));
    accepted("dataset: mnist\ndata_dir: '" + allowed + "'");
  }

  @Test
  @DisplayName("A relative data_dir is resolved once: checked and loaded files are those the config names")
  void relativeDataDir() throws IOException {
    Files.writeString(allowed.resolve("train.csv"), "0.1,0\n0.2,1\n0.3,0\n");
    Path relative = Path.of("").toAbsolutePath().relativize(allowed);
    ExperimentConfig c = cfg("data_dir: '" + relative + "'\n" + csv("train.csv", "test.csv"));
    DataSpec spec = Experiments.dataSpec(c);
    assertThat(DatasetFactory.filesRead(spec)).extracting(f -> f.path().toAbsolutePath().normalize())
        .containsExactly(allowed.resolve("train.csv"), allowed.resolve("test.csv"));
    assertThat(DatasetFactory.load(spec).train().size()).isEqualTo(3);
    assertThatCode(() -> folders.check(c, "mine.yaml")).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("A file outside is refused with the same message whether it exists or not, never quoting it")
  void outsideSameMessage() {
    ConfigException exists = refused(csv(outside.resolve("secret.csv"), allowed.resolve("test.csv")));
    ConfigException missing = refused(csv(outside.resolve("nothing.csv"), allowed.resolve("test.csv")));
    assertThat(exists.keyPath()).isEqualTo("dataset.train");
    assertThat(exists).hasMessageContaining("mine.yaml").hasMessageContaining(allowed.toString())
        .hasMessageNotContaining("hunter2");
    assertThat(exists.getMessage().replace("secret.csv", "X"))
        .isEqualTo(missing.getMessage().replace("nothing.csv", "X"));
    assertThat(refused(csv("/etc/shadow", allowed.resolve("test.csv"))).getMessage().replace("/etc/shadow", "X"))
        .isEqualTo(refused(csv("/etc/no-such-file", allowed.resolve("test.csv"))).getMessage()
            .replace("/etc/no-such-file", "X"));
    assertThat(refused(csv(allowed.resolve("train.csv"), outside.resolve("secret.csv"))).keyPath())
        .isEqualTo("dataset.test");
    assertThat(refused("dataset: {type: csv, train: '" + allowed.resolve("train.csv") + "', validation: '"
        + outside.resolve("secret.csv") + "', test: '" + allowed.resolve("test.csv") + "'}").keyPath())
        .isEqualTo("dataset.validation");
  }

  @Test
  @DisplayName("Escapes: .., a data_dir outside, a link to a file or folder outside, a dangling link")
  void escapes() throws IOException {
    refused(csv(allowed.resolve("../outside/secret.csv"), allowed.resolve("test.csv")));
    assertThat(refused("data_dir: '" + allowed + "'\n" + csv("../outside/secret.csv", "test.csv")).keyPath())
        .isEqualTo("dataset.train");
    refused("data_dir: '" + outside + "'\n" + csv("secret.csv", allowed.resolve("test.csv")));
    Files.createSymbolicLink(allowed.resolve("link.csv"), outside.resolve("secret.csv"));
    refused(csv(allowed.resolve("link.csv"), allowed.resolve("test.csv")));
    Files.createSymbolicLink(allowed.resolve("dirlink"), outside);
    refused(csv(allowed.resolve("dirlink/secret.csv"), allowed.resolve("test.csv")));
    refused(csv(allowed.resolve("dirlink/missing.csv"), allowed.resolve("test.csv")));
    refused(csv(allowed.resolve("dirlink/../outside/secret.csv"), allowed.resolve("test.csv")));
    // .. after a link leaves the link's target, as the system resolves it: back inside here
    accepted(csv(allowed.resolve("dirlink/../allowed/train.csv"), allowed.resolve("test.csv")));
    refused("data_dir: '" + allowed.resolve("dirlink") + "'\n" + csv("secret.csv", "../allowed/test.csv"));
    Files.createSymbolicLink(allowed.resolve("dangling.csv"), outside.resolve("gone.csv"));
    refused(csv(allowed.resolve("dangling.csv"), allowed.resolve("test.csv")));
  }

  @Test
  @DisplayName("The files the loader finds by itself are checked too: npy stem pairs and MNIST files")
  void derivedFiles() throws IOException {
    Files.createSymbolicLink(allowed.resolve("stem_samples.npy"), outside.resolve("secret.csv"));
    Files.writeString(allowed.resolve("stem_labels.npy"), "");
    assertThat(refused("dataset: {type: npy, train: '" + allowed.resolve("stem") + "', test: '"
        + allowed.resolve("stem") + "'}").keyPath()).isEqualTo("dataset.train");
    Path mnist = Files.createDirectories(allowed.resolve("mnist"));
    Files.createSymbolicLink(mnist.resolve("t10k-labels-idx1-ubyte.gz"), outside.resolve("secret.csv"));
    assertThat(refused("dataset: 16x16_mnist\ndata_dir: '" + mnist + "'").keyPath()).isEqualTo("data_dir");
    Path fashion = Files.createDirectories(allowed.resolve("f/fashion"));
    Files.createSymbolicLink(fashion.resolve("train-images-idx3-ubyte"), outside.resolve("secret.csv"));
    refused("dataset: fashion_mnist\ndata_dir: '" + allowed.resolve("f") + "'");
  }

  @Test
  @DisplayName("The CLI's rule reads anything; a missing allowed folder is refused at start")
  void unrestrictedAndBadFolder() {
    assertThatCode(() -> DataFolders.unrestricted().check(cfg(csv("/etc/shadow", "/etc/passwd")), "x"))
        .doesNotThrowAnyException();
    assertThat(catchThrowableOfType(IllegalArgumentException.class,
        () -> DataFolders.within(List.of(tmp.resolve("nope"))))).hasMessageContaining("--data-dir")
        .hasMessageContaining("nope");
  }
}
