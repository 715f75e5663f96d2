package io.firstspike.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.firstspike.runs.DataFolders;
import io.firstspike.runs.Json;
import io.firstspike.runs.Overrides;
import io.firstspike.runs.RunEngine;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunOutcome;
import io.firstspike.runs.RunStatus;
import io.firstspike.runs.RunStore;
import io.firstspike.train.EpochMetrics;
import io.firstspike.train.RunState;
import io.firstspike.train.StopFlag;
import io.firstspike.train.TrainingEvent;
import io.firstspike.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double of the run executor that follows its contract (status, metrics.jsonl,
 * batches.jsonl, epoch_N snapshot folders, resume from the newest snapshot, STOPPED on the stop
 * flag) without any neural network: batches take {@code delayMs} and report a seeded random loss.
 * Its config is YAML {@code {epochs: 3, batches: 20, delayMs: 5, failAtStep: -1}}; for sweeps,
 * {@code valBonus} and the last digit of {@code training_params.torch_seed} (times 0.001) add to
 * the validation accuracy {@code 0.5 + 0.1 epoch / epochs}.
 */
final class FakeEngine implements RunEngine {
  static final YAMLMapper YAML = new YAMLMapper();

  final AtomicInteger running = new AtomicInteger();
  final AtomicInteger maxRunning = new AtomicInteger();
  final AtomicInteger executions = new AtomicInteger();
  /** Where this engine's writes (and the server's status writes in ServerTestSupport) go. */
  final FakeDisk disk = new FakeDisk();

  /**
   * The preparer matching this engine: validates the config keys and writes the folder. Its
   * configs name no data, so there is nothing to confine.
   */
  static final RunPreparer PREPARER = new RunPreparer() {
    @Override
    public RunFolder prepare(RunStore store, String name, String yaml, Overrides o, DataFolders data) {
      return FakeEngine.prepare(store, name, yaml, o);
    }

    @Override
    public void checkData(RunFolder run, DataFolders data) {}
  };

  static RunFolder prepare(RunStore store, String name, String yaml, Overrides o) {
    return prepare(store, name, yaml, o, new FakeDisk());
  }

  /** The preparer writing the new run's status through this engine's disk. */
  RunPreparer preparer() {
    FakeDisk d = disk;
    return new RunPreparer() {
      @Override
      public RunFolder prepare(RunStore store, String name, String yaml, Overrides o, DataFolders data) {
        return FakeEngine.prepare(store, name, yaml, o, d);
      }

      @Override
      public void checkData(RunFolder run, DataFolders data) {}
    };
  }

