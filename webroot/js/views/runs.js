// Runs view: every run in the runs folder with its name and tags, state, progress and accuracies,
// refreshed every two seconds while visible. Sortable columns, a search over names, tags, notes,
// ids and config values, hyperparameter columns of the user's choice (any key path of the runs'
// configs, remembered in localStorage), filters by state and for archived runs; pick runs to
// compare. The configs' values come from GET /api/run-params, fetched once and again only when
// a run appears that it did not list (a run's config never changes).

import { api } from '../api.js';
import { STATES, dateTime, duration, h, pct, stateBadge } from '../util.js';

const POLL_MS = 2000;
const COLUMNS_KEY = 'firstspike.runs.columns';
/** Columns shown until the user picks: the first key path ending in each of these. */
const DEFAULT_PARAMS = ['learning_rate', 'batch_size', 'layer_sizes', 'numpy_seed'];
const params = new Map(); // run id -> {key path: value} of its config (fetched once)

/** A config value as a cell: lists as "30, 3". */
export const paramText = (v) => (v == null ? '–' : Array.isArray(v) ? v.join(', ') : String(v));

/**
 * The data set of a run's config values: "yin_yang", the name of a map {name: fashion_mnist,
 * validation: test}, or the type of a map {type: csv, ...}.
 */
const datasetOf = (p) => (p === undefined ? '…' : p ? p.dataset ?? p['dataset.name'] ?? p['dataset.type'] ?? p['data.dataset'] ?? '–' : '–');

/**
 * Every search term (split at spaces, any case) is somewhere in the run's text; a term ending in
 * ":" goes with the next one, so "batch_size: 50" looks for that key and value together.
 */
export function matches(run, p, query) {
  const words = query.toLowerCase().split(/\s+/).filter((t) => t);
  const terms = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i].endsWith(':') && i + 1 < words.length) terms.push(`${words[i]} ${words[++i]}`);
    else terms.push(words[i]);
  }
  if (!terms.length) return true;
  const m = run.meta || {};
  const text = [run.id, m.name, ...(m.tags || []), m.notes, run.state,
    ...Object.entries(p || {}).map(([k, v]) => `${k}: ${paramText(v)}`)].join('\n').toLowerCase();
  return terms.every((t) => text.includes(t));
}

