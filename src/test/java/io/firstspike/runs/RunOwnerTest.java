package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The owner file that keeps a server from marking another live process's training interrupted. */
class RunOwnerTest {
  @Test
  @DisplayName("this process's own claim is not another owner, and release deletes it")
  void ownClaim(@TempDir Path tmp) throws Exception {
    RunFolder run = new RunFolder(tmp);
    RunOwner.claim(run);
    assertThat(tmp.resolve(RunOwner.FILE)).exists();
    assertThat(RunOwner.otherLiveOwner(run)).isEmpty();
    RunOwner.release(run);
    assertThat(tmp.resolve(RunOwner.FILE)).doesNotExist();
  }

  @Test
  @DisplayName("a live child process that claimed the run owns it; once it ended, nobody does")
  void liveOtherProcess(@TempDir Path tmp) throws Exception {
    RunFolder run = new RunFolder(tmp);
    Process child = new ProcessBuilder("sleep", "60").start();
    try {
      String started = child.info().startInstant().map(Instant::toString).orElse("");
      write(tmp, RunExecutor.node(), child.pid(), started);
      assertThat(RunOwner.otherLiveOwner(run)).contains(child.pid());
      // a different start instant: the process id was reused by another process
      write(tmp, RunExecutor.node(), child.pid(), "2000-01-01T00:00:00Z");
      assertThat(RunOwner.otherLiveOwner(run)).isEmpty();
      // another host's process ids say nothing here
      write(tmp, "some-other-host", child.pid(), started);
      assertThat(RunOwner.otherLiveOwner(run)).isEmpty();
      write(tmp, RunExecutor.node(), child.pid(), started);
      RunOwner.release(run); // not ours: stays
      assertThat(tmp.resolve(RunOwner.FILE)).exists();
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(RunOwner.otherLiveOwner(run)).isEmpty();
  }

  @Test
  @DisplayName("an unreadable owner file counts as no owner")
  void unreadable(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve(RunOwner.FILE), "{not json");
    assertThat(RunOwner.otherLiveOwner(new RunFolder(tmp))).isEmpty();
  }

  private static void write(Path dir, String host, long pid, String started) throws Exception {
    Files.writeString(dir.resolve(RunOwner.FILE),
        "{\"host\":\"" + host + "\",\"pid\":" + pid + ",\"started\":\"" + started + "\"}\n");
  }
}
