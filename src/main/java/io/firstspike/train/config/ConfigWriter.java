package io.firstspike.train.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import io.firstspike.core.neuron.NeuronParams;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an {@link ExperimentConfig} as YAML in the original's schema, keys sorted alphabetically
 * in every section as the original dumps them, so that a run folder's {@code config.yaml} can be
 * read by both programs and {@code ConfigLoader.parse(toYaml(c), c.source())} equals {@code c}.
 *
 * <p>Every key is written explicitly (defaults included), except optional keys that are off:
 * {@code data_dir}, {@code tau_mem} when equal to tau_syn, {@code width_pixel},
 * {@code lr_scheduler} when null, {@code rounding_precision}, the top-level {@code xi, alpha,
 * beta} when the config did not give them, and the {@code loss} section when it is the TTFS loss
 * those top-level values already describe (the original's form). {@code bias_times} is written as
 * one list when all layers share it (the original's form), else as one list per layer.
 */
public final class ConfigWriter {
  private static final YAMLMapper MAPPER = YAMLMapper.builder(
          YAMLFactory.builder().stringQuotingChecker(new NumberSafeQuoting()).build())
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build();

  /**
   * Jackson's minimal quoting, plus quotes for every string that a YAML reader might take for a
   * number: Jackson leaves e.g. {@code 1e3} unquoted but reads it back as 1000.0, which would
   * turn a folder named "1e3" into a number. Quoted: values starting with a digit, or with
   * {@code + - .} followed by a digit or an inf/nan letter.
   */
  private static final class NumberSafeQuoting extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || mayReadAsNumber(value);
    }

    private static boolean mayReadAsNumber(String v) {
      if (v.isEmpty()) {
        return false;
      }
      char c = v.charAt(0);
      if (Character.isDigit(c)) {
        return true;
      }
      if ((c == '+' || c == '-' || c == '.') && v.length() > 1) {
        char d = v.charAt(1);
        return Character.isDigit(d) || d == '.' || "iInN".indexOf(d) >= 0;
      }
      return false;
    }
  }
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ConfigWriter() {}

  /** The config as YAML text. */
  public static String toYaml(ExperimentConfig config) {
    try {
      return MAPPER.writeValueAsString(toTree(config));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write config as YAML: " + e.getMessage(), e);
    }
  }

  /** Writes {@link #toYaml} to {@code file} (UTF-8). */
  public static void write(ExperimentConfig config, Path file) {
    try {
      Files.writeString(file, toYaml(config));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write config " + file + ": " + e.getMessage(), e);
    }
  }

  /** The config as a tree of JSON nodes (also useful for JSON transport of a config). */
  public static ObjectNode toTree(ExperimentConfig c) {
    ObjectNode root = F.objectNode();
    DatasetConfig d = c.dataset();
    if (d.dataDir() != null) {
      root.put("data_dir", d.dataDir().toString());
    }
    if (d.name() != null) {
      root.put("dataset", d.name());
    } else {
      ObjectNode files = root.putObject("dataset");
      files.put("test", d.files().test().toString());
      files.put("train", d.files().train().toString());
      files.put("type", d.files().type().yamlName());
      if (d.files().validation() != null) {
        files.put("validation", d.files().validation().toString());
      }
    }
    root.set("network_layout", layout(c.networkLayout()));
    root.set("neuron_params", neuron(c.neuronParams()));
    root.set("training_params", training(c.trainingParams()));
    return root;
  }

  private static ObjectNode layout(NetworkLayout n) {
    ObjectNode o = F.objectNode();
    List<List<Double>> times = n.biasTimes();
    boolean shared = times.stream().allMatch(t -> t.equals(times.get(0)));
    o.set("bias_times", shared ? doubles(times.get(0)) : nested(times));
    o.set("layer_sizes", ints(n.layerSizes()));
    o.set("n_biases", ints(n.nBiases()));
    o.put("n_inputs", n.nInputs());
    o.put("n_layers", n.nLayers());
    o.set("weight_means", doubles(n.weightMeans()));
    o.set("weight_stdevs", doubles(n.weightStdevs()));
    if (n.widthPixel() != null) {
      o.put("width_pixel", n.widthPixel());
    }
    return o;
  }

  private static ObjectNode neuron(NeuronParams p) {
    ObjectNode o = F.objectNode();
    o.set("g_leak", num(p.gLeak()));
    o.set("leak", num(p.leak()));
    if (p.tauMem() != p.tauSyn()) {
      o.set("tau_mem", num(p.tauMem()));
    }
    o.set("tau_syn", num(p.tauSyn()));
    o.set("threshold", num(p.threshold()));
    return o;
  }

  private static ObjectNode training(TrainingParams t) {
    ObjectNode o = F.objectNode();
    putNullable(o, "alpha", t.alpha());
    o.put("batch_size", t.batchSize());
    o.put("batch_size_eval", t.batchSizeEval());
    putNullable(o, "beta", t.beta());
    o.put("enforce_cpu", t.enforceCpu());
    o.put("epoch_number", t.epochNumber());
    o.set("epoch_snapshots", ints(t.epochSnapshots()));
    o.set("learning_rate", num(t.learningRate()));
    if (!impliedByTopLevel(t)) {
      o.set("loss", loss(t.loss()));
    }
    if (t.lrScheduler() != null) {
      o.set("lr_scheduler", scheduler(t.lrScheduler()));
    }
    if (t.maxDwNorm() == null) {
      o.putNull("max_dw_norm");
    } else {
      o.set("max_dw_norm", num(t.maxDwNorm()));
    }
    o.set("max_num_missing_spikes", doubles(t.maxNumMissingSpikes()));
    o.set("momentum", num(t.momentum()));
    o.put("numpy_seed", t.numpySeed());
    o.put("optimizer", t.optimizer().yamlName());
    o.set("print_step_percent", num(t.printStepPercent()));
    o.set("resolution", num(t.resolution()));
    putNullable(o, "rounding_precision", t.roundingPrecision());
    o.set("sim_time", num(t.simTime()));
    o.put("torch_seed", t.torchSeed());
    if (t.trainingNoise() == null) {
      o.put("training_noise", false);
    } else {
      ObjectNode n = o.putObject("training_noise");
      n.set("mean", num(t.trainingNoise().mean()));
      n.set("std_dev", num(t.trainingNoise().stdDev()));
    }
    o.put("use_forward_integrator", t.useForwardIntegrator());
    o.put("use_hicannx", false);
    o.put("weight_bumping_exp", t.weightBumpingExp());
    o.put("weight_bumping_targeted", t.weightBumpingTargeted());
    o.set("weight_bumping_value", num(t.weightBumpingValue()));
    putNullable(o, "xi", t.xi());
    return o;
  }

  /** True when the loss is TTFS and the top-level xi, alpha and beta already say so. */
  private static boolean impliedByTopLevel(TrainingParams t) {
    return t.loss() instanceof LossConfig.Ttfs && t.xi() != null && t.alpha() != null
        && t.beta() != null;
  }

  private static ObjectNode loss(LossConfig loss) {
    ObjectNode o = F.objectNode();
    if (loss instanceof LossConfig.Ttfs ttfs) {
      o.set("alpha", num(ttfs.alpha()));
      o.set("beta", num(ttfs.beta()));
      o.put("type", ttfs.type());
      o.set("xi", num(ttfs.xi()));
    } else if (loss instanceof LossConfig.Mse mse) {
      o.set("t_correct", num(mse.tCorrect()));
      o.set("t_wrong", num(mse.tWrong()));
      o.put("type", mse.type());
    }
    return o;
  }

  private static ObjectNode scheduler(LrScheduler s) {
    ObjectNode o = F.objectNode();
    o.set("gamma", num(s.gamma()));
    if (s.milestones() != null) {
      o.set("milestones", ints(s.milestones()));
    }
    if (s.stepSize() != null) {
      o.put("step_size", s.stepSize());
    }
    o.put("type", s.type().yamlName());
    return o;
  }

  private static void putNullable(ObjectNode o, String key, Double value) {
    if (value != null) {
      o.set(key, num(value));
    }
  }

  /**
   * A double as the shortest decimal that parses back to the same value, always with a decimal
   * point (so that YAML readers, PyYAML included, see a float): 0.0005 rather than 5.0E-4.
   */
  static JsonNode num(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("cannot write non-finite number " + value + " to a config");
    }
    BigDecimal d = BigDecimal.valueOf(value).stripTrailingZeros();
    if (d.scale() <= 0) {
      d = d.setScale(1); // 3 -> 3.0, 1e10 -> 10000000000.0
    } else if (d.toString().contains("E")
        && d.unscaledValue().abs().compareTo(BigInteger.TEN) < 0) {
      d = d.setScale(d.scale() + 1); // 1E-7 -> 1.0E-7 (PyYAML needs the point)
    }
    return F.numberNode(d);
  }

  private static ArrayNode ints(List<Integer> values) {
    ArrayNode a = F.arrayNode();
    values.forEach(a::add);
    return a;
  }

  private static ArrayNode doubles(List<Double> values) {
    ArrayNode a = F.arrayNode();
    values.forEach(v -> a.add(num(v)));
    return a;
  }

  private static JsonNode nested(List<List<Double>> values) {
    ArrayNode a = F.arrayNode();
    values.forEach(v -> a.add(doubles(v)));
    return a;
  }
}
