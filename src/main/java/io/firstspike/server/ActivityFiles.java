package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;

/**
 * {@code GET /api/runs/:id/activity}: the run folder's {@value RunFolder#ACTIVITY} (the newest
 * epoch's weight histograms and validation predictions, its last batch's raster, the first
 * epoch's weights), streamed from disk as it is. These payloads are ~50 KB per Yin-Yang epoch,
 * too big to copy to every browser on every epoch message: the page fetches them when an epoch
 * message says there is a newer epoch, at most one request at a time. The training rewrites the
 * file at most once a second and at its end, atomically, so a reader never sees half a file.
 */
final class ActivityFiles {
  private final Vertx vertx;
  private final Path runsDir;

  /** @param runsDir the folder of runs, absolute and normalised */
  ActivityFiles(Vertx vertx, Path runsDir) {
    this.vertx = vertx;
    this.runsDir = runsDir;
  }

  void handle(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!RunStore.isValidId(id)) {
      HttpErrors.send(ctx, 400, "invalid run id '" + id + "': expected " + RunStore.ID.pattern() + " without '..'");
      return;
    }
    Path runDir = runsDir.resolve(id).normalize();
    Path file = runDir.resolve(RunFolder.ACTIVITY);
    vertx.fileSystem().exists(runDir.resolve(RunFolder.STATUS).toString())
        .compose(runExists -> vertx.fileSystem().exists(file.toString()).map(fileExists -> {
          if (!runExists) {
            HttpErrors.send(ctx, 404, "no run '" + id + "' in " + runsDir);
          } else if (!fileExists) {
            HttpErrors.send(ctx, 404, "run " + id + " has no " + RunFolder.ACTIVITY
                + " yet: it is written after the first epoch");
          } else {
            ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store");
            ctx.response().sendFile(file.toString()).onFailure(e -> HttpErrors.send(ctx, 500, e.getMessage()));
          }
          return null;
        }))
        .onFailure(e -> HttpErrors.send(ctx, 500, "cannot read " + file + ": " + e.getMessage()));
  }
}
