// Chart.js set-up shared by all views: no animation (live charts redraw several times a second),
// the min/max decimation plugin for long series, tab10 colours, quiet grid lines, and a counter of
// the points each chart holds (data-points on its card: what the browser test watches grow).

import { toolsPlugin, zoomDefaults } from './chart-tools.js';
import { chartColors, onThemeChange } from './theme.js';
import { h, isNum } from './util.js';

const Chart = window.Chart;
const LIGHT_GRID = '#f1f3f5'; // the grid colour the views write; replaced by the theme's

/** Gives a chart config's (or a live chart's) grid lines the theme's colour. */
function themeGrids(scales, grid) {
  for (const s of Object.values(scales || {})) {
    if (s?.grid && typeof s.grid.color === 'string') s.grid.color = grid;
  }
}

function applyTheme() {
  const c = chartColors();
  Chart.defaults.color = c.text;
  Chart.defaults.borderColor = c.border;
  for (const chart of Object.values(Chart.instances)) {
    themeGrids(chart.options.scales, c.grid);
    chart.update('none');
  }
}

export function setupCharts() {
  if (!Chart) return false;
  const d = Chart.defaults;
  d.animation = false;
  d.responsive = true;
  d.maintainAspectRatio = false;
  d.font.family = getComputedStyle(document.body).fontFamily;
  d.font.size = 11;
  Chart.register(toolsPlugin);
  // chartjs-plugin-zoom registers itself when its script loads; without it charts still work.
  if (window.ChartZoom) d.plugins.zoom = zoomDefaults('#5fa8e0');
  applyTheme();
  onThemeChange(applyTheme);
  d.plugins.legend.labels.boxWidth = 10;
  d.plugins.legend.labels.boxHeight = 10;
  d.plugins.tooltip.animation = false;
  d.elements.point.radius = 0;
  d.elements.point.hitRadius = 4;
  d.elements.line.borderWidth = 1.5;
  d.datasets.line.spanGaps = true;
  d.transitions.active.animation.duration = 0;
  return true;
}

/** A card with a title, an optional note and a canvas; returns {card, canvas, note}. */
export function panel(title, { note = '', id = null, tall = false, wide = false } = {}) {
  const canvas = h('canvas');
  const noteEl = h('p.chart-note', note);
  const card = h(`section.card.chart-card${tall ? '.tall' : ''}${wide ? '.wide' : ''}`,
    { id, 'data-points': '0' },
    h('header.card-head', h('h3', title), noteEl),
    h('div.chart-box', canvas));
  return { card, canvas, note: noteEl };
}

/** Counts the data points of a chart and writes them on its card. */
export function countPoints(chart, card) {
  let n = 0;
  for (const ds of chart.data.datasets) n += ds.data.length;
  card.dataset.points = String(n);
  return n;
}

export function makeChart(canvas, config) {
  themeGrids(config.options?.scales, chartColors().grid);
  return new Chart(canvas, config);
}

/** Linear x axis titled t, with integer ticks when integers. */
export function linearAxis(title, extra = {}) {
  return { type: 'linear', title: { display: !!title, text: title }, grid: { color: LIGHT_GRID }, ...extra };
}

/**
 * A log axis with readable ticks: 1, 2 and 5 times powers of ten when the data span more than a
 * decade, else about five evenly spaced round values (Chart.js would label every 0.01 step).
 */
export function logAxis(title, extra = {}) {
  return {
    type: 'logarithmic',
    title: { display: !!title, text: title },
    grid: { color: LIGHT_GRID },
    afterBuildTicks(scale) {
      const { min, max } = scale;
      if (scale.type !== 'logarithmic' || !(min > 0) || !(max > min)) return; // switched to linear: its own ticks
      const out = [];
      if (max / min >= 10) {
        for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
          for (const m of [1, 2, 5]) {
            const v = m * 10 ** e;
            if (v >= min * 0.999 && v <= max * 1.001) out.push({ value: v });
          }
        }
      } else {
        const raw = (max - min) / 4;
        const mag = 10 ** Math.floor(Math.log10(raw));
        const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw) ?? 10 * mag;
        for (let v = Math.ceil(min / step) * step; v <= max * 1.0001; v += step) out.push({ value: Number(v.toPrecision(12)) });
      }
      if (out.length >= 2) scale.ticks = out;
    },
    ticks: { callback: (v) => shortNum(v) },
    ...extra,
  };
}

export function shortNum(v) {
  if (!isNum(v)) return '';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

/** Plugin options for Chart.js's own min/max decimation of a long line (x must be linear). */
export const DECIMATION = { enabled: true, algorithm: 'min-max', threshold: 800 };
