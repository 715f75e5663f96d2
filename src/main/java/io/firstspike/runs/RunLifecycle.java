package io.firstspike.runs;

import io.firstspike.train.RunState;
import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one owner of a run's state: every change of {@code status.json} (and so the run's final
 * status) goes through {@link #transition}, by the CLI's {@code train} and {@code continue}, the
 * sweeps and the workbench alike. The allowed changes are the table {@link #NEXT}; any other is an
 * {@link IllegalTransitionException} and nothing is written.
 *
 * <pre>
 *   (new) ──► queued ──► running ──► finished
 *               │  ▲       │  ▲ └──► stopped | failed | interrupted
 *               │  │       ▼  │ (one more epoch: running again)
 *               │  │     stopping ──► stopped | finished | failed | interrupted
 *               ▼  └──────────────── stopped | interrupted | failed   (resume)
 *      stopped | failed | interrupted ──► running                     (continue)
 * </pre>
 *
 * <p>A run is read in the state its file records; a caller that knows better (a running status
 * whose process has died is in effect interrupted, {@link RunOwner#effective}; a run the workbench
 * failed in memory) starts from that state with {@link #known}. One instance follows one run; it
 * remembers the status it wrote, so a training's per-epoch progress is not read back from disk.
 * Thread-safe.
 */
public final class RunLifecycle {
  /** Writes one status.json: the run folder's atomic write, or in tests a disk that fails. */
  @FunctionalInterface
  public interface StatusWriter {
    void write(RunFolder run, RunStatus status);
  }

  /** The real writer: {@link RunFolder#writeStatus}. */
  public static final StatusWriter DISK = RunFolder::writeStatus;

  /** A change the table does not allow (a programming error, never a user's). */
  public static final class IllegalTransitionException extends IllegalStateException {
    IllegalTransitionException(String run, RunState from, RunState to) {
      super("run " + run + ": illegal state change " + (from == null ? "(new)" : from.wire()) + " -> "
          + to.wire() + "; allowed from " + (from == null ? "(new)" : from.wire()) + ": " + allowedFrom(from));
    }
  }

  /** The epochs counters of a status: epochs done, planned, and the newest snapshot (-1: none). */
  public record Progress(int epochsDone, int epochs, int lastSnapshot) {}

  /** From each state (null: a run without a status yet) the states it may change to. */
  private static final Map<RunState, Set<RunState>> NEXT = new EnumMap<>(RunState.class);
  /** A new folder is queued (prepare), trained at once (continue of a folder without status) or failed. */
  private static final Set<RunState> FROM_NEW = EnumSet.of(RunState.QUEUED, RunState.RUNNING,
      RunState.FAILED);

  static {
    // queued: it starts, is stopped before it starts, fails to start, or its server shuts down
    NEXT.put(RunState.QUEUED, EnumSet.of(RunState.RUNNING, RunState.STOPPED, RunState.FAILED,
        RunState.INTERRUPTED));
    // running: progress (running again) and every end; stopping is the workbench's request
    NEXT.put(RunState.RUNNING, EnumSet.of(RunState.RUNNING, RunState.STOPPING, RunState.STOPPED,
        RunState.FINISHED, RunState.FAILED, RunState.INTERRUPTED));
    // stopping: the training ends, possibly on its own before the stop took effect
    NEXT.put(RunState.STOPPING, EnumSet.of(RunState.STOPPED, RunState.FINISHED, RunState.FAILED,
        RunState.INTERRUPTED));
    // the resumable ends: queued again (workbench), trained again (continue), or failing to start
    for (RunState s : EnumSet.of(RunState.STOPPED, RunState.INTERRUPTED, RunState.FAILED)) {
      NEXT.put(s, EnumSet.of(RunState.QUEUED, RunState.RUNNING, RunState.FAILED));
    }
    // finished: continue trains it further (more epochs, a later snapshot) or fails to start
    NEXT.put(RunState.FINISHED, EnumSet.of(RunState.RUNNING, RunState.FAILED));
  }

  private final RunFolder run;
  private final StatusWriter writer;
  private RunStatus current;

  private RunLifecycle(RunFolder run, StatusWriter writer, RunStatus current) {
    this.run = run;
    this.writer = writer;
    this.current = current;
  }

  /** The run as its status.json records it; a missing or unreadable status: new. */
  public static RunLifecycle of(RunFolder run, StatusWriter writer) {
    RunStatus st;
    try {
      st = run.status().orElse(null);
    } catch (RuntimeException e) {
      st = null; // unreadable: only a failure (or a first queued status) may replace it
    }
    return new RunLifecycle(run, writer, st);
  }

  /** {@link #of(RunFolder, StatusWriter)} writing to disk. */
  public static RunLifecycle of(RunFolder run) {
    return of(run, DISK);
  }

  /**
   * A run whose state is known better than its file says: the state it has in effect (a dead
   * owner's running run is interrupted), or a run the workbench keeps failed in memory because its
   * status could not be written ({@code status.json} still says queued or running).
   */
  public static RunLifecycle known(RunFolder run, RunStatus status, StatusWriter writer) {
    return new RunLifecycle(run, writer, status);
  }

  /** A folder without a status yet (a run being created). */
  public static RunLifecycle fresh(RunFolder run, StatusWriter writer) {
    return new RunLifecycle(run, writer, null);
  }

  /** Whether {@code from} (null: no status yet) may change to {@code to}. */
  public static boolean allows(RunState from, RunState to) {
    return from == null ? FROM_NEW.contains(to) : NEXT.get(from).contains(to);
  }

  private static String allowedFrom(RunState from) {
    Set<RunState> next = from == null ? FROM_NEW : NEXT.get(from);
    return next.stream().map(RunState::wire).toList().toString();
  }

  /** The status last read or written; empty for a run without one. */
  public synchronized Optional<RunStatus> current() {
    return Optional.ofNullable(current);
  }

  /** {@link #transition(RunState, String, Progress)} keeping the counters. */
  public RunStatus transition(RunState to, String reason) {
    return transition(to, reason, null);
  }

  /**
   * The one state change: checks it against the table, writes {@code status.json} atomically and
   * returns what was written. Creation and node are kept; {@code progress} null keeps the
   * counters (a new run then has none: 0, 0, -1).
   *
   * @throws IllegalTransitionException for a change the table does not allow (nothing written)
   * @throws java.io.UncheckedIOException when the status cannot be written; the lifecycle then
   *     still holds the previous status
   */
  public synchronized RunStatus transition(RunState to, String reason, Progress progress) {
    RunState from = current == null ? null : current.state();
    if (!allows(from, to)) {
      throw new IllegalTransitionException(run.id(), from, to);
    }
    String now = Instant.now().toString();
    Progress p = progress != null ? progress
        : current == null ? new Progress(0, 0, -1)
        : new Progress(current.epochsDone(), current.epochs(), current.lastSnapshot());
    RunStatus next = new RunStatus(to, reason == null ? "" : reason,
        current == null ? now : current.createdAt(), now, p.epochsDone(), p.epochs(),
        p.lastSnapshot(), current == null || to == RunState.RUNNING ? RunExecutor.node() : current.node());
    writer.write(run, next);
    current = next;
    return next;
  }
}
