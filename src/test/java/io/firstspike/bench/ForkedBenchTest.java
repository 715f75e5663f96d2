package io.firstspike.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Reading back what a forked benchmark JVM printed. */
class ForkedBenchTest {
  private static final String CHILD = """
      {
        "yin_yang_epoch_seconds" : 0.134,
        "peak_rss_mb" : 259.5,
        "threads" : 2,
        "data" : [ "mnist16: synthetic digits" ],
        "details" : {
          "yin_yang_epoch_seconds" : {
            "method" : "Trainer, median of 10 epochs",
            "unit" : "s",
            "check" : "50 samples equal to the slow reference"
          }
        }
      }
      """;

  @Test
  @DisplayName("a child's JSON gives the value, unit, method (marked as its own JVM), check, RSS and notes")
  void parsesChildOutput() throws Exception {
    ForkedBench.Result r = ForkedBench.parse("yin_yang_epoch_seconds", 2, CHILD);
    assertThat(r.measurement().value()).isEqualTo(0.134);
    assertThat(r.measurement().unit()).isEqualTo("s");
    assertThat(r.measurement().threads()).isEqualTo(2);
    assertThat(r.measurement().method()).isEqualTo("Trainer, median of 10 epochs; own JVM");
    assertThat(r.measurement().check()).contains("slow reference");
    assertThat(r.peakRssMb()).isEqualTo(259.5);
    assertThat(r.notes()).containsExactly("mnist16: synthetic digits");
  }

  @Test
  @DisplayName("a child that printed no result for the key is an error naming the key and thread count")
  void missingResult() {
    assertThatThrownBy(() -> ForkedBench.parse("mnist784_epoch_seconds", 1, CHILD))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("mnist784_epoch_seconds").hasMessageContaining("1 thread(s)");
  }
}
