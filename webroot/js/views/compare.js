// Compare view: overlays the validation accuracy and loss of several runs per epoch, tables their
// best and final metrics, and lists their config differences key by key (values that differ are
// highlighted; a new-schema config's layers side by side, one group per network_layout.layers[i]).
// It loads the epochs only (/metrics?batches=false&activity=false: no batch lines, no
// activity.json) and follows the runs live: their epoch messages (about 1 KB, the metrics) are
// added as they come, a gap or a reconnect asks /metrics?since= for the epochs missed (at most one
// request per run in flight, SingleFlight), a (re)start reloads that run. The accuracy axis is
// fitted to the later half of each run's epochs (or to all of them, a tick away), so runs at
// 97-99% are told apart instead of sharing the top of a 0-100% axis with their first epochs.

import { api } from '../api.js';
import { attachTools } from '../chart-tools.js';
import { countPoints, linearAxis, logAxis, makeChart, panel } from '../charts.js';
import { SingleFlight } from '../single-flight.js';
import { flattenYaml } from '../yaml.js';
import { color, datasetOf, h, isNum, num, pct, stateBadge, throttle } from '../util.js';

const FETCH_SPACING_MS = 1000;
const LAYER = /^network_layout\.layers\[(\d+)\]\./;

function same(a, b) {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  return a != null && b != null && a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y) && x === y;
}

