package io.firstspike.eval.plot;

import io.firstspike.eval.ConfusionMatrix;
import io.firstspike.eval.DelgradRecords;
import io.firstspike.eval.EvaluationBundle;
import io.firstspike.eval.MonitorTrace;
import io.firstspike.eval.SortedOutputs;
import io.firstspike.eval.SplitEvaluation;
import io.firstspike.eval.WeightSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every plot that applies to an evaluation bundle, with the original's file names
 * ({@code <dataset>_confusion_matrix_test.png}, ...). {@link #plan} lists them without drawing,
 * {@link #renderAll} draws and writes them one by one and reports progress, so the CLI (a
 * progress line) and a server worker (event-bus messages) drive the same code.
 */
public final class PlotSet {
  /** Progress callback: called once before any plot with done = 0, then after each plot. */
  @FunctionalInterface
  public interface Progress {
    /**
     * @param done plots written so far
     * @param total plots planned
     * @param name file name of the plot just written (the first one to be written when done = 0)
     */
    void update(int done, int total, String name);

    Progress NONE = (d, t, n) -> { };
  }

  /** A planned plot: its file name, the pixel size it will have, and how to draw it. */
  public record PlannedPlot(String fileName, int width, int height, Drawer drawer) {
    public PlannedPlot {
      Objects.requireNonNull(fileName, "fileName");
      Objects.requireNonNull(drawer, "drawer");
    }
  }

  /** Draws one plot into a file. */
  @FunctionalInterface
  public interface Drawer {
    Path draw(Path file, PlotTheme theme);
  }

  private final PlotTheme theme;

  public PlotSet(PlotTheme theme) {
    this.theme = Objects.requireNonNull(theme, "theme");
  }

  public PlotSet() {
    this(PlotTheme.DEFAULT);
  }

  /** Renders every applicable plot of the bundle into a folder (created if missing). */
  public static List<Path> renderAll(EvaluationBundle b, Path folder, Progress progress) {
    return new PlotSet().render(b, folder, progress);
  }

  /** Renders the plan in order; returns the written paths. */
  public List<Path> render(EvaluationBundle b, Path folder, Progress progress) {
    List<PlannedPlot> plan = plan(b);
    List<Path> out = new ArrayList<>(plan.size());
    Progress p = progress == null ? Progress.NONE : progress;
    p.update(0, plan.size(), plan.isEmpty() ? "" : plan.get(0).fileName());
    for (PlannedPlot pp : plan) {
      out.add(pp.drawer().draw(folder.resolve(pp.fileName()), theme));
      p.update(out.size(), plan.size(), pp.fileName());
    }
    return List.copyOf(out);
  }

  /** The plots that apply to this bundle, in drawing order, without drawing anything. */
  public static List<PlannedPlot> plan(EvaluationBundle b) {
    String pre = b.dataset() + "_";
    List<PlannedPlot> plan = new ArrayList<>();
    for (SplitEvaluation s : splits(b)) {
      int k = s.nClasses();
      String sp = s.split();
      ConfusionMatrix cm = ConfusionMatrix.of(s);
      plan.add(new PlannedPlot(pre + "confusion_matrix_" + sp + ".png", ConfusionMatrixPlot.WIDTH,
          ConfusionMatrixPlot.HEIGHT, (f, t) -> ConfusionMatrixPlot.write(cm, sp, f, t)));
      plan.add(new PlannedPlot(pre + "output_times_sorted_" + sp + ".png",
          OutputTimesPlot.width(k), OutputTimesPlot.height(k),
          (f, t) -> OutputTimesPlot.write(SortedOutputs.byEarliestSpike(s), f, t)));
      plan.add(new PlannedPlot(pre + "output_times_sorted2_" + sp + ".png",
          OutputTimesPlot.width(k), OutputTimesPlot.height(k),
          (f, t) -> OutputTimesPlot.write(SortedOutputs.byCorrectNeuron(s), f, t)));
    }
    if (b.curves() != null && b.curves().epochs() > 0) {
      List<String> names = b.test() != null ? b.test().classNames()
          : b.train() != null ? b.train().classNames() : null;
      plan.add(new PlannedPlot(pre + "loss_accuracy.png", LossAccuracyPlot.WIDTH,
          LossAccuracyPlot.height(b.bumps()),
          (f, t) -> LossAccuracyPlot.write(b.curves(), b.bumps(), b.dataset(), f, t)));
      plan.add(new PlannedPlot(pre + "summary_plot.png", SummaryPlot.WIDTH,
          SummaryPlot.height(b.curves().nClasses()),
          (f, t) -> SummaryPlot.write(b.curves(), b.dataset(), names, f, t)));
    }
    if (b.untrained() != null || b.trained() != null) {
      int layers = b.trained() != null ? b.trained().nLayers() : b.untrained().nLayers();
      int sets = (b.untrained() != null ? 1 : 0) + (b.trained() != null ? 1 : 0);
      plan.add(new PlannedPlot(pre + "weight_hist.png", WeightPlots.histWidth(layers),
          WeightPlots.HIST_HEIGHT,
          (f, t) -> WeightPlots.writeHistograms(b.untrained(), b.trained(), f, t)));
      WeightSet named = b.trained() != null ? b.trained() : b.untrained();
      for (int l = 0; l < layers; l++) {
        int layer = l;
        plan.add(new PlannedPlot(pre + "weight_matrix_layer_" + named.layerNumber(l) + ".png",
            WeightPlots.matrixWidth(sets), WeightPlots.MATRIX_HEIGHT,
            (f, t) -> WeightPlots.writeMatrix(b.untrained(), b.trained(), layer, f, t)));
      }
    }
    if (b.untrainedDelays() != null || b.trainedDelays() != null) {
      int layers = b.trainedDelays() != null ? b.trainedDelays().nLayers()
          : b.untrainedDelays().nLayers();
      plan.add(new PlannedPlot(pre + "delay_hist.png", WeightPlots.histWidth(layers),
          WeightPlots.HIST_HEIGHT, (f, t) -> WeightPlots.writeDelayHistograms(b.untrainedDelays(),
              b.trainedDelays(), f, t)));
    }
    for (MonitorTrace m : b.monitored()) {
      plan.add(new PlannedPlot(DelgradRecords.monitorPlotFile(b.dataset(), m.monitor()),
          MonitorPlot.WIDTH, MonitorPlot.HEIGHT,
          (f, t) -> MonitorPlot.write(m, b.dataset(), f, t)));
    }
    if (b.isYinYang()) {
      for (SplitEvaluation s : splits(b)) {
        yinYang(pre, s, plan);
      }
    }
    return plan;
  }

  private static void yinYang(String pre, SplitEvaluation s, List<PlannedPlot> plan) {
    String sp = s.split();
    int k = s.nClasses();
    int h = YinYangPlots.PANEL + YinYangPlots.TITLE_H;
    plan.add(new PlannedPlot(pre + "classification_" + sp + ".png",
        YinYangPlots.CLASSIFICATION_WIDTH, YinYangPlots.CLASSIFICATION_HEIGHT,
        (f, t) -> YinYangPlots.writeClassification(s, f, t)));
    plan.add(new PlannedPlot(pre + "spiketimes_" + sp + ".png", YinYangPlots.spiketimesWidth(k),
        h, (f, t) -> YinYangPlots.writeSpiketimes(s, f, t)));
    if (s.hasHiddenTimes() && s.nHidden() > 0) {
      plan.add(new PlannedPlot(pre + "hiddentimes_" + sp + ".png",
          YinYangPlots.hiddenWidth(s.nHidden()), YinYangPlots.hiddenHeight(s.nHidden()),
          (f, t) -> YinYangPlots.writeHiddentimes(s, f, t)));
    }
    if (YinYangPlots.pairs(k) > 0) {
      plan.add(new PlannedPlot(pre + "spiketime_diffs_" + sp + ".png",
          YinYangPlots.diffsWidth(k), h, (f, t) -> YinYangPlots.writeSpiketimeDiffs(s, f, t)));
    }
  }

  private static List<SplitEvaluation> splits(EvaluationBundle b) {
    List<SplitEvaluation> l = new ArrayList<>();
    if (b.test() != null) {
      l.add(b.test());
    }
    if (b.train() != null) {
      l.add(b.train());
    }
    return l;
  }
}
