// Runs view: every run in the runs folder with its state, progress and accuracies, refreshed
// every two seconds while visible; filter by state; pick runs to compare.

import { api } from '../api.js';
import { STATES, dateTime, datasetOf, duration, h, pct, stateBadge } from '../util.js';

const POLL_MS = 2000;
const datasets = new Map(); // run id -> data set name (from its config, fetched once)

export function runsView(ctx, params) {
  const { toast, bus, meta } = ctx;
  const watched = new Map(); // run id -> unsubscribe: state streams of active runs
  const soon = () => { clearTimeout(timer); timer = setTimeout(poll, 150); };
  let filter = params.get('state') || 'all';
  let runs = [];
  let timer = null;
  let destroyed = false;
  const selected = new Set();

  const chips = h('div.chips', { role: 'tablist' });
  const tbody = h('tbody');
  const empty = h('div.empty', { hidden: true });
  const compareBtn = h('button.btn#compare-selected', { type: 'button', disabled: true, onclick: () => {
    location.hash = `#/compare?ids=${[...selected].map(encodeURIComponent).join(',')}`;
  } }, 'Compare selected');

  const el = h('div.view.runs-view',
    h('div.view-head', h('h1', 'Runs'), h('div.actions', compareBtn, h('a.btn.primary#new-run-link', { href: '#/new' }, 'New run'))),
    chips,
    h('div.table-wrap', h('table.runs-table',
      h('thead', h('tr',
        h('th.sel', ''), h('th', 'Run'), h('th', 'State'), h('th', 'Data set'), h('th.progress-col', 'Progress'),
        h('th.num', 'Last val. acc.'), h('th.num', 'Best val. acc.'), h('th', 'Started'), h('th.num', 'Duration'))),
      tbody)),
    empty);

  function renderChips() {
    const counts = { all: runs.length };
    for (const r of runs) counts[r.state] = (counts[r.state] || 0) + 1;
    chips.replaceChildren(...['all', ...STATES].filter((s) => s === 'all' || counts[s] || s === filter).map((s) =>
      h(`button.chip${s === filter ? '.on' : ''}`, { type: 'button', 'data-filter': s, onclick: () => { filter = s; history.replaceState(null, '', s === 'all' ? '#/runs' : `#/runs?state=${s}`); render(); } },
        s, h('span.count', String(counts[s] || 0)))));
  }

  function render() {
    renderChips();
    const shown = runs.filter((r) => filter === 'all' || r.state === filter);
    tbody.replaceChildren(...shown.map((r) => {
      const damaged = r.state === 'damaged'; // a folder that cannot be opened as a run: only its reason
      const check = h('input', { type: 'checkbox', 'aria-label': `select ${r.id}`, checked: selected.has(r.id), disabled: damaged, onchange: (ev) => {
        if (ev.target.checked) selected.add(r.id); else selected.delete(r.id);
        compareBtn.disabled = selected.size < 1;
        compareBtn.textContent = selected.size ? `Compare ${selected.size} selected` : 'Compare selected';
      } });
      const prog = Number.isFinite(r.progress) ? r.progress : 0;
      return h('tr', { 'data-run': r.id, 'data-state': r.state },
        h('td.sel', check),
        h('td.run-id', { 'data-label': 'run' }, damaged ? h('span.damaged-id', r.id) : h('a', { href: `#/run/${encodeURIComponent(r.id)}` }, r.id),
          ['failed', 'interrupted', 'damaged'].includes(r.state) ? h('div.row-reason', r.reason || '') : null),
        h('td', { 'data-label': 'state' }, stateBadge(r.state), r.queuePosition != null ? h('span.muted', ` #${r.queuePosition + 1}`) : null),
        h('td', { 'data-label': 'data set' }, damaged ? '–' : datasets.get(r.id) ?? '…'),
        h('td.progress-col', { 'data-label': 'progress' }, damaged ? '–' : [h('div.mini-progress', h(`div.progress-fill.state-${r.state}`, { style: `width:${(100 * prog).toFixed(1)}%` })),
          h('span.muted', `${r.epochsDone}/${r.epochs}`)]),
        h('td.num', { 'data-label': 'last val.' }, pct(r.lastValAccuracy)),
        h('td.num', { 'data-label': 'best val.' }, r.bestValAccuracy != null ? [pct(r.bestValAccuracy), h('span.muted', ` @${r.bestEpoch}`)] : '–'),
        h('td', { 'data-label': 'started' }, dateTime(r.createdAt)),
        // Time spent training (the sessions' elapsed seconds, as of the newest epoch), not queued.
        h('td.num', { 'data-label': 'duration' }, r.state === 'queued' ? 'queued' : duration(r.trainingSeconds)));
    }));
    empty.hidden = shown.length > 0;
    empty.replaceChildren(runs.length
      ? h('p', `No ${filter} runs.`)
      : h('p', 'No runs yet. ', h('a', { href: '#/new' }, 'Start one'), ' from a ready config.'));
  }

  async function fetchDatasets() {
    for (const r of runs) {
      if (datasets.has(r.id) || destroyed) continue;
      if (r.state === 'damaged') continue; // nothing to read
      datasets.set(r.id, '…');
      try {
        datasets.set(r.id, datasetOf((await api.run(r.id)).config));
      } catch {
        datasets.delete(r.id);
      }
    }
    if (!destroyed) render();
  }

  async function poll() {
    try {
      runs = (await api.runs()).runs || [];
      if (destroyed) return;
      el.classList.remove('stale');
      // A state change of an active run refreshes the table at once instead of at the next poll.
      const active = new Set(runs.filter((r) => ['queued', 'running', 'stopping'].includes(r.state)).map((r) => r.id));
      for (const id of active) {
        if (!watched.has(id)) watched.set(id, bus.subscribe(meta.streams.state.replace('{id}', id), (m) => { if (!m?.evaluation) soon(); }));
      }
      for (const [id, off] of watched) {
        if (!active.has(id)) {
          off();
          watched.delete(id);
        }
      }
      render();
      fetchDatasets();
    } catch (e) {
      el.classList.add('stale');
      if (e.status !== 0) toast(`Cannot list runs: ${e.message}`, 'error');
    }
    clearTimeout(timer); // one timer even when a state change polled in between
    if (!destroyed) timer = setTimeout(poll, document.hidden ? 4 * POLL_MS : POLL_MS);
  }
  poll();

  return {
    el,
    title: 'Runs',
    destroy() {
      destroyed = true;
      clearTimeout(timer);
      watched.forEach((off) => off());
    },
  };
}
