// Live run view: subscribes to the run's three streams, loads its history from disk, backfills
// after every reconnect (and after epochs, to fill in the batches the 10/s stream sampled out and
// any epoch message a lagging connection lost), fetches the newest epoch's big payloads (weight
// histograms, the validation map) which the stream does not carry, and draws the seven charts.
// Backfills and payload fetches are coalesced (SingleFlight): at most one of each kind in flight,
// each kind at most once per second however fast epochs arrive, each backfill asking from the
// newest epoch the files have given (never from a step queued earlier), and while the stream is
// down the request in flight is aborted and none starts. Stop and resume go through the REST
// API; the state stream confirms them.

import { api } from '../api.js';
import { LiveCharts } from '../live-charts.js';
import { identityPanel } from '../run-identity.js';
import { RunOverlay } from '../overlay.js';
import { SingleFlight } from '../single-flight.js';
import { RunData } from '../store.js';
import { datasetOf, dateTime, duration, h, isNum, newsOrder, num, pct, secondsBetween, stateBadge, throttle, trainingSeconds } from '../util.js';

const ACTIVE = new Set(['queued', 'running', 'stopping']);
/** Fast runs finish several epochs a second: fetch after them at most this often. */
const FETCH_SPACING_MS = 1000;
const RESUMABLE = new Set(['stopped', 'interrupted', 'failed']);

