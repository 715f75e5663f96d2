// Compare view: overlays the validation accuracy and loss of several runs per epoch and lists
// their config differences key by key (values that differ are highlighted).

import { api } from '../api.js';
import { attachTools } from '../chart-tools.js';
import { countPoints, linearAxis, logAxis, makeChart, panel } from '../charts.js';
import { flattenYaml } from '../yaml.js';
import { color, datasetOf, h, isNum, pct, stateBadge } from '../util.js';

function same(a, b) {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  return a != null && b != null && a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y) && x === y;
}

export function compareView(ctx, params) {
  const { toast } = ctx;
  const ids = (params.get('ids') || '').split(',').map(decodeURIComponent).filter(Boolean);
  const charts = [];
  let showAll = false;
  let loaded = [];

  const picker = h('div.picker');
  const pAcc = panel('Validation accuracy', { id: 'compare-acc' });
  const pLoss = panel('Validation loss', { id: 'compare-loss', note: 'log scale' });
  const tableBox = h('div.table-wrap');
  const toggle = h('label.check', h('input', { type: 'checkbox', onchange: (e) => { showAll = e.target.checked; renderTable(); } }), ' show equal keys too');

  const el = h('div.view.compare-view',
    h('div.view-head', h('h1', 'Compare runs')),
    picker,
    h('div.chart-grid', pAcc.card, pLoss.card),
    h('section.card.wide', h('header.card-head', h('h3', 'Config differences'), toggle), tableBox));

  const opts = (y) => ({ type: 'line', data: { datasets: [] }, options: { interaction: { mode: 'index', intersect: false }, scales: { x: linearAxis('epoch', { ticks: { precision: 0 } }), y } } });
  const acc = makeChart(pAcc.canvas, opts({ min: 0, max: 1, ticks: { callback: (v) => pct(v, 0) }, grid: { color: '#f1f3f5' } }));
  const loss = makeChart(pLoss.canvas, opts(logAxis('loss')));
  charts.push(acc, loss);
  attachTools(acc, pAcc.card, { name: 'compare', smooth: true, logAxis: 'y', fitAxes: ['y'], percentAxes: ['y'] });
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

  function renderTable() {
    if (!loaded.length) {
      tableBox.replaceChildren(h('p.muted', 'Pick runs above.'));
      return;
    }
    const flats = loaded.map((r) => flattenYaml(r.summary.config || ''));
    const keys = [...new Set(flats.flatMap((f) => [...f.keys()]))].sort();
    const rows = keys.filter((k) => showAll || flats.some((f) => !same(f.get(k), flats[0].get(k))));
    tableBox.replaceChildren(h('table.diff-table',
      h('thead', h('tr', h('th', 'key'), ...loaded.map((r, i) => h('th', h('span.swatch', { style: `background:${color(i)}` }), r.id)))),
      h('tbody', rows.length ? rows.map((k) => {
        const differs = flats.some((f) => !same(f.get(k), flats[0].get(k)));
        return h(`tr${differs ? '.differs' : ''}`, h('td.key', k), ...flats.map((f) => h('td', f.get(k) ?? '—')));
      }) : h('tr', h('td', { colspan: String(loaded.length + 1) }, loaded.length > 1 ? 'The configs are identical.' : 'One run: tick "show equal keys too" to see its config.')))));
  }

  async function load() {
    const results = await Promise.all(ids.map(async (id) => {
      try {
        const [summary, metrics] = await Promise.all([api.run(id), api.metrics(id, -1, 10)]);
        return { id, summary, epochs: metrics.epochs || [] };
      } catch (e) {
        toast(`Cannot load ${id}: ${e.message}`, 'error');
        return null;
      }
    }));
    loaded = results.filter(Boolean);
    const series = (f, positive) => loaded.map((r, i) => ({
      label: `${r.id} (${datasetOf(r.summary.config)})`, borderColor: color(i), backgroundColor: color(i), pointRadius: 2, parsing: false,
      data: r.epochs.filter((e) => isNum(e[f]) && (!positive || e[f] > 0)).map((e) => ({ x: e.epoch, y: e[f] })),
    }));
    acc.data.datasets = series('valAccuracy');
    loss.data.datasets = series('valLoss', true);
    acc.update('none');
    loss.update('none');
    countPoints(acc, pAcc.card);
    countPoints(loss, pLoss.card);
    renderTable();
  }

  renderPicker();
  load();
  return { el, title: 'Compare', destroy() { charts.forEach((c) => c.destroy()); } };
}
