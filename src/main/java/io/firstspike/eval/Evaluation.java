package io.firstspike.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of evaluating one trained network: the records every plot is drawn from, where the
 * network came from, and what could not be evaluated (as sentences for the user).
 *
 * @param bundle the evaluation records
 * @param modelFolder the folder the network was read from (an {@code epoch_<N>/} for a run)
 * @param origin a short description of the network ("snapshot of epoch 300", ...)
 * @param epoch the snapshot epoch when known, else -1
 * @param notes one sentence per part left out (missing curves, no untrained network, ...)
 */
public record Evaluation(
    EvaluationBundle bundle, Path modelFolder, String origin, int epoch, List<String> notes) {

  public Evaluation {
    Objects.requireNonNull(bundle, "bundle");
    Objects.requireNonNull(modelFolder, "modelFolder");
    Objects.requireNonNull(origin, "origin");
    notes = List.copyOf(notes);
  }

  /** Test-set accuracy, NaN when the test split was not evaluated. */
  public double testAccuracy() {
    return bundle.test() == null ? Double.NaN : bundle.test().accuracy();
  }

  /** Training-set accuracy, NaN when the training split was not evaluated. */
  public double trainAccuracy() {
    return bundle.train() == null ? Double.NaN : bundle.train().accuracy();
  }
}
