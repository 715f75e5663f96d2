package io.firstspike.runs;

import io.firstspike.data.DataSpec;
import io.firstspike.data.DatasetFactory;
import io.firstspike.train.Experiments;
import io.firstspike.train.config.ConfigException;
import io.firstspike.train.config.DatasetConfig;
import io.firstspike.train.config.AnyConfig;
import io.firstspike.train.config.DelgradExperiment;
import io.firstspike.train.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the data of a config may come from. The CLI reads whatever its user names
 * ({@link #unrestricted}); the server reads, for configs sent over the network, only the
 * built-in data sets (generated, or the MNIST types from their default folders when the config
 * names no {@code data_dir}) and files inside the folders its operator allowed
 * ({@code serve --data-dir}).
 *
 * <p>Every path the loader may open for the config ({@link DatasetFactory#filesRead}: the split
 * files, npy stem pairs, the IDX files of a {@code data_dir}) must lie inside an allowed folder
 * after symbolic links are resolved: of the path itself when it exists, else of its deepest
 * existing ancestor (a dangling link is refused). So a link inside an allowed folder that points
 * outside is refused too. The refusal reads the same whether the path exists or not, and never
 * quotes a file.
 *
 * <p>The check runs when the server accepts a config (create, resume); a file swapped for a link
 * between then and the training's start by someone with write access to an allowed folder is
 * not caught.
 */
public final class DataFolders {
  private final List<Path> roots;

  private DataFolders(List<Path> roots) {
    this.roots = roots;
  }

  /** No restriction: the CLI. */
  public static DataFolders unrestricted() {
    return new DataFolders(null);
  }

  /**
   * Only the built-in data sets and files inside {@code dirs}.
   *
   * @throws IllegalArgumentException naming a folder that does not exist
   */
  public static DataFolders within(List<Path> dirs) {
    List<Path> real = new ArrayList<>();
    for (Path d : dirs) {
      try {
        if (!Files.isDirectory(d)) {
          throw new IOException("not a folder");
        }
        real.add(d.toRealPath());
      } catch (IOException e) {
        throw new IllegalArgumentException("--data-dir " + d + ": no such folder (" + e.getMessage() + ")", e);
      }
    }
    return new DataFolders(List.copyOf(real));
  }

  /** The allowed folders (real paths); null when unrestricted. */
  public List<Path> roots() {
    return roots;
  }

  /**
   * Refuses a config that would read data outside the allowed folders.
   *
   * @param source names the config in the message (as the config loader does)
   * @throws ConfigException naming the key and the value as written, and the allowed folders
   */
  public void check(AnyConfig cfg, String source) {
    if (cfg instanceof ExperimentConfig c) {
      check(c, source);
      return;
    }
    DelgradExperiment d = (DelgradExperiment) cfg;
    if (roots == null || d.dataDir() == null) {
      return;
    }
    for (DatasetFactory.DataFile f : DatasetFactory.filesRead(Experiments.dataSpec(d))) {
      if (!inside(f.path())) {
        throw new ConfigException(source, "data_dir", "'" + d.dataDir() + "' is not inside a data"
            + " folder of this server: configs sent to it may read only the built-in data sets"
            + " and files in the folders given with serve --data-dir ("
            + (roots.isEmpty() ? "none given" : "allowed: " + roots) + ")");
      }
    }
  }

  /** {@link #check(AnyConfig, String)} of a 2021-schema config. */
  public void check(ExperimentConfig cfg, String source) {
    if (roots == null) {
      return;
    }
    DatasetConfig d = cfg.dataset();
    if (d.files() == null && cfg.dataDir() == null) {
      return; // a built-in data set from its default folder (or generated)
    }
    DataSpec spec = Experiments.dataSpec(cfg);
    for (DatasetFactory.DataFile f : DatasetFactory.filesRead(spec)) {
      if (!inside(f.path())) {
        String key = f.field().equals("dataDir") ? "data_dir" : "dataset." + f.field();
        Path written = switch (f.field()) {
          case "train" -> d.files().train();
          case "validation" -> d.files().validation();
          case "test" -> d.files().test();
          default -> cfg.dataDir();
        };
        throw new ConfigException(source, key, "'" + written + "' is not inside a data folder of"
            + " this server: configs sent to it may read only the built-in data sets and files in the"
            + " folders given with serve --data-dir ("
            + (roots.isEmpty() ? "none given" : "allowed: " + roots) + ")");
      }
    }
  }

  private boolean inside(Path path) {
    // no normalize(): "allowed/link/../x" is resolved by the OS through the link, and so here
    Path p = path.toAbsolutePath();
    while (p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      p = p.getParent();
    }
    if (p == null) {
      return false;
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (IOException e) {
      return false; // a dangling link or an unreadable folder
    }
    for (Path root : roots) {
      if (real.startsWith(root)) {
        return true;
      }
    }
    return false;
  }
}
