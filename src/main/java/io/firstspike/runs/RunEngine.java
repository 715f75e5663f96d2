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
}
