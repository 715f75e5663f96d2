package io.firstspike.train;

/** Where the trainer hands its snapshots (the run store writes them to {@code epoch_<N>/}). */
public interface SnapshotSink {
  /**
   * Persists a snapshot of {@code state} (after epoch {@code state.epochsDone}); must be complete
   * and atomic when it returns.
   *
   * @param outputs label-layer outputs on test and training set for the original's files, or null
   *     for a resume-only checkpoint
   */
  void save(TrainingState state, SnapshotOutputs outputs);

  /** A sink that keeps nothing. */
  static SnapshotSink none() {
    return (s, o) -> {};
  }
}
