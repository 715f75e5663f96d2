package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.testsupport.TestConfigs;
import io.firstspike.train.RunState;
import io.firstspike.train.StopFlag;
import io.firstspike.train.TrainingEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping a training through a file in its run folder (how a workbench reaches a CLI train). */
class StopRequestTest {
  @TempDir Path tmp;

  private static String yinYang(int epochs) {
    return TestConfigs.yinYang(20, epochs, 0.005, "[" + epochs + "]", 2, 0.9,
        "{mean: 0.0, std_dev: 0.05}");
  }

  @Test
  @DisplayName("a request written while the run trains stops it after a batch, with its reason")
  void stopsARunningTraining() {
    RunFolder run = RunExecutor.prepare(new RunStore(tmp), "yy.yaml", yinYang(200),
        Overrides.none());
    StopFlag stop = new StopFlag();
    int[] epochsSeen = {0};
    RunOutcome o = new RunExecutor(false).execute(run, 1, e -> {
      if (e instanceof TrainingEvent.Epoch ep && ep.metrics().epoch() == 1) {
        epochsSeen[0]++;
        StopRequest.write(run, "asked from elsewhere");
      }
    }, stop);
    assertThat(epochsSeen[0]).isEqualTo(1);
    assertThat(o.state()).isEqualTo(RunState.STOPPED);
    assertThat(o.reason()).isEqualTo("asked from elsewhere");
    assertThat(o.epochsDone()).isBetween(1, 199); // stopped, not finished
    assertThat(run.status().orElseThrow().state()).isEqualTo(RunState.STOPPED);
    assertThat(run.dir().resolve(StopRequest.FILE)).doesNotExist();
  }

  @Test
  @DisplayName("a request left from an earlier session does not stop the next training")
  void staleRequestIsCleared() throws Exception {
    RunFolder run = RunExecutor.prepare(new RunStore(tmp), "yy.yaml", yinYang(2),
        Overrides.none());
    StopRequest.write(run, "old");
    assertThat(StopRequest.read(run)).contains("old");
    RunOutcome o = new RunExecutor(false).execute(run, 1, e -> { }, new StopFlag());
    assertThat(o.state()).as(o.reason()).isEqualTo(RunState.FINISHED);
    assertThat(run.dir().resolve(StopRequest.FILE)).doesNotExist();
  }

  @Test
  @DisplayName("an unreadable request still asks to stop")
  void unreadableRequest() throws Exception {
    RunFolder run = new RunFolder(tmp);
    Files.writeString(tmp.resolve(StopRequest.FILE), "{not json");
    assertThat(StopRequest.read(run)).contains("stopped by request");
    StopRequest.clear(run);
    assertThat(StopRequest.read(run)).isEmpty();
  }
}
