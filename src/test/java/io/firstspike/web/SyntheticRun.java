package io.firstspike.web;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.firstspike.runs.EventCodec;
import io.firstspike.runs.Json;
import io.firstspike.runs.RunFolder;
import io.firstspike.runs.RunStatus;
import io.firstspike.server.EventJson;
import io.firstspike.train.EpochMetrics;
import io.firstspike.train.RunState;
import io.firstspike.train.TrainingEvent;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A Yin-Yang run folder written the way a training writes it (status.json, metrics.jsonl,
 * batches.jsonl, activity.json, in the shapes of docs/FORMATS.md, through the project's own JSON
 * codecs), without training: so a browser test can give the page a run of thousands of epochs in
 * seconds, and stream more epochs into it at a chosen pace, publishing on the server's event bus
 * exactly the messages a training publishes ({@link EventJson}), while the files grow behind the
 * page's backfills. Sessions (a start or a resume) restart {@code elapsedSeconds}, as the trainer
 * does. Not thread-safe: one thread writes.
 */
final class SyntheticRun {
  static final int BATCHES_PER_EPOCH = 34;
  private static final int CLASSES = 3;
  private static final int VALIDATION = 1000;

  final RunFolder folder;
  final String id;
  final int epochs;
  private final SplittableRandom random;
  private final String created;
  /** Epochs written so far (0 = only the initial validation, -1 = none). */
  private int done = -1;
  private long step;
  private double sessionStart; // elapsed seconds of the session at the last epoch
  private double secondsPerEpoch = 1.0;
  private double startup = 0.0;
  private int sessionEpochs;
  private long lastActivityNanos;
  private TrainingEvent.Epoch lastEpoch;
  private TrainingEvent.Batch lastBatch;
  private ObjectNode firstWeights;

  SyntheticRun(Path runsDir, String id, int epochs, long seed) throws IOException {
    this.id = id;
    this.epochs = epochs;
    this.random = new SplittableRandom(seed);
    this.folder = new RunFolder(Files.createDirectories(runsDir.resolve(id)));
    this.created = Instant.now().minusSeconds(7200).toString(); // created two hours ago
    Files.writeString(folder.configFile(), Files.readString(Path.of("configs", "yin_yang_small.yaml"))
        .replace("epoch_number: 20", "epoch_number: " + epochs));
    status(RunState.RUNNING);
  }

  /** The pace written into elapsedSeconds from now on, and the start-up of the next session. */
  SyntheticRun pace(double secondsPerEpoch, double startupSeconds) {
    this.secondsPerEpoch = secondsPerEpoch;
    this.startup = startupSeconds;
    return this;
  }

  /** A resume: the next epoch starts a session (elapsedSeconds restarts, with the start-up). */
  void newSession() {
    sessionEpochs = 0;
    sessionStart = 0;
  }

  int done() {
    return done;
  }

  long step() {
    return step;
  }

  /** Writes epochs up to {@code last} into the files without publishing (the run's history). */
  void writeUpTo(int last) throws IOException {
    try (Writer metrics = append(RunFolder.METRICS); Writer batches = append(RunFolder.BATCHES)) {
      while (done < last) {
        next(metrics, batches, null, 0);
      }
    }
    writeActivity();
    status(RunState.RUNNING);
  }

  /**
   * Writes the next epoch to the files and publishes it on {@code vertx}'s event bus as a
   * training does: every {@code batchEvery}-th batch and the epoch's last (the server samples
   * batches to 10 a second), then the epoch message; activity.json at most once a second.
   */
  void streamNext(Vertx vertx, int batchEvery) throws IOException {
    try (Writer metrics = append(RunFolder.METRICS); Writer batches = append(RunFolder.BATCHES)) {
      next(metrics, batches, vertx, batchEvery);
    }
    if (System.nanoTime() - lastActivityNanos > 1_000_000_000L) {
      writeActivity();
    }
    if (done % 25 == 0) {
      status(RunState.RUNNING); // epochsDone moves on, as the trainer's status writes do
    }
  }

  void status(RunState state) {
    folder.writeStatus(new RunStatus(state, state == RunState.STOPPED ? "stopped by user" : "", created,
        Instant.now().toString(), Math.max(0, done), epochs, Math.max(-1, done), "test"));
  }

  void writeActivity() {
    if (lastEpoch == null) {
      return;
    }
    ObjectNode a = Json.MAPPER.createObjectNode();
    a.set("epoch", EventCodec.epoch(lastEpoch));
    a.set("batch", lastBatch != null && lastBatch.epoch() == lastEpoch.metrics().epoch()
        ? EventCodec.batch(lastBatch) : null);
    a.set("firstWeights", firstWeights);
    folder.writeActivity(a);
    lastActivityNanos = System.nanoTime();
  }

