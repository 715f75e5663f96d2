package io.firstspike.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.train.RunState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Which process is training a run: {@code owner.json} in the run folder (host, process id and
 * the process's start instant) while {@link RunExecutor} trains it, deleted when it ends. A
 * server starting over a runs folder marks runs left "running" as interrupted, except those a
 * live process on this host still owns (a CLI {@code train} writing into the same folder); the
 * start instant tells a reused process id from the owner. An owner that is gone while its run
 * still says running (a CLI killed with SIGKILL) makes the run {@link #effective interrupted}
 * for every reader at once, without waiting for a server restart.
 */
public final class RunOwner {
  /** File name in the run folder. */
  public static final String FILE = "owner.json";

  private RunOwner() {}

  /** Records this process as the run's owner. */
  public static void claim(RunFolder run) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    ProcessHandle self = ProcessHandle.current();
    n.put("host", RunExecutor.node());
    n.put("pid", self.pid());
    n.put("started", self.info().startInstant().map(Instant::toString).orElse(""));
    RunFolder.writeAtomically(run.dir().resolve(FILE), n.toString() + "\n");
  }

  /** Deletes the owner file if this process wrote it. */
  public static void release(RunFolder run) {
    Optional<Owner> o = read(run);
    if (o.isPresent() && o.get().pid() == ProcessHandle.current().pid()) {
      try {
        Files.deleteIfExists(run.dir().resolve(FILE));
      } catch (IOException e) {
        // a stale owner file of a dead process counts as no owner
      }
    }
  }

  /**
   * The process id of another live process on this host that owns the run, if any (not this
   * process: a server's own trainings are its own to mark).
   */
  public static Optional<Long> otherLiveOwner(RunFolder run) {
    return read(run).filter(o -> o.liveness() == Liveness.ALIVE).map(Owner::pid);
  }

  /**
   * The process id of the run's recorded owner when that process has ended without releasing
   * the run (killed, crashed): an owner on this host, not this process, that is no longer alive,
   * or whose process id now belongs to a process started at another instant.
   */
  public static Optional<Long> deadOwner(RunFolder run) {
    return read(run).filter(o -> o.liveness() == Liveness.DEAD).map(Owner::pid);
  }

  /**
   * True when no other process can be writing into the run: no readable owner file, or this
   * process owns it, or its owner on this host has ended. False for a live owner and for an owner
   * on another host (whose processes cannot be seen from here).
   */
  public static boolean noOtherLiveOwner(RunFolder run) {
    Optional<Owner> o = read(run);
    return o.isEmpty() || o.get().liveness() == Liveness.SELF || o.get().liveness() == Liveness.DEAD;
  }

  /**
   * The status as it should be shown and acted on: a queued, running or stopping status whose
   * owner has ended ({@link #deadOwner}) is interrupted, with {@link #endedReason}. The files are
   * not changed (a reader may not own the run); whoever resumes the run rewrites them.
   */
  public static RunStatus effective(RunFolder run, RunStatus st) {
    if (st.state() != RunState.QUEUED && st.state() != RunState.RUNNING && st.state() != RunState.STOPPING) {
      return st;
    }
    return deadOwner(run).map(pid -> new RunStatus(RunState.INTERRUPTED, endedReason(pid, st.lastSnapshot()),
        st.createdAt(), st.updatedAt(), st.epochsDone(), st.epochs(), st.lastSnapshot(), st.node()))
        .orElse(st);
  }

  /** "the training process (pid N) ended without finishing; resume continues from ...". */
  public static String endedReason(long pid, int lastSnapshot) {
    return "the training process (pid " + pid + ") ended without finishing; resume continues from "
        + (lastSnapshot >= 0 ? "the snapshot of epoch " + lastSnapshot : "the start");
  }

  /** Deletes the owner file of an owner that has ended, so that a resume queued elsewhere is not read as its. */
  public static void clearIfDead(RunFolder run) {
    if (deadOwner(run).isPresent()) {
      try {
        Files.deleteIfExists(run.dir().resolve(FILE));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete the stale " + FILE + " of run " + run.id(), e);
      }
    }
  }

  private enum Liveness { SELF, ALIVE, DEAD, ELSEWHERE, UNKNOWN }

  /** An owner file's content. */
  private record Owner(String host, long pid, String started) {
    Liveness liveness() {
      if (!RunExecutor.node().equals(host)) {
        return Liveness.ELSEWHERE;
      }
      if (pid <= 0) {
        return Liveness.UNKNOWN;
      }
      if (pid == ProcessHandle.current().pid()) {
        return Liveness.SELF;
      }
      boolean same = ProcessHandle.of(pid)
          .filter(ProcessHandle::isAlive)
          .filter(h -> started.equals(h.info().startInstant().map(Instant::toString).orElse("")))
          .isPresent();
      return same ? Liveness.ALIVE : Liveness.DEAD;
    }
  }

  private static Optional<Owner> read(RunFolder run) {
    Path f = run.dir().resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      JsonNode n = Json.MAPPER.readTree(f.toFile());
      if (n == null || !n.isObject()) {
        return Optional.empty();
      }
      return Optional.of(new Owner(n.path("host").asText(""), n.path("pid").asLong(-1),
          n.path("started").asText("")));
    } catch (IOException e) {
      return Optional.empty(); // unreadable: treated as no owner
    }
  }
}
