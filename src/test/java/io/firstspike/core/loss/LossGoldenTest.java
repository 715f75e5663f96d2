package io.firstspike.core.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.firstspike.testsupport.GoldenNetworkSteps;
import io.firstspike.testsupport.GoldenNetworkSteps.Step;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Loss values and selections against the original program's {@code network_steps}. */
class LossGoldenTest {
  /** Relative tolerance, in percent (1e-12 relative). */
  private static final double REL_PERCENT = 1e-10;

  static Loss lossOf(Step s) {
    return switch (s.lossType()) {
      case "TTFS" -> new TtfsLoss(
          s.lossParams().get("xi").asDouble(),
          s.lossParams().get("alpha").asDouble(),
          s.lossParams().get("beta").asDouble(),
          s.tauSyn());
      case "MSE" -> new MseLoss(
          s.lossParams().get("t_correct").asDouble(),
          s.lossParams().get("t_wrong").asDouble(),
          s.tauSyn());
      default -> throw new IllegalStateException("unknown loss type " + s.lossType());
    };
  }

  @Test
  @DisplayName("both golden steps (TTFS and MSE) give the original's loss and selected classes")
  void goldenLossAndSelection() {
    List<Step> steps = GoldenNetworkSteps.load();
    assertThat(steps).extracting(Step::lossType).containsExactly("TTFS", "MSE");
    for (Step s : steps) {
      Loss loss = lossOf(s);
      double value = loss.compute(s.labelTimes(), s.labels(), new double[s.labels().length][s.labelTimes()[0].length]);
      assertThat(value).as(s.lossType()).isCloseTo(s.loss(), withinPercentage(REL_PERCENT));
      assertThat(loss.selectAll(s.labelTimes())).as(s.lossType()).containsExactly(s.selectedClasses());
    }
  }
}
