package io.firstspike.eval;

import io.firstspike.eval.plot.PlotSet;
import io.firstspike.eval.plot.PlotSet.PlannedPlot;
import io.firstspike.eval.plot.PlotTheme;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Draws a plot plan on several threads. Plots share nothing but the immutable evaluation records
 * and theme, so each is drawn by one task into its own file; the result is the same files as
 * {@link PlotSet#render}, which draws them one after the other.
 */
final class PlotRendering {
  private PlotRendering() {}

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
