package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.train.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run folders that are odd or damaged: named reasons, no crashes, and leftovers cleaned. */
class RunFolderDamageTest {
  @TempDir Path tmp;

  private RunFolder run(String name) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve(RunFolder.CONFIG), "epochs: 2\n");
    RunFolder run = new RunFolder(dir);
    run.writeStatus(new RunStatus(RunState.FINISHED, "", "t0", "t1", 2, 2, 2, "n"));
    return run;
  }

  @Test
  @DisplayName("an epoch_99999999999 folder is not a snapshot and crashes nothing; a warning names it")
  void hugeEpochFolder() throws Exception {
    RunFolder run = run("r");
    Files.createDirectories(run.dir().resolve("epoch_99999999999"));
    Files.createDirectories(run.dir().resolve("epoch_2"));
    Files.createDirectories(run.dir().resolve("epoch_007"));
    Files.writeString(run.dir().resolve("epoch_3"), "a file, not a snapshot folder");
    assertThat(run.snapshotEpochs()).containsExactly(2);
    assertThat(run.damage()).isEmpty();
    assertThat(run.warnings()).containsExactly(
        "epoch_007 is not a snapshot folder (epoch numbers are 0 to 2147483647 without leading zeros); it is ignored",
        "epoch_99999999999 is not a snapshot folder (epoch numbers are 0 to 2147483647 without leading zeros); it is ignored");
  }

  @Test
  @DisplayName("each kind of damage is named: which file, what is wrong, and never the absolute path")
  void damageReasons() throws Exception {
    assertThat(run("ok").damage()).isEmpty();
    RunFolder r = run("bad-json");
    Files.writeString(r.dir().resolve(RunFolder.STATUS), "{\"state\": \"finished\", ");
    assertThat(r.damage()).hasValueSatisfying(d -> assertThat(d).startsWith("status.json is not a readable status: ")
        .doesNotContain(tmp.toString()));
    assertThatThrownBy(r::status).isInstanceOf(RunFolder.DamagedException.class)
        .hasMessageStartingWith("run bad-json is damaged: status.json is not a readable status");
    r = run("null-status");
    Files.writeString(r.dir().resolve(RunFolder.STATUS), "null");
    assertThat(r.damage()).contains("status.json has no \"state\"");
    r = run("bogus-state");
    Files.writeString(r.dir().resolve(RunFolder.STATUS), "{\"state\": \"bogus\"}");
    assertThat(r.damage()).hasValueSatisfying(d -> assertThat(d).contains("bogus"));
    r = run("huge-number");
    Files.writeString(r.dir().resolve(RunFolder.STATUS), "{\"state\": \"FINISHED\", \"epochsDone\": 1e30}");
    assertThat(r.damage()).hasValueSatisfying(d -> assertThat(d).startsWith("status.json is not a readable status"));
    r = run("no-status");
    Files.delete(r.dir().resolve(RunFolder.STATUS));
    assertThat(r.damage()).contains("status.json is missing");
    r = run("status-folder");
    Files.delete(r.dir().resolve(RunFolder.STATUS));
    Files.createDirectories(r.dir().resolve(RunFolder.STATUS));
    assertThat(r.damage()).contains("status.json is not a file");
    r = run("no-config");
    Files.delete(r.configFile());
    assertThat(r.damage()).contains("config.yaml is missing");
    r = run("config-bytes");
    Files.write(r.configFile(), new byte[] {'a', ':', ' ', (byte) 0xc3, (byte) 0x28});
    assertThat(r.damage()).contains("config.yaml is not UTF-8 text");
    r = run("my run");
    assertThat(r.damage()).hasValueSatisfying(d -> assertThat(d)
        .startsWith("folder name not usable as a run id: it contains ' ' (character 3)"));
    r = run(".hidden");
    assertThat(r.damage()).hasValueSatisfying(d -> assertThat(d).contains("it starts with '.'"));
  }

  @Test
  @DisplayName("leftovers of interrupted atomic writes are removed; .old snapshots, snapshots and other files stay")
  void leftoverTempFiles() throws Exception {
    RunFolder run = run("r");
    Path d = run.dir();
    Files.createDirectories(d.resolve(".epoch_3.tmp/network"));
    Files.writeString(d.resolve(".epoch_3.tmp/network/network.json"), "{}");
    Files.writeString(d.resolve(".status.json8234712347.tmp"), "{");
    Files.writeString(d.resolve(".activity.json12.tmp"), "{");
    Files.createDirectories(d.resolve(".epoch_2.old"));
    Files.createDirectories(d.resolve("epoch_2"));
    Files.writeString(d.resolve(".my-notes.tmp"), "the user's own");
    Files.createDirectories(d.resolve(RunFolder.UNTRAINED));
    Files.writeString(d.resolve(RunFolder.UNTRAINED).resolve(".network.json.1f3a9c.tmp"), "{");
    Files.writeString(d.resolve(RunFolder.UNTRAINED).resolve("network.json"), "{}");

    assertThat(run.removeLeftoverTempFiles()).containsExactlyInAnyOrder(".activity.json12.tmp", ".epoch_3.tmp",
        ".status.json8234712347.tmp", "untrained_network/.network.json.1f3a9c.tmp");

    assertThat(d.resolve(".epoch_3.tmp")).doesNotExist();
    assertThat(d.resolve(".status.json8234712347.tmp")).doesNotExist();
    assertThat(d.resolve(".epoch_2.old")).isDirectory();
    assertThat(d.resolve("epoch_2")).isDirectory();
    assertThat(d.resolve(".my-notes.tmp")).exists();
    assertThat(d.resolve(RunFolder.UNTRAINED).resolve("network.json")).exists();
    assertThat(d.resolve(RunFolder.STATUS)).exists();
  }

  @Test
  @DisplayName("a run whose owner process was killed is interrupted for every reader; the file is not rewritten")
  void deadOwnerIsInterrupted() throws Exception {
    RunFolder run = run("r");
    RunStatus running = new RunStatus(RunState.RUNNING, "", "t0", "t1", 1, 2, 1, "n");
    run.writeStatus(running);
    Process child = new ProcessBuilder("sleep", "60").start();
    long pid = child.pid();
    try {
      Files.writeString(run.dir().resolve(RunOwner.FILE), "{\"host\":\"" + RunExecutor.node() + "\",\"pid\":" + pid
          + ",\"started\":\"" + child.info().startInstant().map(Instant::toString).orElse("") + "\"}");
      assertThat(RunOwner.effective(run, running)).isSameAs(running);
      assertThat(RunOwner.noOtherLiveOwner(run)).isFalse();
      assertThat(RunOwner.deadOwner(run)).isEmpty();
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(RunOwner.deadOwner(run)).contains(pid);
    assertThat(RunOwner.noOtherLiveOwner(run)).isTrue();
    RunStatus shown = RunOwner.effective(run, running);
    assertThat(shown.state()).isEqualTo(RunState.INTERRUPTED);
    assertThat(shown.reason()).isEqualTo("the training process (pid " + pid
        + ") ended without finishing; resume continues from the snapshot of epoch 1");
    assertThat(run.requireStatus().state()).isEqualTo(RunState.RUNNING);
    // a finished run keeps its state whatever its stale owner file says
    RunStatus done = new RunStatus(RunState.FINISHED, "", "t0", "t1", 2, 2, 2, "n");
    assertThat(RunOwner.effective(run, done)).isSameAs(done);
    RunOwner.clearIfDead(run);
    assertThat(run.dir().resolve(RunOwner.FILE)).doesNotExist();
    // an owner on another host cannot be seen from here: neither dead nor absent
    Files.writeString(run.dir().resolve(RunOwner.FILE), "{\"host\":\"elsewhere.invalid\",\"pid\":" + pid + "}");
    assertThat(RunOwner.deadOwner(run)).isEmpty();
    assertThat(RunOwner.noOtherLiveOwner(run)).isFalse();
  }
}
