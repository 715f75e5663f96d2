package io.firstspike.eval;

import io.firstspike.core.layer.LayerNetwork;
import io.firstspike.core.network.Network;
import io.firstspike.io.LayerNetworkFile;
import io.firstspike.io.NetworkFile;
import io.firstspike.io.PtImporter;
import io.firstspike.runs.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the network a model started from, for the untrained-vs-trained weight plots (and the
 * delay histograms of a DelGrad network).
 *
 * <p>Looked for in the model's folder and, when that is an {@code epoch_<N>/} snapshot, in the
 * run folder above it: FirstSpike's {@code untrained_network/} (written by the run executor
 * before the first epoch) or the original's {@code <dataset>_untrained_network.pt}. Not finding
 * one is normal (a {@code pretrained/} folder need not keep it); it is reported as a note and the
 * weight plots show the trained weights alone.
 */
final class UntrainedNetwork {
  private static final Pattern EPOCH = Pattern.compile("epoch_\\d+");
  private static final String PT_SUFFIX = "_untrained_network.pt";

  private UntrainedNetwork() {}

  /**
   * The untrained network for a model read from {@code modelFolder}, or null.
   *
   * @param trained the trained network: a candidate of another shape is not used
   * @param notes receives a sentence when nothing usable is found
   */
  static Network find(Path modelFolder, Network trained, Consumer<String> notes) {
    return find(modelFolder, notes, dir -> Files.isDirectory(dir)
            ? NetworkFile.read(dir) : PtImporter.read(dir).network(),
        net -> sameShape(net, trained) ? null : "has layer sizes "
            + java.util.Arrays.toString(net.layerSizes()) + " and " + net.nInputs()
            + " inputs, the trained one " + java.util.Arrays.toString(trained.layerSizes())
            + " and " + trained.nInputs());
  }

  /**
   * The untrained DelGrad network for a model read from {@code modelFolder} ({@code
   * untrained_network/} in FirstSpike's layer-network format or the original's {@code
   * *_untrained_network.pt}), or null.
   *
   * @param trained the trained network: a candidate with other parameter shapes is not used
   * @param notes receives a sentence when nothing usable is found
   */
  static LayerNetwork findLayerNetwork(Path modelFolder, LayerNetwork trained,
      Consumer<String> notes) {
    return find(modelFolder, notes, dir -> Files.isDirectory(dir)
            ? LayerNetworkFile.read(dir).network() : PtImporter.readLayerNetwork(dir).network(),
        net -> shapes(net).equals(shapes(trained)) ? null : "has the parameters "
            + shapes(net) + ", the trained one " + shapes(trained));
  }

  /** Reads a candidate (folder or file). */
  private interface Reader<N> {
    N read(Path candidate) throws IOException;
  }

  private static <N> N find(Path modelFolder, Consumer<String> notes, Reader<N> reader,
      Function<N, String> mismatch) {
    List<Path> places = new ArrayList<>();
    places.add(modelFolder);
    Path parent = modelFolder.getParent();
    if (parent != null && EPOCH.matcher(modelFolder.getFileName().toString()).matches()) {
      places.add(parent);
    }
    for (Path dir : places) {
      Path candidate = candidate(dir);
      if (candidate == null) {
        continue;
      }
      N net;
      try {
        net = reader.read(candidate);
      } catch (IOException | RuntimeException e) {
        notes.accept("cannot read the untrained network " + candidate + " (" + e.getMessage()
            + "); the weight plots show the trained weights only");
        return null;
      }
      String problem = mismatch.apply(net);
      if (problem != null) {
        notes.accept("the untrained network " + candidate + " " + problem
            + "; the weight plots show the trained weights only");
        return null;
      }
      return net;
    }
    notes.accept("no untrained network (" + RunFolder.UNTRAINED + "/ or *" + PT_SUFFIX + ") in "
        + String.join(" or ", places.stream().map(Path::toString).toList())
        + "; the weight plots show the trained weights only");
    return null;
  }

  /** Every parameter as name and shape, in order. */
  private static List<String> shapes(LayerNetwork net) {
    return net.parameters().stream()
        .map(p -> p.name() + java.util.Arrays.toString(p.shape())).toList();
  }

  private static Path candidate(Path dir) {
    Path folder = dir.resolve(RunFolder.UNTRAINED);
    if (Files.isDirectory(folder)) {
      return folder;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(PT_SUFFIX))
          .filter(Files::isRegularFile)
          .sorted()
          .findFirst()
          .orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean sameShape(Network a, Network b) {
    if (a.nInputs() != b.nInputs() || a.nLayers() != b.nLayers()) {
      return false;
    }
    for (int l = 0; l < a.nLayers(); l++) {
      if (a.rowsOf(l) != b.rowsOf(l) || a.layerSize(l) != b.layerSize(l)) {
        return false;
      }
    }
    return true;
  }
}
