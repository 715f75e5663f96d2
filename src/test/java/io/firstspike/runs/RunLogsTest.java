package io.firstspike.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.train.EpochMetrics;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * metrics.jsonl and batches.jsonl with damaged lines: read past them, report them, and never
 * delete them when a resume rewinds the logs.
 */
class RunLogsTest {
  @TempDir Path tmp;

  /** Bytes that are not UTF-8 (a lone continuation byte and an invalid start byte). */
  private static final byte[] NOT_UTF8 = {'{', '"', 'e', (byte) 0x80, (byte) 0xff, '"', '}'};

  private static String metricsLine(int epoch) {
    return Json.MAPPER.valueToTree(new EpochMetrics(epoch, 12, 10L * epoch, 0.5, 0.6, 0.7, 0.5 + epoch / 100.0,
        1e-3, 0, new double[][] {{1.0}}, new double[][] {{0.1}}, 100, epoch, 1, 0)).toString();
  }

  private static String batchLine(int epoch, int batch) {
    return "{\"epoch\":" + epoch + ",\"batch\":" + batch + ",\"step\":" + (10 * epoch + batch) + ",\"loss\":0.5}";
  }

  /** Epochs 0..12 of metrics, one per line, with line 3 (epoch 2) replaced by {@code bad}. */
  private Path logWithBadLine(RunFolder run, byte[] bad) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int e = 0; e <= 12; e++) {
      out.write(e == 2 ? bad : metricsLine(e).getBytes(StandardCharsets.UTF_8));
      out.write('\n');
    }
    Path p = run.dir().resolve(RunFolder.METRICS);
    Files.write(p, out.toByteArray());
    return p;
  }

  @Test
  @DisplayName("a bad JSON line in the middle of metrics.jsonl hides no later epoch")
  void badJsonLineSkipped() throws Exception {
    RunFolder run = new RunFolder(tmp);
    logWithBadLine(run, "{\"epoch\": 2, \"trainLoss\": 0.5, garbage".getBytes(StandardCharsets.UTF_8));
    assertThat(run.metrics()).extracting(EpochMetrics::epoch)
        .containsExactly(0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
  }

  @Test
  @DisplayName("a line that is not UTF-8 in the middle of metrics.jsonl is skipped, not an error")
  void invalidUtf8LineSkipped() throws Exception {
    RunFolder run = new RunFolder(tmp);
    logWithBadLine(run, NOT_UTF8);
    assertThat(run.metrics()).extracting(EpochMetrics::epoch)
        .containsExactly(0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
  }

  @Test
  @DisplayName("skipped lines are counted with the first line number; a torn last line is not counted")
  void skippedLinesReported() throws Exception {
    RunFolder run = new RunFolder(tmp);
    Path p = logWithBadLine(run, NOT_UTF8);
    Files.writeString(p, "[1, 2]\n{\"epoch\": 99999999999}\n{\"epoch\": 13, \"tr", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    JsonLines.Read<EpochMetrics> log = run.metricsLog();
    assertThat(log.values()).hasSize(12);
    assertThat(log.skipped()).isEqualTo(3); // line 3, the array and the epoch beyond an int
    assertThat(log.firstSkipped()).isEqualTo(3);
    assertThat(log.warning(RunFolder.METRICS)).contains(
        "metrics.jsonl: 3 unreadable lines skipped (the first is line 3); the other lines are read");
    assertThat(new RunFolder(tmp.resolve("none")).metricsLog().warning(RunFolder.METRICS)).isEmpty();
  }

  @Test
  @DisplayName("rewinding to epoch 10 keeps epochs 0-10 and moves an unreadable line byte for byte to metrics.jsonl.damaged")
  void rewindKeepsWhatWasNotRead() throws Exception {
    RunFolder run = new RunFolder(tmp);
    logWithBadLine(run, NOT_UTF8);
    StringBuilder batches = new StringBuilder();
    for (int e = 1; e <= 12; e++) {
      batches.append(batchLine(e, 0)).append('\n');
      if (e == 5) {
        batches.append("not json at all\n");
      }
    }
    batches.append("{\"batch\": 3}\n"); // no epoch: not known to be later, kept
    Files.writeString(run.dir().resolve(RunFolder.BATCHES), batches.toString());

    int moved = run.keepLogsUpTo(10);

    assertThat(moved).isEqualTo(2);
    assertThat(run.metrics()).extracting(EpochMetrics::epoch).containsExactly(0, 1, 3, 4, 5, 6, 7, 8, 9, 10);
    assertThat(run.metricsLog().skipped()).isZero();
    byte[] aside = Files.readAllBytes(tmp.resolve("metrics.jsonl.damaged"));
    byte[] expected = java.util.Arrays.copyOf(NOT_UTF8, NOT_UTF8.length + 1);
    expected[NOT_UTF8.length] = '\n';
    assertThat(aside).isEqualTo(expected);
    List<Integer> batchEpochs = run.batches().stream().map(b -> b.path("epoch").asInt(-1)).toList();
    assertThat(batchEpochs).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, -1);
    assertThat(Files.readString(tmp.resolve("batches.jsonl.damaged"))).isEqualTo("not json at all\n");
    assertThat(run.warnings()).anySatisfy(w -> assertThat(w).startsWith("metrics.jsonl.damaged holds lines"));
  }

  @Test
  @DisplayName("a rewind that drops nothing leaves the logs untouched (same bytes, no .damaged file)")
  void rewindWithNothingToDo() throws Exception {
    RunFolder run = new RunFolder(tmp);
    String text = metricsLine(0) + "\n" + metricsLine(1) + "\n";
    Files.writeString(run.dir().resolve(RunFolder.METRICS), text);
    assertThat(run.keepLogsUpTo(5)).isZero();
    assertThat(Files.readString(run.dir().resolve(RunFolder.METRICS))).isEqualTo(text);
    assertThat(tmp.resolve("metrics.jsonl.damaged")).doesNotExist();
  }

  @Test
  @DisplayName("a fresh start drops every readable line but still keeps the unreadable ones aside")
  void freshStart() throws Exception {
    RunFolder run = new RunFolder(tmp);
    logWithBadLine(run, "oops".getBytes(StandardCharsets.UTF_8));
    assertThat(run.keepLogsUpTo(-1)).isEqualTo(1);
    assertThat(run.metrics()).isEmpty();
    assertThat(Files.readString(tmp.resolve("metrics.jsonl.damaged"))).isEqualTo("oops\n");
  }

  @Test
  @DisplayName("readAfter (the backfill's tail read) gives what the whole read filtered by step gives, across block boundaries, with a damaged line and a torn last line")
  void tailReadEqualsTheFilteredWholeRead() throws Exception {
    RunFolder run = new RunFolder(Files.createDirectories(tmp.resolve("tail")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int e = 1; e <= 2000; e++) { // about 120 kB: two 64 KiB blocks and more
      for (int b = 0; b < 10; b++) {
        out.write((e == 1990 && b == 3 ? "not json" : batchLine(e, b)).getBytes(StandardCharsets.UTF_8));
        out.write(b % 3 == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
      }
    }
    out.write("{\"epoch\":2001,\"batch\":0,\"step\":20010".getBytes(StandardCharsets.UTF_8)); // torn: skipped, not counted
    Files.write(run.dir().resolve(RunFolder.BATCHES), out.toByteArray());
    List<com.fasterxml.jackson.databind.JsonNode> all = run.batchesLog().values();
    for (long since : new long[] {-1, 0, 15, 10_000, 19_800, 19_893, 19_894, 19_999, 20_009, 20_010}) {
      JsonLines.Read<com.fasterxml.jackson.databind.JsonNode> tail = run.batchesLogAfter(since);
      assertThat(tail.values()).as("since %d", since)
          .containsExactlyElementsOf(all.stream().filter(l -> l.get("step").asLong() > since).toList());
      boolean damagedAfter = since < 19_904; // the damaged line would be step 19903
      assertThat(tail.skipped()).as("skipped lines after %d", since).isEqualTo(damagedAfter ? 1 : 0);
      assertThat(tail.firstSkipped()).as("its line number").isEqualTo(damagedAfter ? 19_894 : 0);
    }
  }
}
