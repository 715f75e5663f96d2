package io.firstspike.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one benchmark in a fresh JVM ({@code bench --only KEY --json --no-single}) and reads its
 * result back. One JVM per benchmark and thread count, as JMH forks per benchmark: in one JVM
 * the JIT compiles the shared kernel with the profile of the benchmark that ran first (Yin-Yang's
 * small layers), and the later ones run that code. Measured minutes apart on the same build, 16x16
 * training gave 12,900 samples/s after Yin-Yang in one JVM and 16,800 in its own, 16x16 inference
 * 26,700 and 33,500 images/s. A forked JVM also gives each benchmark its own peak RSS.
 */
public final class ForkedBench {
  private ForkedBench() {}

  /** What a child JVM reported. */
  public record Result(Measurement measurement, double peakRssMb, List<String> notes) {}

  /**
   * Runs {@code key} on {@code threads} threads in a child JVM with this JVM's class path (and its
   * heap options), its progress lines going to this process's standard error.
   *
   * @throws IllegalStateException if the child fails or prints no result for the key
   */
  public static Result run(String key, int threads, Path dataDir) {
    return run(key, threads, dataDir, null);
  }

  /** {@link #run(String, int, Path)} with {@code bench --seed seed} (null: the configs' own). */
  public static Result run(String key, int threads, Path dataDir, Long seed) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("-Xmx") || arg.startsWith("-Xms") || arg.startsWith("-Xss")) {
        cmd.add(arg);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.firstspike.cli.Main");
    cmd.addAll(List.of("bench", "--only", key, "--json", "--no-single", "--threads",
        Integer.toString(threads)));
    if (dataDir != null) {
      cmd.add("--data-dir");
      cmd.add(dataDir.toString());
    }
    if (seed != null) {
      cmd.add("--seed");
      cmd.add(seed.toString());
    }
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int code = p.waitFor();
      if (code != 0) {
        throw new IllegalStateException("benchmark " + key + " on " + threads
            + " thread(s) failed in its JVM (exit code " + code + "); see the messages above");
      }
      return parse(key, threads, out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a JVM for benchmark " + key + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while benchmark " + key + " ran", e);
    }
  }

  static Result parse(String key, int threads, String json) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json);
    JsonNode value = root == null ? null : root.get(key);
    JsonNode detail = root == null ? null : root.path("details").get(key);
    if (value == null || !value.isNumber() || detail == null) {
      throw new IllegalStateException("benchmark " + key + " on " + threads
          + " thread(s) printed no result for " + key + ": " + json);
    }
    Measurement m = new Measurement(key, value.asDouble(), detail.path("unit").asText(), threads,
        detail.path("method").asText() + "; own JVM", detail.path("check").asText());
    List<String> notes = new ArrayList<>();
    root.path("data").forEach(n -> notes.add(n.asText()));
    return new Result(m, root.path("peak_rss_mb").asDouble(Double.NaN), notes);
  }

  /** Runs every key of {@code keys} in its own JVM; peak RSS per key goes to {@code rss}. */
  public static List<Measurement> runAll(List<String> keys, int threads, Path dataDir,
      Long seed, Map<String, Double> rss, List<String> notes) {
    List<Measurement> out = new ArrayList<>();
    for (String key : keys) {
      Result r = run(key, threads, dataDir, seed);
      out.add(r.measurement());
      rss.merge(key, r.peakRssMb(), Math::max);
      for (String n : r.notes()) {
        if (!notes.contains(n)) {
          notes.add(n);
        }
      }
    }
    return out;
  }
}