  static RunFolder prepare(RunStore store, String name, String yaml, Overrides o, FakeDisk disk) {
    JsonNode c;
    try {
      c = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new IllegalArgumentException("config.yaml is not YAML: " + e.getMessage());
    }
    if (c == null || !c.path("epochs").canConvertToInt() || c.path("epochs").asInt() < 1) {
      throw new IllegalArgumentException(
          "config.yaml: key 'epochs' must be a whole number >= 1, got " + (c == null ? "nothing" : c.path("epochs")));
    }
    ObjectNode cfg = (ObjectNode) c;
    if (o.epochs() != null) {
      cfg.put("epochs", o.epochs());
    }
    // as the real preparer: a failed write removes the folder again
    return store.create(name.replaceFirst("\\.yaml$", ""), run -> {
      try {
        Files.writeString(run.configFile(), YAML.writeValueAsString(cfg));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      String now = Instant.now().toString();
      disk.write(run, new RunStatus(RunState.QUEUED, "", now, now, 0, cfg.get("epochs").asInt(), -1, "test"));
    });
  }

  @Override
  public RunOutcome execute(RunFolder run, int threads, TrainingListener listener, StopFlag stop) {
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    executions.incrementAndGet();
    try {
      return train(run, listener, stop);
    } finally {
      running.decrementAndGet();
    }
  }

  private RunOutcome train(RunFolder run, TrainingListener listener, StopFlag stop) {
    JsonNode c;
    try {
      c = YAML.readTree(run.configFile().toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int epochs = c.get("epochs").asInt();
    int batches = c.path("batches").asInt(10);
    long delayMs = c.path("delayMs").asLong(5);
    long failAt = c.path("failAtStep").asLong(-1);
    // sweeps: the validation accuracy moves with a swept key and with the seed's last digit
    double valBonus = c.path("valBonus").asDouble(0)
        + 0.001 * (c.path("training_params").path("torch_seed").asLong(0) % 10);
    List<Integer> snaps = run.snapshotEpochs();
    int first = snaps.isEmpty() ? 1 : snaps.get(snaps.size() - 1) + 1;
    RunStatus s0 = run.status().orElseThrow();
    status(run, s0, RunState.RUNNING, "", first - 1, first - 2);
    listener.onEvent(new TrainingEvent.StateChange(RunState.RUNNING, ""));
    Random rng = new Random(run.id().hashCode());
    FakeDisk disk = this.disk;
    long t0 = System.nanoTime();
    for (int e = first; e <= epochs; e++) {
      for (int b = 0; b < batches; b++) {
        long step = (long) (e - 1) * batches + b;
        if (stop.isRequested()) {
          // as RunExecutor: stopped, or interrupted (StopFlag#interrupt) saying where a resume goes on
          RunState end = stop.ending();
          String why = end == RunState.INTERRUPTED ? stop.reason() + "; resume continues from "
              + (e - 1 >= 0 ? "the snapshot of epoch " + (e - 1) : "the start") : stop.reason();
          status(run, s0, end, why, e - 1, e - 1);
          listener.onEvent(new TrainingEvent.StateChange(end, why));
          return new RunOutcome(end, why, e - 1, e - 1);
        }
        if (step == failAt) {
          String why = "loss is NaN at step " + step;
          status(run, s0, RunState.FAILED, why, e - 1, e - 1);
          listener.onEvent(new TrainingEvent.StateChange(RunState.FAILED, why));
          return new RunOutcome(RunState.FAILED, why, e - 1, e - 1);
        }
        double loss = 1.0 / (1 + step) + 0.01 * rng.nextDouble();
        double[][] times = {{1.0, Double.POSITIVE_INFINITY}, {Double.NaN, 2.0}};
        TrainingEvent.Batch ev = new TrainingEvent.Batch(e, b, batches, step, loss, 0.5, 0.5, 0.01, -1,
            times, times, new double[] {0.0, 0.5}, new int[][] {{1, 2}, {3, 4}}, 3.0,
            new double[][] {{0.1, 0.2}, {1.0, Double.POSITIVE_INFINITY}, {2.0}}, 1);
        disk.check(new FakeDisk.Write(run, RunFolder.BATCHES, null, step));
        run.appendBatch(Json.MAPPER.createObjectNode().put("step", step).put("epoch", e).put("batch", b)
            .put("loss", loss).put("accuracy", 0.5));
        listener.onEvent(ev);
        sleep(delayMs);
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      EpochMetrics m = new EpochMetrics(e, epochs, (long) e * batches - 1, 0.5, 0.6, 0.4, 0.5 + 0.1 * e / epochs + valBonus,
          0.01, 0, new double[][] {{1, 2}}, new double[][] {{0.1, Double.NaN}}, 100, secs, 1.0, 0);
      disk.check(new FakeDisk.Write(run, RunFolder.METRICS, null, -1));
      run.appendMetrics(m);
      listener.onEvent(new TrainingEvent.Epoch(m, new int[][] {{1, 2, 3}}, new double[][] {{0, 1, 2, 3}},
          List.of(new double[] {0.1, 0.2, 1, 1})));
      try {
        Files.createDirectories(run.snapshotDir(e));
      } catch (IOException x) {
        throw new UncheckedIOException(x);
      }
      listener.onEvent(new TrainingEvent.Snapshot(e));
      status(run, s0, RunState.RUNNING, "", e, e);
    }
    status(run, s0, RunState.FINISHED, "", epochs, epochs);
    listener.onEvent(new TrainingEvent.StateChange(RunState.FINISHED, ""));
    return new RunOutcome(RunState.FINISHED, "", epochs, epochs);
  }

  private void status(RunFolder run, RunStatus s0, RunState st, String why, int done, int snap) {
    disk.write(run, new RunStatus(st, why, s0.createdAt(), Instant.now().toString(), Math.max(0, done),
        s0.epochs(), Math.max(-1, snap), s0.node()));
  }

  private static void sleep(long ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
