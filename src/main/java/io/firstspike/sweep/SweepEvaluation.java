package io.firstspike.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.firstspike.eval.plot.PlotTheme;
import io.firstspike.eval.plot.SweepPlots;
import io.firstspike.runs.RunFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sweep eval}: reads the finished runs of a sweep folder, writes
 * {@code sweep_results_df.csv} and the plots {@code nhidden_plot.png} (test error against a
 * swept numeric parameter), {@code nparams_plot.png} (test error against the number of
 * parameters) and {@code val_over_epoch.png} (validation error over the epochs).
 *
 * @param results the aggregated table
 * @param csv the CSV written
 * @param plots the PNGs written
 * @param notes what was left out and why
 */
public record SweepEvaluation(SweepResults results, Path csv, List<Path> plots,
    List<String> notes) {
  public static final String NHIDDEN_PLOT = "nhidden_plot.png";
  public static final String NPARAMS_PLOT = "nparams_plot.png";
  public static final String VAL_OVER_EPOCH = "val_over_epoch.png";
  /** Most settings drawn in one plot; more become unreadable (the best by validation error). */
  static final int MAX_LINES = 10;

  /**
   * Evaluates {@code folder}.
   *
   * @param maxSeeds seeds kept per setting
   * @param x the swept column to plot against ({@code params/...} or its suffix), or null for the
   *     first numeric one with several values
   * @param plotDir where the PNGs go
   */
  public static SweepEvaluation run(SweepFolder folder, int maxSeeds, String x, Path plotDir) {
    SweepFolder.Progress p = folder.progress();
    List<String> notes = new ArrayList<>();
    if (!p.unfinished().isEmpty()) {
      notes.add(p.unfinished().size() + " of " + p.total() + " runs are unfinished and left out");
    }
    List<RunResult> runs = new ArrayList<>();
    for (RunFolder r : p.finished()) {
      runs.add(RunResult.read(r));
    }
    SweepResults results = SweepResults.aggregate(runs, maxSeeds);
    notes.addAll(results.notes());
    Path csv = folder.dir().resolve(SweepFolder.RESULTS_CSV);
    try {
      RunFolder.writeAtomically(csv, results.csv());
    } catch (UncheckedIOException e) {
      throw new UncheckedIOException("cannot write " + csv + ": " + e.getMessage(), e.getCause());
    }
    List<Path> plots = new ArrayList<>();
    plot(results, x, plotDir, plots, notes);
    return new SweepEvaluation(results, csv, List.copyOf(plots), List.copyOf(notes));
  }

  private static void plot(SweepResults r, String x, Path dir, List<Path> plots,
      List<String> notes) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e, e);
    }
    PlotTheme theme = PlotTheme.DEFAULT;
    int xi = xColumn(r, x);
    if (xi < 0) {
      notes.add(x != null ? "--x " + x + ": no such numeric swept column (they are "
          + r.paramColumns() + "); skipping " + NHIDDEN_PLOT + " and " + NPARAMS_PLOT
          : "no numeric swept parameter with several values: skipping " + NHIDDEN_PLOT + " and "
          + NPARAMS_PLOT);
    } else {
      String name = r.paramColumns().get(xi);
      Map<List<JsonNode>, List<SweepResults.Setting>> lines = byOthers(r, xi);
      List<SweepPlots.Line> vsParam = new ArrayList<>();
      List<SweepPlots.Line> vsCount = new ArrayList<>();
      for (Map.Entry<List<JsonNode>, List<SweepResults.Setting>> e : lines.entrySet()) {
        List<SweepResults.Setting> s = new ArrayList<>(e.getValue());
        s.sort(Comparator.comparingDouble(t -> t.params().get(xi).asDouble()));
        String label = label(r, e.getKey(), xi);
        vsParam.add(line(label, s, t -> t.params().get(xi).asDouble()));
        List<SweepResults.Setting> byCount = new ArrayList<>(s);
        byCount.sort(Comparator.comparingDouble(
            t -> t.metrics().get("number_of_parameters").get("median")));
        vsCount.add(line(label, byCount,
            t -> t.metrics().get("number_of_parameters").get("median")));
      }
      List<SweepPlots.Line> first = vsParam.subList(0, Math.min(MAX_LINES, vsParam.size()));
      if (vsParam.size() > MAX_LINES) {
        notes.add(vsParam.size() + " lines against " + name + ": the first " + MAX_LINES
            + " drawn");
      }
      plots.add(SweepPlots.write("Test error against " + name, name,
          "test error (median, 25-75 %)", first, dir.resolve(NHIDDEN_PLOT), theme));
      plots.add(SweepPlots.write("Test error against the number of parameters",
          "number of parameters (median)", "test error (median, 25-75 %)",
          vsCount.subList(0, first.size()), dir.resolve(NPARAMS_PLOT), theme));
    }
    List<SweepResults.Setting> best = new ArrayList<>(r.settings());
    best.sort(Comparator.comparingDouble(s -> s.metrics().get("final_val_err").get("mean")));
    List<SweepPlots.Line> curves = new ArrayList<>();
    for (SweepResults.Setting s : best.subList(0, Math.min(MAX_LINES, best.size()))) {
      double[][] b = s.valErrBands();
      double[] epochs = new double[b[0].length];
      for (int e = 0; e < epochs.length; e++) {
        epochs[e] = e + 1;
      }
      curves.add(new SweepPlots.Line(label(r, s.params(), -1), epochs, b[0], b[1], b[2]));
    }
    if (best.size() > MAX_LINES) {
      notes.add(VAL_OVER_EPOCH + ": the " + MAX_LINES + " settings of lowest mean validation"
          + " error of " + best.size());
    }
    plots.add(SweepPlots.write("Validation error over epochs", "epoch",
        "validation error (median, 25-75 %)", curves, dir.resolve(VAL_OVER_EPOCH), theme));
  }

  /** The column to plot against: the one asked for, else the first numeric one that varies. */
  static int xColumn(SweepResults r, String x) {
    List<String> cols = r.paramColumns();
    for (int i = 0; i < cols.size(); i++) {
      boolean asked = x == null || cols.get(i).equals(x) || cols.get(i).equals("params/" + x);
      if (asked && numeric(r, i) && (x != null || distinct(r, i) > 1)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean numeric(SweepResults r, int i) {
    return r.settings().stream().allMatch(s -> s.params().get(i).isNumber());
  }

  private static long distinct(SweepResults r, int i) {
    return r.settings().stream().map(s -> s.params().get(i).asDouble()).distinct().count();
  }

  /** The settings grouped by every column but {@code xi}, in row order. */
  private static Map<List<JsonNode>, List<SweepResults.Setting>> byOthers(SweepResults r, int xi) {
    Map<List<JsonNode>, List<SweepResults.Setting>> out = new LinkedHashMap<>();
    for (SweepResults.Setting s : r.settings()) {
      List<JsonNode> key = new ArrayList<>(s.params());
      key.remove(xi);
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
    }
    return out;
  }

  /** The legend of a line: the columns that vary over the sweep, except {@code skip}. */
  private static String label(SweepResults r, List<JsonNode> values, int skip) {
    List<String> parts = new ArrayList<>();
    int v = 0;
    for (int i = 0; i < r.paramColumns().size(); i++) {
      if (i == skip) {
        continue;
      }
      final int col = i;
      boolean varies = r.settings().stream().map(s -> s.params().get(col)).distinct().count() > 1;
      if (varies) {
        parts.add(r.paramColumns().get(i).substring("params/".length()) + "="
            + SweepYaml.pythonStr(values.get(v)));
      }
      v++;
    }
    return parts.isEmpty() ? "all runs" : String.join(", ", parts);
  }

  private static SweepPlots.Line line(String label, List<SweepResults.Setting> s,
      java.util.function.ToDoubleFunction<SweepResults.Setting> x) {
    double[] xs = new double[s.size()];
    double[] med = new double[s.size()];
    double[] lo = new double[s.size()];
    double[] hi = new double[s.size()];
    for (int i = 0; i < xs.length; i++) {
      SweepResults.Stats t = s.get(i).metrics().get("final_test_err");
      xs[i] = x.applyAsDouble(s.get(i));
      med[i] = t.get("median");
      lo[i] = t.get("25");
      hi[i] = t.get("75");
    }
    return new SweepPlots.Line(label, xs, med, lo, hi);
  }
}
