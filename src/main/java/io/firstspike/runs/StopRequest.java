package io.firstspike.runs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.train.StopFlag;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A request to stop a run that another process trains: {@code stop-request.json} in the run
 * folder. A workbench cannot reach a CLI {@code train} that writes into its runs folder through
 * the event bus, so it leaves this file; {@link RunExecutor} watches for it while it trains and
 * then stops the training after the current batch, as a stop from the browser does (the run
 * ends "stopped", resumable from its last snapshot), and deletes the file.
 */
public final class StopRequest {
  /** File name in the run folder. */
  public static final String FILE = "stop-request.json";

  /** How often a training looks for the file. */
  static final long POLL_MILLIS = 250;

  private StopRequest() {}

  /** Leaves a stop request with its reason in the run folder. */
  public static void write(RunFolder run, String reason) {
    ObjectNode n = Json.MAPPER.createObjectNode();
    n.put("reason", reason);
    n.put("at", Instant.now().toString());
    n.put("host", RunExecutor.node());
    n.put("pid", ProcessHandle.current().pid());
    RunFolder.writeAtomically(run.dir().resolve(FILE), n.toString() + "\n");
  }

  /** The reason of a pending request, if there is one (an unreadable file still asks to stop). */
  public static Optional<String> read(RunFolder run) {
    Path f = run.dir().resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    try {
      String reason = Json.MAPPER.readTree(f.toFile()).path("reason").asText("");
      return Optional.of(reason.isBlank() ? "stopped by request" : reason);
    } catch (IOException e) {
      return Optional.of("stopped by request");
    }
  }

  /** Deletes a pending request (a stale one before a training starts, or a served one after). */
  public static void clear(RunFolder run) {
    try {
      Files.deleteIfExists(run.dir().resolve(FILE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + run.dir().resolve(FILE), e);
    }
  }

  /**
   * Starts a daemon thread that sets {@code stop} once a request appears in the run folder;
   * interrupt it when the training is over.
   */
  static Thread watch(RunFolder run, StopFlag stop) {
    Thread t = new Thread(() -> {
      try {
        while (!stop.isRequested()) {
          Optional<String> reason = read(run);
          if (reason.isPresent()) {
            stop.request(reason.get());
            return;
          }
          Thread.sleep(POLL_MILLIS);
        }
      } catch (InterruptedException e) {
        // the training is over
      }
    }, "firstspike-stop-watch-" + run.id());
    t.setDaemon(true);
    t.start();
    return t;
  }
}
