package io.firstspike.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStatus;
import io.firstspike.train.RunState;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's outbox ({@link WorkerOutbox}) against a head that refuses, drops or loses the reply
 * of some file messages, and one that restarts and marks the run interrupted: the head's copy
 * ends equal to the worker's, every log line exactly once.
 */
class WorkerOutboxTest {
  private final ExecutorService blocking = Executors.newSingleThreadExecutor();
  private final ExecutorService replies = Executors.newSingleThreadExecutor();

  @AfterEach
  void shutdown() {
    blocking.shutdownNow();
    replies.shutdownNow();
  }

  /** A head in a folder: applies change sets like the run manager, except the messages it is told to lose. */
  private final class FakeHead implements WorkerOutbox.Head {
    final Path dir;
    /** By message number (from 1): 'r' refused unwritten, 'd' dropped (no reply, unwritten), 'l' written but the reply lost. */
    final Map<Integer, Character> faults;
    final AtomicInteger messages = new AtomicInteger();
    final AtomicInteger claims = new AtomicInteger();
    volatile boolean away;
    /** Whether it has the run on this worker in memory (false: a restarted head, which adopts it). */
    volatile boolean known = true;
    volatile IntPredicate refuseClaim = n -> false;

    FakeHead(Path dir, Map<Integer, Character> faults) {
      this.dir = dir;
      this.faults = faults;
    }

    @Override
    public Future<?> files(JsonObject body) {
      int n = messages.incrementAndGet();
      char fault = away ? 'd' : faults.getOrDefault(n, ' ');
      return later(() -> {
        if (fault == 'r') {
          throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 409, "refused " + n);
        }
        if (fault == 'd') {
          throw new ReplyException(ReplyFailure.TIMEOUT, "no reply to " + n);
        }
        FolderMirror.apply(dir, body.getJsonObject("changes"));
        if (fault == 'l') {
          throw new ReplyException(ReplyFailure.TIMEOUT, "reply to " + n + " lost");
        }
        return new JsonObject();
      });
    }

    @Override
    public Future<JsonObject> claim(JsonObject body) {
      int n = claims.incrementAndGet();
      return later(() -> {
        if (away) {
          throw new ReplyException(ReplyFailure.NO_HANDLERS, "no head");
        }
        if (refuseClaim.test(n)) {
          throw new ReplyException(ReplyFailure.RECIPIENT_FAILURE, WorkerOutbox.GONE, "another node trains it");
        }
        return RunAdoption.listing(new RunFolder(dir), body.getString("node"), body.getInteger("epochsDone"), known);
      });
    }

