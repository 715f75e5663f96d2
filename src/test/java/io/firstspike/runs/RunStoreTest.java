package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.train.EpochMetrics;
import io.firstspike.train.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunStoreTest {
  @TempDir Path tmp;

  @Test
  @DisplayName("run folders are named <config>_<timestamp> and never collide")
  void createsUniqueFolders() {
    RunStore store = new RunStore(tmp);
    RunFolder a = store.create("yin_yang");
    RunFolder b = store.create("yin_yang");
    assertThat(a.id()).matches("yin_yang_\\d{4}-\\d{2}-\\d{2}_\\d{2}-\\d{2}-\\d{2}(-\\d+)?");
    assertThat(b.id()).isNotEqualTo(a.id());
    assertThat(Files.isDirectory(a.dir())).isTrue();
  }

  @Test
  @DisplayName("a create whose filling fails (a full disk) removes its folder again and passes the failure on")
  void failedCreateLeavesNothing() {
    RunStore store = new RunStore(tmp);
    java.io.UncheckedIOException full =
        new java.io.UncheckedIOException(new java.io.IOException("No space left on device"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.create("cfg", run -> {
      RunFolder.writeAtomically(run.configFile(), "epochs: 1\n");
      throw full;
    })).isSameAs(full);
    assertThat(store.list()).isEmpty();
    RunFolder ok = store.create("cfg", run -> RunFolder.writeAtomically(run.configFile(), "x: 1\n"));
    assertThat(Files.exists(ok.configFile())).isTrue();
  }

  @Test
  @DisplayName("ids that could leave the store are rejected")
  void rejectsTraversal() {
    RunStore store = new RunStore(tmp);
    for (String bad : new String[] {"..", "../x", "a/b", "/etc", "..%2f", "", ".hidden", "a\\b"}) {
      assertThat(RunStore.isValidId(bad)).as(bad).isFalse();
      assertThat(store.find(bad)).as(bad).isEmpty();
    }
    assertThat(RunStore.isValidId("yin_yang_2026-11-29_10-00-00")).isTrue();
  }

  @Test
  @DisplayName("status and metrics round-trip, NaN included, and a torn last line is ignored")
  void statusAndMetrics() throws Exception {
    RunStore store = new RunStore(tmp);
    RunFolder run = store.create("xor");
    Files.writeString(run.configFile(), "dataset: xor\n");
    run.writeStatus(new RunStatus(RunState.RUNNING, "", "t0", "t1", 1, 5, -1, "n"));
    EpochMetrics m =
        new EpochMetrics(1, 5, 7, Double.NaN, 0.5, 1.0, 0.75, 1e-3, 0,
            new double[][] {{1.0, Double.NaN}}, new double[][] {{0.1, Double.NaN}}, 100, 1, 4, 0);
    run.appendMetrics(m);
    Files.writeString(run.dir().resolve(RunFolder.METRICS), "{\"epoch\": 2, \"epo",
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(store.find(run.id())).isPresent();
    assertThat(run.status().orElseThrow().state()).isEqualTo(RunState.RUNNING);
    var back = run.metrics();
    assertThat(back).hasSize(1);
    assertThat(back.get(0).trainLoss()).isNaN();
    assertThat(back.get(0).meanValOutputs()[0][1]).isNaN();
    assertThat(back.get(0).valAccuracy()).isEqualTo(0.75);
    assertThat(store.list()).extracting(RunFolder::id).containsExactly(run.id());
  }

  @Test
  @DisplayName("a run name over 200 characters is refused with the limit and no path; 200 give a valid id of 220")
  void nameLength() throws Exception {
    RunStore store = new RunStore(tmp);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.create("x".repeat(300)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("run name too long: 300 characters, at most 200")
        .hasMessageNotContaining(tmp.toString());
    assertThat(tmp).isEmptyDirectory();
    RunFolder longest = store.create("y".repeat(200));
    assertThat(longest.id()).hasSize(220);
    assertThat(RunStore.isValidId(longest.id())).isTrue();
    assertThat(store.find(longest.id())).isPresent();
    assertThat(RunStore.isValidId("a".repeat(255))).isTrue();
    assertThat(RunStore.isValidId("a".repeat(256))).isFalse();
  }

  @Test
  @DisplayName("names become valid ids: a leading '+' or '_' and runs of dots cannot make an id the store refuses")
  void sanitizedNamesAreIds() {
    RunStore store = new RunStore(tmp);
    for (String name : new String[] {"+plus", "a..b", "__x", "..", "-", "ü", "my run"}) {
      RunFolder run = store.create(name);
      assertThat(RunStore.isValidId(run.id())).as(name + " -> " + run.id()).isTrue();
      assertThat(store.find(run.id())).as(name).isPresent();
    }
  }

  @Test
  @DisplayName("every folder of the store is listed, whatever its name or content; files are not")
  void listsEveryFolder() throws Exception {
    RunStore store = new RunStore(tmp);
    for (String name : new String[] {".hidden", "my run", "z".repeat(240), "empty"}) {
      Files.createDirectories(tmp.resolve(name));
    }
    Files.writeString(tmp.resolve("README.txt"), "not a run");
    assertThat(store.list()).extracting(RunFolder::id)
        .containsExactlyInAnyOrder(".hidden", "my run", "z".repeat(240), "empty");
    assertThat(store.folder("my run")).isPresent();
    assertThat(store.folder(".hidden")).isPresent();
    assertThat(store.find("my run")).isEmpty(); // not a run id: only its summary can be read
    assertThat(store.find("z".repeat(240))).isPresent();
    assertThat(store.find("empty")).isPresent();
    for (String bad : new String[] {"..", ".", "a/b", "../" + tmp.getFileName(), "", "README.txt"}) {
      assertThat(store.folder(bad)).as(bad).isEmpty();
    }
  }
}
