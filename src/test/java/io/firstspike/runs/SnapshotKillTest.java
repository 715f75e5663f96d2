package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.train.TrainingState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Crash safety of {@link SnapshotStore#save}: a child JVM saves a snapshot over an older one of
 * the same epoch and is killed with SIGKILL ({@link Process#destroyForcibly}) right after each
 * step (the save waits there, told by the test hook {@link SnapshotStore#PAUSE_PROPERTY}, so the
 * kill lands deterministically). Afterwards the snapshot of that epoch must load, complete, as
 * either the old or the new one, both for a plain reader and after {@link SnapshotStore#recover}.
 * A kill does not lose what the page cache holds, so this proves the order of the steps, not the
 * fsyncs (which only a power cut would test).
 */
class SnapshotKillTest {
  private static final int EPOCH = 3;
  private static final long OLD = 111;
  private static final long NEW = 222;
  private static final long LATER = 333;
  private static final long CHILD_TIMEOUT_S = 60;

  @TempDir Path tmp;

  @ParameterizedTest(name = "killed after {0}: the {1} snapshot is found")
  @CsvSource({
    "network-written, old",
    "synced, old",
    "committed, old",
    "moved-aside, new",
    "replaced, new",
    "old-deleted, new",
  })
  @DisplayName("a save killed after any step leaves the old or the new snapshot, complete")
  void killedWhileReplacing(String step, String expected) throws Exception {
    RunFolder run = new RunFolder(tmp.resolve("run"));
    SnapshotStore store = new SnapshotStore(run, "yin_yang");
    store.save(SnapshotFixtures.state(EPOCH, OLD), null);
    killAfter(step, run, NEW);
    long marker = expected.equals("old") ? OLD : NEW;

    assertThat(run.snapshotEpochs()).containsExactly(EPOCH);
    assertSame(store.load(EPOCH), SnapshotFixtures.state(EPOCH, marker));
    store.recover();
    assertThat(hiddenFolders(run)).isEmpty();
    assertSame(store.load(EPOCH), SnapshotFixtures.state(EPOCH, marker));
    store.save(SnapshotFixtures.state(EPOCH, LATER), null);
    assertSame(store.load(EPOCH), SnapshotFixtures.state(EPOCH, LATER));
    assertThat(hiddenFolders(run)).isEmpty();
  }

  @Test
  @DisplayName("a first save killed before its commit leaves no snapshot; after it, the new one")
  void killedWhileWritingTheFirst() throws Exception {
    RunFolder run = new RunFolder(tmp.resolve("first"));
    Files.createDirectories(run.dir());
    killAfter("synced", run, NEW);
    assertThat(run.snapshotEpochs()).isEmpty();
    new SnapshotStore(run, "yin_yang").recover();
    assertThat(hiddenFolders(run)).isEmpty();

    killAfter("committed", run, NEW);
    assertThat(run.snapshotEpochs()).containsExactly(EPOCH);
    assertSame(new SnapshotStore(run, "yin_yang").load(EPOCH), SnapshotFixtures.state(EPOCH, NEW));
  }

  @Test
  @DisplayName("an uninterrupted save in a child JVM replaces the snapshot and leaves nothing hidden")
  void uninterrupted() throws Exception {
    RunFolder run = new RunFolder(tmp.resolve("run"));
    SnapshotStore store = new SnapshotStore(run, "yin_yang");
    store.save(SnapshotFixtures.state(EPOCH, OLD), null);
    Process p = child(run, NEW, null);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
    assertThat(out).contains("saved");
    assertSame(store.load(EPOCH), SnapshotFixtures.state(EPOCH, NEW));
    assertThat(hiddenFolders(run)).isEmpty();
  }

  /** Starts the child save and kills it with SIGKILL once it reports that it paused after step. */
  private static void killAfter(String step, RunFolder run, long marker) throws Exception {
    Process p = child(run, marker, step);
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      StringBuilder seen = new StringBuilder();
      while ((line = r.readLine()) != null && !line.equals("snapshot save paused after " + step)) {
        seen.append(line).append('\n');
      }
      assertThat(line).as("the child never paused after %s; it printed:%n%s", step, seen).isNotNull();
      p.destroyForcibly();
      assertThat(p.waitFor(CHILD_TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
  }

  private static Process child(RunFolder run, long marker, String pauseAfter) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>(List.of(java));
    if (pauseAfter != null) {
      cmd.add("-D" + SnapshotStore.PAUSE_PROPERTY + "=" + pauseAfter);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        SnapshotSaveMain.class.getName(), run.dir().toString(), String.valueOf(EPOCH),
        String.valueOf(marker)));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /** The loaded state equals the fixture: step, weights, curves, optimizer moments, generator. */
  private static void assertSame(TrainingState got, TrainingState want) {
    assertThat(got.step).isEqualTo(want.step);
    assertThat(got.epochsDone).isEqualTo(want.epochsDone);
    for (int l = 0; l < want.network.nLayers(); l++) {
      assertThat(got.network.weights(l)).containsExactly(want.network.weights(l));
      assertThat(got.optimizer.buffers().get(1)[l]).containsExactly(want.optimizer.buffers().get(1)[l]);
    }
    assertThat(got.curves.valLoss).isEqualTo(want.curves.valLoss);
    assertThat(got.curves.trainAccuracy).isEqualTo(want.curves.trainAccuracy);
    assertThat(got.rng.key()).containsExactly(want.rng.key());
  }

  private static List<String> hiddenFolders(RunFolder run) throws IOException {
    try (Stream<Path> s = Files.list(run.dir())) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }
}
