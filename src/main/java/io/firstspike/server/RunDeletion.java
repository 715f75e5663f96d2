package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOwner;
import io.firstspike.train.RunState;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The blocking part of deleting a run (issue 22), run on a worker by {@link RunManagerVerticle},
 * which has already refused runs it queues, trains, resumes or knows to be evaluated and holds
 * back resumes and evaluations of this run until this returns. What only the folder can tell is
 * checked here: another process training the run, or a status that still says queued, running or
 * stopping (a run created a moment ago, not yet queued; a run trained on another host).
 */
final class RunDeletion {
  private RunDeletion() {}

  /**
   * Deletes the run's folder and returns {@code {id, deleted: true}}.
   *
   * @throws HttpStatusException 409 naming the state when the folder says the run is not over
   * @throws UncheckedIOException when a file cannot be removed, naming it relative to the run
   */
  static JsonObject delete(RunFolder run) {
    Optional<Long> other = RunOwner.otherLiveOwner(run);
    RunState state = run.damage().isPresent() ? null : RunOwner.effective(run, run.requireStatus()).state();
    if (other.isPresent() || (state != null && !state.isTerminal())) {
      String what = state == null ? "being written" : state.wire();
      throw new HttpStatusException(409, "run " + run.id() + " is " + what
          + other.map(pid -> " in another process (pid " + pid + ")").orElse("")
          + ": stop it before deleting it");
    }
    deleteTree(run.dir());
    return new JsonObject().put("id", run.id()).put("deleted", true);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // the message would name the server's absolute path: the file relative to the run instead
      String file = e instanceof java.nio.file.FileSystemException f && f.getFile() != null
          ? String.valueOf(root.relativize(Path.of(f.getFile()))) : "?";
      throw new UncheckedIOException("cannot delete run " + root.getFileName() + " completely: "
          + e.getClass().getSimpleName() + " on '" + file + "'; what is left is listed as the run", e);
    }
  }
}
