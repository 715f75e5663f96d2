package io.firstspike.eval.plot;

import io.firstspike.eval.Evaluation;
import io.firstspike.eval.Evaluator;
import io.firstspike.eval.Evaluator.Phase;
import io.firstspike.eval.Evaluator.Progress;
import io.firstspike.eval.plot.PlotSet.PlannedPlot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Draws every plot of an {@link Evaluation}. Plots share nothing but the immutable evaluation
 * records and theme, so on several threads each is drawn by one task into its own file; the
 * result is the same files as {@link PlotSet#renderAll}, which draws them one after the other.
 * (Here, not in {@code eval}: the evaluation records know nothing of their plots.)
 */
public final class EvaluationPlots {
  private EvaluationPlots() {}

  /**
   * Draws every plot of the evaluation into {@code outFolder} and returns the written files in
   * plan order. With more than one thread the plots are drawn concurrently; progress then
   * reports them in the order they finish.
   *
   * @throws IllegalArgumentException if the folder is not writable (see
   *     {@link Evaluator#requireWritable})
   */
  public static List<Path> render(Evaluation evaluation, Path outFolder, int threads,
      Progress progress) {
    Progress p = progress == null ? Progress.NONE : progress;
    Evaluator.requireWritable(outFolder);
    PlotSet.Progress plots = (done, total, name) -> p.update(Phase.RENDER, done, total, name);
    if (threads == 1) {
      return PlotSet.renderAll(evaluation.bundle(), outFolder, plots);
    }
    return parallel(PlotSet.plan(evaluation.bundle()), outFolder, threads, plots);
  }

  /**
   * Draws {@code plan} into {@code folder} on {@code threads} daemon threads.
   *
   * @return the written files in plan order
   * @throws RuntimeException the first failure of a plot, after the others have finished
   */
  static List<Path> parallel(List<PlannedPlot> plan, Path folder, int threads,
      PlotSet.Progress progress) {
    int total = plan.size();
    progress.update(0, total, plan.isEmpty() ? "" : plan.get(0).fileName());
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, total)),
        r -> {
          Thread t = new Thread(r, "firstspike-plot");
          t.setDaemon(true);
          return t;
        });
    int[] done = {0};
    try {
      List<Future<Path>> futures = new ArrayList<>(total);
      for (PlannedPlot pp : plan) {
        futures.add(pool.submit(() -> {
          Path f = pp.drawer().draw(folder.resolve(pp.fileName()), PlotTheme.DEFAULT);
          synchronized (done) {
            done[0]++;
            progress.update(done[0], total, pp.fileName());
          }
          return f;
        }));
      }
      List<Path> out = new ArrayList<>(total);
      RuntimeException failure = null;
      for (Future<Path> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (failure == null) {
            failure = c instanceof RuntimeException r ? r : new IllegalStateException(c);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
      return List.copyOf(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("plot rendering interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
