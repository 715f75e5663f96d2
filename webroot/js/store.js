// The page's model of one run: every point it has seen, deduplicated by step (batches) and epoch
// number (epochs), whether it came from the live stream, a backfill or the history on disk.
// Memory is bounded whatever the run's length: the batch series is compacted into min/max buckets
// when it outgrows MAX_BATCH_POINTS (so spikes survive, as on the server), and only the latest
// epoch's big payloads (weight histograms, validation predictions, fetched from the run's
// activity.json rather than streamed) are kept.

import { isNum } from './util.js';

export const MAX_BATCH_POINTS = 3000;
/** Newest points that compaction never touches, so live updates and backfills stay exact. */
const RAW_TAIL = 600;
const MAX_BUMPS = 1000;
/** The silent-fraction series keeps between half this and this many points (thinByStep). */
export const MAX_SILENT_POINTS = 600;

/**
 * A batch point from a live message or a batch line of /metrics: one shape (the server's event
 * codec, EventCodec.java, also reads the lines older versions wrote under other names).
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

/**
 * Min/max buckets over a step-sorted series: the step range is cut into {@code buckets} equal
 * widths and each bucket keeps its first point and the points where the running error and the
 * loss are smallest and largest (at most 5 per bucket), in order. Equal step widths (not equal
 * point counts) keep the density even when older, already thinned parts are bucketed again.
 */
export function minMaxBuckets(points, buckets) {
  const n = points.length;
  if (n <= 2 || buckets < 1) return points.slice();
  const s0 = points[0].step;
  const width = Math.max(1, (points[n - 1].step - s0 + 1) / buckets);
  const out = [];
  let from = 0;
  while (from < n) {
    const k = Math.floor((points[from].step - s0) / width);
    let to = from + 1;
    while (to < n && Math.floor((points[to].step - s0) / width) === k) to++;
    const keep = new Set([from]);
    for (const f of ['err', 'loss']) {
      let lo = -1;
      let hi = -1;
      for (let i = from; i < to; i++) {
        const v = points[i][f];
        if (v == null) continue;
        if (lo < 0 || v < points[lo][f]) lo = i;
        if (hi < 0 || v > points[hi][f]) hi = i;
      }
      if (lo >= 0) keep.add(lo).add(hi);
    }
    [...keep].sort((x, y) => x - y).forEach((i) => out.push(points[i]));
    from = to;
  }
  return out;
}

/**
 * The bucket width thinByStep uses for steps first..last: the smallest power of two {@code w}
 * (at least {@code min}) for which the buckets [k w, (k + 1) w) that the range touches are at
 * most {@code maxPoints}.
 */
export function strideFor(first, last, maxPoints, min = 1) {
  let w = Math.max(1, min);
  while (Math.floor(last / w) - Math.floor(first / w) + 1 > maxPoints) w *= 2;
  return w;
}

/**
 * The one thinning rule of the silent-fraction series, live and on reload: the steps are cut
 * into buckets [k w, (k + 1) w) of a power-of-two width w (strideFor) and each bucket keeps its
 * earliest point. The buckets are fixed on the step axis, so thinning what was thinned before
 * gives what thinning everything at once gives: a point once dropped never comes back, a point
 * kept stays until the width doubles, and the gaps are never wider than two buckets.
 */
export function thinByStep(points, maxPoints, min = 1) {
  if (!points.length) return [];
  const w = strideFor(points[0].step, points[points.length - 1].step, maxPoints, min);
  const out = [];
  let bucket = null;
  for (const p of points) {
    const k = Math.floor(p.step / w);
    if (k !== bucket) {
      out.push(p);
      bucket = k;
    }
  }
  return out;
}

export class RunData {
  constructor(id) {
    this.id = id;
    this.reset();
  }

