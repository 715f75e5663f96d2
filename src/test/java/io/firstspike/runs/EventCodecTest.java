package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.train.TrainingEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One JSON shape for a batch on disk and on the bus, and the lines earlier versions wrote. */
class EventCodecTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  /** A batch line as versions before the codec wrote it to batches.jsonl (snake_case, bump -1). */
  private static final String LEGACY_LINE = "{\"epoch\":2,\"batch\":3,\"step\":71,\"loss\":0.5,"
      + "\"accuracy\":0.75,\"running_error\":0.2,\"lr\":0.005,\"bump\":-1,\"silent\":[0.25,0.0]}";
  private static final String LEGACY_BUMP = "{\"epoch\":2,\"batch\":4,\"step\":72,\"loss\":null,"
      + "\"accuracy\":0.5,\"running_error\":0.3,\"lr\":0.005,\"bump\":1,\"silent\":[0.5,0.0]}";
  /** A line of an even older version: no silent fractions. */
  private static final String LEGACY_NO_SILENT = "{\"epoch\":1,\"batch\":0,\"step\":0,\"loss\":0.9,"
      + "\"accuracy\":0.25,\"running_error\":0.75,\"lr\":0.005,\"bump\":-1}";

  @TempDir Path tmp;

  private static TrainingEvent.Batch batch(long step, double loss, int bumped) {
    return new TrainingEvent.Batch(2, (int) step - 68, 34, step, loss, 0.75, 0.2, 0.005, bumped,
        new double[][] {{1.5, INF}}, new double[][] {{0.1, Double.NaN}}, new double[] {0.25, 0.0},
        new int[][] {{4, 5}}, 3.0, new double[][] {{0.1, 0.9}, {INF, 1.2}, {2.0, 2.5, INF}}, 2);
  }

  @Test
  @DisplayName("a batch line is the bus message's light fields, same names, same values")
  void lineIsPartOfTheMessage() {
    TrainingEvent.Batch b = batch(71, Double.NaN, 1);
    ObjectNode message = EventCodec.batch(b);
    ObjectNode line = EventCodec.batchLine(b);
    assertThat(line.size()).isEqualTo(EventCodec.LINE_FIELDS.size());
    for (String f : EventCodec.LINE_FIELDS) {
      assertThat(message.has(f)).as(f).isTrue();
      assertThat(line.get(f)).as(f).isEqualTo(message.get(f));
    }
    assertThat(line.get("loss").isNull()).as("NaN loss of a bumped batch").isTrue();
    assertThat(line.get("bumpedLayer").asInt()).isEqualTo(1);
    assertThat(EventCodec.batchLine(batch(71, 0.5, -1)).get("bumpedLayer").isNull()).isTrue();
    // a line read back is what was written
    assertThat(EventCodec.readBatchLine(line.deepCopy())).isEqualTo(line);
  }

  @Test
  @DisplayName("lines written by earlier versions are read in the one shape (bump -1 is no bump)")
  void legacyLines() throws Exception {
    JsonNode old = EventCodec.BATCH_LINES.parse(LEGACY_LINE);
    ObjectNode now = EventCodec.batchLine(batch(71, 0.5, -1));
    for (String f : List.of("epoch", "batch", "step", "loss", "accuracy", "runningError", "learningRate",
        "bumpedLayer", "silentFraction")) {
      assertThat(String.valueOf(old.get(f))).as(f).isEqualTo(String.valueOf(now.get(f)));
    }
    assertThat(old.has("running_error") || old.has("lr") || old.has("bump") || old.has("silent")).isFalse();
    assertThat(EventCodec.BATCH_LINES.parse(LEGACY_BUMP).get("bumpedLayer").asInt()).isEqualTo(1);
    assertThat(EventCodec.BATCH_LINES.parse(LEGACY_NO_SILENT).has("silentFraction")).isFalse();
    assertThat(EventCodec.BATCH_LINES.parse("[1, 2]")).as("not an object").isNull();
  }

  @Test
  @DisplayName("a run folder whose batches.jsonl mixes old and new lines loads all in one shape; a resume keeps the old bytes")
  void mixedFile() throws Exception {
    RunFolder run = new RunFolder(tmp);
    Path file = tmp.resolve(RunFolder.BATCHES);
    Files.writeString(file, LEGACY_NO_SILENT + "\n" + LEGACY_LINE + "\n", StandardCharsets.UTF_8);
    run.appendBatch(EventCodec.batchLine(batch(100, 0.4, -1)));
    List<JsonNode> lines = run.batches();
    assertThat(lines).hasSize(3);
    assertThat(lines).allSatisfy(l -> assertThat(l.has("runningError") && l.has("learningRate")
        && l.has("bumpedLayer")).isTrue());
    assertThat(lines).extracting(l -> l.get("runningError").asDouble()).containsExactly(0.75, 0.2, 0.2);
    assertThat(run.batchesLogAfter(71).values()).extracting(l -> l.get("step").asLong()).containsExactly(100L);
    run.keepLogsUpTo(1); // a resume from epoch 1: the old line of epoch 1 stays as it was
    assertThat(Files.readString(file)).isEqualTo(LEGACY_NO_SILENT + "\n");
  }
}
