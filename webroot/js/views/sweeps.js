// Sweeps (docs/SWEEPS.md "In the workbench"): the list and launch form (#/sweeps) and one sweep's
// view (#/sweep/<id>): validation accuracy per setting as mean +- std bands over epochs, a
// sortable table of final metrics per setting, and error against a swept parameter. The server
// does the grouping and the statistics (GET /api/sweeps/<id>); the page redraws when
// sweeps.<id>.state says a run changed state or finished an epoch.

import { api, request } from '../api.js';
import { linearAxis, makeChart, panel, countPoints } from '../charts.js';
import { flattenYaml } from '../yaml.js';
import { alpha, color, dateTime, h, isNum, newsOrder, pct, stateBadge, throttle } from '../util.js';

const enc = encodeURIComponent;
export const sweepApi = {
  list: () => request('GET', '/api/sweeps'),
  get: (id) => request('GET', `/api/sweeps/${enc(id)}`),
  create: (body) => request('POST', '/api/sweeps', body),
  stop: (id) => request('POST', `/api/sweeps/${enc(id)}/stop`),
};

/** "training_params.lr_scheduler.gamma" or "network_layout.layer_sizes[0]" as a sweep path. */
function sweepPath(flatKey) {
  return flatKey.replace(/\[(\d+)\]/g, '.$1').split('.').join('/');
}

