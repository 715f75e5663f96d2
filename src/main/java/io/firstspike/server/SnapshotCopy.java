package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A private copy of a run's newest snapshot, so that an evaluation reads one consistent epoch
 * while the run goes on training (issue 22, bug 11): a running run saves a new {@code epoch_<N>/}
 * every epoch and deletes the previous checkpoint, so an evaluation reading the run folder itself
 * lost files half-way (two renders seconds apart gave 17 and 19 plots). The copy is a folder of
 * the shape {@code TrainedModel.open} reads as a run: {@code config.yaml}, {@code
 * untrained_network/} when there is one, and {@code epoch_<N>/}. A snapshot deleted while it was
 * being copied is dropped and the then newest one copied instead; snapshots appear by a rename
 * when complete, so what is copied is always whole.
 */
final class SnapshotCopy implements AutoCloseable {
  private static final int ATTEMPTS = 5;

  private final Path dir;
  private final int epoch;

  private SnapshotCopy(Path dir, int epoch) {
    this.dir = dir;
    this.epoch = epoch;
  }

  /** The folder to evaluate. */
  Path dir() {
    return dir;
  }

  /** The snapshot epoch copied. */
  int epoch() {
    return epoch;
  }

  /**
   * Copies the newest snapshot of {@code run} into a new temporary folder.
   *
   * @throws HttpStatusException 409 when the run has no snapshot
   * @throws UncheckedIOException when no snapshot could be copied
   */
  static SnapshotCopy of(RunFolder run) {
    IOException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      List<Integer> epochs = run.snapshotEpochs();
      if (epochs.isEmpty()) {
        throw new HttpStatusException(409, "run " + run.id() + " has no snapshot yet (no epoch_<N>/ folder in "
            + run.id() + "/): evaluate it after its first epoch");
      }
      int e = epochs.get(epochs.size() - 1);
      Optional<Path> snapshot = run.findSnapshot(e);
      if (snapshot.isEmpty()) {
        continue;
      }
      Path tmp = null;
      try {
        tmp = Files.createTempDirectory("firstspike-eval-");
        Files.copy(run.configFile(), tmp.resolve(RunFolder.CONFIG));
        Path untrained = run.dir().resolve(RunFolder.UNTRAINED);
        if (Files.isDirectory(untrained)) {
          copyTree(untrained, tmp.resolve(RunFolder.UNTRAINED));
        }
        copyTree(snapshot.get(), tmp.resolve("epoch_" + e));
        return new SnapshotCopy(tmp, e);
      } catch (NoSuchFileException gone) {
        last = gone; // pruned while copied: take the newer one
        deleteQuietly(tmp);
      } catch (IOException ex) {
        deleteQuietly(tmp);
        throw new UncheckedIOException("cannot copy snapshot epoch_" + e + " of run " + run.id()
            + " for the evaluation: " + ex.getMessage(), ex);
      }
    }
    throw new UncheckedIOException("the snapshots of run " + run.id() + " changed during " + ATTEMPTS
        + " attempts to copy the newest one; evaluate again", last);
  }

  /** Replaces the copy's folder by the run's in a message (notes name the files they miss). */
  String inRun(String message, RunFolder run) {
    return message.replace(dir.toString(), run.dir().toString());
  }

  @Override
  public void close() {
    deleteQuietly(dir);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(to.resolve(from.relativize(d).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.COPY_ATTRIBUTES);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
        throw e;
      }
    });
  }

  private static void deleteQuietly(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException | UncheckedIOException e) {
      // a temporary folder left behind; the system cleans its temp folder
    }
  }
}