  private void next(Writer metrics, Writer batches, Vertx vertx, int batchEvery) throws IOException {
    int e = done + 1;
    if (e > 0) {
      for (int b = 0; b < BATCHES_PER_EPOCH; b++) {
        TrainingEvent.Batch batch = batch(e, b);
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("epoch", e).put("batch", b).put("step", batch.step());
        if (Double.isFinite(batch.loss())) {
          line.put("loss", batch.loss());
        } else {
          line.putNull("loss");
        }
        // the names of batch lines before the one event shape (EventCodec): runs folders on
        // users' disks hold such lines, and the page must keep showing them
        line.put("accuracy", batch.accuracy()).put("running_error", batch.runningError())
            .put("lr", batch.learningRate()).put("bump", batch.bumpedLayer());
        line.set("silent", Json.MAPPER.valueToTree(batch.silentFraction()));
        batches.write(line.toString());
        batches.write('\n');
        lastBatch = batch;
        if (vertx != null && (b % batchEvery == 0 || b == BATCHES_PER_EPOCH - 1)) {
          batches.flush();
          vertx.eventBus().publish("runs." + id + ".batch", EventJson.batch(id, batch));
        }
        step++;
      }
    }
    sessionEpochs++;
    double elapsed = sessionEpochs == 1 ? startup + secondsPerEpoch : sessionStart + secondsPerEpoch;
    sessionStart = elapsed;
    double eta = elapsed / sessionEpochs * (epochs - e); // the trainer's estimate, start-up included
    double acc = 0.6 + 0.38 * (1 - Math.exp(-e / 300.0)) + 0.01 * random.nextDouble();
    EpochMetrics m = new EpochMetrics(e, epochs, step, e == 0 ? Double.NaN : 1.2 - acc,
        e == 0 ? Double.NaN : acc - 0.01, 1.15 - acc, acc, 0.005, random.nextInt(3), times(), stds(),
        5000 + 100 * random.nextDouble(), elapsed, eta, 0);
    metrics.write(Json.MAPPER.valueToTree(m).toString());
    metrics.write('\n');
    lastEpoch = new TrainingEvent.Epoch(m, weightHistograms(), edges(), predictions());
    if (firstWeights == null) {
      firstWeights = Json.MAPPER.createObjectNode();
      firstWeights.put("epoch", e);
      firstWeights.set("weightHistograms", Json.MAPPER.valueToTree(lastEpoch.weightHistograms()));
      firstWeights.set("weightHistogramEdges", Json.MAPPER.valueToTree(lastEpoch.weightHistogramEdges()));
    }
    done = e;
    if (vertx != null) {
      metrics.flush();
      batches.flush();
      vertx.eventBus().publish("runs." + id + ".epoch", EventJson.epoch(id, lastEpoch));
    }
  }

  private TrainingEvent.Batch batch(int e, int b) {
    double err = 0.05 + 0.3 * Math.exp(-e / 200.0) + 0.05 * random.nextDouble();
    int bump = random.nextInt(100) < 2 ? 0 : -1;
    double[] silent = {0.1 + 0.1 * random.nextDouble(), 0.01 * random.nextDouble()};
    int[][] hist = new int[2][TrainingEvent.HISTOGRAM_BINS];
    for (int[] row : hist) {
      for (int i = 0; i < row.length; i++) {
        row[i] = random.nextInt(50);
      }
    }
    double[][] raster = {{0.2, 0.8, 0.5, 0.4}, new double[30], {1.1, 1.4, 1.3}};
    for (int i = 0; i < 30; i++) {
      raster[1][i] = random.nextInt(10) == 0 ? Double.NaN : 0.8 + random.nextDouble();
    }
    return new TrainingEvent.Batch(e, b, BATCHES_PER_EPOCH, step, bump >= 0 ? Double.NaN : 0.3 + err,
        1 - err, err, 0.005, bump, times(), stds(), silent, hist, 3.0, raster, random.nextInt(CLASSES));
  }

  private double[][] times() {
    double[][] t = new double[CLASSES][CLASSES];
    for (int c = 0; c < CLASSES; c++) {
      for (int k = 0; k < CLASSES; k++) {
        t[c][k] = (c == k ? 1.0 : 1.3) + 0.05 * random.nextDouble();
      }
    }
    return t;
  }

  private double[][] stds() {
    double[][] t = new double[CLASSES][CLASSES];
    for (double[] row : t) {
      java.util.Arrays.fill(row, 0.1);
    }
    return t;
  }

  private int[][] weightHistograms() {
    int[][] h = new int[2][30];
    for (int[] row : h) {
      for (int i = 0; i < row.length; i++) {
        row[i] = random.nextInt(20);
      }
    }
    return h;
  }

  private static double[][] edges() {
    double[][] e = new double[2][31];
    for (double[] row : e) {
      for (int i = 0; i < row.length; i++) {
        row[i] = -1 + i / 15.0;
      }
    }
    return e;
  }

  /** 1000 validation points of the Yin-Yang disc (x, y in [0, 1]) with a class each. */
  private List<double[]> predictions() {
    List<double[]> out = new ArrayList<>(VALIDATION);
    SplittableRandom r = new SplittableRandom(7); // the same points every epoch, as a validation set
    while (out.size() < VALIDATION) {
      double x = r.nextDouble();
      double y = r.nextDouble();
      if ((x - 0.5) * (x - 0.5) + (y - 0.5) * (y - 0.5) > 0.25) {
        continue;
      }
      int truth = r.nextInt(CLASSES);
      int predicted = random.nextInt(10) == 0 ? (truth + 1) % CLASSES : truth;
      out.add(new double[] {x, y, predicted, truth});
    }
    return out;
  }

  private Writer append(String file) throws IOException {
    return Files.newBufferedWriter(folder.dir().resolve(file), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** Unchecked, for lambdas. */
  static void unchecked(IoAction a) {
    try {
      a.run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FunctionalInterface
  interface IoAction {
    void run() throws IOException;
  }
}
