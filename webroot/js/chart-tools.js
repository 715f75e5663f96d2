// Tools on a chart card: zoom and pan (chartjs-plugin-zoom: drag a range, ctrl + wheel, pinch;
// shift + drag pans; on the focused chart + and - zoom, arrows pan, 0 resets), a smoothing
// slider (debiased exponential moving average, as TensorBoard's), a log/linear switch, a y axis
// fitted to the data or showing its full range, export of the chart's data as CSV or JSON and of
// its picture as PNG, and a text summary under the chart, which is also the canvas's label (its
// text alternative for screen readers).
//
// Smoothing never touches the series the views build: before each update the plugin below
// replaces a line dataset's data by its smoothed copy and remembers which raw array that copy came
// from, so a view that assigns new data, or copies a dataset object, is smoothed afresh, and the
// exports give the raw values beside the smoothed ones.

import { h, isNum } from './util.js';

/**
 * Debiased exponential moving average of ys (numbers; non-finite ones are passed through and do
 * not count): s_k = w s_{k-1} + (1 - w) y_k with s_0 = 0, shown as s_k / (1 - w^k), so the first
 * points are not pulled towards 0 and a constant series stays constant. weight in [0, 1).
 */
export function emaSmooth(ys, weight) {
  const w = Math.min(Math.max(Number(weight) || 0, 0), 0.999);
  const out = new Array(ys.length);
  let last = 0;
  let k = 0;
  for (let i = 0; i < ys.length; i++) {
    const y = ys[i];
    if (!isNum(y)) {
      out[i] = y;
      continue;
    }
    k++;
    last = last * w + (1 - w) * y;
    out[i] = w === 0 ? y : last / (1 - w ** k);
  }
  return out;
}

/** emaSmooth over {x, y} points (in x order); new point objects. */
export function smoothPoints(points, weight) {
  const ys = emaSmooth(points.map((p) => p.y), weight);
  return points.map((p, i) => ({ x: p.x, y: ys[i] }));
}

const rawOf = new WeakMap(); // smoothed array -> the raw array it was made from

/** The raw (unsmoothed) data of a dataset. */
export function rawData(ds) {
  const cur = ds._decimated ? ds._data : ds.data; // Chart.js's decimation swaps data for a getter
  return rawOf.get(cur) ?? cur;
}

const smoothable = (chart, ds) => (ds.type ?? chart.config.type) === 'line' && ds.smooth !== false
  && Array.isArray(rawData(ds)) && typeof rawData(ds)[0] === 'object';

/** The plugin: smooths before every update, writes the summary after it. */
export const toolsPlugin = {
  id: 'fsTools',
  beforeUpdate(chart) {
    const t = chart.$fsTools;
    if (!t) return;
    for (const ds of chart.data.datasets) {
      if (!smoothable(chart, ds)) continue;
      const raw = rawData(ds);
      const next = t.weight > 0 ? smoothPoints(raw, t.weight) : raw;
      if (next !== raw) rawOf.set(next, raw);
      ds.data = next; // with decimation on, this sets the decimation's source
    }
  },
  afterUpdate(chart) {
    const t = chart.$fsTools;
    if (!t) return;
    t.resetBtn.disabled = !chart.isZoomedOrPanned?.();
    const text = t.summarize(chart);
    if (text !== t.summaryEl.textContent) {
      t.summaryEl.textContent = text;
      chart.canvas.setAttribute('aria-label', `${t.title}. ${text}`);
    }
  },
};

/** Options of the zoom plugin for every chart (set once as Chart.defaults.plugins.zoom). */
export function zoomDefaults(accent) {
  return {
    zoom: {
      drag: { enabled: true, threshold: 6, backgroundColor: 'rgba(95, 168, 224, 0.18)', borderColor: accent, borderWidth: 1 },
      wheel: { enabled: true, modifierKey: 'ctrl' },
      pinch: { enabled: true },
      mode: 'x',
    },
    pan: { enabled: true, mode: 'x', modifierKey: 'shift' },
  };
}

const slug = (s) => String(s).toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