  reset() {
    this.resets = (this.resets || 0) + 1;
    this.batches = []; // batch points sorted by step
    this.bumps = []; // {step, layer, err}
    this.silent = []; // {step, fractions[]} from live messages and the batch lines on disk
    this.silentWidth = 1; // the bucket width of the silent series (only grows)
    this.epochs = []; // EpochMetrics sorted by epoch
    this.diskEpochStep = null; // step of the newest epoch a /metrics answer brought (from disk)
    this.filledTo = -1; // newest batch step a /metrics answer brought: every line up to it is held
    this.latestBatch = null; // the newest live batch message (histograms, raster, class times)
    this.latestEpoch = null; // the newest epoch with its payloads (weight histograms, predictions)
    // Weight (and delay) histograms of the earliest epoch seen, for contrast; kept across resets (a resumed
    // run rewinds its curves, not its past).
    this.firstWeights = this.firstWeights ?? null;
    this.compactions = 0;
    this.version = 0;
    this.batchesVersion = 0; // bumped on every change of the batch series
    this.epochsVersion = 0; // bumped on every change of the epoch list
    this.received = { batch: 0, epoch: 0, backfillBatches: 0, backfillEpochs: 0 };
  }

  /** Highest batch step held (-1 if none). */
  lastStep() {
    return this.batches.length ? this.batches[this.batches.length - 1].step : -1;
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

  addBatch(p) {
    if (!Number.isFinite(p.step)) return;
    upsert(this.batches, p, (x) => x.step);
    if (p.bump != null) {
      upsert(this.bumps, { step: p.step, layer: p.bump, err: p.err }, (x) => x.step);
      if (this.bumps.length > MAX_BUMPS) this.bumps = this.bumps.filter((_, i) => i % 2 === 1 || i >= this.bumps.length - 100);
    }
    if (this.batches.length > MAX_BATCH_POINTS) this.compact();
    this.version++;
    this.batchesVersion++;
  }

  /** Halves the older part of the batch series into min/max buckets. */
  compact() {
    const old = this.batches.slice(0, this.batches.length - RAW_TAIL);
    const tail = this.batches.slice(this.batches.length - RAW_TAIL);
    // About (MAX - RAW_TAIL) / 2 points after compaction, evenly spread over the older steps.
    const buckets = Math.max(1, Math.floor((MAX_BATCH_POINTS - RAW_TAIL) / 10));
    this.batches = minMaxBuckets(old, buckets).concat(tail);
    this.compactions++;
  }

  /** A live batch message. */
  onBatchMessage(msg) {
    this.received.batch++;
    this.latestBatch = msg;
    this.addBatch(batchPoint(msg));
    this.addSilent(Number(msg.step), msg.silentFraction);
  }

  /**
   * Adds a silent-fraction point under thinByStep's rule, incrementally: one point per bucket of
   * the current width (the earliest seen), the width doubling when the steps held span more than
   * MAX_SILENT_POINTS buckets. The series held is always thinByStep of every point seen.
   */
  addSilent(step, fractions) {
    if (!Number.isFinite(step) || !Array.isArray(fractions)) return;
    const s = this.silent;
    const w = this.silentWidth;
    const k = Math.floor(step / w);
    const key = (x) => x.step;
    const i = lowerBound(s, k * w, key); // the point held in this bucket, if any
    if (i < s.length && Math.floor(s[i].step / w) === k) {
      if (s[i].step >= step) s[i] = { step, fractions }; // earlier (or the same step again)
    } else {
      s.splice(i, 0, { step, fractions });
    }
    const wide = strideFor(s[0].step, s[s.length - 1].step, MAX_SILENT_POINTS, w);
    if (wide !== w) {
      this.silentWidth = wide;
      this.silent = thinByStep(s, MAX_SILENT_POINTS, wide);
    }
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
   * A /metrics answer: {epochs: [...], batches: [...], activity?}. Batch lines carry the silent
   * fractions per layer; a full answer (since = -1) carries the run folder's newest epoch and
   * batch events, so a page opened after the fact shows the raster and histograms too.
   */
  merge(metrics) {
    for (const e of metrics.epochs || []) {
      this.addEpoch(e);
      if (e && Number.isFinite(e.step)) this.diskEpochStep = Math.max(this.diskEpochStep ?? -1, e.step);
      this.received.backfillEpochs++;
    }
    const lines = metrics.batches || [];
    if (lines.length) this.filledTo = Math.max(this.filledTo, Number(lines[lines.length - 1].step) || -1);
    for (const b of lines) {
      this.addBatch(batchPoint(b));
      this.addSilent(Number(b.step), b.silentFraction);
      this.received.backfillBatches++;
    }
    // The whole-run load's silent series, thinned on the server by the same rule (thinByStep over
    // every batch line): the decimated batch lines alone leave buckets empty on a long run.
    for (const p of metrics.silent || []) this.addSilent(Number(p.step), p.silentFraction);
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
