package io.firstspike.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.eval.SortedOutputs.ClassOutputs;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SortedOutputsTest {
  private final SplitEvaluation split = FakeEvaluations.yinYang("train", 800, 11, 0);

  @Test
  @DisplayName("by earliest spike: each class holds exactly its samples, sorted by min over neurons")
  void byEarliestSpike() {
    SortedOutputs s = SortedOutputs.byEarliestSpike(split);
    checkPartition(s);
    for (ClassOutputs c : s.classes()) {
      for (int r = 0; r < c.size(); r++) {
        double min = Double.POSITIVE_INFINITY;
        for (int k = 0; k < 3; k++) {
          min = Math.min(min, c.time(r, k));
        }
        assertThat(c.key(r)).isEqualTo(min);
        if (r > 0) {
          assertThat(Double.compare(c.key(r - 1), c.key(r))).isLessThanOrEqualTo(0);
        }
      }
    }
  }

  @Test
  @DisplayName("by correct neuron: sorted by the time of the neuron of the true class, silent last")
  void byCorrectNeuron() {
    SortedOutputs s = SortedOutputs.byCorrectNeuron(split);
    checkPartition(s);
    boolean sawInfinity = false;
    for (ClassOutputs c : s.classes()) {
      for (int r = 0; r < c.size(); r++) {
        assertThat(c.key(r)).isEqualTo(c.time(r, c.trueClass()));
        if (r > 0) {
          assertThat(Double.compare(c.key(r - 1), c.key(r))).isLessThanOrEqualTo(0);
        }
        if (Double.isInfinite(c.key(r))) {
          sawInfinity = true;
          assertThat(c.key(c.size() - 1)).isInfinite();
        }
      }
    }
    assertThat(sawInfinity).as("the fake data contain silent samples").isTrue();
  }

  private void checkPartition(SortedOutputs s) {
    assertThat(s.classes()).hasSize(3);
    Set<Integer> seen = new HashSet<>();
    for (ClassOutputs c : s.classes()) {
      for (int r = 0; r < c.size(); r++) {
        int i = c.sampleIndices()[r];
        assertThat(split.label(i)).isEqualTo(c.trueClass());
        assertThat(seen.add(i)).isTrue();
        for (int k = 0; k < 3; k++) {
          assertThat(c.time(r, k)).isEqualTo(split.outputTime(i, k));
        }
      }
    }
    assertThat(seen).hasSize(split.nSamples());
  }
}
