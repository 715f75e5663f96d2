package io.firstspike.runs;

import io.firstspike.core.network.Network;
import io.firstspike.io.NetworkFile;
import io.firstspike.io.PtImporter;
import io.firstspike.train.config.ConfigLoader;
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
 * A trained network with its experiment config, found in one of the folders users point the CLI
 * at:
 *
 * <ul>
 *   <li>a FirstSpike run folder: its newest snapshot {@code epoch_<N>/network};
 *   <li>one {@code epoch_<N>/} folder of a run (config from the parent);
 *   <li>a folder with {@code config.yaml} and a {@code network/} folder ({@code pretrained/...});
 *   <li>a folder of the original implementation: {@code config.yaml} plus a
 *       {@code *_network.pt} (not {@code *_untrained_network.pt}), directly or in its newest
 *       {@code epoch_<N>/}.
 * </ul>
 *
 * @param folder the folder the network was read from
 * @param config the experiment config
 * @param network the network
 * @param origin a short description for messages ("FirstSpike snapshot epoch 300", ...)
 * @param epoch the snapshot epoch when known, else -1
 */
public record ModelFolder(
    Path folder, ExperimentConfig config, Network network, String origin, int epoch) {
  private static final Pattern EPOCH = Pattern.compile("epoch_(\\d+)");

  /**
   * Opens {@code path} as described above.
   *
   * @throws IllegalArgumentException when it is missing or holds no network, naming what was
   *     looked for
   */
  public static ModelFolder open(Path path) {
    Path dir = path.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("no such folder: " + path);
    }
    Matcher m = EPOCH.matcher(dir.getFileName().toString());
    if (m.matches() && Files.isRegularFile(dir.getParent().resolve(RunFolder.CONFIG))) {
      ExperimentConfig cfg = ConfigLoader.load(dir.getParent().resolve(RunFolder.CONFIG));
      return fromSnapshot(dir, cfg, Integer.parseInt(m.group(1)));
    }
    Path configFile = dir.resolve(RunFolder.CONFIG);
    if (!Files.isRegularFile(configFile)) {
      throw new IllegalArgumentException(
          path + " is not a run, snapshot or network folder: it has no config.yaml (expected a"
              + " FirstSpike run folder, one of its epoch_<N>/ folders, or a folder of the"
              + " original with config.yaml and *_network.pt)");
    }
    ExperimentConfig cfg = ConfigLoader.load(configFile);
    if (Files.isDirectory(dir.resolve(SnapshotStore.NETWORK))) {
      return new ModelFolder(dir, cfg, read(dir.resolve(SnapshotStore.NETWORK)),
          "network folder " + dir.getFileName(), -1);
    }
    Path pt = findPt(dir);
    if (pt != null) {
      return new ModelFolder(dir, cfg, importPt(pt), "original network " + pt.getFileName(), -1);
    }
    RunFolder run = new RunFolder(dir);
    List<Integer> epochs = run.snapshotEpochs();
    if (!epochs.isEmpty()) {
      int e = epochs.get(epochs.size() - 1);
      // after a crash mid-replacement the complete snapshot may still be in a hidden folder
      return fromSnapshot(run.findSnapshot(e).orElse(run.snapshotDir(e)), cfg, e);
    }
    throw new IllegalArgumentException(
        path + " has a config.yaml but no network: expected network/, *_network.pt or an"
            + " epoch_<N>/ snapshot");
  }

  private static ModelFolder fromSnapshot(Path epochDir, ExperimentConfig cfg, int epoch) {
    if (Files.isDirectory(epochDir.resolve(SnapshotStore.NETWORK))) {
      return new ModelFolder(epochDir, cfg, read(epochDir.resolve(SnapshotStore.NETWORK)),
          "snapshot of epoch " + epoch, epoch);
    }
    Path pt = findPt(epochDir);
    if (pt != null) {
      return new ModelFolder(epochDir, cfg, importPt(pt), "original snapshot of epoch " + epoch,
          epoch);
    }
    throw new IllegalArgumentException(
        epochDir + " holds no network (expected network/ or *_network.pt)");
  }

  private static Path findPt(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> {
            String n = p.getFileName().toString();
            return n.endsWith("_network.pt") && !n.endsWith("_untrained_network.pt");
          })
          .sorted()
          .findFirst()
          .orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Network read(Path dir) {
    try {
      return NetworkFile.read(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read network " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Network importPt(Path pt) {
    try {
      return PtImporter.read(pt).network();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot import " + pt + ": " + e.getMessage(), e);
    }
  }
}