export function liveView(ctx, id) {
  const { bus, meta, toast } = ctx;
  const data = new RunData(id, meta.batchPoints);
  let summary = null;
  let epochMsgAt = null; // when the newest live epoch message arrived (for the ETA)
  let rateStart = null; // {t} at the first live batch of this (re)start
  // The pace of the current session (this (re)start), from live messages: {epoch, t} of its epoch
  // messages and {step, t} of its first and newest batch. The ETA follows it (issue 22, bug 7).
  let pace = { epochs: [], firstBatch: null, lastBatch: null };
  let destroyed = false;
  let loaded = false; // the whole-run load (since = -1) has been merged
  let reloadWanted = false; // a (re)start: the next backfill reloads everything, replacing what is held
  let activityWanted = false; // the next backfill also brings activity.json
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
  const identity = identityPanel(id, { toast }); // name, tags, notes, config, archive, delete
  const progress = h('div.progress', { role: 'progressbar', 'aria-label': 'training progress', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' }, bar);

  const el = h('div.view.live-view', { 'data-run': id },
    h('div.run-head',
      h('div', h('div.title-row', title, badge), sub),
      h('div.actions', stopBtn, resumeBtn,
        h('a.btn.ghost', { href: `#/evaluate/${encodeURIComponent(id)}` }, 'Evaluate'),
        h('a.btn.ghost', { href: `#/compare?ids=${encodeURIComponent(id)}` }, 'Compare'),
        h('a.btn.ghost#download-network', { href: api.zipUrl(id, 'network'), download: '', title: 'The newest snapshot\'s network folder as a zip' }, 'Network .zip'),
        h('a.btn.ghost#download-folder', { href: api.zipUrl(id, 'folder'), download: '', title: 'The whole run folder as a zip' }, 'Run folder .zip'))),
    reason,
    identity.el,
    progress,
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
  const overlay = new RunOverlay(ctx, charts.epochsChart, charts.epochsPanel.card, id, throttle(() => {
    if (!destroyed) charts.epochsChart.update('none');
  }, 500));

  function renderHead() {
    const s = summary;
    identity.update(s);
    const state = s?.state ?? 'unknown';
    badge.replaceChildren(stateBadge(state));
    el.dataset.state = state;
    stopBtn.disabled = !ACTIVE.has(state) || state === 'stopping';
    resumeBtn.disabled = !RESUMABLE.has(state);
    if (s) {
      sub.textContent = `${datasetOf(s.config)} · created ${dateTime(s.createdAt)} · ${trainedText(state)}`;
      reason.hidden = !s.reason || state === 'running' || state === 'queued';
      reason.textContent = s.reason || '';
      reason.className = `reason state-${state}`;
    }
    const total = Math.max(s?.epochs || 0, data.plannedEpochs() || 0) || null;
    const frac = state === 'finished' ? 1 : data.progress(total) ?? s?.progress ?? 0;
    bar.style.width = `${(100 * (frac || 0)).toFixed(1)}%`;
    progress.setAttribute('aria-valuenow', (100 * (frac || 0)).toFixed(0));
    bar.className = `progress-fill state-${state}`;
    const b = data.latestBatch;
    const lastEpoch = data.epochs[data.epochs.length - 1];
    const epochDone = lastEpoch ? lastEpoch.epoch : 0;
    let where = `epoch ${epochDone} of ${total ?? '?'} done`;
    if (ACTIVE.has(state) && b && b.epoch > epochDone) where = `epoch ${b.epoch} of ${total ?? '?'} · batch ${b.batch + 1} of ${b.batchesPerEpoch ?? '?'}`;
    progressText.textContent = `${pct(frac, 0)} · ${where}`;
    progress.setAttribute('aria-valuetext', `${state}: ${progressText.textContent}`);
    let eta = NaN;
    if (ACTIVE.has(state)) eta = sessionEta(total, s);
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

  /**
   * Seconds left at the current session's pace: from its epoch messages once two have come
   * (epochs per second, validation included), before that from its batches (after 2 s of them).
   * Not the trainer's etaSeconds: it divides the session's time, start-up included, by the
   * session's epochs, so after a resume it starts far too high and falls for minutes. A run
   * another process trains has no live messages: its trainer's estimate is all there is.
   */
  function sessionEta(total, s) {
    const now = Date.now();
    const e = pace.epochs;
    if (total && e.length >= 2) {
      const a = e[0];
      const b = e[e.length - 1];
      const perEpoch = (b.t - a.t) / 1000 / (b.epoch - a.epoch);
      return (total - b.epoch) * perEpoch - (now - b.t) / 1000;
    }
    const f = pace.firstBatch;
    const l = pace.lastBatch;
    const bpe = data.latestBatch?.batchesPerEpoch;
    if (total && f && l && l.t - f.t >= 2000 && l.step > f.step && bpe > 0) {
      const perBatch = (l.t - f.t) / 1000 / (l.step - f.step);
      const done = l.epoch - 1 + (l.batch + 1) / bpe; // epochs done at the newest batch
      return (total - done) * bpe * perBatch - (now - l.t) / 1000;
    }
    if (s?.otherProcess && isNum(s.etaSeconds)) return s.etaSeconds;
    return NaN;
  }

  /**
   * How long the run has trained: the sessions' elapsed seconds from its epoch records, plus,
   * while it trains, the time since the newest epoch (or since its first batch of this session);
   * time spent queued is not training (issue 22, bug 9).
   */
  function trainedText(state) {
    if (state === 'queued') return `queued for ${duration(secondsBetween(summary?.createdAt, null))}`;
    let t = trainingSeconds(data.epochs);
    const live = state === 'running' || state === 'stopping';
    if (live && epochMsgAt) t = (isNum(t) ? t : 0) + (Date.now() - epochMsgAt) / 1000;
    else if (live && rateStart) t = (isNum(t) ? t : 0) + (Date.now() - rateStart.t) / 1000;
    return `${live ? 'training for' : 'trained for'} ${duration(t)}`;
  }

  // What the page knows of the run's state comes from three sources that can arrive out of order:
  // answers to loadSummary() (several connections, a server that reads folders on a pool), state
  // messages, and the replies to Stop and Resume. Each is numbered when it is asked for (a message
  // when it arrives), and one older than what is shown is dropped: otherwise a stop whose
  // 'stopping' arrived after its 'stopped' would show 'stopping' for good, or for long enough
  // to disable Resume under the user's click.
  const news = newsOrder();
  async function loadSummary() {
    const asked = news.ask();
    try {
      const s = await api.run(id);
      if (!news.isNewest(asked)) return;
      summary = s;
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

  const failed = (what) => (e) => {
    if (!destroyed && e.status !== 0 && e.status !== 404) toast(`Could not load ${what} of ${id}: ${e.message}`, 'error');
  };

  /**
   * One backfill: the whole run until it has been loaded once (and after a (re)start, which
   * rewinds the logs: then it replaces what is held), else /metrics?since= from the newest epoch
   * the files have given, decimated by the server into buckets as wide as those of the last
   * whole load. Computed when it starts, so a backfill never asks for a range that one before it
   * already brought. When the page holds more than twice the server's bound (data.overLimit()),
   * the batch series is loaded whole again (without the epochs, which it holds): the server
   * decimates it to its bound, at a width that grows with the run, so this happens about once
   * each time the run doubles its length.
   */
  async function backfillOnce(signal) {
    if (destroyed) return;
    const reload = reloadWanted;
    const first = reload || !loaded;
    const refill = !first && data.overLimit();
    const activity = first || activityWanted;
    reloadWanted = false;
    activityWanted = false;
    try {
      const since = first || refill ? -1 : data.backfillSince();
      const m = await api.metrics(id, { since, width: since < 0 ? 1 : data.bucketWidth, activity, epochs: !refill }, signal);
      if (destroyed) return;
      if (reload) data.reset();
      data.merge(m, since);
      loaded = true;
      redraw();
    } catch (e) {
      reloadWanted ||= reload; // asked again by the next want() (after a reconnect, at the latest)
      activityWanted ||= activity;
      throw e;
    }
  }
  const backfills = new SingleFlight(backfillOnce, FETCH_SPACING_MS, failed('the curves'));

  /** Asks for a backfill; {@code reload} for a (re)start, {@code activity} for the newest raster and histograms. */
  function backfill({ reload = false, activity = false } = {}) {
    reloadWanted ||= reload;
    activityWanted ||= activity;
    backfills.want();
  }

  /** The newest epoch's payloads (activity.json): fetched while the page shows an older one. */
  const activities = new SingleFlight(async (signal) => {
    if (destroyed) return;
    data.mergeActivity(await api.activity(id, signal));
    redraw();
  }, FETCH_SPACING_MS, failed('the newest epoch'));

  async function act(what) {
    const btn = what === 'stop' ? stopBtn : resumeBtn;
    btn.disabled = true;
    const asked = news.ask();
    try {
      const r = await api[what](id);
      if (summary && r?.state && news.isNewest(asked)) summary.state = r.state;
      toast(what === 'stop' ? 'Stop requested: the run stops after the current batch.' : 'Run queued to resume from its last snapshot.');
    } catch (e) {
      toast(`${what === 'stop' ? 'Stop' : 'Resume'} failed: ${e.message}`, 'error');
    }
    loadSummary();
  }

  const addr = (kind) => meta.streams[kind].replace('{id}', id);
  unsubs.push(bus.subscribe(addr('batch'), (b) => {
    data.onBatchMessage(b);
    if (data.overLimit()) backfill(); // a long epoch's live points: the server's series again
    const now = Date.now();
    if (!rateStart) rateStart = { t: now };
    const p = { step: Number(b.step), epoch: b.epoch, batch: b.batch, t: now };
    if (Number.isFinite(p.step) && (!pace.lastBatch || p.step > pace.lastBatch.step)) {
      pace.firstBatch ??= p;
      pace.lastBatch = p;
    }
    if (summary && summary.state === 'queued') summary.state = 'running';
    redraw();
  }));
  unsubs.push(bus.subscribe(addr('epoch'), (e) => {
    data.onEpochMessage(e);
    epochMsgAt = Date.now();
    const n = e?.metrics?.epoch;
    if (Number.isFinite(n) && (!pace.epochs.length || n > pace.epochs[pace.epochs.length - 1].epoch)) {
      pace.epochs.push({ epoch: n, t: epochMsgAt });
    }
    backfill(); // the batches of this epoch that the sampled stream skipped
    if (data.needsActivity()) activities.want(); // its weight histograms and validation map
    redraw();
  }));
  unsubs.push(bus.subscribe(addr('state'), (s) => {
    if (s.evaluation) return; // evaluation progress (the Evaluate view's), not a lifecycle change
    if (summary && news.isNewest(news.ask())) {
      summary.state = s.state;
      summary.reason = s.reason;
    }
    // A (re)start: a resumed run rewinds its logs to the snapshot, so reload them whole.
    if (s.state === 'running') {
      backfill({ reload: true });
      rateStart = null;
      epochMsgAt = null;
      pace = { epochs: [], firstBatch: null, lastBatch: null };
    }
    if (!ACTIVE.has(s.state)) {
      backfill();
      activities.want(); // the run's last epoch, written before its end was announced
    }
    loadSummary();
  }));
  // After a reconnect: the subscriptions are registered again; fetch what the gap lost.
  unsubs.push(bus.onReconnect(() => {
    loadSummary();
    backfill();
    activities.want();
  }));
  // While the stream is down (the server restarting, the network gone) nothing is fetched and
  // what was in flight is aborted: the reconnect asks again, from what is held then.
  unsubs.push(bus.onStatus((st) => {
    if (st.state === 'reconnecting') {
      backfills.pause();
      activities.pause();
    } else if (st.state === 'connected') {
      backfills.resume();
      activities.resume();
    }
  }));

  loadSummary();
  backfill();
  const tick = setInterval(renderHead, 1000);
  // A run another process trains (a CLI train in the runs folder) has no live streams: while it
  // is active, read its files every 2 s instead (status first: once it says the run ended, the
  // curves that follow are complete).
  const poll = setInterval(async () => {
    if (destroyed || !summary?.otherProcess || !ACTIVE.has(summary.state)) return;
    await loadSummary();
    backfill({ activity: true }); // with the newest raster and histograms
  }, 2000);

  return {
    el,
    title: id,
    destroy() {
      destroyed = true;
      backfills.close();
      activities.close();
      clearInterval(tick);
      clearInterval(poll);
      unsubs.forEach((u) => u());
      overlay.destroy();
      charts.destroy();
      window.firstspike.points = {};
      window.firstspike.data = null;
    },
  };
}
