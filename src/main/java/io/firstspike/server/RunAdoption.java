package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStatus;
import io.firstspike.train.RunState;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.Set;

/**
 * The head's side of a worker's claim ({@link Addresses#CLUSTER_CLAIM}, {@link WorkerOutbox}): a
 * worker that holds a run whose files the head did not take (the head restarted, a message was
 * lost) claims it. The head keeps what it knows in memory first ({@link #refusal}: a run placed on
 * another node, queued or training here is not given to the claimant); a run it does not know is
 * adopted when its folder shows it was left unfinished (running, queued, stopping, or interrupted:
 * what a restarted head marks a run that was training when it went away) and the claimant got at
 * least as far as the head's copy ({@link #listing}). Otherwise the claim is refused with
 * {@value WorkerOutbox#GONE} and the worker drops its copy.
 */
final class RunAdoption {
  /** States of a run the head may adopt from a worker: it was left unfinished. */
  private static final Set<RunState> UNFINISHED =
      Set.of(RunState.RUNNING, RunState.QUEUED, RunState.STOPPING, RunState.INTERRUPTED);

  private RunAdoption() {}

  /**
   * Why the head refuses the claim of {@code node}, from its memory, or null to go on.
   *
   * @param owner the node the head has the run training on, or null
   * @param busyHere whether the run is queued, training, being resumed or deleted on the head
   */
  static String refusal(String id, String node, String owner, boolean busyHere) {
    if (owner != null) {
      return owner.equals(node) ? null : "run " + id + " trains on node " + owner + " now";
    }
    return busyHere ? "run " + id + " was queued or started again on the head" : null;
  }

  /**
   * Blocking: the listing of the head's copy ({@link FolderMirror#listing}) for a claim by
   * {@code node}; when the head did not have the run on that node ({@code known} false), first
   * checks that it may adopt it.
   *
   * @throws HttpStatusException 410 when the run is not to be adopted (it says why)
   */
  static JsonObject listing(RunFolder run, String node, int epochsDone, boolean known) {
    String id = run.id();
    if (!known) {
      if (!Files.isDirectory(run.dir())) {
        throw new HttpStatusException(WorkerOutbox.GONE, "run " + id + " is not in the head's runs folder");
      }
      RunStatus st;
      try {
        st = run.requireStatus();
      } catch (RuntimeException e) {
        throw new HttpStatusException(WorkerOutbox.GONE, "run " + id + " cannot be adopted: " + e.getMessage());
      }
      if (!UNFINISHED.contains(st.state())) {
        throw new HttpStatusException(WorkerOutbox.GONE, "run " + id + " is " + st.state().wire()
            + " on the head: node " + node + " no longer trains it");
      }
      if (epochsDone < st.epochsDone()) {
        throw new HttpStatusException(WorkerOutbox.GONE, "run " + id + " has " + st.epochsDone()
            + " epoch(s) on the head, node " + node + " only " + epochsDone);
      }
    }
    return new JsonObject().put("listing", FolderMirror.listing(run.dir()));
  }
}
