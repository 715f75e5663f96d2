package io.firstspike.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.core.optim.RangeRunner;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The scan for non-finite weights after an optimizer step names the first one, serial or not. */
class WeightCheckTest {
  /** Runs the parts on several threads, last part first. */
  private static final RangeRunner THREADS = (parts, part) ->
      IntStream.range(0, parts).parallel().map(p -> parts - 1 - p).forEach(part);

  @Test
  @DisplayName("the first non-finite weight in layer and index order is found in parallel parts")
  void firstInOrder() {
    double[][] w = {new double[80_000], new double[70_000]};
    assertThat(w[0].length + w[1].length).isGreaterThanOrEqualTo(WeightCheck.PARALLEL_FROM);
    assertThat(WeightCheck.firstNonFinite(w, THREADS)).isNull();
    w[1][69_999] = Double.NaN; // the last part
    w[1][3] = Double.POSITIVE_INFINITY; // the first part, second layer
    assertThat(WeightCheck.firstNonFinite(w, THREADS)).containsExactly(1, 3);
    w[0][79_000] = Double.NEGATIVE_INFINITY; // first layer, last part
    assertThat(WeightCheck.firstNonFinite(w, THREADS)).containsExactly(0, 79_000);
    assertThat(WeightCheck.firstNonFinite(w, RangeRunner.SERIAL)).containsExactly(0, 79_000);
  }

  @Test
  @DisplayName("a small network is scanned in one part")
  void small() {
    double[][] w = {new double[10], new double[3]};
    w[1][2] = Double.NaN;
    assertThat(WeightCheck.firstNonFinite(w, THREADS)).containsExactly(1, 2);
  }
}
