package io.firstspike.train;

import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.core.layer.SeededNoise;
import io.firstspike.core.loss.Loss;
import io.firstspike.core.network.Network;
import io.firstspike.core.network.NetworkEngine.EngineOptions;
import io.firstspike.data.DataSpec;
import io.firstspike.data.DataSplits;
import io.firstspike.data.DatasetFactory;
import io.firstspike.data.NumpyRandom;
import io.firstspike.data.YinYang;
import io.firstspike.train.config.AnyConfig;
import io.firstspike.train.config.DatasetConfig;
import io.firstspike.train.config.DatasetParams;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.DelgradLayout;
import io.firstspike.train.config.ExperimentConfig;
import io.firstspike.train.config.NetworkLayout;
import java.nio.file.Path;
import java.util.List;

/** What an experiment config means for the data, the initial network, the loss and the engine. */
public final class Experiments {
  private Experiments() {}

  /**
   * Loads the data set of a config of either schema and checks that it fits the network: as many
   * inputs as {@code n_inputs}, at most as many classes as label neurons.
   *
   * @throws IllegalArgumentException naming the mismatch
   */
  public static DataSplits loadData(AnyConfig config) {
    return config instanceof ExperimentConfig c ? loadData(c) : loadData((DelgradExperiment) config);
  }

  /** What {@link #loadData(AnyConfig)} loads for a new-schema config. */
  public static DataSpec dataSpec(DelgradExperiment config) {
    DelgradLayout layout = config.networkLayout();
    int width = layout.widthPixel() == null ? DatasetFactory.DEFAULT_WIDTH_PIXEL
        : layout.widthPixel();
    return new DataSpec(config.datasetParams().name(), config.dataDir(), width, null, null, null);
  }

  /** The data set's name as the run's file names use it ({@code yin_yang_train_losses.npy}). */
  public static String datasetName(AnyConfig config) {
    return config instanceof ExperimentConfig c ? c.dataset().displayName()
        : ((DelgradExperiment) config).datasetParams().name();
  }

  /**
   * Loads the config's data set and checks that it fits the network: as many inputs as
   * {@code n_inputs}, at most as many classes as label neurons.
   *
   * @throws IllegalArgumentException naming the mismatch
   */
  public static DataSplits loadData(ExperimentConfig config) {
    DatasetConfig d = config.dataset();
    NetworkLayout layout = config.networkLayout();
    DataSplits splits = DatasetFactory.load(dataSpec(config));
    int nIn = splits.train().nInputs();
    if (nIn != layout.nInputs()) {
      throw new IllegalArgumentException(
          "network_layout.n_inputs is " + layout.nInputs() + " but data set " + d.displayName()
              + " has " + nIn + " inputs per sample; set n_inputs: " + nIn);
    }
    int classes = splits.train().nClasses();
    int outputs = layout.layerSizes().get(layout.nLayers() - 1);
    if (classes > outputs) {
      throw new IllegalArgumentException(
          "network_layout.layer_sizes: the label layer has " + outputs + " neurons but data set "
              + d.displayName() + " has " + classes + " classes; the last layer size must be >= "
              + classes);
    }
    return splits;
  }

  /**
   * Loads the data set of a new-schema (DelGrad) config and checks that it fits the network, as
   * {@link #loadData(ExperimentConfig)} does. HEAD overrides the Yin-Yang sizes and seeds per split
   * and, for {@code substrate: sim}, {@code multiply_input_layer} (DELGRAD-MODEL.md sections 8
   * and 11), so those keys change nothing; FirstSpike's Yin-Yang set has the default geometry and
   * encoding only, so other values of {@code early}, {@code late}, {@code r_small} and
   * {@code r_big} are refused rather than ignored.
   *
   * @throws IllegalArgumentException naming the key or the mismatch
   */
  public static DataSplits loadData(DelgradExperiment config) {
    DatasetParams d = config.datasetParams();
    String where = config.source() == null ? "" : config.source() + ": ";
    if (YinYang.NAME.equals(d.name())) {
      refuseOther(where, "early", d.early(), YinYang.T_EARLY);
      refuseOther(where, "late", d.late(), YinYang.T_LATE);
      refuseOther(where, "r_small", d.rSmall(), YinYang.R_SMALL);
      refuseOther(where, "r_big", d.rBig(), YinYang.R_BIG);
    }
    DelgradLayout layout = config.networkLayout();
    DataSplits splits = DatasetFactory.load(dataSpec(config));
    int nIn = splits.train().nInputs();
    if (nIn != layout.nInputs()) {
      throw new IllegalArgumentException(where + "network_layout.n_inputs is " + layout.nInputs()
          + " but data set " + d.name() + " has " + nIn + " inputs per sample; set n_inputs: "
          + nIn);
    }
    int classes = splits.train().nClasses();
    List<LayerSpec> specs = config.toLayerSpecs();
    if (specs.get(specs.size() - 1) instanceof LayerSpec.Neuron last && classes > last.size()) {
      throw new IllegalArgumentException(where + "network_layout.layers: the label layer has "
          + last.size() + " neurons but data set " + d.name() + " has " + classes + " classes;"
          + " the last NeuronLayer's size must be >= " + classes);
    }
    return splits;
  }

