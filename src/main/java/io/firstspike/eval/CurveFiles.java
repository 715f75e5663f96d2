package io.firstspike.eval;

import io.firstspike.io.Npy;
import io.firstspike.io.NpyArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the per-epoch curves of a snapshot from the original's {@code .npy} files, which both a
 * FirstSpike snapshot ({@code epoch_<N>/}, see {@code SnapshotStore}) and the original's result
 * folders hold:
 *
 * <pre>
 *   &lt;dataset&gt;_train_losses.npy, _train_accuracies.npy          (E)
 *   &lt;dataset&gt;_val_losses.npy,   _val_accuracies.npy            (E or E + 1)
 *   &lt;dataset&gt;_mean_val_outputs_sorted.npy, _std_..._sorted.npy  (E or E + 1, K, K), optional
 *                                      (the original's HEAD: (K, E + 1, K))
 * </pre>
 *
 * <p>Missing parts are not errors: an evaluation still draws every other plot. The four loss and
 * accuracy files come together (without them there are no curves); the mean/std output files are
 * optional (without them the summary plot has no output-time panels). Each thing left out is
 * reported through {@code notes} with the file it needed; a file that exists but cannot be used
 * (wrong shape, unreadable) is reported the same way, naming the file and what was expected.
 */
public final class CurveFiles {
  static final String[] REQUIRED = {"train_losses", "train_accuracies", "val_losses",
      "val_accuracies"};
  static final String MEAN = "mean_val_outputs_sorted";
  static final String STD = "std_val_outputs_sorted";

  private CurveFiles() {}

  /** File name of one curve of a data set: {@code <dataset>_<what>.npy}. */
  public static String fileName(String dataset, String what) {
    return dataset + "_" + what + ".npy";
  }

  /**
   * The curves in {@code folder}, or null when the loss/accuracy files are missing or unusable.
   *
   * @param dataset the file-name prefix ({@code yin_yang}, ...)
   * @param notes receives one sentence per part left out
   */
  public static TrainingCurves read(Path folder, String dataset, Consumer<String> notes) {
    List<String> missing = new ArrayList<>();
    for (String what : REQUIRED) {
      if (!Files.isRegularFile(folder.resolve(fileName(dataset, what)))) {
        missing.add(fileName(dataset, what));
      }
    }
    if (missing.size() == REQUIRED.length) {
      notes.accept("no training curves in " + folder + " (none of " + dataset
          + "_{train,val}_{losses,accuracies}.npy): skipping " + dataset + "_loss_accuracy.png and " + dataset + "_summary_plot.png");
      return null;
    }
    if (!missing.isEmpty()) {
      notes.accept("incomplete training curves in " + folder + ": missing " + missing
          + "; skipping " + dataset + "_loss_accuracy.png and " + dataset + "_summary_plot.png");
      return null;
    }
    double[][] curves = new double[REQUIRED.length][];
    for (int i = 0; i < REQUIRED.length; i++) {
      Path f = folder.resolve(fileName(dataset, REQUIRED[i]));
      try {
        NpyArray a = Npy.read(f);
        if (a.ndim() != 1) {
          notes.accept(f + " has shape " + java.util.Arrays.toString(a.shape())
              + ", expected one value per epoch (1-D); skipping the curve plots");
          return null;
        }
        curves[i] = a.asDoubles();
      } catch (IOException | RuntimeException e) {
        notes.accept("cannot read " + f + " (" + e.getMessage() + "); skipping the curve plots");
        return null;
      }
    }
    double[][][][] outputs = outputs(folder, dataset, curves[0].length, notes);
    try {
      return new TrainingCurves(curves[0], curves[1], curves[2], curves[3],
          outputs == null ? null : outputs[0], outputs == null ? null : outputs[1]);
    } catch (IllegalArgumentException e) {
      if (outputs != null) {
        // The outputs may be what does not fit; keep the loss and accuracy curves if they do.
        try {
          TrainingCurves c = new TrainingCurves(curves[0], curves[1], curves[2], curves[3], null,
              null);
          notes.accept(folder + ": " + e.getMessage() + "; the summary plot has no output-time"
              + " panels");
          return c;
        } catch (IllegalArgumentException ignored) {
          // fall through: the loss/accuracy files themselves disagree
        }
      }
      notes.accept(folder + ": " + e.getMessage() + "; skipping the curve plots");
      return null;
    }
  }

  /**
   * {mean, std} [entry][true class][neuron], or null (with a note) when absent or unusable.
   * FirstSpike writes [entry][class][neuron]; the original's newest version (HEAD) writes
   * [class][entry][neuron] (DELGRAD-MODEL.md section 13), recognised by its middle axis having
   * one entry per epoch (plus the initial validation) and turned into the first layout.
   */
  private static double[][][][] outputs(Path folder, String dataset, int epochs,
      Consumer<String> notes) {
    Path mean = folder.resolve(fileName(dataset, MEAN));
    Path std = folder.resolve(fileName(dataset, STD));
    if (!Files.isRegularFile(mean) || !Files.isRegularFile(std)) {
      notes.accept("no " + (Files.isRegularFile(mean) ? std.getFileName() : mean.getFileName())
          + " in " + folder + ": " + dataset + "_summary_plot.png shows the curves without the"
          + " per-class output times");
      return null;
    }
    try {
      double[][][] m = entryMajor(cube(Npy.read(mean)), epochs);
      double[][][] s = entryMajor(cube(Npy.read(std)), epochs);
      if (m == null || s == null) {
        notes.accept(mean.getFileName() + "/" + std.getFileName() + " in " + folder
            + " are not (epochs, classes, neurons) arrays with at least one entry; the summary"
            + " plot has no output-time panels");
        return null;
      }
      if (m.length != s.length || m[0].length != s[0].length
          || m[0][0].length != s[0][0].length) {
        notes.accept(mean.getFileName() + " and " + std.getFileName() + " in " + folder
            + " have different shapes; the summary plot has no output-time panels");
        return null;
      }
      return new double[][][][] {m, s};
    } catch (IOException | RuntimeException e) {
      notes.accept("cannot read " + mean + " or " + std + " (" + e.getMessage()
          + "); the summary plot has no output-time panels");
      return null;
    }
  }

  /** HEAD's [class][entry][neuron] as [entry][class][neuron]; any other array unchanged. */
  static double[][][] entryMajor(double[][][] c, int epochs) {
    if (c == null || c.length == epochs || c.length == epochs + 1
        || (c[0].length != epochs && c[0].length != epochs + 1)) {
      return c;
    }
    double[][][] t = new double[c[0].length][c.length][];
    for (int cls = 0; cls < c.length; cls++) {
      for (int e = 0; e < c[0].length; e++) {
        t[e][cls] = c[cls][e].clone();
      }
    }
    return t;
  }

  /** A 3-D array as [i][j][k], or null if it is not 3-D or empty. */
  private static double[][][] cube(NpyArray a) {
    int[] sh = a.shape();
    if (sh.length != 3 || sh[0] == 0 || sh[1] == 0 || sh[2] == 0) {
      return null;
    }
    double[] flat = a.asDoubles();
    double[][][] c = new double[sh[0]][sh[1]][sh[2]];
    for (int i = 0; i < sh[0]; i++) {
      for (int j = 0; j < sh[1]; j++) {
        System.arraycopy(flat, (i * sh[1] + j) * sh[2], c[i][j], 0, sh[2]);
      }
    }
    return c;
  }
}
