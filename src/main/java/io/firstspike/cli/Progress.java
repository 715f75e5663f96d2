package io.firstspike.cli;

import io.firstspike.train.EpochMetrics;
import io.firstspike.train.TrainingEvent;
import io.firstspike.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a training on the console: on a terminal, one line redrawn in place with epoch,
 * batch, loss, accuracy and ETA; otherwise (CI, pipes) one plain line per epoch.
 */
final class Progress implements TrainingListener {
  private final PrintStream out;
  private final boolean terminal;
  private long lastDraw;

  Progress(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  static Progress forConsole() {
    return new Progress(System.out, System.console() != null);
  }

  @Override
  public void onEvent(TrainingEvent event) {
    if (event instanceof TrainingEvent.Batch b && terminal) {
      long now = System.nanoTime();
      if (now - lastDraw < 100_000_000L && b.batch() + 1 < b.batchesPerEpoch()) {
        return;
      }
      lastDraw = now;
      int width = 24;
      int filled = (int) Math.round(width * (b.batch() + 1.0) / b.batchesPerEpoch());
      out.printf(Locale.ROOT, "\repoch %d [%s%s] batch %d/%d  loss %s  acc %.2f%%   ",
          b.epoch(), "#".repeat(filled), ".".repeat(width - filled), b.batch() + 1,
          b.batchesPerEpoch(), fmt(b.loss()), 100 * b.accuracy());
      out.flush();
    } else if (event instanceof TrainingEvent.Epoch e) {
      EpochMetrics m = e.metrics();
      if (terminal) {
        out.print("\r");
      }
      if (m.epoch() == 0) {
        out.printf(Locale.ROOT, "epoch   0/%d  initial validation: loss %s  acc %.2f%%%n",
            m.epochs(), fmt(m.valLoss()), 100 * m.valAccuracy());
      } else {
        out.printf(Locale.ROOT,
            "epoch %3d/%d  train loss %s acc %.2f%%  val loss %s acc %.2f%%  lr %.3g%s%s  %.0f samples/s  ETA %s%n",
            m.epoch(), m.epochs(), fmt(m.trainLoss()), 100 * m.trainAccuracy(), fmt(m.valLoss()),
            100 * m.valAccuracy(), m.learningRate(), m.bumps() > 0 ? "  bumps " + m.bumps() : "",
            m.integratorSkips() > 0 ? "  no-derivative spikes " + m.integratorSkips() : "",
            m.samplesPerSecond(), eta(m.etaSeconds()));
      }
      out.flush();
    } else if (event instanceof TrainingEvent.Snapshot s) {
      out.printf(Locale.ROOT, "snapshot of epoch %d saved%n", s.epoch());
    }
  }

  private static String fmt(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "   -  ";
  }

  static String eta(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "-";
    }
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