/** Key paths in natural order: layers[2] before layers[10]. */
export function naturalCompare(a, b) {
  const re = /(\d+)|(\D+)/g;
  const pa = a.match(re) || [];
  const pb = b.match(re) || [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

/**
 * The accuracy axis' range fitted to the values: padded by a tenth of their spread (at least 0.2
 * percentage points), within [0, 1]; null without values.
 */
export function fittedRange(values) {
  const v = values.filter(isNum);
  if (!v.length) return null;
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const pad = Math.max(0.002, (hi - lo) * 0.1);
  return { min: Math.max(0, lo - pad), max: Math.min(1, hi + pad) };
}

/** Best (highest validation accuracy, earliest on ties) and final epoch of a run's epochs. */
function bestAndFinal(epochs) {
  let best = null;
  let bestLoss = null;
  for (const e of epochs) {
    if (isNum(e.valAccuracy) && (!best || e.valAccuracy > best.valAccuracy)) best = e;
    if (isNum(e.valLoss) && (!bestLoss || e.valLoss < bestLoss.valLoss)) bestLoss = e;
  }
  return { best, bestLoss, last: epochs[epochs.length - 1] ?? null };
}

export function compareView(ctx, params) {
  const { bus, meta, toast } = ctx;
  const ids = (params.get('ids') || '').split(',').map(decodeURIComponent).filter(Boolean);
  const charts = [];
  const unsubs = [];
  let showAll = false;
  let fitAll = false; // fit the accuracy axis to every epoch, not the later half of each run
  let destroyed = false;
  /** Per run: {id, summary, epochs (sorted by epoch), diskStep, flight, reload}. */
  let loaded = [];

  const picker = h('div.picker');
  const pAcc = panel('Validation accuracy', { id: 'compare-acc', note: 'axis fitted to the later half of each run' });
  const fitToggle = h('label.check', h('input#compare-fit-all', { type: 'checkbox', onchange: (e) => { fitAll = e.target.checked; renderCharts(); } }), ' fit all epochs');
  pAcc.card.querySelector('.card-head').append(fitToggle);
  const pLoss = panel('Validation loss', { id: 'compare-loss', note: 'log scale' });
  const metricsBox = h('div.table-wrap#compare-metrics');
  const tableBox = h('div.table-wrap#compare-config');
  const toggle = h('label.check', h('input', { type: 'checkbox', onchange: (e) => { showAll = e.target.checked; renderTable(); } }), ' show equal keys too');

  const el = h('div.view.compare-view',
    h('div.view-head', h('h1', 'Compare runs')),
    picker,
    h('div.chart-grid', pAcc.card, pLoss.card),
    h('section.card.wide', h('header.card-head', h('h3', 'Best and final metrics'), h('p.chart-note', 'validation set; updated as the runs train')), metricsBox),
    h('section.card.wide', h('header.card-head', h('h3', 'Config differences'), toggle), tableBox));

  const opts = (y) => ({ type: 'line', data: { datasets: [] }, options: { interaction: { mode: 'index', intersect: false }, scales: { x: linearAxis('epoch', { ticks: { precision: 0 } }), y } } });
  const acc = makeChart(pAcc.canvas, opts({ min: 0, max: 1, ticks: { callback: (v) => pct(v, 0) }, grid: { color: '#f1f3f5' } }));
  const loss = makeChart(pLoss.canvas, opts(logAxis('loss')));
  charts.push(acc, loss);
  window.firstspike.compare = { acc, loss };
  attachTools(acc, pAcc.card, { name: 'compare', smooth: true, logAxis: 'y', percentAxes: ['y'] }); // its y range: fittedRange below
  attachTools(loss, pLoss.card, { name: 'compare', smooth: true, logAxis: 'y' });

  async function renderPicker() {
    try {
      const runs = (await api.runs()).runs || [];
      picker.replaceChildren(h('span.picker-label', 'Runs:'), ...runs.map((r) => h('label.pick', { 'data-run': r.id },
        h('input', { type: 'checkbox', checked: ids.includes(r.id), onchange: (e) => {
          const next = e.target.checked ? [...ids, r.id] : ids.filter((x) => x !== r.id);
          location.hash = `#/compare?ids=${next.map(encodeURIComponent).join(',')}`;
        } }), ` ${r.id} `, stateBadge(r.state))));
    } catch (e) {
      toast(`Cannot list runs: ${e.message}`, 'error');
    }
  }

  function renderMetrics() {
    if (!loaded.length) {
      metricsBox.replaceChildren();
      return;
    }
    const head = ['run', 'state', 'epochs', 'best accuracy', 'epoch of best', 'final accuracy', 'final loss', 'lowest loss', 'final train accuracy'];
    metricsBox.replaceChildren(h('table.metrics-table',
      h('thead', h('tr', ...head.map((t) => h('th', t)))),
      h('tbody', loaded.map((r, i) => {
        const { best, bestLoss, last } = bestAndFinal(r.epochs);
        const total = last?.epochs ?? r.summary.epochs;
        return h('tr', { 'data-run': r.id },
          h('td', h('span.swatch', { style: `background:${color(i)}` }), r.id),
          h('td', stateBadge(r.summary.state)),
          h('td.num', { 'data-k': 'epoch' }, `${last ? last.epoch : 0} / ${total ?? '?'}`),
          h('td.num', { 'data-k': 'best' }, pct(best?.valAccuracy, 2)),
          h('td.num', { 'data-k': 'bestEpoch' }, best ? String(best.epoch) : '–'),
          h('td.num', { 'data-k': 'final' }, pct(last?.valAccuracy, 2)),
          h('td.num', { 'data-k': 'finalLoss' }, num(last?.valLoss, 4)),
          h('td.num', { 'data-k': 'lowestLoss' }, bestLoss ? `${num(bestLoss.valLoss, 4)} (epoch ${bestLoss.epoch})` : '–'),
          h('td.num', { 'data-k': 'finalTrain' }, pct(last?.trainAccuracy, 2)));
      }))));
  }

  function renderTable() {
    if (!loaded.length) {
      tableBox.replaceChildren(h('p.muted', 'Pick runs above.'));
      return;
    }
    const flats = loaded.map((r) => flattenYaml(r.summary.config || ''));
    const keys = [...new Set(flats.flatMap((f) => [...f.keys()]))].sort(naturalCompare);
    const rows = keys.filter((k) => showAll || flats.some((f) => !same(f.get(k), flats[0].get(k))));
    // A new-schema config's layer list: a header row per layer entry with each run's layer type.
    const body = [];
    let layer = null;
    for (const k of rows) {
      const m = LAYER.exec(k);
      if (m && m[1] !== layer) {
        layer = m[1];
        const p = `network_layout.layers[${layer}]`;
        body.push(h('tr.layer-head', { 'data-layer': layer }, h('td.key', p),
          ...flats.map((f) => h('td', f.has(`${p}.name`) ? `${f.get(`${p}.name`)}${f.has(`${p}.size`) ? ` (${f.get(`${p}.size`)})` : ''}` : '—'))));
      } else if (!m) {
        layer = null;
      }
      const differs = flats.some((f) => !same(f.get(k), flats[0].get(k)));
      body.push(h(`tr${differs ? '.differs' : ''}`, { 'data-key': k }, h('td.key', k), ...flats.map((f) => h('td', f.get(k) ?? '—'))));
    }
    tableBox.replaceChildren(h('table.diff-table',
      h('thead', h('tr', h('th', 'key'), ...loaded.map((r, i) => h('th', h('span.swatch', { style: `background:${color(i)}` }), r.id)))),
      h('tbody', body.length ? body : h('tr', h('td', { colspan: String(loaded.length + 1) }, loaded.length > 1 ? 'The configs are identical.' : 'One run: tick "show equal keys too" to see its config.')))));
  }

  function renderCharts() {
    const series = (f, positive) => loaded.map((r, i) => ({
      label: `${r.id} (${datasetOf(r.summary.config)})`, borderColor: color(i), backgroundColor: color(i),
      pointRadius: r.epochs.length > 60 ? 0 : 2, parsing: false,
      data: r.epochs.filter((e) => isNum(e[f]) && (!positive || e[f] > 0)).map((e) => ({ x: e.epoch, y: e[f] })),
    }));
    acc.data.datasets = series('valAccuracy');
    loss.data.datasets = series('valLoss', true);
    const fitted = loaded.flatMap((r) => {
      const last = r.epochs.length ? r.epochs[r.epochs.length - 1].epoch : 0;
      return r.epochs.filter((e) => fitAll || e.epoch >= Math.floor(last / 2)).map((e) => e.valAccuracy);
    });
    const range = fittedRange(fitted);
    pAcc.note.textContent = fitAll ? 'axis fitted to every epoch' : 'axis fitted to the later half of each run';
    const y = acc.options.scales.y;
    y.min = range ? range.min : 0;
    y.max = range ? range.max : 1;
    const digits = y.max - y.min < 0.05 ? 1 : 0;
    y.ticks.callback = (v) => pct(v, digits);
    acc.update('none');
    loss.update('none');
    countPoints(acc, pAcc.card);
    countPoints(loss, pLoss.card);
  }

  const redraw = throttle(() => {
    if (destroyed) return;
    renderCharts();
    renderMetrics();
  }, 500);

  /** Adds or replaces epochs by number; true if the list changed. */
  function addEpochs(r, epochs) {
    let changed = false;
    for (const m of epochs) {
      if (!m || !Number.isFinite(m.epoch)) continue;
      changed = true;
      if (!r.epochs.length || r.epochs[r.epochs.length - 1].epoch < m.epoch) {
        r.epochs.push(m); // in order: the usual case, live and loaded alike
        continue;
      }
      const i = r.epochs.findIndex((e) => e.epoch >= m.epoch);
      if (i < 0) r.epochs.push(m);
      else if (r.epochs[i].epoch === m.epoch) r.epochs[i] = m;
      else r.epochs.splice(i, 0, m);
    }
    return changed;
  }

  /** One backfill of a run: everything after a (re)start, else the epochs after the newest from disk. */
  async function backfill(r, signal) {
    const reload = r.reload;
    r.reload = false;
    try {
      const since = reload || !Number.isFinite(r.diskStep) ? -1 : Math.max(-1, r.diskStep - 1);
      const m = await api.epochs(r.id, since, signal);
      if (destroyed) return;
      if (reload) r.epochs = [];
      addEpochs(r, m.epochs || []);
      for (const e of m.epochs || []) if (Number.isFinite(e.step)) r.diskStep = Math.max(r.diskStep ?? -1, e.step);
      redraw();
    } catch (e) {
      r.reload ||= reload;
      throw e;
    }
  }

  function follow(r) {
    r.flight = new SingleFlight((signal) => backfill(r, signal), FETCH_SPACING_MS, (e) => {
      if (!destroyed && e.status !== 0) toast(`Could not update ${r.id}: ${e.message}`, 'error');
    });
    const addr = (kind) => meta.streams[kind].replace('{id}', r.id);
    unsubs.push(bus.subscribe(addr('epoch'), (msg) => {
      const m = msg?.metrics;
      if (!m || !Number.isFinite(m.epoch)) return;
      const last = r.epochs[r.epochs.length - 1];
      if (last && m.epoch > last.epoch + 1) r.flight.want(); // a lagging connection lost some
      addEpochs(r, [m]);
      redraw();
    }));
    unsubs.push(bus.subscribe(addr('state'), (s) => {
      if (s.evaluation) return;
      r.summary.state = s.state;
      if (s.state === 'running') {
        r.reload = true; // a resume rewinds the logs to its snapshot
        r.flight.want();
      }
      redraw();
    }));
  }

  async function load() {
    const results = await Promise.all(ids.map(async (id) => {
      try {
        const [summary, metrics] = await Promise.all([api.runConfig(id), api.epochs(id, -1)]);
        const r = { id, summary, epochs: [], diskStep: null, flight: null, reload: false };
        addEpochs(r, metrics.epochs || []);
        for (const e of r.epochs) if (Number.isFinite(e.step)) r.diskStep = Math.max(r.diskStep ?? -1, e.step);
        return r;
      } catch (e) {
        toast(`Cannot load ${id}: ${e.message}`, 'error');
        return null;
      }
    }));
    if (destroyed) return;
    loaded = results.filter(Boolean);
    loaded.forEach(follow);
    renderCharts();
    renderMetrics();
    renderTable();
    el.dataset.loaded = 'true';
  }

  // After a reconnect the epochs sent meanwhile are lost: ask the files. While the stream is
  // down nothing is fetched.
  unsubs.push(bus.onReconnect(() => loaded.forEach((r) => r.flight.want())));
  unsubs.push(bus.onStatus((st) => {
    if (st.state === 'reconnecting') loaded.forEach((r) => r.flight?.pause());
    else if (st.state === 'connected') loaded.forEach((r) => r.flight?.resume());
  }));

  load().then(renderPicker); // the runs list reads every run's metrics: after the runs compared
  return {
    el,
    title: 'Compare',
    destroy() {
      destroyed = true;
      unsubs.forEach((u) => u());
      loaded.forEach((r) => r.flight?.close());
      charts.forEach((c) => c.destroy());
      window.firstspike.compare = null;
    },
  };
}
