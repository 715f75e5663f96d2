// Live run view: subscribes to the run's three streams, loads its history from disk, backfills
// after every reconnect (and after epochs, to fill in the batches the 10/s stream sampled out and
// any epoch message a lagging connection lost), fetches the newest epoch's big payloads (weight
// histograms, the validation map) which the stream does not carry, and draws the seven charts.
// Backfills and payload fetches are coalesced: at most one runs, one waits, and each kind at
// most once per second, however fast epochs arrive. Stop and resume go through the REST API;
// the state stream confirms them.

import { api } from '../api.js';
import { LiveCharts } from '../live-charts.js';
import { RunData } from '../store.js';
import { datasetOf, dateTime, duration, h, isNum, num, pct, secondsBetween, stateBadge, throttle } from '../util.js';

const ACTIVE = new Set(['queued', 'running', 'stopping']);
/** Fast runs finish several epochs a second: fetch after them at most this often. */
const FETCH_SPACING_MS = 1000;
const sleep = (ms) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
const RESUMABLE = new Set(['stopped', 'interrupted', 'failed']);

export function liveView(ctx, id) {
  const { bus, meta, toast } = ctx;
  const data = new RunData(id);
  let summary = null;
  let epochMsgAt = null; // when the newest live epoch message arrived (for the ETA)
  let rateStart = null; // {t, frac} at the first live batch of this (re)start: ETA before epoch 1 ends
  let destroyed = false;
  let chain = Promise.resolve(); // backfills run one after another
  let wantSince = null; // the smallest since asked for by epochs while a backfill waits
  let lastBackfillAt = 0;
  let activityBusy = false;
  let activityAgain = false;
  let lastActivityAt = 0;
  const unsubs = [];

  const title = h('h1.run-title', id);
  const badge = h('span');
  const sub = h('p.run-sub', '');
  const reason = h('p.reason', { hidden: true });
  const stopBtn = h('button.btn#stop-run', { type: 'button', onclick: () => act('stop') }, 'Stop');
  const resumeBtn = h('button.btn.primary#resume-run', { type: 'button', onclick: () => act('resume') }, 'Resume');
  const bar = h('div.progress-fill');
  const progressText = h('span.progress-text', '');
  const etaText = h('span.progress-eta', '');
  const stats = h('div.stats');
  const charts = new LiveCharts(data);

  const el = h('div.view.live-view', { 'data-run': id },
    h('div.run-head',
      h('div', h('div.title-row', title, badge), sub),
      h('div.actions', stopBtn, resumeBtn,
        h('a.btn.ghost', { href: `#/evaluate/${encodeURIComponent(id)}` }, 'Evaluate'),
        h('a.btn.ghost', { href: `#/compare?ids=${encodeURIComponent(id)}` }, 'Compare'))),
    reason,
    h('div.progress', { role: 'progressbar' }, bar),
    h('div.progress-row', progressText, etaText),
    stats,
    charts.el);

  const redraw = throttle(() => {
    if (destroyed) return;
    charts.update();
    renderHead();
    window.firstspike.points = charts.pointCounts();
  }, 500);
  window.firstspike.data = data;

  function renderHead() {
    const s = summary;
    const state = s?.state ?? 'unknown';
    badge.replaceChildren(stateBadge(state));
    el.dataset.state = state;
    stopBtn.disabled = !ACTIVE.has(state) || state === 'stopping';
    resumeBtn.disabled = !RESUMABLE.has(state);
    if (s) {
      sub.textContent = `${datasetOf(s.config)} · started ${dateTime(s.createdAt)} · ${ACTIVE.has(state) ? 'running for' : 'took'} `
        + `${duration(secondsBetween(s.createdAt, ACTIVE.has(state) ? null : s.updatedAt))}`;
      reason.hidden = !s.reason || state === 'running' || state === 'queued';
      reason.textContent = s.reason || '';
      reason.className = `reason state-${state}`;
    }
    const total = Math.max(s?.epochs || 0, data.plannedEpochs() || 0) || null;
    const frac = state === 'finished' ? 1 : data.progress(total) ?? s?.progress ?? 0;
    bar.style.width = `${(100 * (frac || 0)).toFixed(1)}%`;
    bar.className = `progress-fill state-${state}`;
    const b = data.latestBatch;
    const lastEpoch = data.epochs[data.epochs.length - 1];
    const epochDone = lastEpoch ? lastEpoch.epoch : 0;
    let where = `epoch ${epochDone} of ${total ?? '?'} done`;
    if (ACTIVE.has(state) && b && b.epoch > epochDone) where = `epoch ${b.epoch} of ${total ?? '?'} · batch ${b.batch + 1} of ${b.batchesPerEpoch ?? '?'}`;
    progressText.textContent = `${pct(frac, 0)} · ${where}`;
    let eta = NaN;
    if (ACTIVE.has(state)) {
      if (lastEpoch && isNum(lastEpoch.etaSeconds) && lastEpoch.epoch > 0 && epochMsgAt) {
        eta = lastEpoch.etaSeconds - (Date.now() - epochMsgAt) / 1000;
      } else if (rateStart && frac - rateStart.frac > 0.005) {
        eta = ((1 - frac) * (Date.now() - rateStart.t)) / 1000 / (frac - rateStart.frac);
      } else if (isNum(s?.etaSeconds)) {
        eta = s.etaSeconds;
      }
    }
    etaText.textContent = ACTIVE.has(state) ? `ETA ${isNum(eta) ? duration(Math.max(0, eta)) : '–'}` : '';
    const best = data.epochs.reduce((a, e) => (isNum(e.valAccuracy) && (!a || e.valAccuracy > a.valAccuracy) ? e : a), null);
    const stat = (k, v, cls = '') => [h(`div.stat${cls}`, h('span.k', k), h('span.v', v))];
    stats.replaceChildren(
      ...stat('validation accuracy', pct(lastEpoch?.valAccuracy), '.big'),
      ...stat('best', best ? `${pct(best.valAccuracy)} (epoch ${best.epoch})` : '–'),
      ...stat('train accuracy', pct(lastEpoch?.trainAccuracy)),
      ...stat('validation loss', num(lastEpoch?.valLoss)),
      ...stat('learning rate', num(b?.learningRate ?? lastEpoch?.learningRate, 5)),
      ...stat('samples / s', isNum(lastEpoch?.samplesPerSecond) && lastEpoch.samplesPerSecond > 0 ? Math.round(lastEpoch.samplesPerSecond).toLocaleString() : '–'),
    );
  }

  async function loadSummary() {
    try {
      summary = await api.run(id);
    } catch (e) {
      if (destroyed) return;
      if (e.status === 404 || e.status === 400) {
        el.replaceChildren(h('div.notice.error', `${e.message}. `, h('a', { href: '#/runs' }, 'Back to the runs')));
        destroyed = true;
        return;
      }
      if (e.status !== 0) toast(`Run ${id}: ${e.message}`, 'error');
    }
    redraw();
  }

  /**
   * Fetches /metrics?since= and merges; since = -1 reloads everything after a reset. With
   * activity, the answer also brings the run folder's newest epoch and batch (raster, histograms).
   */
  function backfill(since, reset = false, activity = since < 0) {
    chain = chain.then(async () => {
      if (destroyed) return;
      try {
        const m = await api.metrics(id, since, 2000, activity);
        if (reset) data.reset();
        data.merge(m);
        redraw();
      } catch (e) {
        if (!destroyed && e.status !== 0 && e.status !== 404) toast(`Could not load the curves of ${id}: ${e.message}`, 'error');
      }
    });
    return chain;
  }

  /**
   * The backfill after an epoch message: requests that arrive while one waits to run are merged
   * into it (the smallest since wins), and they run at most once per FETCH_SPACING_MS.
   */
  function requestBackfill(since) {
    const waiting = wantSince != null;
    wantSince = waiting ? Math.min(wantSince, since) : since;
    if (waiting) return;
    chain = chain.then(async () => {
      await sleep(lastBackfillAt + FETCH_SPACING_MS - Date.now());
      const s = wantSince;
      wantSince = null;
      lastBackfillAt = Date.now();
      if (destroyed || s == null) return;
      try {
        data.merge(await api.metrics(id, s, 2000, false));
        redraw();
      } catch (e) {
        if (!destroyed && e.status !== 0 && e.status !== 404) toast(`Could not load the curves of ${id}: ${e.message}`, 'error');
      }
    });
  }

  /**
   * Fetches the newest epoch's payloads (activity.json) while the page shows an older one: one
   * request at a time, at most once per FETCH_SPACING_MS, and one more if epochs came meanwhile.
   */
  async function requestActivity() {
    if (activityBusy) {
      activityAgain = true;
      return;
    }
    activityBusy = true;
    try {
      do {
        activityAgain = false;
        await sleep(lastActivityAt + FETCH_SPACING_MS - Date.now());
        if (destroyed) return;
        lastActivityAt = Date.now();
        try {
          data.mergeActivity(await api.activity(id));
          redraw();
        } catch (e) {
          if (!destroyed && e.status !== 0 && e.status !== 404) toast(`Could not load the newest epoch of ${id}: ${e.message}`, 'error');
        }
      } while (activityAgain && !destroyed && data.needsActivity());
    } finally {
      activityBusy = false;
    }
  }

  async function act(what) {
    const btn = what === 'stop' ? stopBtn : resumeBtn;
    btn.disabled = true;
    try {
      const r = await api[what](id);
      if (summary && r?.state) summary.state = r.state;
      toast(what === 'stop' ? 'Stop requested: the run stops after the current batch.' : 'Run queued to resume from its last snapshot.');
    } catch (e) {
      toast(`${what === 'stop' ? 'Stop' : 'Resume'} failed: ${e.message}`, 'error');
    }
    loadSummary();
  }

  const addr = (kind) => meta.streams[kind].replace('{id}', id);
  unsubs.push(bus.subscribe(addr('batch'), (b) => {
    data.onBatchMessage(b);
    if (!rateStart) rateStart = { t: Date.now(), frac: data.progress(summary?.epochs) ?? 0 };
    if (summary && summary.state === 'queued') summary.state = 'running';
    redraw();
  }));
  unsubs.push(bus.subscribe(addr('epoch'), (e) => {
    const since = data.backfillSince();
    data.onEpochMessage(e);
    epochMsgAt = Date.now();
    requestBackfill(since); // the batches of this epoch that the sampled stream skipped
    if (data.needsActivity()) requestActivity(); // its weight histograms and validation map
    redraw();
  }));
  unsubs.push(bus.subscribe(addr('state'), (s) => {
    if (s.evaluation) return; // evaluation progress (the Evaluate view's), not a lifecycle change
    if (summary) {
      summary.state = s.state;
      summary.reason = s.reason;
    }
    // A (re)start: a resumed run rewinds its logs to the snapshot, so reload them whole.
    if (s.state === 'running') {
      backfill(-1, true);
      rateStart = null;
      epochMsgAt = null;
    }
    if (!ACTIVE.has(s.state)) {
      backfill(data.backfillSince());
      requestActivity(); // the run's last epoch, written before its end was announced
    }
    loadSummary();
  }));
  // After a reconnect: the subscriptions are registered again; fetch what the gap lost.
  unsubs.push(bus.onReconnect(() => {
    loadSummary();
    backfill(data.backfillSince());
    requestActivity();
  }));

  loadSummary();
  backfill(-1);
  const tick = setInterval(renderHead, 1000);
  // A run another process trains (a CLI train in the runs folder) has no live streams: while it
  // is active, read its files every 2 s instead (status first: once it says the run ended, the
  // curves that follow are complete).
  const poll = setInterval(async () => {
    if (destroyed || !summary?.otherProcess || !ACTIVE.has(summary.state)) return;
    await loadSummary();
    backfill(data.backfillSince(), false, true); // with the newest raster and histograms
  }, 2000);

  return {
    el,
    title: id,
    destroy() {
      destroyed = true;
      clearInterval(tick);
      clearInterval(poll);
      unsubs.forEach((u) => u());
      charts.destroy();
      window.firstspike.points = {};
      window.firstspike.data = null;
    },
  };
}
