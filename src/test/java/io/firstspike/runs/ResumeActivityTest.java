package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a resume keeps of activity.json (issue 22, bug 6): the newest epoch and its batch when
 * they are not later than the snapshot resumed from, and the first weights; nothing of a later
 * epoch, which the resumed training repeats.
 */
class ResumeActivityTest {
  private static JsonNode activity(int epoch, int batchEpoch, int firstEpoch) {
    ObjectNode a = Json.MAPPER.createObjectNode();
    a.putObject("epoch").putObject("metrics").put("epoch", epoch);
    a.putObject("batch").put("epoch", batchEpoch).put("step", 99);
    a.putObject("firstWeights").put("epoch", firstEpoch);
    return a;
  }

  @Test
  @DisplayName("An epoch not later than the snapshot is kept with its batch and the first weights")
  void keepsTheSnapshotsEpoch() {
    ObjectNode kept = RunExecutor.keptActivity(activity(260, 260, 0), 260);
    assertThat(kept.path("epoch").path("metrics").path("epoch").asInt()).isEqualTo(260);
    assertThat(kept.path("batch").path("epoch").asInt()).isEqualTo(260);
    assertThat(kept.path("firstWeights").path("epoch").asInt()).isZero();
    // an older epoch (activity.json is written at most once a second) is kept too
    assertThat(RunExecutor.keptActivity(activity(255, 255, 0), 260).path("epoch").isObject()).isTrue();
  }

  @Test
  @DisplayName("An epoch after the snapshot is dropped; only the first weights stay")
  void dropsALaterEpoch() {
    ObjectNode kept = RunExecutor.keptActivity(activity(262, 262, 0), 260);
    assertThat(kept.path("epoch").isNull()).isTrue();
    assertThat(kept.path("batch").isNull()).isTrue();
    assertThat(kept.path("firstWeights").path("epoch").asInt()).isZero();
  }

  @Test
  @DisplayName("Nothing usable gives null; malformed parts are dropped, not copied")
  void nothingUsable() {
    assertThat(RunExecutor.keptActivity(Json.MAPPER.createObjectNode(), 5)).isNull();
    ObjectNode odd = Json.MAPPER.createObjectNode();
    odd.putObject("epoch").putObject("metrics").put("epoch", "three");
    odd.putObject("firstWeights").put("epoch", 0);
    ObjectNode kept = RunExecutor.keptActivity(odd, 5);
    assertThat(kept.path("epoch").isNull()).isTrue();
    assertThat(kept.path("firstWeights").isObject()).isTrue();
  }
}