  private static void refuseOther(String where, String key, double value, double only) {
    if (value != only) {
      throw new IllegalArgumentException(where + "dataset_params." + key + " is " + value
          + ", but FirstSpike's Yin-Yang data set has " + key + " " + only + " only (early 0.15,"
          + " late 2.0, r_small 0.1, r_big 0.5); remove the key or set it to " + only);
    }
  }

  /** What {@link #loadData} loads: the config's data set, its folder and files. */
  public static DataSpec dataSpec(ExperimentConfig config) {
    DatasetConfig d = config.dataset();
    NetworkLayout layout = config.networkLayout();
    return d.files() == null
        ? new DataSpec(d.name(), config.dataDir(), widthPixel(layout), null, null, null,
            d.testAsValidation())
        : new DataSpec(
            d.files().type().yamlName(),
            config.dataDir(),
            widthPixel(layout),
            d.files().train(), // as written: DatasetFactory resolves them against data_dir, once
            d.files().validation(),
            d.files().test());
  }

  private static int widthPixel(NetworkLayout layout) {
    return layout.widthPixel() == null ? 16 : layout.widthPixel();
  }

  /**
   * The untrained network: weights of layer l drawn from Normal(weight_means[l],
   * weight_stdevs[l]) in row-major order (bias rows included) by a generator seeded with
   * {@code torch_seed}.
   */
  public static Network initialNetwork(ExperimentConfig config) {
    NetworkLayout layout = config.networkLayout();
    int n = layout.nLayers();
    int[] sizes = new int[n];
    int[] biases = new int[n];
    double[][] biasTimes = new double[n][];
    double[][] weights = new double[n][];
    NumpyRandom rng = new NumpyRandom(config.trainingParams().torchSeed());
    for (int l = 0; l < n; l++) {
      sizes[l] = layout.layerSizes().get(l);
      biases[l] = layout.nBiases().get(l);
      biasTimes[l] = layout.biasTimes().get(l).stream().mapToDouble(Double::doubleValue).toArray();
      int rows = (l == 0 ? layout.nInputs() : sizes[l - 1]) + biases[l];
      weights[l] = new double[rows * sizes[l]];
      double mean = layout.weightMeans().get(l);
      double sd = layout.weightStdevs().get(l);
      for (int i = 0; i < weights[l].length; i++) {
        weights[l][i] = rng.normal(mean, sd);
      }
    }
    return new Network(config.neuronParams(), layout.nInputs(), sizes, biases, biasTimes, weights);
  }

  /** A fresh training state around the untrained network. */
  public static TrainingState freshState(ExperimentConfig config) {
    return new TrainingState(initialNetwork(config), new Curves());
  }

  /**
   * A fresh training state of a config of either schema. New schema: the run's noise stream
   * ({@link SeededNoise} seeded with {@code torch_seed}) draws the initial parameters
   * ({@link DelgradExperiment#newNetwork}) and goes on with the training's noise from there.
   */
  public static TrainingState freshState(AnyConfig config) {
    if (config instanceof ExperimentConfig c) {
      return freshState(c);
    }
    DelgradExperiment d = (DelgradExperiment) config;
    SeededNoise noise = new SeededNoise(d.trainingParams().torchSeed());
    LayerNetwork net = d.newNetwork(noise);
    TrainingState st = new TrainingState(net, d.toLayerTraining(), new Curves());
    st.noiseState = noise.state();
    return st;
  }

  /**
   * Checks that a saved training state can continue under {@code config}, of either schema.
   *
   * @throws IllegalArgumentException naming the mismatch
   */
  public static void checkRestorable(AnyConfig config, TrainingState state) {
    if (config instanceof ExperimentConfig c) {
      if (state.isDelgrad()) {
        throw new IllegalArgumentException("the snapshot holds a new-schema (layer) network but"
            + " the config is of the 2021 schema");
      }
      checkRestorable(c, state);
      return;
    }
    if (!state.isDelgrad()) {
      throw new IllegalArgumentException("the snapshot holds a 2021 network but the config is"
          + " of the new (DelGrad) schema");
    }
    DelgradModel.parts((DelgradExperiment) config, state,
        io.firstspike.core.optim.RangeRunner.SERIAL);
  }

  /**
   * Checks that a saved training state can continue under {@code config}: its optimizer state
   * fits the config's optimizer, and the scheduler and weight-bumping states restore.
   *
   * @throws IllegalArgumentException naming the mismatch
   */
  public static void checkRestorable(ExperimentConfig config, TrainingState state) {
    Setup.of(config, state, io.firstspike.core.optim.RangeRunner.SERIAL);
  }

  /** The loss (and class selection) of the config. */
  public static Loss loss(ExperimentConfig config) {
    return Setup.lossOf(config.trainingParams().loss(), config.neuronParams().tauSyn());
  }

  /** Engine options of the config (clipping, integrator, rounding). */
  public static EngineOptions engineOptions(ExperimentConfig config) {
    return Setup.engineOptions(config.trainingParams());
  }
}
