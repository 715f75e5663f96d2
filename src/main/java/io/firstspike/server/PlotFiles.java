package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The route that serves a run's rendered plots: {@code GET /api/runs/:id/plots/:file}. */
final class PlotFiles {
  private static final Pattern PLOT_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\.(png|svg|json)");

  private enum Found { NO_RUN, NO_FILE, FILE }

  private final Vertx vertx;
  private final Path runsDir;

  /** @param runsDir the folder of runs, absolute and normalised */
  PlotFiles(Vertx vertx, Path runsDir) {
    this.vertx = vertx;
    this.runsDir = runsDir;
  }

  /**
   * Serves {@code <runs>/<id>/plots/<file>} from disk. Both names are validated first (no
   * separators, no {@code ..}), and the resolved path must still lie in the run's plots folder.
   * An unknown run or a file not rendered (yet) is 404; so is a file that is a symbolic link, or
   * reached through one (the plots folder or the run folder a link): only files the evaluator
   * wrote are served, never what a link points to.
   */
  void handle(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    String file = ctx.pathParam("file");
    if (!RunStore.isValidId(id)) {
      HttpErrors.send(ctx, 400, RunMessages.invalidId(id));
      return;
    }
    if (file == null || !PLOT_FILE.matcher(file).matches() || file.contains("..")) {
      HttpErrors.send(ctx, 400, "invalid plot file name '" + file + "': expected a plain name ending in .png, .svg or .json");
      return;
    }
    Path runDir = runsDir.resolve(id).normalize();
    Path plots = runDir.resolve(PlotFolder.PLOTS);
    Path path = plots.resolve(file).normalize();
    if (!path.getParent().equals(plots)) {
      HttpErrors.send(ctx, 400, "invalid plot file name '" + file + "'");
      return;
    }
    vertx.executeBlocking(() -> lookUp(runDir, path), false).onComplete(ar -> {
      if (ar.failed()) {
        HttpErrors.send(ctx, 500, "cannot read " + id + "/" + PlotFolder.PLOTS + "/" + file
            + ": " + ar.cause().getClass().getSimpleName());
      } else if (ar.result() == Found.NO_RUN) {
        HttpErrors.send(ctx, 404, "no run '" + id + "' in the folder of runs; GET /api/runs lists them");
      } else if (ar.result() == Found.NO_FILE) {
        HttpErrors.send(ctx, 404, "run " + id + " has no plot '" + file + "'; GET /api/runs/" + id
            + "/plots lists them, POST /api/runs/" + id + "/evaluate renders them");
      } else {
        String type = file.endsWith(".png") ? "image/png"
            : file.endsWith(".svg") ? "image/svg+xml" : "application/json";
        ctx.response().putHeader("Content-Type", type).putHeader("Cache-Control", "no-cache");
        ctx.response().sendFile(path.toString()).onFailure(e -> HttpErrors.send(ctx, 500, e.getMessage()));
      }
    });
  }

  /**
   * Blocking: whether the run exists and {@code file} is a regular file whose real path is the
   * one the names give (no link on the way below the runs folder).
   */
  private Found lookUp(Path runDir, Path file) throws IOException {
    if (!Files.isRegularFile(runDir.resolve(RunFolder.STATUS))) {
      return Found.NO_RUN;
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return Found.NO_FILE;
    }
    Path expected = runsDir.toRealPath().resolve(runsDir.relativize(file));
    return file.toRealPath().equals(expected) ? Found.FILE : Found.NO_FILE;
  }
}
