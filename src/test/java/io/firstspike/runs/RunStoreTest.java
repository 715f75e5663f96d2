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
}
