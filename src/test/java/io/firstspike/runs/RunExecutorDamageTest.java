package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.testsupport.FolderTree;
import io.firstspike.testsupport.TestConfigs;
import io.firstspike.train.RunState;
import io.firstspike.train.StopFlag;
import io.firstspike.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor itself (the path a server's queued run takes) on a damaged run folder. */
class RunExecutorDamageTest {
  @Test
  @DisplayName("a run whose config became unreadable fails with the file named, keeping its status counters and every other file")
  void unreadableConfigKeepsCounters(@TempDir Path tmp) throws Exception {
    RunFolder run = RunExecutor.prepare(new RunStore(tmp), "c.yaml",
        TestConfigs.yinYang(6, 2, 0.005, "[1]", 20, 0.95, "false"), Overrides.none());
    RunOutcome done = new RunExecutor(false).execute(run, 1, TrainingListener.none(), new StopFlag());
    assertThat(done.state()).isEqualTo(RunState.FINISHED);
    Files.write(run.configFile(), new byte[] {(byte) 0xff, (byte) 0xfe, 0x41});
    SortedMap<String, String> before = FolderTree.hash(run.dir());

    RunOutcome o = new RunExecutor(false).execute(run, 1, TrainingListener.none(), new StopFlag());

    assertThat(o.state()).isEqualTo(RunState.FAILED);
    assertThat(o.reason()).contains(run.configFile().toString());
    RunStatus s = run.status().orElseThrow();
    assertThat(s.state()).isEqualTo(RunState.FAILED);
    assertThat(s.epochsDone()).as("epochs done before the failed start").isEqualTo(2);
    assertThat(s.epochs()).isEqualTo(2);
    assertThat(s.lastSnapshot()).isEqualTo(2);
    SortedMap<String, String> after = FolderTree.hash(run.dir());
    before.remove(RunFolder.STATUS);
    after.remove(RunFolder.STATUS);
    assertThat(after).as("everything but status.json").isEqualTo(before);
  }
}
