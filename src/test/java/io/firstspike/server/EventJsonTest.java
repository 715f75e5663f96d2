package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.train.EpochMetrics;
import io.firstspike.train.RunState;
import io.firstspike.train.TrainingEvent;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EventJsonTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  @Test
  @DisplayName("Batch bodies carry every field by name; NaN and infinite times become null")
  void batch() {
    TrainingEvent.Batch b = new TrainingEvent.Batch(2, 3, 34, 71, Double.NaN, 0.75, 0.2, 0.005, 1,
        new double[][] {{1.5, INF}}, new double[][] {{0.1, Double.NaN}}, new double[] {0.25},
        new int[][] {{4, 5}}, 3.0, new double[][] {{0.1, 0.9}, {INF, 1.2}, {2.0, 2.5, INF}}, 2);
    JsonObject j = EventJson.batch("r1", b);
    assertThat(j.getString("id")).isEqualTo("r1");
    assertThat(j.getLong("step")).isEqualTo(71);
    assertThat(j.getValue("loss")).as("a bumped batch has no loss").isNull();
    assertThat(j.getInteger("bumpedLayer")).isEqualTo(1);
    assertThat(j.getJsonArray("classMeanTimes").getJsonArray(0).getValue(1)).isNull();
    assertThat(j.getJsonArray("raster").getJsonArray(2).getDouble(1)).isEqualTo(2.5);
    assertThat(j.getInteger("rasterLabel")).isEqualTo(2);
    assertThat(j.encode()).doesNotContain("NaN").doesNotContain("Infinity");
  }

  @Test
  @DisplayName("Epoch bodies carry the id and the metrics only; activity.json's epoch lists predictions as rows of four")
  void epoch() {
    EpochMetrics m = new EpochMetrics(1, 3, 33, 0.5, 0.6, 0.45, 0.62, 0.005, 2,
        new double[][] {{1.0, Double.NaN}}, new double[][] {{0.1, Double.NaN}}, 1200, 4.2, 8.4, 3);
    TrainingEvent.Epoch e = new TrainingEvent.Epoch(m, new int[][] {{1, 2}}, new double[][] {{0, 0.5, 1}},
        List.of(new double[] {0.2, 0.3, 1, 2}, new double[] {0.7, 0.1, 0, 0}));
    JsonObject j = EventJson.epoch("r1", e);
    assertThat(j.getJsonObject("metrics").getDouble("valAccuracy")).isEqualTo(0.62);
    assertThat(j.getJsonObject("metrics").getJsonArray("meanValOutputs").getJsonArray(0).getValue(1)).isNull();
    assertThat(j.fieldNames()).containsExactlyInAnyOrder("id", "metrics");
    JsonObject heavy = EventJson.toJsonObject(io.firstspike.runs.EventCodec.epoch(e));
    assertThat(heavy.getJsonArray("validationPredictions").getJsonArray(1).getDouble(0)).isEqualTo(0.7);
    assertThat(heavy.getJsonArray("weightHistogramEdges").getJsonArray(0).size()).isEqualTo(3);
  }

  @Test
  @DisplayName("State bodies use the wire names")
  void state() {
    JsonObject j = EventJson.state("r1", RunState.INTERRUPTED, "server shut down");
    assertThat(j.getString("state")).isEqualTo("interrupted");
    assertThat(j.getString("reason")).isEqualTo("server shut down");
    assertThat(EventJson.state("r1", RunState.RUNNING, null).getString("reason")).isEmpty();
  }

  @Test
  @DisplayName("The stream's outbound regex matches exactly the three stream addresses of valid ids")
  void outboundRegex() {
    assertThat(Addresses.OUTBOUND.matcher(Addresses.batch("yin_yang_2026-01-01_10-00-00")).matches()).isTrue();
    assertThat(Addresses.OUTBOUND.matcher(Addresses.state("a+b-c.d")).matches()).isTrue();
    assertThat(Addresses.OUTBOUND.matcher("runs.x.batch.y").find()).isFalse();
    assertThat(Addresses.OUTBOUND.matcher("xruns.x.batch").find()).isFalse();
    assertThat(Addresses.OUTBOUND.matcher(Addresses.stopCommand("x")).find()).isFalse();
    assertThat(Addresses.OUTBOUND.matcher(Addresses.CMD_LIST).find()).isFalse();
  }
}
