package io.firstspike.train;

/** A non-finite loss, gradient or weight, or a runaway weight: the run stops with this message. */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(int epoch, int batch, String what) {
    super("training diverged in epoch " + epoch + ", batch " + batch + ": " + what
        + "; the last good snapshot is kept");
  }
}
