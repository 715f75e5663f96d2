package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.runs.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BatchDecimatorTest {
  private static final long SEED = 20211;

  private static List<JsonNode> series(int n, Random rng) {
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Json.MAPPER.createObjectNode().put("step", i).put("epoch", i / 100)
          .put("loss", 1.0 + 0.1 * rng.nextDouble()).put("accuracy", 0.5 + 0.1 * rng.nextDouble()));
    }
    return out;
  }

  @Test
  @DisplayName("A short series is returned unchanged")
  void shortSeriesUnchanged() {
    List<JsonNode> s = series(50, new Random(SEED));
    assertThat(BatchDecimator.decimate(s, 50, 1).lines()).isSameAs(s);
  }

  @Test
  @DisplayName("A long series shrinks to at most maxPoints, in step order, keeping first and last")
  void bounded() {
    List<JsonNode> s = series(100_000, new Random(SEED));
    List<JsonNode> d = BatchDecimator.decimate(s, 2000, 1).lines();
    assertThat(d).hasSizeLessThanOrEqualTo(2000).hasSizeGreaterThan(2000 / 2);
    assertThat(d.stream().map(n -> n.get("step").asLong()).toList()).isSorted().doesNotHaveDuplicates();
    assertThat(d.get(0).get("step").asLong()).isZero();
    assertThat(d.get(d.size() - 1).get("step").asLong()).isEqualTo(99_999);
  }

  @Test
  @DisplayName("A single-batch loss spike and an accuracy dip survive decimation, whatever their position")
  void spikesSurvive() {
    Random rng = new Random(SEED);
    for (int trial = 0; trial < 20; trial++) {
      List<JsonNode> s = series(30_000, rng);
      int spike = rng.nextInt(s.size());
      int dip = rng.nextInt(s.size());
      ((com.fasterxml.jackson.databind.node.ObjectNode) s.get(spike)).put("loss", 50.0);
      ((com.fasterxml.jackson.databind.node.ObjectNode) s.get(dip)).put("accuracy", 0.0);
      List<JsonNode> d = BatchDecimator.decimate(s, 500, 1).lines();
      assertThat(d).contains(s.get(spike), s.get(dip));
    }
  }

  @Test
  @DisplayName("Null values (bumped batches have no loss) are skipped, counters are not series")
  void nullsAndCounters() {
    List<JsonNode> s = series(1000, new Random(SEED));
    for (int i = 0; i < 1000; i += 3) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) s.get(i)).putNull("loss");
    }
    assertThat(BatchDecimator.numericFields(s)).containsExactlyInAnyOrder("loss", "accuracy");
    List<JsonNode> d = BatchDecimator.decimate(s, 60, 1).lines();
    assertThat(d).hasSizeLessThanOrEqualTo(60).isNotEmpty();
  }

  @Test
  @DisplayName("maxPoints below 1 is rejected with the value")
  void badMaxPoints() {
    assertThatThrownBy(() -> BatchDecimator.decimate(List.of(), 0, 1)).hasMessageContaining("got 0");
    assertThatThrownBy(() -> BatchDecimator.decimate(List.of(), 10, 0)).hasMessageContaining("minWidth").hasMessageContaining("got 0");
  }

  @Test
  @DisplayName("Buckets are fixed on the step axis: the lines after any step, decimated at the whole series' width, are the whole series' lines there")
  void partsLandInTheWholesBuckets() {
    List<JsonNode> s = series(50_000, new Random(SEED));
    BatchDecimator.Decimated whole = BatchDecimator.decimate(s, 2000, 1);
    long w = whole.width();
    assertThat(Long.bitCount(w)).as("a power of two, got %d", w).isEqualTo(1);
    assertThat(w).isGreaterThan(1);
    for (int since : new int[] {0, 4096, 17_000, 49_000}) {
      long boundary = (since / w + 1) * w; // buckets after the one holding `since` are whole in both
      List<JsonNode> tail = s.subList(since + 1, s.size());
      BatchDecimator.Decimated part = BatchDecimator.decimate(tail, 2000, w);
      assertThat(part.width()).isEqualTo(w);
      assertThat(part.lines().stream().filter(n -> n.get("step").asLong() >= boundary).toList())
          .as("lines after step %d", boundary)
          .containsExactlyElementsOf(whole.lines().stream().filter(n -> n.get("step").asLong() >= boundary).toList());
    }
  }

  @Test
  @DisplayName("The width is the smallest power of two, at least the one asked for, that keeps the answer within maxPoints")
  void smallestFittingWidth() {
    List<JsonNode> s = series(1000, new Random(SEED));
    long w = BatchDecimator.decimate(s, 600, 1).width();
    assertThat(Long.bitCount(w)).isEqualTo(1);
    assertThat(BatchDecimator.decimate(s, 600, 1).lines()).hasSizeLessThanOrEqualTo(600);
    // at half the width (forced: no bound) more than 600 lines would be kept
    assertThat(BatchDecimator.decimate(s, 100_000, w / 2).lines()).hasSizeGreaterThan(600);
    assertThat(BatchDecimator.decimate(s, 100_000, w / 2).width()).isEqualTo(w / 2);
    assertThat(BatchDecimator.decimate(s, 600, w / 2 + 1).width()).as("rounded up to a power of two").isEqualTo(w);
    assertThat(BatchDecimator.decimate(s, 600, 4 * w).width()).as("never narrower than asked").isEqualTo(4 * w);
    assertThat(BatchDecimator.decimate(s, 2000, 1).width()).as("1000 lines fit in 2000 points").isEqualTo(1);
  }
}
