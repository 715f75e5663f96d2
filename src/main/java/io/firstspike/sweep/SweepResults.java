package io.firstspike.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The table of {@code sweep_results_df.csv} (DELGRAD-MODEL.md section 14): the finished runs
 * grouped by their swept parameters (seeds excluded), with per metric the mean, the population
 * standard deviation, the median and the 0/25/75/100 % quantiles (NumPy's linear
 * interpolation) over the group's runs, and the group's run count ({@code metrics/frequency}).
 *
 * <p>As the original: runs with equal parameters and seeds but different results are an error;
 * the seeds kept are those of the best-covered setting, at most {@code maxSeeds}; rows are sorted
 * by their parameter values (numbers numerically; the original sorts them as text when a sweep
 * mixes text and numbers).
 *
 * @param paramColumns the {@code params/...} column names, in sweep order
 * @param settings one per distinct parameter combination, sorted
 * @param notes warnings to show (missing seeds, seeds left out)
 */
public record SweepResults(List<String> paramColumns, List<Setting> settings, List<String> notes) {
  /** The metrics in the original's column order. */
  public static final List<String> METRICS = List.of("number_of_parameters", "final_val_err",
      "final_train_err", "final_test_err");
  /**
   * A per-run number aggregated per setting: the CSV's {@link #CSV_METRICS}, or the server's
   * accuracies ({@code GET /api/sweeps/{id}}).
   *
   * @param name the metric's column name
   * @param value the run's value; NaN when the run has none (it then makes the aggregates NaN)
   */
  public record Metric(String name, java.util.function.ToDoubleFunction<RunResult> value) {}

  /** {@link #METRICS} read from a {@link RunResult}, in that order. */
  public static final List<Metric> CSV_METRICS = List.of(
      new Metric("number_of_parameters", r -> r.numberOfParameters()),
      new Metric("final_val_err", RunResult::finalValErr),
      new Metric("final_train_err", RunResult::finalTrainErr),
      new Metric("final_test_err", RunResult::finalTestErr));

  /** The aggregates in the original's column order. */
  public static final List<String> AGGREGATES = List.of("mean", "std", "median", "0", "25", "75",
      "100");

  /**
   * The aggregates of one metric over a setting's runs.
   *
   * @param values mean, std, median, q0, q25, q75, q100 in {@link #AGGREGATES} order
   */
  public record Stats(double[] values) {
    public double get(String aggregate) {
      return values[AGGREGATES.indexOf(aggregate)];
    }

    static Stats of(double[] x) {
      double[] s = x.clone();
      Arrays.sort(s);
      double mean = 0;
      for (double v : x) {
        mean += v;
      }
      mean /= x.length;
      double var = 0;
      for (double v : x) {
        var += (v - mean) * (v - mean);
      }
      double std = Math.sqrt(var / x.length); // NumPy's np.std: ddof = 0
      return new Stats(new double[] {mean, std, quantile(s, 0.5), quantile(s, 0), quantile(s, 0.25),
          quantile(s, 0.75), quantile(s, 1)});
    }
  }

  /**
   * One row: a parameter combination and its runs.
   *
   * @param params values in {@link #paramColumns} order
   * @param metrics by metric name ({@link #METRICS})
   * @param runs the runs aggregated (one per seed)
   */
  public record Setting(List<JsonNode> params, Map<String, Stats> metrics, List<RunResult> runs) {
    public int frequency() {
      return runs.size();
    }

    /**
     * The sample standard deviation (ddof = 1, as papers report mean +- std over seeds) of a
     * metric: the population std of the CSV times sqrt(n / (n - 1)); NaN for one run.
     */
    public double sampleStd(String metric) {
      int n = runs.size();
      return n < 2 ? Double.NaN : metrics.get(metric).get("std") * Math.sqrt(n / (n - 1.0));
    }

    /**
     * Mean, sample std (NaN for fewer than two runs) and run count of the validation error after
     * each epoch, over the runs that have reached that epoch (a live sweep's runs differ in
     * length), as rows {mean, std, n}; as long as the longest run's curve.
     */
    public double[][] valErrMeanStd() {
      int epochs = runs.stream().mapToInt(r -> r.valErrByEpoch().length).max().orElse(0);
      double[][] out = new double[epochs][];
      for (int e = 0; e < epochs; e++) {
        double sum = 0;
        int n = 0;
        for (RunResult r : runs) {
          if (e < r.valErrByEpoch().length) {
            sum += r.valErrByEpoch()[e];
            n++;
          }
        }
        double mean = sum / n;
        double ss = 0;
        for (RunResult r : runs) {
          if (e < r.valErrByEpoch().length) {
            ss += (r.valErrByEpoch()[e] - mean) * (r.valErrByEpoch()[e] - mean);
          }
        }
        out[e] = new double[] {mean, n < 2 ? Double.NaN : Math.sqrt(ss / (n - 1)), n};
      }
      return out;
    }

