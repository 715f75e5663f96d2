package io.firstspike.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.layer.LayerSpec;
import io.firstspike.io.ImportedLayerNetwork;
import io.firstspike.io.ImportedNetwork;
import io.firstspike.io.LayerNetworkFile;
import io.firstspike.io.NetworkFile;
import io.firstspike.io.PtImporter;
import io.firstspike.io.PtNetwork;
import io.firstspike.train.config.AnyConfig;
import io.firstspike.train.config.ConfigLoader;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.ExperimentConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one place that decides which network and config a folder holds ({@link TrainedModel#open}):
 * the config's schema chooses the kind of network, the folder's layout where it is. Every refusal
 * is one line naming the folder or file, what is wrong and what would be right.
 */
final class ModelFinder {
  private static final Pattern EPOCH = Pattern.compile("epoch_(\\d+)");
  private static final String PT_SUFFIX = "_network.pt";
  private static final String UNTRAINED_PT_SUFFIX = "_untrained_network.pt";
  private static final String EXPECTED = "expected a FirstSpike run folder, one of its"
      + " epoch_<N>/ folders, a folder with config.yaml and network/, or a run or epoch folder"
      + " of the original with config.yaml and *_network.pt";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ModelFinder() {}

  static TrainedModel open(Path path, Integer epoch) {
    Path dir = path.toAbsolutePath().normalize();
    if (!Files.exists(dir)) {
      throw new IllegalArgumentException("no such folder: " + path + " (" + EXPECTED + ")");
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("not a folder: " + path + " (" + EXPECTED + ")");
    }
    Matcher m = EPOCH.matcher(dir.getFileName() == null ? "" : dir.getFileName().toString());
    Path parent = dir.getParent();
    boolean snapshotOfRun = m.matches() && parent != null
        && Files.isRegularFile(parent.resolve(RunFolder.CONFIG));
    if (epoch != null) {
      if (snapshotOfRun) {
        throw new IllegalArgumentException(path + " is a snapshot folder already; give EPOCH"
            + " with its run folder (" + parent + " " + epoch + ") or leave EPOCH out");
      }
      AnyConfig cfg = config(dir, path);
      RunFolder run = new RunFolder(dir);
      List<Integer> epochs = run.snapshotEpochs();
      if (!epochs.contains(epoch)) {
        throw new IllegalArgumentException(path + " has no snapshot epoch_" + epoch + "/ ("
            + (epochs.isEmpty() ? "it has no epoch_<N>/ folder"
                : "it has " + String.join(", ", epochs.stream().map(e -> "epoch_" + e).toList()))
            + "); give one of its epochs or leave EPOCH out for the newest");
      }
      return snapshot(run.findSnapshot(epoch).orElse(run.snapshotDir(epoch)), cfg, epoch);
    }
    if (snapshotOfRun) {
      return snapshot(dir, config(parent, parent), Integer.parseInt(m.group(1)));
    }
    AnyConfig cfg = config(dir, path);
    if (Files.isDirectory(dir.resolve(SnapshotStore.NETWORK))) {
      return read(dir, cfg, dir.resolve(SnapshotStore.NETWORK),
          "network folder " + dir.getFileName(), -1);
    }
    Path pt = findPt(dir);
    if (pt != null) {
      return importPt(dir, cfg, pt, "original network " + pt.getFileName(), -1);
    }
    RunFolder run = new RunFolder(dir);
    List<Integer> epochs = run.snapshotEpochs();
    if (!epochs.isEmpty()) {
      int e = epochs.get(epochs.size() - 1);
      // after a crash mid-replacement the complete snapshot may still be in a hidden folder
      return snapshot(run.findSnapshot(e).orElse(run.snapshotDir(e)), cfg, e);
    }
    throw new IllegalArgumentException(path + " has a config.yaml but no network: expected"
        + " network/, *_network.pt or an epoch_<N>/ snapshot"
        + (hasUntrainedPt(dir) ? " (*" + UNTRAINED_PT_SUFFIX + " is the network before training)"
            : ""));
  }

  /** The validated config of {@code dir}'s {@code config.yaml}, in either schema. */
  private static AnyConfig config(Path dir, Path shown) {
    Path file = dir.resolve(RunFolder.CONFIG);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(shown + " is not a run, snapshot or network folder: it"
          + " has no config.yaml (" + EXPECTED + ")");
    }
    return ConfigLoader.loadAny(file);
  }

  private static TrainedModel snapshot(Path epochDir, AnyConfig cfg, int epoch) {
    if (Files.isDirectory(epochDir.resolve(SnapshotStore.NETWORK))) {
      return read(epochDir, cfg, epochDir.resolve(SnapshotStore.NETWORK),
          "snapshot of epoch " + epoch, epoch);
    }
    Path pt = findPt(epochDir);
    if (pt != null) {
      return importPt(epochDir, cfg, pt, "original snapshot of epoch " + epoch, epoch);
    }
    throw new IllegalArgumentException(epochDir + " holds no network (expected network/ or"
        + " *" + PT_SUFFIX + ")");
  }

  /** A FirstSpike network folder: a 2021 network or a layer network, as the config's schema says. */
  private static TrainedModel read(Path dir, AnyConfig cfg, Path netDir, String origin,
      int epoch) {
    String format = formatOf(netDir);
    try {
      if (cfg instanceof ExperimentConfig c) {
        if (LayerNetworkFile.FORMAT.equals(format)) {
          throw mismatch(netDir, "a DelGrad layer network", c);
        }
        return new ModelFolder(dir, c, NetworkFile.read(netDir), origin, epoch);
      }
      DelgradExperiment d = (DelgradExperiment) cfg;
      if (NetworkFile.FORMAT.equals(format)) {
        throw mismatch(netDir, "a 2021 network", d);
      }
      LayerNetwork net = LayerNetworkFile.read(netDir).network();
      requireFits(net, d, netDir);
      return new DelgradModel(dir, d, net, origin, epoch);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read network " + netDir + ": " + e.getMessage(), e);
    }
  }

  /** An original's {@code .pt} network: its kind must match the config's schema. */
  private static TrainedModel importPt(Path dir, AnyConfig cfg, Path pt, String origin,
      int epoch) {
    PtNetwork imported;
    try {
      imported = PtImporter.readAny(pt);
    } catch (IOException e) {
      // the importer's messages start with the file already
      String msg = String.valueOf(e.getMessage());
      throw new UncheckedIOException(msg.startsWith(pt.toString()) ? "cannot import " + msg
          : "cannot import " + pt + ": " + msg, e);
    }
    if (cfg instanceof ExperimentConfig c) {
      if (imported instanceof ImportedNetwork n) {
        return new ModelFolder(dir, c, n.network(), origin, epoch);
      }
      throw mismatch(pt, "a DelGrad network (networks.Net of the original's newest version)", c);
    }
    DelgradExperiment d = (DelgradExperiment) cfg;
    if (imported instanceof ImportedLayerNetwork l) {
      requireFits(l.network(), d, pt);
      return new DelgradModel(dir, d, l.network(), origin, epoch);
    }
    throw mismatch(pt, "a 2021 network (training.Net of the original's 2021 release)", d);
  }

  private static IllegalArgumentException mismatch(Path file, String holds, AnyConfig cfg) {
    String schema = cfg instanceof ExperimentConfig
        ? "a 2021-schema config (dataset, neuron_params, network_layout.layer_sizes)"
        : "a new-schema config (dataset_params, default_neuron_params, network_layout.layers)";
    return new IllegalArgumentException(file + " holds " + holds + ", but " + cfg.source()
        + " is " + schema + "; use the config.yaml saved with the network");
  }

  /** The network's inputs and label neurons must be those of the config's layer list. */
  private static void requireFits(LayerNetwork net, DelgradExperiment cfg, Path file) {
    int inputs = cfg.networkLayout().nInputs();
    if (net.nInputs() != inputs) {
      throw new IllegalArgumentException(file + " has " + net.nInputs() + " inputs, but "
          + cfg.source() + " says network_layout.n_inputs: " + inputs
          + "; use the config.yaml saved with the network");
    }
    List<LayerSpec> specs = cfg.toLayerSpecs();
    if (specs.get(specs.size() - 1) instanceof LayerSpec.Neuron last
        && last.size() != net.nOutputs()) {
      throw new IllegalArgumentException(file + " has " + net.nOutputs() + " label neurons, but"
          + " the last layer of " + cfg.source() + " has size " + last.size()
          + "; use the config.yaml saved with the network");
    }
  }

  /** The {@code format} of a network folder's {@code network.json}, null if unreadable. */
  private static String formatOf(Path netDir) {
    try {
      JsonNode root = JSON.readTree(netDir.resolve(NetworkFile.JSON_NAME).toFile());
      return root != null && root.path("format").isTextual() ? root.get("format").asText() : null;
    } catch (IOException | RuntimeException e) {
      return null; // the reader reports what is wrong with the file
    }
  }

  private static Path findPt(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> {
            String n = p.getFileName().toString();
            return n.endsWith(PT_SUFFIX) && !n.endsWith(UNTRAINED_PT_SUFFIX);
          })
          .sorted()
          .findFirst()
          .orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static boolean hasUntrainedPt(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().endsWith(UNTRAINED_PT_SUFFIX));
    } catch (IOException e) {
      return false;
    }
  }
}