    private <T> Future<T> later(java.util.concurrent.Callable<T> work) {
      io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
      replies.execute(() -> {
        try {
          p.complete(work.call());
        } catch (Exception e) {
          p.fail(e);
        }
      });
      return p.future();
    }
  }

  /** One epoch of a training in {@code dir}: batch and metrics lines, a snapshot, the status. */
  private static void epoch(Path dir, int e, int of) throws Exception {
    for (int b = 0; b < 3; b++) {
      Files.writeString(dir.resolve("batches.jsonl"), "{\"epoch\":" + e + ",\"batch\":" + b + "}\n",
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    Files.writeString(dir.resolve("metrics.jsonl"), "{\"epoch\":" + e + "}\n", StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    Path tmp = Files.createDirectories(dir.resolve(".epoch_" + e + ".tmp"));
    Files.writeString(tmp.resolve("weights.npy"), "w" + e + "-".repeat(e * 7));
    Files.move(tmp, dir.resolve("epoch_" + e), StandardCopyOption.ATOMIC_MOVE);
    new RunFolder(dir).writeStatus(new RunStatus(e == of ? RunState.FINISHED : RunState.RUNNING, "",
        "2025-01-01T00:00:00Z", "2025-01-01T00:00:0" + e + "Z", e, of, e, "w"));
  }

  private static Path startedRun(Path tmp) throws Exception {
    Path head = Files.createDirectories(tmp.resolve("head"));
    Files.writeString(head.resolve("config.yaml"), "epochs: 6\n");
    new RunFolder(head).writeStatus(new RunStatus(RunState.QUEUED, "", "2025-01-01T00:00:00Z",
        "2025-01-01T00:00:00Z", 0, 6, -1, "h"));
    return head;
  }

  private static Map<String, String> contents(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (var s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private WorkerOutbox outbox(Path worker, FakeHead head, AtomicBoolean gone) {
    return new WorkerOutbox("r1", "w", 1, worker, head, blocking, () -> gone.set(true));
  }

  /** The worker's copy of the head's run folder, as a placement writes it. */
  private static Path workerCopy(Path tmp, Path head) throws Exception {
    Path worker = Files.createDirectories(tmp.resolve("worker"));
    FolderMirror.writeStart(worker, FolderMirror.forStart(new RunFolder(head)));
    return worker;
  }

  private static void awaitFinished(WorkerOutbox box, Future<Void> done) throws Exception {
    long end = System.currentTimeMillis() + 20_000;
    while (!done.isComplete()) {
      assertThat(System.currentTimeMillis()).as("the outbox empties").isLessThan(end);
      box.tick();
      Thread.sleep(20);
    }
  }

  @Test
  @DisplayName("Refused, dropped and reply-lost file messages are sent again: the head ends with every epoch exactly once")
  void failedMessagesAreResent(@TempDir Path tmp) throws Exception {
    Path head = startedRun(tmp);
    Path worker = workerCopy(tmp, head);
    FakeHead fake = new FakeHead(head, Map.of(2, 'r', 3, 'd', 5, 'l', 6, 'l', 9, 'r'));
    AtomicBoolean gone = new AtomicBoolean();
    WorkerOutbox box = outbox(worker, fake, gone);
    for (int e = 1; e <= 6; e++) {
      epoch(worker, e, 6);
      box.changed();
      long end = System.currentTimeMillis() + 10_000;
      while (!box.synced()) { // each epoch's message out (and sent again after a fault) before the next
        assertThat(System.currentTimeMillis()).isLessThan(end);
        Thread.sleep(10);
        box.tick();
      }
    }
    Future<Void> done = box.finish();
    awaitFinished(box, done);

    assertThat(done.succeeded()).as(String.valueOf(done.cause())).isTrue();
    assertThat(contents(head)).isEqualTo(contents(worker));
    assertThat(box.failures()).as("the faults happened: 2 r, 3 d, 5 l, 6 l").isEqualTo(4);
    assertThat(fake.claims.get()).as("each failure was followed by a claim").isPositive();
    List<String> metrics = Files.readAllLines(head.resolve("metrics.jsonl"));
    List<String> expected = new ArrayList<>();
    for (int e = 1; e <= 6; e++) {
      expected.add("{\"epoch\":" + e + "}");
    }
    assertThat(metrics).isEqualTo(expected);
    assertThat(Files.readAllLines(head.resolve("batches.jsonl"))).hasSize(18).doesNotHaveDuplicates();
    assertThat(gone).isFalse();
  }

  @Test
  @DisplayName("A head that goes away and comes back restarted (the run marked interrupted) gets every epoch finished meanwhile")
  void aRestartedHeadGetsWhatItLacks(@TempDir Path tmp) throws Exception {
    Path head = startedRun(tmp);
    Path worker = workerCopy(tmp, head);
    FakeHead fake = new FakeHead(head, Map.of());
    WorkerOutbox box = outbox(worker, fake, new AtomicBoolean());
    epoch(worker, 1, 6);
    box.changed();
    epoch(worker, 2, 6);
    Thread.sleep(100);
    box.changed();
    Thread.sleep(100);
    assertThat(Files.readAllLines(head.resolve("metrics.jsonl"))).hasSize(2);

    fake.away = true; // killed: the rest of the training happens without it
    for (int e = 3; e <= 6; e++) {
      epoch(worker, e, 6);
      box.changed();
      box.tick();
    }
    Future<Void> done = box.finish();
    for (int i = 0; i < 10; i++) {
      box.tick();
      Thread.sleep(20);
    }
    assertThat(done.isComplete()).as("nothing is dropped while the head is away").isFalse();
    // a new head on the same folder: it marked the run interrupted at its start
    new RunFolder(head).writeStatus(new RunStatus(RunState.INTERRUPTED, "the server stopped", "2025-01-01T00:00:00Z",
        "2025-01-01T00:01:00Z", 2, 6, 2, "h"));
    fake.known = false;
    fake.away = false;
    box.headChanged();
    awaitFinished(box, done);

    assertThat(done.succeeded()).as(String.valueOf(done.cause())).isTrue();
    assertThat(contents(head)).isEqualTo(contents(worker));
    assertThat(new RunFolder(head).requireStatus().state()).isEqualTo(RunState.FINISHED);
    assertThat(Files.readAllLines(head.resolve("metrics.jsonl"))).hasSize(6).doesNotHaveDuplicates();
    assertThat(head.resolve("epoch_6/weights.npy")).exists();
  }

  @Test
  @DisplayName("A claim the head refuses for good (the run trains elsewhere now) ends the outbox: onGone runs, finish fails")
  void aRefusedClaimGivesTheRunUp(@TempDir Path tmp) throws Exception {
    Path head = startedRun(tmp);
    Path worker = workerCopy(tmp, head);
    FakeHead fake = new FakeHead(head, Map.of(1, 'r'));
    fake.refuseClaim = n -> true;
    AtomicBoolean gone = new AtomicBoolean();
    WorkerOutbox box = outbox(worker, fake, gone);
    epoch(worker, 1, 1);
    box.changed();
    Future<Void> done = box.finish();
    awaitFinished(box, done);
    assertThat(done.failed()).isTrue();
    assertThat(gone).isTrue();
  }

  @Test
  @DisplayName("The head adopts only an unfinished run that got at least as far on the claimant")
  void adoptionRules(@TempDir Path tmp) throws Exception {
    Path head = startedRun(tmp);
    RunFolder run = new RunFolder(head);
    assertThat(RunAdoption.listing(run, "w", 0, false).getJsonObject("listing").fieldNames())
        .contains("config.yaml", "status.json");
    run.writeStatus(new RunStatus(RunState.INTERRUPTED, "x", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", 3, 6, 3, "h"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunAdoption.listing(run, "w", 2, false))
        .isInstanceOf(HttpStatusException.class).hasMessageContaining("3 epoch(s) on the head");
    assertThat(RunAdoption.listing(run, "w", 3, false).getJsonObject("listing").getJsonArray("status.json")).hasSize(2);
    run.writeStatus(new RunStatus(RunState.FINISHED, "", "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", 6, 6, 6, "h"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RunAdoption.listing(run, "w", 6, false))
        .hasMessageContaining("is finished on the head");
    assertThat(RunAdoption.listing(run, "w", 0, true)).as("its own node: no check").isNotNull();
    assertThat(RunAdoption.refusal("r1", "w", "v", false)).contains("trains on node v");
    assertThat(RunAdoption.refusal("r1", "w", null, true)).contains("queued or started again");
    assertThat(RunAdoption.refusal("r1", "w", "w", false)).isNull();
    assertThat(RunAdoption.refusal("r1", "w", null, false)).isNull();
  }
}
