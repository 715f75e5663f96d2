// The page's model of one run: the points it has been given, deduplicated by step (batches) and
// epoch number (epochs), whether they came from the live stream, a backfill or the history on
// disk. The page decimates nothing: the server's decimation (BatchDecimator.java: min/max buckets
// of a power-of-two step width, so spikes and weight bumps survive) is the only one. A /metrics
// answer replaces what the page held over the steps it covers, a live point is kept until an
// answer covers its step, and once more than twice the server's bound (/api/meta batchPoints) is
// held, overLimit() tells the view to load the whole series again, which the server decimates to
// that bound. Only the latest epoch's big payloads (weight histograms, validation predictions,
// fetched from the run's activity.json rather than streamed) are kept.

import { isNum } from './util.js';

/** The server's bound when /api/meta did not say (BatchDecimator.MAX_POINTS). */
export const DEFAULT_BATCH_POINTS = 2000;

/**
 * A batch point from a live message or a batch line of /metrics: one shape (the server's event
 * codec, EventCodec.java, also reads the lines older versions wrote under other names). The
 * silent fractions per layer ride along, so the silent chart draws the points the error chart
 * draws.
 */
export function batchPoint(b) {
  const err = b.runningError;
  const bump = b.bumpedLayer;
  return {
    step: Number(b.step),
    epoch: b.epoch,
    batch: b.batch,
    loss: isNum(b.loss) ? b.loss : null,
    accuracy: isNum(b.accuracy) ? b.accuracy : null,
    err: isNum(err) ? err : null,
    lr: b.learningRate ?? null,
    bump: isNum(bump) && bump >= 0 ? bump : null,
    silent: Array.isArray(b.silentFraction) ? b.silentFraction : null,
  };
}