    /** Median, 25 % and 75 % of the validation error after each epoch, over the runs. */
    public double[][] valErrBands() {
      int epochs = runs.stream().mapToInt(r -> r.valErrByEpoch().length).min().orElse(0);
      double[][] out = new double[3][epochs];
      for (int e = 0; e < epochs; e++) {
        double[] v = new double[runs.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = runs.get(i).valErrByEpoch()[e];
        }
        Arrays.sort(v);
        out[0][e] = quantile(v, 0.5);
        out[1][e] = quantile(v, 0.25);
        out[2][e] = quantile(v, 0.75);
      }
      return out;
    }
  }

  /**
   * Groups and aggregates {@code runs}.
   *
   * @param maxSeeds most seeds kept per setting (the original's {@code --n_experiments})
   * @throws SweepException for runs with equal parameters and seeds but different results, or no
   *     runs
   */
  public static SweepResults aggregate(List<RunResult> runs, int maxSeeds) {
    return aggregate(runs, maxSeeds, CSV_METRICS);
  }

  /**
   * Groups and aggregates {@code runs} by {@code metrics}.
   *
   * @param maxSeeds most seeds kept per setting; 0 keeps every run (no seed selection: a live
   *     sweep whose settings have finished different seeds so far)
   */
  public static SweepResults aggregate(List<RunResult> runs, int maxSeeds, List<Metric> metrics) {
    if (runs.isEmpty()) {
      throw new SweepException("no finished run to evaluate; let at least one run finish"
          + " ('sweep status' shows the progress)");
    }
    List<String> paramColumns = new ArrayList<>(runs.get(0).params().keySet());
    List<String> seedColumns = new ArrayList<>(runs.get(0).seeds().keySet());
    for (RunResult r : runs) {
      if (!r.params().keySet().equals(new LinkedHashSet<>(paramColumns))
          || !r.seeds().keySet().equals(new LinkedHashSet<>(seedColumns))) {
        throw new SweepException(r.dir() + ": its sweep_updates.yaml sweeps " + r.params().keySet()
            + " and seeds " + r.seeds().keySet() + ", other runs " + paramColumns + " and "
            + seedColumns + "; evaluate runs of one sweep");
      }
    }
    List<String> notes = new ArrayList<>();
    // one run per (params, seeds); equal keys with different results mean a changed config
    Map<List<JsonNode>, RunResult> unique = new LinkedHashMap<>();
    for (RunResult r : runs) {
      List<JsonNode> key = new ArrayList<>(values(r.params(), paramColumns));
      key.addAll(values(r.seeds(), seedColumns));
      RunResult first = unique.putIfAbsent(key, r);
      if (first != null && !Arrays.equals(metricValues(first, metrics), metricValues(r, metrics))) {
        throw new SweepException("different results for the same parameters and seed: "
            + first.dir() + " and " + r.dir() + "; was the initial config changed without"
            + " 'sweep run'?");
      }
    }
    List<RunResult> kept = new ArrayList<>(unique.values());
    if (!seedColumns.isEmpty() && maxSeeds > 0) {
      kept = selectSeeds(kept, paramColumns, seedColumns.get(0), maxSeeds, notes);
    }
    Map<List<JsonNode>, List<RunResult>> groups = new LinkedHashMap<>();
    for (RunResult r : kept) {
      groups.computeIfAbsent(values(r.params(), paramColumns), k -> new ArrayList<>()).add(r);
    }
    List<Setting> settings = new ArrayList<>();
    for (Map.Entry<List<JsonNode>, List<RunResult>> g : groups.entrySet()) {
      Map<String, Stats> stats = new LinkedHashMap<>();
      for (Metric m : metrics) {
        double[] x = new double[g.getValue().size()];
        for (int i = 0; i < x.length; i++) {
          x[i] = m.value().applyAsDouble(g.getValue().get(i));
        }
        stats.put(m.name(), Stats.of(x));
      }
      settings.add(new Setting(List.copyOf(g.getKey()), stats, List.copyOf(g.getValue())));
    }
    settings.sort((a, b) -> compareRows(a.params(), b.params()));
    return new SweepResults(
        paramColumns.stream().map(c -> "params/" + c).toList(), settings, notes);
  }

