package io.firstspike.runs;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The JSON-lines logs of a run folder ({@code metrics.jsonl}, {@code batches.jsonl}) read
 * leniently: a line that is not UTF-8 or not JSON of the expected shape is skipped and counted,
 * and the lines after it are still read. A last line without its newline is a write in progress
 * (or torn by a crash): it is read if it parses and never counted as damaged.
 *
 * <p>Rewriting follows one rule: never rewrite what was not read. {@link #keepOnly} drops only
 * lines that parsed and are known to be unwanted (epochs after a resume point); lines that did
 * not parse are moved, byte for byte, to {@code <file>.damaged} rather than deleted.
 */
public final class JsonLines {
  /** Suffix of the file that receives the lines a rewrite could not read. */
  public static final String DAMAGED_SUFFIX = ".damaged";

  /** First tail read of {@link #readAfter}; doubled until the stop line is inside. */
  private static final int TAIL_BLOCK = 64 * 1024;

  private JsonLines() {}

  /** Turns one decoded line into a value; throws (or returns null) when the line is not one. */
  @FunctionalInterface
  public interface Parser<T> {
    T parse(String line) throws IOException;
  }

  /**
   * What a read found.
   *
   * @param values the values of the lines that parsed, in file order
   * @param skipped complete lines that could not be read (bad UTF-8, bad JSON, wrong shape)
   * @param firstSkipped 1-based number of the first such line, 0 if none
   */
  public record Read<T>(List<T> values, int skipped, int firstSkipped) {
    /** "metrics.jsonl: 2 unreadable lines skipped (the first is line 3)", or empty. */
    public Optional<String> warning(String file) {
      if (skipped == 0) {
        return Optional.empty();
      }
      return Optional.of(file + ": " + skipped + " unreadable line" + (skipped == 1 ? "" : "s")
          + " skipped (" + (skipped == 1 ? "" : "the first is ") + "line " + firstSkipped
          + "); the other lines are read");
    }
  }

  /** One stored line: its 1-based number, its bytes without the newline, and whether it had one. */
  private record Line(int number, byte[] bytes, boolean terminated) {}

  /** Reads {@code file} (absent or not a regular file: nothing) with {@code parser}. */
  public static <T> Read<T> read(Path file, Parser<T> parser) {
    List<T> values = new ArrayList<>();
    int skipped = 0;
    int first = 0;
    for (Line line : lines(file)) {
      T v = parse(line, parser);
      if (v != null) {
        values.add(v);
      } else if (line.terminated()) {
        skipped++;
        first = first == 0 ? line.number() : first;
      }
    }
    return new Read<>(values, skipped, first);
  }

  /**
   * The lines after the last line of {@code file} that parses and that {@code stop} accepts (all
   * lines when none does), read from the end: the logs are in the order they were written (by
   * step), so a backfill of a long run reads what its new lines take, not the whole file. The
   * tail read starts at 64 KiB and doubles until it holds the stop line. Skipped lines and the
   * last line without its newline are treated as in {@link #read}; {@code skipped} counts the
   * lines after the stop line only.
   */
  public static <T> Read<T> readAfter(Path file, Parser<T> parser, Predicate<T> stop) {
    if (!Files.isRegularFile(file)) {
      return new Read<>(List.of(), 0, 0);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      for (long want = TAIL_BLOCK; ; want = Math.min(Long.MAX_VALUE / 4, want * 2)) {
        long from = Math.max(0, size - want);
        byte[] tail = readRange(ch, from, size);
        int start = 0;
        if (from > 0) { // the first line is cut: start after it
          int nl = 0;
          while (nl < tail.length && tail[nl] != '\n') {
            nl++;
          }
          if (nl == tail.length) {
            continue;
          }
          start = nl + 1;
        }
        List<Line> lines = lines(tail, start);
        int cut = -1;
        for (int i = lines.size() - 1; i >= 0; i--) {
          T v = parse(lines.get(i), parser);
          if (v != null && stop.test(v)) {
            cut = i;
            break;
          }
        }
        if (cut < 0 && from > 0) {
          continue;
        }
        List<T> values = new ArrayList<>();
        int skipped = 0;
        int first = 0;
        for (Line line : lines.subList(cut + 1, lines.size())) {
          T v = parse(line, parser);
          if (v != null) {
            values.add(v);
          } else if (line.terminated()) {
            skipped++;
            first = first == 0 ? line.number() : first;
          }
        }
        if (first > 0 && from + start > 0) {
          first += countNewlines(ch, from + start);
        }
        return new Read<>(values, skipped, first);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.getFileName() + ": " + e.getMessage(), e);
    }
  }

  private static byte[] readRange(FileChannel ch, long from, long to) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 16, to - from));
    while (buf.hasRemaining() && ch.read(buf, from + buf.position()) >= 0) {
      // read on
    }
    return Arrays.copyOf(buf.array(), buf.position());
  }

  private static int countNewlines(FileChannel ch, long before) throws IOException {
    int n = 0;
    ByteBuffer buf = ByteBuffer.allocate(TAIL_BLOCK);
    for (long at = 0; at < before; ) {
      buf.clear().limit((int) Math.min(TAIL_BLOCK, before - at));
      int r = ch.read(buf, at);
      if (r < 0) {
        break;
      }
      for (int i = 0; i < r; i++) {
        if (buf.get(i) == '\n') {
          n++;
        }
      }
      at += r;
    }
    return n;
  }

  /**
   * Rewrites {@code file} atomically without the lines that parse and that {@code keep} rejects;
   * lines that do not parse are appended to {@code <file>.damaged} first (and forced to disk), so
   * a crash in between leaves them twice, never lost. Nothing is written when no line is dropped
   * or moved.
   *
   * @return how many lines were moved to the {@code .damaged} file
   */
  public static <T> int keepOnly(Path file, Parser<T> parser, Predicate<T> keep) {
    StringBuilder kept = new StringBuilder();
    List<byte[]> damaged = new ArrayList<>();
    boolean changed = false;
    for (Line line : lines(file)) {
      T v = parse(line, parser);
      if (v == null) {
        damaged.add(line.bytes());
        changed = true;
      } else if (keep.test(v)) {
        kept.append(new String(line.bytes(), StandardCharsets.UTF_8)).append('\n');
      } else {
        changed = true;
      }
    }
    if (!changed) {
      return 0;
    }
    if (!damaged.isEmpty()) {
      Path aside = file.resolveSibling(file.getFileName() + DAMAGED_SUFFIX);
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b : damaged) {
          out.write(b);
          out.write('\n');
        }
        Files.write(aside, out.toByteArray(), StandardOpenOption.CREATE, StandardOpenOption.APPEND,
            StandardOpenOption.SYNC);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot keep the unreadable lines of " + file.getFileName()
            + " in " + aside.getFileName() + ": " + e.getMessage(), e);
      }
    }
    RunFolder.writeAtomically(file, kept.toString());
    return damaged.size();
  }

  /** A parser for lines that must be JSON objects. */
  public static Parser<JsonNode> objects() {
    return line -> {
      JsonNode n = Json.MAPPER.readTree(line);
      return n != null && n.isObject() ? n : null;
    };
  }

  private static <T> T parse(Line line, Parser<T> parser) {
    Optional<String> text = utf8(line.bytes());
    if (text.isEmpty()) {
      return null;
    }
    try {
      return parser.parse(text.get());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The bytes as text if they are valid UTF-8, else empty. */
  static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** The non-blank lines of the file ({@code \n} or {@code \r\n} separated), with their numbers. */
  private static List<Line> lines(Path file) {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    byte[] all;
    try {
      all = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file.getFileName() + ": " + e.getMessage(), e);
    }
    return lines(all, 0);
  }

  /** The non-blank lines of {@code all} from {@code start}, numbered from 1 there. */
  private static List<Line> lines(byte[] all, int start) {
    List<Line> out = new ArrayList<>();
    int number = 0;
    while (start < all.length) {
      int end = start;
      while (end < all.length && all[end] != '\n') {
        end++;
      }
      number++;
      boolean terminated = end < all.length;
      int stop = terminated && end > start && all[end - 1] == '\r' ? end - 1 : end;
      byte[] bytes = Arrays.copyOfRange(all, start, stop);
      if (!isBlank(bytes)) {
        out.add(new Line(number, bytes, terminated));
      }
      start = end + 1;
    }
    return out;
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }
}
