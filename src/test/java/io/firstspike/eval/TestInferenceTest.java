package io.firstspike.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.firstspike.core.random.SplitMix64;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Mean, sample standard deviation and the repetitions' noise seeds of {@link TestInference}. */
class TestInferenceTest {
  /** Sums of a handful of doubles: a few ulps. */
  private static final Offset<Double> SUMS = Offset.offset(1e-15);

  /** A test split of 4 samples with {@code correct} of them right. */
  private static SplitEvaluation split(int correct) {
    int[] labels = {0, 1, 0, 1};
    int[] predicted = new int[4];
    for (int i = 0; i < 4; i++) {
      predicted[i] = i < correct ? labels[i] : 1 - labels[i];
    }
    double[][] times = {{1, 2}, {2, 1}, {1, 2}, {2, 1}};
    return new SplitEvaluation("xor", "test", new double[4][0], times, labels, predicted,
        List.of("a", "b"));
  }

  @Test
  @DisplayName("mean and sample standard deviation (n - 1) of the accuracies, 0 for one repetition")
  void meanAndStd() {
    TestInference t = new TestInference("xor", List.of(split(1), split(2), split(4)), true, 3);
    assertThat(t.accuracies()).containsExactly(0.25, 0.5, 1.0);
    double mean = (0.25 + 0.5 + 1.0) / 3;
    assertThat(t.meanAccuracy()).isCloseTo(mean, SUMS);
    // NumPy: np.std([0.25, 0.5, 1.0], ddof=1) = 0.38188130791298663
    assertThat(t.accuracyStd()).isCloseTo(0.38188130791298663, SUMS);
    TestInference once = new TestInference("xor", List.of(split(3)), false, 0);
    assertThat(once.accuracyStd()).isZero();
    assertThat(once.meanAccuracy()).isEqualTo(0.75);
    assertThatThrownBy(() -> new TestInference("xor", List.of(), false, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("repetition r's seed is word r + 1 of SplitMix64(seed): distinct per repetition and per seed")
  void noiseSeeds() {
    SplitMix64 words = new SplitMix64(2000);
    List<Long> expected = new ArrayList<>();
    for (int r = 0; r < 5; r++) {
      expected.add(words.nextLong());
    }
    Set<Long> seen = new HashSet<>();
    for (int r = 0; r < 5; r++) {
      assertThat(TestInference.noiseSeed(2000, r)).isEqualTo(expected.get(r));
      seen.add(TestInference.noiseSeed(2000, r));
      seen.add(TestInference.noiseSeed(2001, r));
    }
    assertThat(seen).hasSize(10);
    assertThatThrownBy(() -> TestInference.noiseSeed(1, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
