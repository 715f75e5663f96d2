package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;
import io.firstspike.runs.SnapshotStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Zip downloads of a run: its rendered plots ({@code GET /api/runs/:id/plots.zip}), the network
 * of a snapshot ({@code GET /api/runs/:id/network.zip?epoch=N}, default the newest) and the whole
 * run folder ({@code GET /api/runs/:id/folder.zip}).
 *
 * <p>One rule for all three: only regular files are packed, and no symbolic link is followed:
 * a link inside the folder is left out, and a folder that is itself a link, or lies behind one
 * below the runs folder (a linked run, {@code plots/} or snapshot folder), is a 404, as for
 * {@link PlotFiles}. Hidden names (leftovers of atomic writes: {@code .epoch_<N>.tmp/},
 * {@code .plots-rendering/}, {@code .status.json123.tmp}) are left out of the folder zip.
 *
 * <p>The zip is streamed: a worker thread deflates (at the fastest level: PNGs and most of a
 * snapshot barely compress, and the machine is shared with trainings) into chunks of
 * {@value #CHUNK} bytes and waits for each to be written to the socket before the next, so a
 * slow client holds one chunk in memory, not the run. Files that grow while being packed (the
 * logs of a running run) are packed as far as read. A failure after the first byte resets the
 * connection, so a client never keeps a truncated zip for a whole one.
 */
final class RunDownloads {
  static final int CHUNK = 64 * 1024;
  private static final long WRITE_TIMEOUT_SECONDS = 60;

  private final Vertx vertx;
  private final Path runsDir;

  /** @param runsDir the folder of runs, absolute and normalised */
  RunDownloads(Vertx vertx, Path runsDir) {
    this.vertx = vertx;
    this.runsDir = runsDir;
  }

  /** {@code plots.zip}: every regular file of {@code <run>/plots/}. */
  void plots(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!checkId(ctx, id)) {
      return;
    }
    Path dir = runsDir.resolve(id).resolve(PlotFolder.PLOTS);
    send(ctx, id, dir, id + "_plots.zip", "run " + id + " has no plots yet; POST /api/runs/" + id
        + "/evaluate renders them", false);
  }

  /** {@code network.zip}: the {@code network/} folder of snapshot {@code epoch} (default the newest). */
  void network(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!checkId(ctx, id)) {
      return;
    }
    List<String> asked = ctx.queryParam("epoch");
    Integer epoch = null;
    if (!asked.isEmpty()) {
      try {
        epoch = Integer.parseInt(asked.get(0).trim());
        if (epoch < 0) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        HttpErrors.send(ctx, 400, "epoch must be a whole number >= 0 (a snapshot's epoch), got "
            + HttpErrors.quote(asked.get(0)));
        return;
      }
    }
    Integer wanted = epoch;
    RunFolder run = new RunFolder(runsDir.resolve(id));
    vertx.executeBlocking(() -> {
      List<Integer> epochs = isRun(run.dir()) ? run.snapshotEpochs() : List.of();
      int e = wanted != null ? wanted : epochs.isEmpty() ? -1 : epochs.get(epochs.size() - 1);
      return epochs.contains(e) ? e : -1;
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(ctx, 500, "cannot list the snapshots of " + id + ": " + ar.cause().getMessage());
      } else if (ar.result() < 0) {
        HttpErrors.send(ctx, 404, wanted == null
            ? "run " + id + " has no snapshot yet (none is written before its first epoch)"
            : "run " + id + " has no snapshot of epoch " + wanted + "; its folder lists the epoch_<N> ones");
      } else {
        int e = ar.result();
        Path dir = run.snapshotDir(e).resolve(SnapshotStore.NETWORK);
        send(ctx, id, dir, id + "_epoch_" + e + "_network.zip",
            "run " + id + " has no complete snapshot of epoch " + e, false);
      }
    });
  }

  /** {@code folder.zip}: the whole run folder, hidden leftovers excepted. */
  void folder(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!checkId(ctx, id)) {
      return;
    }
    send(ctx, id, runsDir.resolve(id), id + ".zip", "run " + id + " is not readable", true);
  }

  private static boolean checkId(RoutingContext ctx, String id) {
    if (!RunStore.isValidId(id)) {
      HttpErrors.send(ctx, 400, RunMessages.invalidId(id));
      return false;
    }
    return true;
  }

  private static boolean isRun(Path runDir) {
    return Files.isRegularFile(runDir.resolve(RunFolder.STATUS), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Checks (blocking) that the run exists and {@code dir} is a real folder reached without a
   * link, lists its files, then streams them as {@code name} with paths relative to {@code dir}.
   */
  private void send(RoutingContext ctx, String id, Path dir, String name, String missing, boolean skipHidden) {
    Path runDir = runsDir.resolve(id);
    vertx.executeBlocking(() -> {
      if (!isRun(runDir) || !Files.isDirectory(runDir, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      Path expected = runsDir.toRealPath().resolve(runsDir.relativize(dir));
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !dir.toRealPath().equals(expected)) {
        return List.<Path>of(dir); // marks "missing": a link, or no folder
      }
      return files(dir, skipHidden);
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(ctx, 500, "cannot list " + runsDir.relativize(dir) + ": " + ar.cause().getMessage());
      } else if (ar.result() == null) {
        HttpErrors.send(ctx, 404, "no run '" + id + "' in the folder of runs; GET /api/runs lists them");
      } else if (ar.result().size() == 1 && ar.result().get(0).equals(dir)) {
        HttpErrors.send(ctx, 404, missing);
      } else {
        stream(ctx.response(), dir, ar.result(), name);
      }
    });
  }

  /** Regular files below {@code dir}, sorted, links neither followed nor listed. */
  static List<Path> files(Path dir, boolean skipHidden) throws IOException {
    List<Path> out = new ArrayList<>();
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
        return !d.equals(dir) && skipHidden && hidden(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
        if (a.isRegularFile() && !(skipHidden && hidden(f))) { // a link's attributes are not a regular file's
          out.add(f);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path f, IOException e) {
        return FileVisitResult.CONTINUE; // gone meanwhile (a snapshot replaced): not packed
      }
    });
    out.sort(null);
    return out;
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }

  private void stream(HttpServerResponse response, Path dir, List<Path> files, String name) {
    response.setChunked(true)
        .putHeader("Content-Type", "application/zip")
        .putHeader("Content-Disposition", "attachment; filename=\"" + name + "\"")
        .putHeader("Cache-Control", "no-store");
    vertx.executeBlocking(() -> {
      try (ZipOutputStream zip = new ZipOutputStream(new ResponseStream(response))) {
        zip.setLevel(Deflater.BEST_SPEED);
        byte[] buf = new byte[CHUNK];
        for (Path f : files) {
          InputStream in;
          try {
            in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS);
          } catch (NoSuchFileException gone) {
            continue; // replaced since it was listed
          }
          try (in) {
            ZipEntry entry = new ZipEntry(dir.relativize(f).toString().replace('\\', '/'));
            entry.setLastModifiedTime(Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS));
            zip.putNextEntry(entry);
            for (int n; (n = in.read(buf)) > 0; ) {
              zip.write(buf, 0, n);
            }
            zip.closeEntry();
          }
        }
      }
      return null;
    }, false).onComplete(ar -> {
      if (ar.succeeded()) {
        response.end();
      } else if (!response.ended() && !response.closed()) {
        response.reset(); // a torn zip must not look complete
      }
    });
  }

  /** Bytes to the response in chunks, each awaited: the worker waits for a slow client. */
  private static final class ResponseStream extends OutputStream {
    private final HttpServerResponse response;
    private final byte[] chunk = new byte[CHUNK];
    private int used;

    ResponseStream(HttpServerResponse response) {
      this.response = response;
    }

    @Override
    public void write(int b) throws IOException {
      if (used == chunk.length) {
        flush();
      }
      chunk[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (used == chunk.length) {
          flush();
        }
        int n = Math.min(len, chunk.length - used);
        System.arraycopy(b, off, chunk, used, n);
        used += n;
        off += n;
        len -= n;
      }
    }

    @Override
    public void flush() throws IOException {
      if (used == 0) {
        return;
      }
      Buffer out = Buffer.buffer(used).appendBytes(chunk, 0, used);
      used = 0;
      if (response.closed()) {
        throw new IOException("the client closed the connection");
      }
      try {
        response.write(out).toCompletionStage().toCompletableFuture().get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while sending", e);
      } catch (Exception e) {
        throw new IOException("cannot send: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