  /** The original's select_experiments: the seeds of the best-covered setting, at most n. */
  private static List<RunResult> selectSeeds(List<RunResult> runs, List<String> paramColumns,
      String seedColumn, int maxSeeds, List<String> notes) {
    Map<List<JsonNode>, List<JsonNode>> seedsOf = new LinkedHashMap<>();
    for (RunResult r : runs) {
      seedsOf.computeIfAbsent(values(r.params(), paramColumns), k -> new ArrayList<>())
          .add(r.seeds().get(seedColumn));
    }
    List<JsonNode> best = seedsOf.values().stream()
        .max(Comparator.comparingInt(List::size)).orElseThrow();
    // Stream.max keeps the last of equal maxima; the original (np.argmax) the first
    for (List<JsonNode> s : seedsOf.values()) {
      if (s.size() == best.size()) {
        best = s;
        break;
      }
    }
    List<JsonNode> selected = best.subList(0, Math.min(best.size(), maxSeeds));
    if (selected.size() < best.size()) {
      notes.add("only " + selected.size() + " seeds " + selected + " are kept (--max-seeds)");
    }
    Set<JsonNode> chosen = new LinkedHashSet<>(selected);
    List<RunResult> out = runs.stream().filter(r -> chosen.contains(r.seeds().get(seedColumn)))
        .toList();
    for (Map.Entry<List<JsonNode>, List<JsonNode>> e : seedsOf.entrySet()) {
      Set<JsonNode> missing = new LinkedHashSet<>(chosen);
      e.getValue().forEach(missing::remove);
      if (!missing.isEmpty()) {
        notes.add("missing seeds " + missing + " for " + describe(paramColumns, e.getKey()));
      }
    }
    return out;
  }

  private static List<JsonNode> values(Map<String, JsonNode> m, List<String> columns) {
    List<JsonNode> out = new ArrayList<>();
    for (String c : columns) {
      out.add(m.get(c));
    }
    return out;
  }

  static double[] metricValues(RunResult r, List<Metric> metrics) {
    return metrics.stream().mapToDouble(m -> m.value().applyAsDouble(r)).toArray();
  }

  /** Rows by their values column by column: numbers numerically, before text. */
  static int compareRows(List<JsonNode> a, List<JsonNode> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = compareValues(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  static int compareValues(JsonNode a, JsonNode b) {
    boolean na = a.isNumber() || a.isBoolean();
    boolean nb = b.isNumber() || b.isBoolean();
    if (na && nb) {
      return Double.compare(number(a), number(b));
    }
    if (na != nb) {
      return na ? -1 : 1;
    }
    return SweepYaml.pythonStr(a).compareTo(SweepYaml.pythonStr(b));
  }

  private static double number(JsonNode n) {
    return n.isBoolean() ? (n.booleanValue() ? 1 : 0) : n.doubleValue();
  }

  /** NumPy's default (linear) quantile of sorted values. */
  static double quantile(double[] sorted, double q) {
    double pos = q * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double frac = pos - lo;
    return frac == 0 ? sorted[lo] : sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
  }

  /** {@code params/a=1, params/b=x} for messages and legends. */
  public static String describe(List<String> columns, List<JsonNode> values) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      parts.add(columns.get(i) + "=" + SweepYaml.pythonStr(values.get(i)));
    }
    return String.join(", ", parts);
  }

  /** The CSV header: params, then metric x aggregate, then {@code metrics/frequency}. */
  public List<String> header() {
    List<String> h = new ArrayList<>(paramColumns);
    for (String m : METRICS) {
      for (String a : AGGREGATES) {
        h.add("metrics/" + m + "_" + a);
      }
    }
    h.add("metrics/frequency");
    return h;
  }

  /**
   * {@code sweep_results_df.csv}: the header and one line per setting, numbers written as the
   * original writes them through float16 ({@link Float16#csv}), text as it is (quoted when it
   * holds a comma, a quote or a line break).
   */
  public String csv() {
    StringBuilder b = new StringBuilder();
    b.append(line(header()));
    for (Setting s : settings) {
      List<String> cells = new ArrayList<>();
      for (JsonNode v : s.params()) {
        cells.add(cell(v));
      }
      for (String m : METRICS) {
        for (double v : s.metrics().get(m).values()) {
          cells.add(Float16.csv(v));
        }
      }
      cells.add(Integer.toString(s.frequency()));
      b.append(line(cells));
    }
    return b.toString();
  }

  private static String cell(JsonNode v) {
    if (v == null || v.isNull()) {
      return "";
    }
    if (v.isNumber() && !v.isIntegralNumber()) {
      return Float16.csv(v.doubleValue());
    }
    return SweepYaml.pythonStr(v);
  }

  private static String line(List<String> cells) {
    List<String> quoted = new ArrayList<>();
    for (String c : cells) {
      boolean q = c.contains(",") || c.contains("\"") || c.contains("\n") || c.contains("\r");
      quoted.add(q ? "\"" + c.replace("\"", "\"\"") + "\"" : c);
    }
    return String.join(",", quoted) + "\n";
  }
}
