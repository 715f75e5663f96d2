package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.train.RunState;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one owner of a run's state: its table of transitions and its one write. */
class RunLifecycleTest {
  @TempDir Path tmp;

  private RunFolder folder() {
    return new RunFolder(tmp);
  }

  @Test
  @DisplayName("a run goes queued, running (once per epoch), finished, and status.json says so each time")
  void normalLife() {
    RunFolder run = folder();
    RunLifecycle life = RunLifecycle.fresh(run, RunLifecycle.DISK);
    RunStatus q = life.transition(RunState.QUEUED, "", new RunLifecycle.Progress(0, 3, -1));
    assertThat(run.requireStatus()).isEqualTo(q);
    for (int e = 1; e <= 3; e++) {
      life.transition(RunState.RUNNING, "", new RunLifecycle.Progress(e, 3, e));
      assertThat(run.requireStatus().epochsDone()).isEqualTo(e);
    }
    RunStatus end = life.transition(RunState.FINISHED, "");
    assertThat(end.state()).isEqualTo(RunState.FINISHED);
    assertThat(end.createdAt()).isEqualTo(q.createdAt());
    assertThat(end.epochsDone()).isEqualTo(3); // kept without new progress
    assertThat(end.lastSnapshot()).isEqualTo(3);
    assertThat(RunLifecycle.of(run).current()).contains(run.requireStatus());
  }

  @Test
  @DisplayName("an illegal change is an error naming both states, and nothing is written")
  void illegalTransition() {
    RunFolder run = folder();
    RunLifecycle life = RunLifecycle.fresh(run, RunLifecycle.DISK);
    life.transition(RunState.QUEUED, "");
    life.transition(RunState.RUNNING, "");
    RunStatus finished = life.transition(RunState.FINISHED, "");
    assertThatThrownBy(() -> life.transition(RunState.QUEUED, "resumed"))
        .isInstanceOf(RunLifecycle.IllegalTransitionException.class)
        .hasMessageContaining("finished -> queued")
        .hasMessageContaining("[running, failed]");
    assertThat(run.requireStatus()).isEqualTo(finished);
    assertThatThrownBy(() -> RunLifecycle.of(run).transition(RunState.STOPPING, ""))
        .isInstanceOf(RunLifecycle.IllegalTransitionException.class);
    assertThatThrownBy(() -> RunLifecycle.fresh(folder(), RunLifecycle.DISK).transition(RunState.STOPPED, ""))
        .hasMessageContaining("(new) -> stopped");
  }

  @Test
  @DisplayName("the table: every pair of states is allowed or refused as the lifecycle documents")
  void table() {
    Set<RunState> resumable = EnumSet.of(RunState.STOPPED, RunState.INTERRUPTED, RunState.FAILED);
    int allowed = 0;
    for (RunState from : RunState.values()) {
      for (RunState to : RunState.values()) {
        boolean expected = switch (from) {
          case QUEUED -> to == RunState.RUNNING || to == RunState.STOPPED || to == RunState.FAILED
              || to == RunState.INTERRUPTED;
          case RUNNING -> to != RunState.QUEUED;
          case STOPPING -> to.isTerminal();
          case STOPPED, INTERRUPTED, FAILED -> to == RunState.QUEUED || to == RunState.RUNNING
              || to == RunState.FAILED;
          case FINISHED -> to == RunState.RUNNING || to == RunState.FAILED;
        };
        assertThat(RunLifecycle.allows(from, to)).as(from + " -> " + to).isEqualTo(expected);
        allowed += expected ? 1 : 0;
      }
    }
    assertThat(allowed).isEqualTo(4 + 6 + 4 + 3 * resumable.size() + 2); // no pair escapes
    assertThat(RunLifecycle.allows(null, RunState.QUEUED)).isTrue();
    assertThat(RunLifecycle.allows(null, RunState.FINISHED)).isFalse();
    // a finished or stopped run is never finished or stopped "again" without training
    assertThat(RunLifecycle.allows(RunState.STOPPED, RunState.INTERRUPTED)).isFalse();
  }

  @Test
  @DisplayName("a write that fails throws and leaves the lifecycle at its previous state")
  void failedWrite() {
    RunFolder run = folder();
    List<RunStatus> written = new ArrayList<>();
    boolean[] full = {false};
    RunLifecycle life = RunLifecycle.fresh(run, (r, s) -> {
      if (full[0]) {
        throw new UncheckedIOException(new java.io.IOException("No space left on device"));
      }
      written.add(s);
    });
    life.transition(RunState.QUEUED, "");
    full[0] = true;
    assertThatThrownBy(() -> life.transition(RunState.RUNNING, "")).isInstanceOf(UncheckedIOException.class);
    assertThat(life.current().orElseThrow().state()).isEqualTo(RunState.QUEUED);
    full[0] = false;
    life.transition(RunState.STOPPED, "stopped before it started"); // still legal from queued
    assertThat(written).extracting(RunStatus::state).containsExactly(RunState.QUEUED, RunState.STOPPED);
  }

  @Test
  @DisplayName("a state known better than the file (failed in memory) is where the change starts")
  void knownState() {
    RunFolder run = folder();
    RunStatus queued = RunLifecycle.fresh(run, RunLifecycle.DISK).transition(RunState.QUEUED, "");
    RunStatus failed = new RunStatus(RunState.FAILED, "disk full", queued.createdAt(), queued.updatedAt(),
        0, 0, -1, queued.node());
    assertThatThrownBy(() -> RunLifecycle.of(run).transition(RunState.QUEUED, "resumed"))
        .isInstanceOf(RunLifecycle.IllegalTransitionException.class);
    RunStatus again = RunLifecycle.known(run, failed, RunLifecycle.DISK).transition(RunState.QUEUED, "resumed");
    assertThat(again.reason()).isEqualTo("resumed");
    assertThat(run.requireStatus().state()).isEqualTo(RunState.QUEUED);
  }
}
