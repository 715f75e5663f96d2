package io.firstspike.server;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStore;
import io.firstspike.train.RunState;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The run manager's answers that only read: list, get and metrics ({@link Addresses#CMD_LIST},
 * {@link Addresses#CMD_GET}, {@link Addresses#CMD_METRICS}). The folder of runs is the truth; what
 * the manager knows better (queue positions, pending stops, failures it could not write) is taken
 * as a {@link View}, a copy made on the manager's event loop when the request arrives, so that the
 * worker that reads the folders never touches the live queue that pump() changes meanwhile.
 */
final class RunReads {
  private final Vertx vertx;
  private final RunStore store;
  /** Called on the manager's event loop only. */
  private final Supplier<View> view;

  RunReads(Vertx vertx, RunStore store, Supplier<View> view) {
    this.vertx = vertx;
    this.store = store;
    this.view = view;
  }

  void list(Message<JsonObject> m) {
    View v = view.get();
    RunMessages.replyWith(vertx, m, () -> RunSummaries.list(store, run -> v.summary(run, false, false)), false);
  }

  void get(Message<JsonObject> m) {
    RunMessages.withListedFolder(vertx, store, m, run -> {
      View v = view.get();
      boolean batches = m.body().getBoolean("batches", true); // false: batches.jsonl unread
      RunMessages.replyWith(vertx, m, () -> v.summary(run, true, batches), false);
    });
  }

  void metrics(Message<JsonObject> m) {
    RunSummaries.MetricsQuery q = RunSummaries.MetricsQuery.of(m.body());
    RunMessages.withRun(vertx, store, m, run -> RunMessages.replyWith(vertx, m,
        () -> RunSummaries.metrics(run, q), false));
  }

  /** A copy of the queue, pending stops and in-memory failures, safe to read on a worker. */
  record View(List<String> queue, Set<String> stopPending, Map<String, String> unrecorded) {
    JsonObject summary(RunFolder run, boolean withConfig, boolean checkBatches) {
      JsonObject s = RunSummaries.summary(run, withConfig, stopPending.contains(run.id()),
          checkBatches);
      String failure = unrecorded.get(run.id());
      if (failure != null) {
        s.put("state", RunState.FAILED.wire()).put("reason", failure).put("etaSeconds", (Object) null);
      } else if (queue.contains(run.id())) {
        s.put("queuePosition", queue.indexOf(run.id()));
      }
      return s;
    }
  }
}
