package io.firstspike.runs;

import io.firstspike.train.StopFlag;
import io.firstspike.train.TrainingListener;

/**
 * Executes a prepared run folder: trains from scratch, or resumes from its newest snapshot, until
 * the configured epoch number or until {@code stop} is requested. Blocking and CPU-bound: call it
 * on a worker thread, never on an event loop. The CLI and the server's TrainingVerticle both use
 * {@link RunExecutor}, the one implementation; tests may substitute their own.
 */
@FunctionalInterface
public interface RunEngine {
  /**
   * @param run a folder created by {@link RunExecutor#prepare}
   * @param threads worker threads for the batch (results do not depend on it)
   * @param listener receives every event on the training thread; must not block
   * @param stop checked between batches
   * @return how it ended; never throws for training problems (NaN, bad data): those give FAILED
   */
  RunOutcome execute(RunFolder run, int threads, TrainingListener listener, StopFlag stop);

  /**
   * Checks, without changing anything in the folder, that {@link #execute} can start or resume
   * the run (its config and newest snapshot are readable and consistent). The server calls it
   * before it queues a resume, so a damaged run is refused and left as it was.
   *
   * @throws DamagedRunException listing every problem, one line each naming the file
   */
  default void checkStart(RunFolder run) {}
}