/** "0.001, 0.01" or "[10, 20]" -> values; numbers, true/false and null are typed, the rest text. */
export function parseValues(text) {
  const t = text.trim().replace(/^\[(.*)\]$/s, '$1');
  if (!t) return [];
  return t.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return Number(s);
    if (s === 'true' || s === 'false') return s === 'true';
    if (s === 'null') return null;
    return s.replace(/^(['"])(.*)\1$/, '$2');
  });
}

export function sweepsView(ctx) {
  const { toast } = ctx;
  const listBox = h('div.table-wrap#sweep-list', h('p.muted', 'Loading…'));
  const configSelect = h('select#sweep-config', { 'aria-label': 'config' });
  const name = h('input#sweep-name', { type: 'text', value: 'sweep', 'aria-label': 'sweep name' });
  const seeds = h('input#sweep-seeds', { type: 'text', placeholder: '1..5 or 1,4,9', 'aria-label': 'seeds' });
  const keys = h('datalist#sweep-keys');
  const axes = h('div.sweep-axes');
  const file = h('textarea#sweep-file.editor', { rows: '6', spellcheck: 'false', placeholder: 'or paste a sweep file:\nparameters:\n  - path: training_params/learning_rate\n    value: [0.001, 0.005]' });
  const errorBox = h('div.error-box#sweep-error', { hidden: true });
  let flat = new Map();

  function addAxis(path = '', values = '') {
    const row = h('div.sweep-axis',
      h('input.axis-path', { type: 'text', list: 'sweep-keys', value: path, placeholder: 'config key, e.g. network_layout/layer_sizes/0', 'aria-label': 'key' }),
      h('input.axis-values', { type: 'text', value: values, placeholder: 'values, e.g. 10, 20, 30', 'aria-label': 'values' }),
      h('button.btn.ghost', { type: 'button', onclick: () => row.remove() }, 'remove'));
    const p = row.querySelector('.axis-path');
    p.addEventListener('change', () => {
      const v = row.querySelector('.axis-values');
      const current = [...flat.entries()].find(([k]) => sweepPath(k) === p.value.trim());
      v.placeholder = current ? `values (now ${current[1]}), e.g. 10, 20, 30` : 'values, e.g. 10, 20, 30';
    });
    axes.append(row);
  }

  async function loadConfigs() {
    try {
      const cs = (await api.configs()).configs || [];
      configSelect.replaceChildren(...cs.map((c) => h('option', { value: c.name }, c.name)));
      await loadKeys();
    } catch (e) {
      toast(`Cannot list configs: ${e.message}`, 'error');
    }
  }

  async function loadKeys() {
    if (!configSelect.value) return;
    try {
      flat = new Map();
      for (const [k, v] of flattenYaml((await api.config(configSelect.value)).yaml)) {
        flat.set(k, v);
        // a list of scalars is one value ("[30, 3]"); its items can be swept one by one too
        const items = /^\[(.*)\]$/.exec(v);
        if (items && items[1].trim()) items[1].split(',').forEach((x, i) => flat.set(`${k}[${i}]`, x.trim()));
      }
      keys.replaceChildren(...[...flat.keys()].map((k) => h('option', { value: sweepPath(k) }, flat.get(k))));
    } catch (e) {
      toast(`Cannot read the config: ${e.message}`, 'error');
    }
  }
  configSelect.addEventListener('change', loadKeys);

  function sweepBody() {
    const text = file.value.trim();
    if (text) return text;
    const parameters = [];
    for (const row of axes.querySelectorAll('.sweep-axis')) {
      const path = row.querySelector('.axis-path').value.trim();
      const values = parseValues(row.querySelector('.axis-values').value);
      if (path) parameters.push({ path, value: values });
    }
    return { parameters };
  }

  async function launch() {
    errorBox.hidden = true;
    const body = { config: configSelect.value, name: name.value.trim() || 'sweep', sweep: sweepBody() };
    if (seeds.value.trim()) body.seeds = seeds.value.trim();
    try {
      const r = await sweepApi.create(body);
      toast(`Sweep ${r.id}: ${r.runs.length} runs queued`);
      location.hash = `#/sweep/${enc(r.id)}`;
    } catch (e) {
      errorBox.replaceChildren(h('strong', 'The sweep was refused: '), e.message);
      errorBox.hidden = false;
    }
  }

  async function loadList() {
    try {
      const sweeps = (await sweepApi.list()).sweeps || [];
      listBox.replaceChildren(sweeps.length ? h('table.diff-table',
        h('thead', h('tr', h('th', 'sweep'), h('th', 'state'), h('th', 'runs'), h('th', 'config'), h('th', 'created'))),
        h('tbody', sweeps.map((s) => h('tr', { 'data-sweep': s.id },
          h('td', h('a', { href: `#/sweep/${enc(s.id)}` }, s.id)), h('td', stateBadge(s.state)),
          h('td', `${s.counts.finished}/${s.total} finished`), h('td', s.config || '(pasted)'), h('td', dateTime(s.createdAt))))))
        : h('p.muted', 'No sweep yet.'));
    } catch (e) {
      listBox.replaceChildren(h('p.muted', `Cannot list sweeps: ${e.message}`));
    }
  }

  addAxis();
  const el = h('div.view.sweeps-view',
    h('div.view-head', h('h1', 'Sweeps')),
    h('section.card.wide', h('header.card-head', h('h3', 'Launch a sweep')),
      h('div.sweep-form',
        h('label.field', 'Config ', configSelect), h('label.field', 'Name ', name),
        h('label.field', 'Seeds ', seeds),
        h('p.hint', 'Pick config keys and their values (the runs are every combination, the last key fastest), or paste a sweep file in the original format.'),
        keys, axes,
        h('button.btn.ghost#add-axis', { type: 'button', onclick: () => addAxis() }, 'add key'),
        file, errorBox,
        h('div.actions', h('button.btn.primary#launch-sweep', { type: 'button', onclick: launch }, 'Launch sweep')))),
    h('section.card.wide', h('header.card-head', h('h3', 'Sweeps')), listBox));
  loadConfigs();
  loadList();
  return { el, title: 'Sweeps', destroy() {} };
}

/** Sorts rows by a column: numbers numerically (missing last), text alphabetically. */
function compareCells(a, b) {
  if (isNum(a) && isNum(b)) return a - b;
  if (isNum(a) !== isNum(b)) return isNum(a) ? -1 : 1;
  return String(a ?? '').localeCompare(String(b ?? ''));
}

export function sweepView(ctx, id) {
  const { bus, meta, toast } = ctx;
  let data = null;
  let sort = { col: null, dir: 1 };
  let xCol = null;
  let metric = 'finalValAccuracy';
  let closed = false;

  const state = h('span#sweep-state');
  const counts = h('span.muted#sweep-counts');
  const stopBtn = h('button.btn.ghost#sweep-stop', { type: 'button', onclick: stop }, 'Stop sweep');
  const pAcc = panel('Validation accuracy per setting (mean ± std over seeds)', { id: 'sweep-acc', wide: true });
  const pErr = panel('Error against a swept parameter (mean ± std)', { id: 'sweep-err' });
  const xSelect = h('select#sweep-x', { 'aria-label': 'parameter', onchange: (e) => { xCol = e.target.value; drawErr(); } });
  const mSelect = h('select#sweep-metric', { 'aria-label': 'metric', onchange: (e) => { metric = e.target.value; drawErr(); } },
    h('option', { value: 'finalValAccuracy' }, 'final validation error'),
    h('option', { value: 'bestValAccuracy' }, 'best validation error'),
    h('option', { value: 'testAccuracy' }, 'test error'));
  pErr.card.querySelector('.card-head').append(xSelect, mSelect);
  const tableBox = h('div.table-wrap#sweep-table');
  const runsBox = h('div#sweep-runs');
  const notes = h('div.eval-notes');
  const el = h('div.view.sweep-view',
    h('div.view-head', h('h1', `Sweep ${id}`), state, counts, stopBtn),
    notes,
    h('div.chart-grid', pAcc.card, pErr.card),
    h('section.card.wide', h('header.card-head', h('h3', 'Final metrics per setting'), h('p.chart-note', 'click a column to sort; std is the sample standard deviation over seeds')), tableBox),
    h('section.card.wide', h('header.card-head', h('h3', 'Runs by setting')), runsBox));

  const acc = makeChart(pAcc.canvas, { type: 'line', data: { datasets: [] }, options: {
    interaction: { mode: 'nearest', intersect: false },
    plugins: { legend: { labels: { filter: (item, d) => !d.datasets[item.datasetIndex].band } } },
    scales: { x: linearAxis('epoch', { ticks: { precision: 0 } }), y: { title: { display: true, text: 'validation accuracy' }, ticks: { callback: (v) => pct(v, 0) } } } } });
  const err = makeChart(pErr.canvas, { type: 'line', data: { datasets: [] }, options: {
    plugins: { legend: { labels: { filter: (item, d) => !d.datasets[item.datasetIndex].band } } },
    scales: { x: linearAxis(''), y: { title: { display: true, text: 'error' }, ticks: { callback: (v) => pct(v, 0) } } } } });

  /** A mean line and its +-std band (two faint datasets filled between them). */
  function bandSets(label, i, points) {
    const c = color(i);
    const lo = points.map((p) => ({ x: p.x, y: isNum(p.std) ? p.y - p.std : p.y }));
    const hi = points.map((p) => ({ x: p.x, y: isNum(p.std) ? p.y + p.std : p.y }));
    return [
      { label, data: points.map((p) => ({ x: p.x, y: p.y })), borderColor: c, backgroundColor: c, pointRadius: 2 },
      { label: `${label} -std`, band: true, data: lo, borderColor: 'transparent', pointRadius: 0, fill: false },
      { label: `${label} +std`, band: true, data: hi, borderColor: 'transparent', backgroundColor: alpha(c, 0.18), pointRadius: 0, fill: '-1' },
    ];
  }

  function drawAcc() {
    acc.data.datasets = data.curves.flatMap((c, i) => bandSets(c.key, i,
      c.epochs.map((p) => ({ x: p.epoch, y: p.mean, std: p.std }))));
    acc.update();
    countPoints(acc, pAcc.card);
  }

  function drawErr() {
    const numeric = data.columns.filter((c, k) => data.table.some((r) => isNum(r.params[k])));
    xSelect.replaceChildren(...numeric.map((c) => h('option', { value: c }, c)));
    if (!numeric.includes(xCol)) xCol = numeric[0] || null;
    if (xCol) xSelect.value = xCol;
    pErr.note.textContent = xCol ? '' : 'no numeric swept parameter';
    if (!xCol) {
      err.data.datasets = [];
    } else {
      const k = data.columns.indexOf(xCol);
      const groups = new Map(); // the other parameters' values -> points
      for (const r of data.table) {
        const m = r[metric];
        if (!isNum(r.params[k]) || !m || !isNum(m.mean)) continue;
        const rest = data.columns.map((c, j) => (j === k ? null : `${c}=${r.params[j]}`)).filter(Boolean).join(', ') || 'all';
        if (!groups.has(rest)) groups.set(rest, []);
        groups.get(rest).push({ x: r.params[k], y: 1 - m.mean, std: m.std });
      }
      err.data.datasets = [...groups.entries()].flatMap(([label, pts], i) => bandSets(label, i, pts.sort((a, b) => a.x - b.x)));
      err.options.scales.x.title = { display: true, text: xCol };
    }
    err.update();
    countPoints(err, pErr.card);
  }

  function cell(m) {
    if (!m || !isNum(m.mean)) return '–';
    return isNum(m.std) ? `${pct(m.mean, 2)} ± ${pct(m.std, 2)}` : pct(m.mean, 2);
  }

  function drawTable() {
    const cols = [...data.columns.map((c, k) => ({ label: c, get: (r) => r.params[k], show: (r) => String(r.params[k]) })),
      { label: 'n', get: (r) => r.n, show: (r) => String(r.n) },
      ...[['final val acc', 'finalValAccuracy'], ['best val acc', 'bestValAccuracy'], ['test acc', 'testAccuracy']]
        .map(([label, key]) => ({ label, get: (r) => r[key]?.mean, show: (r) => cell(r[key]) }))];
    const rows = [...data.table];
    if (sort.col != null) rows.sort((a, b) => sort.dir * compareCells(cols[sort.col].get(a), cols[sort.col].get(b)));
    tableBox.replaceChildren(rows.length ? h('table.diff-table.sweep-table',
      h('thead', h('tr', cols.map((c, i) => h('th', { 'data-sort': String(i), class: 'sortable', onclick: () => {
        // the same column again flips; a new one starts ascending (parameters, n) or best first (metrics)
        sort = sort.col === i ? { col: i, dir: -sort.dir } : { col: i, dir: i <= data.columns.length ? 1 : -1 };
        drawTable();
      } }, c.label + (sort.col === i ? (sort.dir > 0 ? ' ▲' : ' ▼') : ''))))),
      h('tbody', rows.map((r) => h('tr', { 'data-key': r.key }, cols.map((c) => h('td', c.show(r)))))))
      : h('p.muted', 'No run has finished yet.'));
  }

  function drawRuns() {
    const bySetting = new Map();
    for (const r of data.runs) {
      if (!bySetting.has(r.setting)) bySetting.set(r.setting, []);
      bySetting.get(r.setting).push(r);
    }
    runsBox.replaceChildren(...[...bySetting.entries()].map(([key, runs], i) => h('div.sweep-group', { 'data-setting': key },
      h('h4', h('span.swatch', { style: `background:${color(i)}` }), ` ${key}`),
      h('ul', runs.map((r) => h('li', { 'data-run': r.id }, h('a', { href: `#/run/${enc(r.id)}` }, r.id), ' ', stateBadge(r.state),
        ` ${r.epochsDone ?? 0}/${r.epochs ?? '?'} epochs`, isNum(r.lastValAccuracy) ? `, val ${pct(r.lastValAccuracy, 1)}` : ''))))));
  }

  const answers = newsOrder(); // an answer older than the one shown is dropped
  async function load() {
    const n = answers.ask();
    let got;
    try {
      got = await sweepApi.get(id);
    } catch (e) {
      if (!closed) toast(`Cannot load sweep ${id}: ${e.message}`, 'error');
      return;
    }
    if (closed || !answers.isNewest(n)) return;
    data = got;
    state.replaceChildren(stateBadge(data.state));
    const c = data.counts;
    counts.textContent = ` ${c.finished}/${data.total} finished, ${c.running} running, ${c.queued} queued`;
    stopBtn.disabled = data.state !== 'running';
    notes.replaceChildren(...[data.error, ...(data.notes || [])].filter(Boolean).map((n) => h('p', n)));
    drawAcc();
    drawErr();
    drawTable();
    drawRuns();
    el.dataset.loads = String(Number(el.dataset.loads || 0) + 1);
  }

  async function stop() {
    try {
      const r = await sweepApi.stop(id);
      toast(`Stopping ${r.stopped.length} runs`);
    } catch (e) {
      toast(`Cannot stop: ${e.message}`, 'error');
    }
  }

  const soon = throttle(load, 700);
  const unsub = bus.subscribe(meta.streams.sweepState.replace('{id}', id), soon);
  const offReconnect = bus.onReconnect(soon);
  load();
  return {
    el,
    title: `Sweep ${id}`,
    destroy() {
      closed = true;
      unsub();
      offReconnect();
      acc.destroy();
      err.destroy();
    },
  };
}