/** A value for the summary: percent for accuracies and error rates, else three significant digits. */
function fmt(v, percent) {
  if (!isNum(v)) return '–';
  if (percent) return `${(100 * v).toFixed(Math.abs(v) < 0.1 ? 2 : 1)}%`;
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/** The series of a chart as rows: {label, points: [[x, y]], smoothed?: [[x, y]]}. */
export function chartSeries(chart) {
  const labels = chart.data.labels || [];
  const out = [];
  for (const ds of chart.data.datasets) {
    const raw = rawData(ds) || [];
    const pts = raw.map((p, i) => (p && typeof p === 'object' ? [p.x, p.y] : [labels[i] ?? i, p]));
    const s = { label: ds.label ?? '', points: pts };
    const shown = ds._decimated ? ds._data : ds.data;
    if (shown !== raw && Array.isArray(shown)) s.smoothed = shown.map((p) => [p.x, p.y]);
    out.push(s);
  }
  return out;
}

const csvCell = (v) => {
  if (v == null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV of the chart's data: one row per point, series,x,y (and y_smoothed when smoothing is on). */
export function chartCsv(chart) {
  const series = chartSeries(chart);
  const smoothed = series.some((s) => s.smoothed);
  const rows = [['series', 'x', 'y', ...(smoothed ? ['y_smoothed'] : [])].join(',')];
  for (const s of series) {
    s.points.forEach(([x, y], i) => {
      const row = [s.label, x, y];
      if (smoothed) row.push(s.smoothed ? s.smoothed[i]?.[1] : '');
      rows.push(row.map(csvCell).join(','));
    });
  }
  return `${rows.join('\n')}\n`;
}

function axisTitle(chart, id) {
  const t = chart.options.scales?.[id]?.title;
  return t && t.display ? t.text : id;
}

/** JSON of the chart's data. */
export function chartJson(chart, title) {
  const t = chart.$fsTools;
  return {
    chart: title,
    exportedAt: new Date().toISOString(),
    x: axisTitle(chart, 'x'),
    smoothing: t ? t.weight : 0,
    series: chartSeries(chart).map((s) => {
      const ds = chart.data.datasets.find((d) => (d.label ?? '') === s.label);
      return { ...s, y: axisTitle(chart, ds?.yAxisID || 'y') };
    }),
  };
}

function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The chart's picture on the card's background (a canvas is transparent) as a PNG blob. */
export function chartPng(chart) {
  const src = chart.canvas;
  const c = document.createElement('canvas');
  c.width = src.width;
  c.height = src.height;
  const g = c.getContext('2d');
  g.fillStyle = getComputedStyle(src.closest('.card') || document.body).backgroundColor || '#fff';
  g.fillRect(0, 0, c.width, c.height);
  g.drawImage(src, 0, 0);
  return new Promise((resolve) => c.toBlob(resolve, 'image/png'));
}

/** Default summary: per shown series its last value (at x) and its range; a few series at most. */
function defaultSummary(chart, percentAxes) {
  const parts = [];
  let points = 0;
  for (let i = 0; i < chart.data.datasets.length; i++) {
    const ds = chart.data.datasets[i];
    const raw = rawData(ds) || [];
    if (!raw.length || !chart.isDatasetVisible(i) || String(ds.label ?? '').startsWith('_')) continue;
    points += raw.length;
    const pct = percentAxes.includes(ds.yAxisID || 'y');
    const ys = raw.map((p) => (p && typeof p === 'object' ? p.y : p)).filter(isNum);
    if (!ys.length) continue;
    const last = raw[raw.length - 1];
    const at = last && typeof last === 'object' && isNum(last.x) ? ` at ${fmt(last.x)}` : '';
    let lo = Infinity;
    let hi = -Infinity;
    for (const y of ys) {
      if (y < lo) lo = y;
      if (y > hi) hi = y;
    }
    parts.push(`${ds.label}: ${fmt(ys[ys.length - 1], pct)}${at} (range ${fmt(lo, pct)} to ${fmt(hi, pct)})`);
  }
  if (!parts.length) return 'No data yet.';
  const more = parts.length > 4 ? `; and ${parts.length - 4} more series` : '';
  return `${parts.slice(0, 4).join('; ')}${more}. ${points} points.`;
}

/**
 * Puts the tools on a chart's card. opts: name (file name base, e.g. the run id), title,
 * smooth (show the slider), logAxis (id of the axis the log switch acts on), fitAxes (ids of
 * the y axes the "fit" switch frees from their full range), percentAxes (formatted as % in the
 * summary), summarize (chart => text). Returns the tools state (also chart.$fsTools).
 */
export function attachTools(chart, card, opts = {}) {
  const title = opts.title || card.querySelector('h3')?.textContent || 'chart';
  const base = opts.name || 'chart';
  const file = (ext) => `${slug(base)}_${slug(title)}.${ext}`;
  const canvas = chart.canvas;
  const full = {}; // the axes' configured min/max, restored when "fit" is off
  for (const id of opts.fitAxes || []) {
    const s = chart.options.scales[id];
    full[id] = { min: s.min, max: s.max };
  }
  const t = {
    title,
    weight: 0,
    summarize: opts.summarize || ((c) => defaultSummary(c, opts.percentAxes || [])),
    summaryEl: h('p.chart-summary', { 'data-summary': '' }),
    resetBtn: h('button.tool-btn.reset-zoom', { type: 'button', disabled: true, title: 'Reset zoom (0)', onclick: () => chart.resetZoom() }, 'Reset zoom'),
  };
  chart.$fsTools = t;
  const tools = h('div.chart-tools', { role: 'group', 'aria-label': `${title}: tools` });
  if (opts.smooth) {
    const out = h('output.smooth-value', '0');
    const slider = h('input.smooth', { type: 'range', min: '0', max: '0.99', step: '0.01', value: '0', 'aria-label': `${title}: smoothing` });
    slider.addEventListener('input', () => {
      t.weight = Number(slider.value);
      out.textContent = slider.value;
      chart.update('none');
    });
    tools.append(h('label.tool-smooth', 'smoothing ', slider, out));
  }
  if (opts.logAxis) {
    const axis = chart.options.scales[opts.logAxis];
    const sel = h('select.tool-scale', { 'aria-label': `${title}: y scale` },
      h('option', { value: 'linear' }, 'linear'), h('option', { value: 'logarithmic' }, 'log'));
    sel.value = axis.type === 'logarithmic' ? 'logarithmic' : 'linear';
    sel.addEventListener('change', () => {
      chart.options.scales[opts.logAxis].type = sel.value;
      chart.update('none');
    });
    tools.append(sel);
  }
  if (opts.fitAxes?.length) {
    const box = h('input', { type: 'checkbox', checked: true });
    const apply = () => {
      for (const id of opts.fitAxes) {
        const s = chart.options.scales[id];
        s.min = box.checked ? undefined : full[id].min;
        s.max = box.checked ? undefined : full[id].max;
      }
    };
    box.addEventListener('change', () => {
      apply();
      chart.update('none');
    });
    apply();
    tools.append(h('label.tool-fit', { title: 'y axis fitted to the data shown; off: the full range' }, box, ' fit y'));
  }
  const exportBtn = (label, ext, make) => h(`button.tool-btn.export-${ext}`, { type: 'button', title: `Download this chart as ${label}` , onclick: async () => download(file(ext), await make()) }, label);
  tools.append(t.resetBtn,
    exportBtn('CSV', 'csv', () => new Blob([chartCsv(chart)], { type: 'text/csv' })),
    exportBtn('JSON', 'json', () => new Blob([JSON.stringify(chartJson(chart, title), null, 1)], { type: 'application/json' })),
    exportBtn('PNG', 'png', () => chartPng(chart)));
  const head = card.querySelector('.card-head') || card;
  head.append(tools);
  canvas.closest('.chart-box')?.after(t.summaryEl);

  // The chart as one keyboard stop: its summary is its label; keys zoom and pan it.
  canvas.tabIndex = 0;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', title);
  canvas.setAttribute('aria-keyshortcuts', '+ - ArrowLeft ArrowRight 0');
  canvas.addEventListener('keydown', (e) => {
    const k = e.key;
    if (k === '+' || k === '=') chart.zoom(1.25);
    else if (k === '-' || k === '_') chart.zoom(0.8);
    else if (k === 'ArrowLeft') chart.pan({ x: chart.width / 10 }, undefined, 'none');
    else if (k === 'ArrowRight') chart.pan({ x: -chart.width / 10 }, undefined, 'none');
    else if (k === '0') chart.resetZoom();
    else return;
    e.preventDefault();
    t.resetBtn.disabled = !chart.isZoomedOrPanned();
  });
  chart.update('none');
  return t;
}

/**
 * Export only (CSV, JSON, PNG) for a card of several small charts (class times, weights): the
 * CSV and JSON hold every chart's series, each label prefixed by its panel's title.
 */
export function attachExports(card, getCharts, { name = 'chart', title } = {}) {
  const t = title || card.querySelector('h3')?.textContent || 'chart';
  const file = (ext) => `${slug(name)}_${slug(t)}.${ext}`;
  const panels = () => getCharts().map((c) => ({ chart: c, title: c.canvas.closest('.class-cell')?.querySelector('.class-title')?.textContent || '' }));
  const csv = () => {
    const rows = ['panel,series,x,y'];
    for (const { chart, title: p } of panels()) {
      for (const s of chartSeries(chart)) for (const [x, y] of s.points) rows.push([p, s.label, x, y].map(csvCell).join(','));
    }
    return `${rows.join('\n')}\n`;
  };
  const json = () => ({ chart: t, exportedAt: new Date().toISOString(), panels: panels().map(({ chart, title: p }) => ({ panel: p, series: chartSeries(chart) })) });
  const png = async () => {
    const list = getCharts();
    const w = Math.max(1, ...list.map((c) => c.canvas.width));
    const hgt = list.reduce((a, c) => a + c.canvas.height, 0) || 1;
    const c = document.createElement('canvas');
    c.width = w;
    c.height = hgt;
    const g = c.getContext('2d');
    g.fillStyle = getComputedStyle(card).backgroundColor || '#fff';
    g.fillRect(0, 0, w, hgt);
    let y = 0;
    for (const ch of list) {
      g.drawImage(ch.canvas, 0, y);
      y += ch.canvas.height;
    }
    return new Promise((resolve) => c.toBlob(resolve, 'image/png'));
  };
  const btn = (label, ext, make) => h(`button.tool-btn.export-${ext}`, { type: 'button', title: `Download these charts as ${label}`, onclick: async () => download(file(ext), await make()) }, label);
  (card.querySelector('.card-head') || card).append(h('div.chart-tools', { role: 'group', 'aria-label': `${t}: export` },
    btn('CSV', 'csv', () => new Blob([csv()], { type: 'text/csv' })),
    btn('JSON', 'json', () => new Blob([JSON.stringify(json(), null, 1)], { type: 'application/json' })),
    btn('PNG', 'png', png)));
}
