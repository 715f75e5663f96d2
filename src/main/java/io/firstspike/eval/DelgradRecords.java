package io.firstspike.eval;

import io.firstspike.core.layer.DelayLayer;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerTraining;
import io.firstspike.core.layer.NeuronLayer;
import io.firstspike.io.Npy;
import io.firstspike.io.NpyArray;
import io.firstspike.train.config.DelgradExperiment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the records a DelGrad run keeps besides the 2021 curves (DELGRAD-MODEL.md section 7.4;
 * {@code docs/FORMATS.md}): the weight-bump codes {@code <dataset>_weight_bumping_steps.npy}
 * (FirstSpike's and HEAD's files have the same layout) and the monitored layers' records
 * {@code <dataset>_parameters_training_<k>.npy} (FirstSpike's readable form; HEAD keeps them in
 * one pickled dict, which is not read). As for {@link CurveFiles}, what is missing or unusable is
 * a note naming the file, not an error.
 */
public final class DelgradRecords {
  private DelgradRecords() {}

  /** File name of monitored layer k's records. */
  public static String parametersFile(String dataset, int k) {
    return dataset + "_parameters_training_" + k + ".npy";
  }

  /** File name of the plot of monitored layer k. */
  public static String monitorPlotFile(String dataset, int k) {
    return dataset + "_monitor" + k + "_plot.png";
  }

  /**
   * The records of every layer with {@code monitor: true} in {@code config} whose file is in
   * {@code folder} and fits the layer's shape in {@code network}, in layer order.
   *
   * @param notes receives one sentence per monitored layer left out
   */
  public static List<MonitorTrace> monitorTraces(Path folder, String dataset,
      DelgradExperiment config, LayerNetwork network, Consumer<String> notes) {
    List<LayerTraining> training = config.toLayerTraining();
    List<MonitorTrace> out = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < training.size() && i < network.layers().size(); i++) {
      if (!training.get(i).monitor()) {
        continue;
      }
      int monitor = k++;
      String name = config.networkLayout().layers().get(i).name();
      int rows;
      int cols;
      boolean delays;
      if (network.layer(i) instanceof DelayLayer d) {
        double[][] e = d.effectiveDelays();
        rows = e.length;
        cols = e[0].length;
        delays = true;
      } else if (network.layer(i) instanceof NeuronLayer n) {
        cols = n.size();
        rows = n.weights().length / cols;
        delays = false;
      } else {
        continue; // a layer without parameters records nothing
      }
      Path file = folder.resolve(parametersFile(dataset, monitor));
      if (!Files.isRegularFile(file)) {
        missing.add(file.getFileName().toString());
        continue;
      }
      String plot = monitorPlotFile(dataset, monitor);
      try {
        NpyArray a = Npy.read(file);
        int[] sh = a.shape();
        if (sh.length != 2 || sh[0] < 1 || sh[1] != rows * cols) {
          notes.accept(file + " has shape " + Arrays.toString(sh) + ", expected [validations, "
              + rows * cols + "] (layer " + i + ", " + rows + " x " + cols + "); skipping "
              + plot);
          continue;
        }
        double[] flat = a.asDoubles();
        double[][] records = new double[sh[0]][];
        for (int e = 0; e < sh[0]; e++) {
          records[e] = Arrays.copyOfRange(flat, e * sh[1], (e + 1) * sh[1]);
        }
        out.add(new MonitorTrace(monitor, i, name, delays, rows, cols, records));
      } catch (IOException | RuntimeException e) {
        notes.accept("cannot read " + file + " (" + e.getMessage() + "); skipping " + plot);
      }
    }
    if (!missing.isEmpty()) {
      Path head = folder.resolve(dataset + "_parameters_training.npy");
      notes.accept("no records of " + missing.size() + " monitored layer"
          + (missing.size() == 1 ? "" : "s") + " in " + folder + " (" + String.join(", ", missing)
          + "; a run folder of the original keeps them in a pickled " + head.getFileName()
          + ", which is not read" + (Files.isRegularFile(head) ? "" : ", and this one has none")
          + "): skipping their " + dataset + "_monitor<k>_plot.png");
    }
    return out;
  }

  /**
   * The weight-bump codes in {@code folder}, or null (with a note) when the file is missing or
   * does not hold the same number of codes for each of {@code epochs} epochs.
   *
   * @param epochs training epochs the snapshot covers
   */
  public static BumpCodes bumpCodes(Path folder, String dataset, LayerNetwork network,
      int epochs, Consumer<String> notes) {
    Path file = folder.resolve(dataset + "_weight_bumping_steps.npy");
    String plot = dataset + "_loss_accuracy.png";
    if (!Files.isRegularFile(file)) {
      notes.accept("no " + file.getFileName() + " in " + folder + ": " + plot
          + " has no weight-bump raster");
      return null;
    }
    try {
      NpyArray a = Npy.read(file);
      if (a.kind() != NpyArray.Kind.INT || a.ndim() != 1) {
        notes.accept(file + ": dtype " + a.dtype() + ", shape " + Arrays.toString(a.shape())
            + ", expected one int64 code per batch; " + plot + " has no weight-bump raster");
        return null;
      }
      long[] codes = a.asLongs();
      if (epochs < 1 || codes.length == 0 || codes.length % epochs != 0) {
        notes.accept(file + " has " + codes.length + " codes, not the same number for each of "
            + epochs + " epochs; " + plot + " has no weight-bump raster");
        return null;
      }
      List<NeuronLayer> neurons = network.neuronLayers();
      int label = neurons.get(neurons.size() - 1).index();
      return new BumpCodes(codes, codes.length / epochs, label);
    } catch (IOException | RuntimeException e) {
      notes.accept("cannot use " + file + " (" + e.getMessage() + "); " + plot
          + " has no weight-bump raster");
      return null;
    }
  }
}