export function runsView(ctx, query) {
  const { toast, bus, meta } = ctx;
  const watched = new Map(); // run id -> unsubscribe: state streams of active runs
  const soon = () => { clearTimeout(timer); timer = setTimeout(poll, 150); };
  let filter = query.get('state') || 'all';
  let search = query.get('q') || '';
  let showArchived = query.get('archived') === '1';
  let sort = { key: 'started', dir: -1 };
  let runs = [];
  let timer = null;
  let destroyed = false;
  let paramsAsked = false;
  const selected = new Set();
  let columns = loadColumns();

  const chips = h('div.chips', { role: 'tablist' });
  const thead = h('thead');
  const tbody = h('tbody');
  const empty = h('div.empty', { hidden: true });
  const compareBtn = h('button.btn#compare-selected', { type: 'button', disabled: true, onclick: () => {
    location.hash = `#/compare?ids=${[...selected].map(encodeURIComponent).join(',')}`;
  } }, 'Compare selected');
  const searchBox = h('input#runs-search', { type: 'search', value: search, placeholder: 'Search names, tags, notes, config values…', 'aria-label': 'search runs' });
  const archivedBox = h('input#show-archived', { type: 'checkbox', checked: showArchived });
  const columnFilter = h('input#column-filter', { type: 'search', placeholder: 'filter keys', 'aria-label': 'filter config keys' });
  const columnList = h('div.column-list#column-list');
  const picker = h('details.column-picker#column-picker', h('summary', 'Columns'), columnFilter, columnList);

  const el = h('div.view.runs-view',
    h('div.view-head', h('h1', 'Runs'), h('div.actions', compareBtn, h('a.btn.primary#new-run-link', { href: '#/new' }, 'New run'))),
    h('div.runs-tools', searchBox, h('label.check', archivedBox, ' show archived'), picker),
    chips,
    h('div.table-wrap', h('table.runs-table', thead, tbody)),
    empty);

  searchBox.addEventListener('input', () => { search = searchBox.value; remember(); render(); });
  archivedBox.addEventListener('change', () => { showArchived = archivedBox.checked; remember(); render(); });
  columnFilter.addEventListener('input', renderPicker);

  function loadColumns() {
    try {
      const saved = JSON.parse(localStorage.getItem(COLUMNS_KEY));
      return Array.isArray(saved) ? saved : null; // null: the defaults, once keys are known
    } catch {
      return null;
    }
  }

  function remember() {
    const q = new URLSearchParams();
    if (filter !== 'all') q.set('state', filter);
    if (search) q.set('q', search);
    if (showArchived) q.set('archived', '1');
    const s = q.toString();
    history.replaceState(null, '', s ? `#/runs?${s}` : '#/runs');
  }

  /** Every key path of the configs held, sorted. */
  function allKeys() {
    const keys = new Set();
    for (const p of params.values()) Object.keys(p).forEach((k) => keys.add(k));
    return [...keys].sort();
  }

  function shownColumns() {
    if (columns) return columns;
    const keys = allKeys();
    return DEFAULT_PARAMS.map((end) => keys.find((k) => k === end || k.endsWith(`.${end}`))).filter((k) => k);
  }

  function setColumns(list) {
    columns = list;
    localStorage.setItem(COLUMNS_KEY, JSON.stringify(list));
    render();
    renderPicker();
  }

  function renderPicker() {
    const f = columnFilter.value.toLowerCase();
    const shown = new Set(shownColumns());
    columnList.replaceChildren(...allKeys().filter((k) => k.toLowerCase().includes(f)).map((k) =>
      h('label.check', { 'data-key': k }, h('input', { type: 'checkbox', checked: shown.has(k), onchange: (ev) => {
        const now = shownColumns().filter((c) => c !== k);
        setColumns(ev.target.checked ? [...now, k] : now);
      } }), ` ${k}`)));
  }

  const sortValue = (r, key) => {
    switch (key) {
      case 'run': return (r.meta?.name || r.id).toLowerCase();
      case 'state': return r.state;
      case 'dataset': return String(datasetOf(params.get(r.id)));
      case 'progress': return r.progress;
      case 'last': return r.lastValAccuracy;
      case 'best': return r.bestValAccuracy;
      case 'started': return r.createdAt || r.id;
      case 'duration': return r.trainingSeconds;
      default: {
        const v = params.get(r.id)?.[key.slice(6)];
        return Array.isArray(v) ? v.join(', ') : v;
      }
    }
  };

  /** Sorted by the chosen column; runs without a value always last. */
  function sorted(list) {
    return list.map((r) => ({ r, v: sortValue(r, sort.key) })).sort((a, b) => {
      const na = a.v == null || a.v === '';
      const nb = b.v == null || b.v === '';
      if (na || nb) return na - nb;
      const c = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v), undefined, { numeric: true });
      return sort.dir * c;
    }).map((x) => x.r);
  }

  function header(label, key, cls = '') {
    const on = sort.key === key;
    return h(`th${cls}`, { 'aria-sort': on ? (sort.dir > 0 ? 'ascending' : 'descending') : 'none', 'data-sort': key },
      h('button.sort', { type: 'button', onclick: () => {
        sort = on ? { key, dir: -sort.dir } : { key, dir: key === 'run' || key === 'state' || key === 'dataset' ? 1 : -1 };
        render();
      } }, label, h('span.arrow', on ? (sort.dir > 0 ? ' ▲' : ' ▼') : '')));
  }

  function renderChips(visible) {
    const counts = { all: visible.length };
    for (const r of visible) counts[r.state] = (counts[r.state] || 0) + 1;
    chips.replaceChildren(...['all', ...STATES].filter((s) => s === 'all' || counts[s] || s === filter).map((s) =>
      h(`button.chip${s === filter ? '.on' : ''}`, { type: 'button', 'data-filter': s, onclick: () => { filter = s; remember(); render(); } },
        s, h('span.count', String(counts[s] || 0)))));
  }

  let headKey = null; // the header is rebuilt only when its columns or the sort change (keeps focus)

  function render() {
    const cols = shownColumns();
    const key = JSON.stringify([cols, sort]);
    if (key !== headKey) {
      headKey = key;
      renderHead(cols);
    }
    renderBody(cols);
  }

  function renderHead(cols) {
    thead.replaceChildren(h('tr',
      h('th.sel', ''), header('Run', 'run'), header('State', 'state'), header('Data set', 'dataset'),
      header('Progress', 'progress', '.progress-col'), header('Last val. acc.', 'last', '.num'),
      header('Best val. acc.', 'best', '.num'), header('Started', 'started'), header('Duration', 'duration', '.num'),
      ...cols.map((k) => header(k.split('.').pop(), `param:${k}`, '.num.param'))));
    thead.querySelectorAll('th.param').forEach((th, i) => { th.title = cols[i]; });
  }

  function renderBody(cols) {
    const visible = runs.filter((r) => (showArchived || !r.meta?.archived) && matches(r, params.get(r.id), search));
    renderChips(visible);
    const shown = sorted(visible.filter((r) => filter === 'all' || r.state === filter));
    tbody.replaceChildren(...shown.map((r) => {
      const damaged = r.state === 'damaged'; // a folder that cannot be opened as a run: only its reason
      const m = r.meta || {};
      const p = params.get(r.id);
      const check = h('input', { type: 'checkbox', 'aria-label': `select ${r.id}`, checked: selected.has(r.id), disabled: damaged, onchange: (ev) => {
        if (ev.target.checked) selected.add(r.id); else selected.delete(r.id);
        compareBtn.disabled = selected.size < 1;
        compareBtn.textContent = selected.size ? `Compare ${selected.size} selected` : 'Compare selected';
      } });
      const prog = Number.isFinite(r.progress) ? r.progress : 0;
      const label = m.name ? [h('span.run-name', m.name), h('div.muted.small', r.id)] : r.id;
      const tagList = (m.tags || []).length ? h('div.tags', ...m.tags.map((t) => h('button.tag', { type: 'button', title: `search for ${t}`, onclick: () => {
        searchBox.value = t;
        search = t;
        remember();
        render();
      } }, t))) : null;
      return h('tr', { 'data-run': r.id, 'data-state': r.state, 'data-archived': String(!!m.archived) },
        h('td.sel', check),
        h('td.run-id', { 'data-label': 'run' }, damaged ? h('span.damaged-id', r.id) : h('a', { href: `#/run/${encodeURIComponent(r.id)}` }, label),
          m.archived ? h('span.muted.small', ' (archived)') : null, tagList,
          ['failed', 'interrupted', 'damaged'].includes(r.state) ? h('div.row-reason', r.reason || '') : null),
        h('td', { 'data-label': 'state' }, stateBadge(r.state), r.queuePosition != null ? h('span.muted', ` #${r.queuePosition + 1}`) : null),
        h('td', { 'data-label': 'data set' }, damaged ? '–' : datasetOf(p)),
        h('td.progress-col', { 'data-label': 'progress' }, damaged ? '–' : [h('div.mini-progress', h(`div.progress-fill.state-${r.state}`, { style: `width:${(100 * prog).toFixed(1)}%` })),
          h('span.muted', `${r.epochsDone}/${r.epochs}`)]),
        h('td.num', { 'data-label': 'last val.' }, pct(r.lastValAccuracy)),
        h('td.num', { 'data-label': 'best val.' }, r.bestValAccuracy != null ? [pct(r.bestValAccuracy), h('span.muted', ` @${r.bestEpoch}`)] : '–'),
        h('td', { 'data-label': 'started' }, dateTime(r.createdAt)),
        // Time spent training (the sessions' elapsed seconds, as of the newest epoch), not queued.
        h('td.num', { 'data-label': 'duration' }, r.state === 'queued' ? 'queued' : duration(r.trainingSeconds)),
        ...cols.map((k) => h('td.num.param', { 'data-label': k.split('.').pop(), 'data-key': k }, damaged ? '–' : paramText(p?.[k]))));
    }));
    empty.hidden = shown.length > 0;
    empty.replaceChildren(runs.length
      ? h('p', search ? `No run matches "${search}".` : `No ${filter === 'all' ? '' : `${filter} `}runs${showArchived ? '' : ' (archived runs hidden)'}.`)
      : h('p', 'No runs yet. ', h('a', { href: '#/new' }, 'Start one'), ' from a ready config.'));
  }
  picker.addEventListener('toggle', () => { if (picker.open) renderPicker(); });

  /** The configs' values, for runs not known yet (one request however many are new). */
  async function fetchParams() {
    if (paramsAsked || destroyed) return;
    if (!runs.some((r) => r.state !== 'damaged' && !params.has(r.id))) return;
    paramsAsked = true;
    try {
      for (const r of (await api.runParams()).runs || []) params.set(r.id, r.params);
      for (const r of runs) if (!params.has(r.id)) params.set(r.id, null); // no readable config: not asked again
    } catch (e) {
      if (e.status !== 0) toast(`Cannot read the runs' configs: ${e.message}`, 'error');
    } finally {
      paramsAsked = false;
    }
    if (destroyed) return;
    render();
    if (picker.open) renderPicker();
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
      fetchParams();
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
