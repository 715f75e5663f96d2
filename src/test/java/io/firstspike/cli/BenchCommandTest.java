package io.firstspike.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
  @Test
  @DisplayName("--only with an unknown key is bad input (exit 2) and names the valid keys")
  void unknownKeyIsBadInput() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    var cl = Main.commandLine();
    cl.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    int code = cl.execute("bench", "--only", "warp_speed");
    assertThat(code).isEqualTo(Main.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("warp_speed")
        .contains("yin_yang_epoch_seconds");
  }

  @Test
  @DisplayName("bench --json --only yin_yang_epoch_seconds --seed 7 prints one JSON object with the keys and the seed")
  void jsonHasTheKeys() throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      code = Main.execute("bench", "--json", "--no-single", "--threads", "2", "--only",
          "yin_yang_epoch_seconds", "--seed", "7");
    } finally {
      System.setOut(old);
    }
    assertThat(code).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    for (String key : List.of("yin_yang_epoch_seconds", "peak_rss_mb", "threads", "machine")) {
      assertThat(json.has(key)).as(key).isTrue();
    }
    assertThat(json.get("yin_yang_epoch_seconds").asDouble()).isPositive();
    assertThat(json.get("threads").asInt()).isEqualTo(2);
    assertThat(json.has("mnist784_epoch_seconds")).as("--only runs one benchmark").isFalse();
    assertThat(json.get("details").get("yin_yang_epoch_seconds").get("check").asText())
        .contains("equal to the slow reference").contains("accuracy");
    assertThat(json.get("seed").asLong()).isEqualTo(7);
    assertThat(json.get("data").toString()).contains("numpy_seed and torch_seed 7");
  }
}
