package io.firstspike.train;

/**
 * Receives the events of a training, on the training thread. Implementations must return
 * quickly and never block: the loop waits for them.
 */
@FunctionalInterface
public interface TrainingListener {
  void onEvent(TrainingEvent event);

  /** A listener that ignores everything. */
  static TrainingListener none() {
    return e -> {};
  }

  /** Calls both listeners in order. */
  default TrainingListener andThen(TrainingListener next) {
    return e -> {
      onEvent(e);
      next.onEvent(e);
    };
  }
}
