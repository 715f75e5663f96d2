package io.firstspike.eval;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the plots of one run (or snapshot) are drawn from. Parts that are not available
 * are null (for example no training split when only the test set was evaluated); the plot set
 * renders what it can and skips the rest.
 *
 * @param dataset data set name, the file-name prefix ({@code yin_yang}, ...)
 * @param test the test split, or null
 * @param train the training split, or null
 * @param curves per-epoch curves, or null
 * @param untrained weights before training, or null
 * @param trained weights after training, or null
 * @param untrainedDelays a DelGrad network's effective delays before training, or null
 * @param trainedDelays its effective delays after training, or null (no delay layers)
 * @param monitored a DelGrad run's records of its monitored layers (empty for none)
 * @param bumps a DelGrad run's weight-bump codes, or null (a 2021 run, or not recorded)
 */
public record EvaluationBundle(
    String dataset,
    SplitEvaluation test,
    SplitEvaluation train,
    TrainingCurves curves,
    WeightSet untrained,
    WeightSet trained,
    WeightSet untrainedDelays,
    WeightSet trainedDelays,
    List<MonitorTrace> monitored,
    BumpCodes bumps) {

  /** Data set name of the Yin-Yang data set, which gets the extra input-space plots. */
  public static final String YIN_YANG = "yin_yang";

  public EvaluationBundle {
    Objects.requireNonNull(dataset, "dataset");
    monitored = monitored == null ? List.of() : List.copyOf(monitored);
    for (SplitEvaluation s : new SplitEvaluation[] {test, train}) {
      if (s != null && !s.dataset().equals(dataset)) {
        throw new IllegalArgumentException(
            "evaluation bundle for '" + dataset + "' got split '" + s.split() + "' of data set '"
                + s.dataset() + "'");
      }
    }
  }

  /** Without delays (a 2021 network). */
  public EvaluationBundle(String dataset, SplitEvaluation test, SplitEvaluation train,
      TrainingCurves curves, WeightSet untrained, WeightSet trained) {
    this(dataset, test, train, curves, untrained, trained, null, null, List.of(), null);
  }

  /** Without DelGrad's records (monitored layers, weight-bump codes). */
  public EvaluationBundle(String dataset, SplitEvaluation test, SplitEvaluation train,
      TrainingCurves curves, WeightSet untrained, WeightSet trained, WeightSet untrainedDelays,
      WeightSet trainedDelays) {
    this(dataset, test, train, curves, untrained, trained, untrainedDelays, trainedDelays,
        List.of(), null);
  }

  public boolean isYinYang() {
    return YIN_YANG.equals(dataset);
  }

  public Optional<SplitEvaluation> testSplit() {
    return Optional.ofNullable(test);
  }

  public Optional<SplitEvaluation> trainSplit() {
    return Optional.ofNullable(train);
  }

  public Optional<TrainingCurves> trainingCurves() {
    return Optional.ofNullable(curves);
  }
}