/** Binary search: index of the first element with key >= k. */
function lowerBound(arr, k, key) {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(arr[mid]) < k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts or replaces by key, keeping arr sorted; true if something changed. */
function upsert(arr, item, key) {
  const k = key(item);
  if (!arr.length || key(arr[arr.length - 1]) < k) {
    arr.push(item);
    return true;
  }
  const i = lowerBound(arr, k, key);
  if (i < arr.length && key(arr[i]) === k) arr[i] = item;
  else arr.splice(i, 0, item);
  return true;
}

export class RunData {
  /** @param batchPoints the server's bound of a decimated series (/api/meta batchPoints) */
  constructor(id, batchPoints = DEFAULT_BATCH_POINTS) {
    this.id = id;
    this.batchPoints = batchPoints;
    this.reset();
  }

  reset() {
    this.resets = (this.resets || 0) + 1;
    this.batches = []; // batch points sorted by step: the server's decimated series, then newer live points
    this.bucketWidth = 1; // the bucket width of the newest whole-series load (asked for again by backfills)
    this.epochs = []; // EpochMetrics sorted by epoch
    this.diskEpochStep = null; // step of the newest epoch a /metrics answer brought (from disk)
    this.filledTo = -1; // newest batch step a /metrics answer brought: every bucket up to it is the server's
    this.latestBatch = null; // the newest live batch message (histograms, raster, class times)
    this.latestEpoch = null; // the newest epoch with its payloads (weight histograms, predictions)
    // Weight (and delay) histograms of the earliest epoch seen, for contrast; kept across resets (a resumed
    // run rewinds its curves, not its past).
    this.firstWeights = this.firstWeights ?? null;
    this.version = 0;
    this.batchesVersion = 0; // bumped on every change of the batch series
    this.epochsVersion = 0; // bumped on every change of the epoch list
    this.received = { batch: 0, epoch: 0, backfillBatches: 0, backfillEpochs: 0, wholeLoads: 0 };
  }

  /** Highest batch step held (-1 if none). */
  lastStep() {
    return this.batches.length ? this.batches[this.batches.length - 1].step : -1;
  }

  /**
   * True when the page holds more than twice the server's bound: the view then loads the whole
   * series again (/metrics?since=-1), which the server decimates to the bound. The page itself
   * never drops a point.
   */
  overLimit() {
    return this.batches.length > 2 * this.batchPoints;
  }

  /**
   * The step to ask /metrics?since= for next: the last batch of the newest epoch that an answer
   * from disk brought (never a live message: the stream samples batches, so what it delivered
   * still needs the lines between). The answer then repeats that epoch (so an epoch whose line was
   * written after the server read metrics.jsonl is not skipped) and brings everything newer; an
   * epoch's {@code step} counts the batches done, so its last batch is step - 1, and the server
   * returns batches and epochs whose step is greater than since. -1 (everything) before any.
   */
  backfillSince() {
    const s = this.diskEpochStep;
    return Number.isFinite(s) ? Math.max(-1, s - 1) : -1;
  }

  /** A live batch point: kept as it is (at its step) until a /metrics answer covers that step. */
  addBatch(p) {
    if (!Number.isFinite(p.step)) return;
    upsert(this.batches, p, (x) => x.step);
    this.version++;
    this.batchesVersion++;
  }

  /**
   * The batch lines of a /metrics answer for the steps after {@code since}: they replace every
   * point held in (since, last step of the answer], as the server decimated them; points outside
   * that range (older ones, live ones after it) stay. A whole-series answer (since = -1) replaces
   * everything up to its last step and sets the bucket width backfills ask with.
   */
  replaceBatches(since, lines, width) {
    if (since < 0 && Number.isFinite(width) && width >= 1) this.bucketWidth = width;
    if (!lines.length) return;
    const points = lines.map(batchPoint).filter((p) => Number.isFinite(p.step));
    const last = points.length ? points[points.length - 1].step : -1;
    const key = (x) => x.step;
    const from = since < 0 ? 0 : lowerBound(this.batches, since + 1, key);
    const to = lowerBound(this.batches, last + 1, key);
    this.batches.splice(from, to - from, ...points);
    this.filledTo = Math.max(this.filledTo, last);
    this.version++;
    this.batchesVersion++;
  }

  /** The batch points with a weight bump, for the error chart's markers. */
  bumps() {
    return this.batches.filter((p) => p.bump != null);
  }

  /** A live batch message. */
  onBatchMessage(msg) {
    this.received.batch++;
    this.latestBatch = msg;
    this.addBatch(batchPoint(msg));
  }

  addEpoch(m) {
    if (!m || !Number.isFinite(m.epoch)) return;
    upsert(this.epochs, m, (x) => x.epoch);
    this.version++;
    this.epochsVersion++;
  }

  /**
   * A live epoch message: {id, metrics}. The epoch's big payloads (weight histograms, validation
   * predictions) are not streamed; the view fetches them (GET /api/runs/{id}/activity) when
   * {@link needsActivity} says the newest epoch has more than the page shows.
   */
  onEpochMessage(msg) {
    this.received.epoch++;
    if (msg && msg.metrics) this.addEpoch(msg.metrics);
  }

  /** True if an epoch newer than the one whose histograms and map are shown has been seen. */
  needsActivity() {
    const last = this.epochs[this.epochs.length - 1];
    if (!last) return false;
    return !this.latestEpoch || last.epoch > this.latestEpoch.metrics.epoch;
  }

  takeEpoch(msg) {
    this.addEpoch(msg.metrics);
    if (!this.latestEpoch || msg.metrics.epoch >= this.latestEpoch.metrics.epoch) this.latestEpoch = msg;
    if (!this.firstWeights || msg.metrics.epoch < this.firstWeights.epoch) {
      this.firstWeights = { epoch: msg.metrics.epoch, hist: msg.weightHistograms, edges: msg.weightHistogramEdges, delayHist: msg.delayHistograms, delayEdges: msg.delayHistogramEdges };
    }
    this.version++;
  }

  /**
   * A /metrics answer for the steps after {@code since}: {epochs: [...], batches: [...],
   * bucketWidth, activity?}. Batch lines carry the silent fractions per layer; a full answer
   * (since = -1) carries the run folder's newest epoch and batch events, so a page opened after
   * the fact shows the raster and histograms too.
   */
  merge(metrics, since = -1) {
    for (const e of metrics.epochs || []) {
      this.addEpoch(e);
      if (e && Number.isFinite(e.step)) this.diskEpochStep = Math.max(this.diskEpochStep ?? -1, e.step);
      this.received.backfillEpochs++;
    }
    const lines = metrics.batches || [];
    this.replaceBatches(since, lines, Number(metrics.bucketWidth));
    this.received.backfillBatches += lines.length;
    if (since < 0) this.received.wholeLoads++;
    this.mergeActivity(metrics.activity);
    this.version++;
  }

  /**
   * The run folder's activity.json ({epoch, batch, firstWeights}; GET /api/runs/{id}/activity or
   * the activity of a full /metrics answer): the newest epoch's weight histograms and validation
   * predictions, its last batch's raster and histograms, the first epoch's weights. Older than
   * what the page holds: ignored.
   */
  mergeActivity(a) {
    if (!a) return;
    const f = a.firstWeights;
    if (f && Number.isFinite(f.epoch) && (!this.firstWeights || f.epoch < this.firstWeights.epoch)) {
      this.firstWeights = { epoch: f.epoch, hist: f.weightHistograms, edges: f.weightHistogramEdges, delayHist: f.delayHistograms, delayEdges: f.delayHistogramEdges };
    }
    if (a.epoch && a.epoch.metrics) {
      if (!this.latestEpoch || a.epoch.metrics.epoch > this.latestEpoch.metrics.epoch) this.takeEpoch(a.epoch);
    }
    if (a.batch && Number.isFinite(Number(a.batch.step))) {
      if (!this.latestBatch || Number(a.batch.step) > Number(this.latestBatch.step)) this.latestBatch = a.batch;
    }
    this.version++;
  }

  /** Epochs planned, from the newest epoch record or batch. */
  plannedEpochs() {
    const e = this.epochs[this.epochs.length - 1];
    return e ? e.epochs : null;
  }

  /** Fraction done in [0, 1] from the newest batch and epoch known. */
  progress(totalEpochs) {
    const total = totalEpochs || this.plannedEpochs();
    if (!total) return null;
    const e = this.epochs.length ? this.epochs[this.epochs.length - 1].epoch : 0;
    const b = this.latestBatch;
    let done = e;
    if (b && b.epoch > e && b.batchesPerEpoch > 0) done = b.epoch - 1 + (b.batch + 1) / b.batchesPerEpoch;
    return Math.min(1, done / total);
  }
}
