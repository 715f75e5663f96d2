// The seven live charts of a run (plus the silent-neuron trace), drawn from a RunData. update()
// is cheap enough to call several times a second: it rebuilds the dataset arrays from the
// bounded store and redraws without animation; big payloads (the Yin-Yang map, weight
// histograms) are redrawn only when a new epoch arrived.

import { DECIMATION, countPoints, linearAxis, logAxis, makeChart, panel } from './charts.js';
import { SQUARE_AREA, planeAxis, squareRange } from './square-map.js';
import { DelayHistograms } from './delay-histograms.js';
import { attachExports, attachTools } from './chart-tools.js';
import { TAB10, alpha, color, h, isNum, pct } from './util.js';

const ERR_FLOOR = 1e-3; // error rates are drawn on a log axis: 0 is shown at 0.1 %
const clampErr = (v) => (isNum(v) ? Math.max(ERR_FLOOR, v) : null);
const LAYER_NAMES = (n) => Array.from({ length: n }, (_, l) => (l === n - 1 ? 'output' : n > 2 ? `hidden ${l + 1}` : 'hidden'));

export class LiveCharts {
  constructor(data) {
    this.data = data;
    this.el = h('div.chart-grid');
    this.charts = [];
    this.epochVersion = -1;
    this.batchSeen = null;
    this.seen = { batches: -1, epochs: -1, resets: -1 };
    // Charts scrolled out of view get their data but are not redrawn until they come back: the
    // canvas redraw is the page's main cost, and a long page shows two or three charts at a time.
    this.visibleCards = new Set();
    this.stale = new Set();
    this.observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (e.isIntersecting) this.visibleCards.add(e.target);
        else this.visibleCards.delete(e.target);
      }
      this.flush();
    }, { rootMargin: '200px 0px' });
    this.build();
    for (const card of this.el.children) this.observer.observe(card);
  }

  /** Redraws chart now if its card is on screen, else when it scrolls into view. */
  draw(chart) {
    const card = chart.canvas.closest('.card');
    if (card && this.visibleCards.has(card)) chart.update('none');
    else this.stale.add(chart);
  }

  flush() {
    for (const chart of this.stale) {
      const card = chart.canvas.closest('.card');
      if (!chart.canvas.isConnected) this.stale.delete(chart);
      else if (card && this.visibleCards.has(card)) {
        this.stale.delete(chart);
        chart.update('none');
      }
    }
  }

  add(p, chart) {
    this.charts.push({ chart, card: p.card });
    return chart;
  }

  build() {
    // 1. Error rate per batch, running mean on a log axis, weight bumps marked.
    const p1 = panel('Training error per batch', { id: 'chart-error', wide: true, note: 'running mean over the epoch (log scale); ▲ weight bump' });
    this.error = this.add(p1, makeChart(p1.canvas, {
      type: 'line',
      data: { datasets: [
        { label: 'running mean error', data: [], borderColor: color(0), backgroundColor: color(0), parsing: false, normalized: true },
        { label: 'batch error', data: [], hidden: true, borderColor: alpha(color(0), 0.3), backgroundColor: alpha(color(0), 0.3), borderWidth: 1, parsing: false, normalized: true },
        { label: 'weight bump', type: 'scatter', data: [], pointStyle: 'triangle', pointRadius: 5, borderColor: color(3), backgroundColor: alpha(color(3), 0.6), parsing: false },
      ] },
      options: {
        interaction: { mode: 'nearest', intersect: false },
        scales: { x: linearAxis('batch (global step)'), y: logAxis('error rate', { min: ERR_FLOOR, max: 1 }) },
        plugins: { decimation: DECIMATION, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${pct(c.parsed.y, 2)}` } } },
      },
    }));
    this.errorPanel = p1;

    // 2. Accuracy and loss per epoch.
    const p2 = panel('Accuracy and loss per epoch', { id: 'chart-epochs', tall: true, note: 'solid: accuracy (left) · dashed: loss (right, log scale)' });
    const ds = (label, c, axis, dashed) => ({ label, data: [], yAxisID: axis, borderColor: c, backgroundColor: c, borderDash: dashed ? [5, 4] : [], pointRadius: 2, parsing: false });
    this.epochsChart = this.add(p2, makeChart(p2.canvas, {
      type: 'line',
      data: { datasets: [
        ds('train accuracy', color(0), 'acc', false), ds('validation accuracy', color(1), 'acc', false),
        ds('train loss', color(0), 'loss', true), ds('validation loss', color(1), 'loss', true),
      ] },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: linearAxis('epoch', { ticks: { precision: 0 } }),
          acc: { position: 'left', min: 0, max: 1, title: { display: true, text: 'accuracy' }, ticks: { callback: (v) => pct(v, 0) }, grid: { color: '#f1f3f5' } },
          loss: logAxis('loss', { position: 'right', grid: { display: false } }),
        },
      },
    }));

    // 3. Output spike times per true class over epochs: one small panel per class, built when
    // the first epoch tells how many classes there are.
    this.classCard = h('section.card.wide#chart-class-times', { 'data-points': '0' },
      h('header.card-head', h('h3', 'Output spike times per class'),
        h('p.chart-note', 'validation set, per true class: mean ± std of every label neuron\'s first spike (τ_s); the correct neuron is drawn bold')),
      h('div.class-grid'));
    this.classCharts = [];

    // 4. Spike-time histogram and silent fraction.
    const p4 = panel('Spike times in the batch', { id: 'chart-hist', note: 'histogram of first-spike times per layer' });
    this.hist = this.add(p4, makeChart(p4.canvas, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: {
        scales: { x: { title: { display: true, text: 'spike time (τ_s)' }, ticks: { maxTicksLimit: 8 }, grid: { display: false } }, y: { title: { display: true, text: 'spikes' }, grid: { color: '#f1f3f5' } } },
        datasets: { bar: { barPercentage: 1, categoryPercentage: 0.9 } },
      },
    }));
    this.histPanel = p4;
    const p4b = panel('Silent neurons', { id: 'chart-silent', note: 'fraction of (sample, neuron) pairs without a spike, per layer' });
    this.silentPanel = p4b;
    this.silentChart = this.add(p4b, makeChart(p4b.canvas, {
      type: 'line',
      data: { datasets: [] },
      options: { scales: { x: linearAxis('batch (global step)'), y: { min: 0, max: 1, ticks: { callback: (v) => pct(v, 0) }, grid: { color: '#f1f3f5' } } } },
    }));

    // 5. Spike raster of one sample.
    const p5 = panel('Spike raster of one sample', { id: 'chart-raster', note: '' });
    this.raster = this.add(p5, makeChart(p5.canvas, {
      type: 'scatter',
      data: { datasets: [] },
      options: {
        scales: { x: linearAxis('spike time (τ_s)', { min: 0 }), y: linearAxis('neuron', { ticks: { callback: (v) => (Number.isInteger(v) ? v : '') } }) },
        elements: { point: { radius: 3 } },
      },
    }));
    this.rasterPanel = p5;

    // 6. Weight histograms per layer.
    this.weightCard = h('section.card#chart-weights', { 'data-points': '0' },
      h('header.card-head', h('h3', 'Weights per layer'), h('p.chart-note', 'this epoch (filled) against the first epoch seen (dashed)')),
      h('div.weight-grid'));
    this.weightCharts = [];
    this.delays = new DelayHistograms(); // a DelGrad run's delay layers, beside the weights

    // 7. Yin-Yang classification map.
    const p7 = panel('Validation map', { id: 'chart-map', tall: true, note: 'coloured by predicted class; ✕ misclassified' });
    this.map = this.add(p7, makeChart(p7.canvas, {
      type: 'scatter',
      data: { datasets: [] },
      options: {
        scales: { x: { ...planeAxis('x'), min: 0, max: 1 }, y: { ...planeAxis('y'), min: 0, max: 1 } },
        plugins: { legend: { labels: { filter: (item) => !item.text.startsWith('_') } } },
      },
      plugins: [SQUARE_AREA], // a disc drawn as a disc (issue 22, bug 6)
    }));
    this.mapPanel = p7;

    this.epochsPanel = p2;
    this.el.append(p1.card, p2.card, p7.card, this.classCard, p4.card, p4b.card, p5.card, this.weightCard, this.delays.card);
    this.attachTools();
  }

  /** Zoom, smoothing, scale and export tools, and the text summary, on every card. */
  attachTools() {
    const name = this.data.id;
    attachTools(this.error, this.errorPanel.card, { name, smooth: true, logAxis: 'y', fitAxes: ['y'], percentAxes: ['y'] });
    attachTools(this.epochsChart, this.epochsPanel.card, { name, smooth: true, logAxis: 'loss', fitAxes: ['acc'], percentAxes: ['acc'] });
    attachTools(this.silentChart, this.silentPanel.card, { name, smooth: true, logAxis: 'y', fitAxes: ['y'], percentAxes: ['y'] });
    attachTools(this.hist, this.histPanel.card, { name });
    attachTools(this.raster, this.rasterPanel.card, { name });
    attachTools(this.map, this.mapPanel.card, { name, summarize: (c) => mapSummary(c) });
    attachExports(this.classCard, () => this.classCharts, { name });
    attachExports(this.weightCard, () => this.weightCharts, { name });
    attachExports(this.delays.card, () => this.delays.charts, { name });
  }

  /** Redraws from the store; cheap when nothing changed. */
  update() {
    const d = this.data;
    // These panels come from the live stream and, for the newest epoch, the run folder's
    // activity.json; a run that has not finished an epoch yet has neither.
    const liveOnly = 'shown once a training batch or epoch has been recorded';
    const hasSilent = d.batches.some((p) => p.silent);
    for (const [p, has] of [[this.histPanel, d.latestBatch], [this.rasterPanel, d.latestBatch], [this.silentPanel, hasSilent]]) {
      p.defaultNote ??= p.note.textContent;
      p.card.classList.toggle('empty', !has);
      if (!has) p.note.textContent = liveOnly;
      else if (p.note.textContent === liveOnly) p.note.textContent = p.defaultNote;
    }
    this.weightCard.classList.toggle('empty', !d.latestEpoch);
    if (!d.latestEpoch) this.weightCard.querySelector('.chart-note').textContent = liveOnly;
    // Redraw only what changed: a canvas redraw is the page's main cost.
    const reset = d.resets !== this.seen.resets;
    this.seen.resets = d.resets;
    if (reset || d.batchesVersion !== this.seen.batches) {
      this.seen.batches = d.batchesVersion;
      this.updateError(d);
      this.updateSilent(d);
    }
    if (reset || d.epochsVersion !== this.seen.epochs) {
      this.seen.epochs = d.epochsVersion;
      this.updateEpochs(d);
    }
    if (d.latestBatch !== this.batchSeen) {
      this.batchSeen = d.latestBatch;
      this.updateHistogram(d.latestBatch);
      this.updateRaster(d.latestBatch);
    }
    const ev = d.latestEpoch ? d.latestEpoch.metrics.epoch : -1;
    if (ev !== this.epochVersion) {
      this.epochVersion = ev;
      this.updateWeights(d);
      this.delays.update(d, (c) => this.draw(c));
      this.updateMap(d.latestEpoch);
    }
  }

  updateError(d) {
    const run = [];
    const raw = [];
    for (const p of d.batches) {
      if (p.err != null) run.push({ x: p.step, y: clampErr(p.err) });
      if (p.accuracy != null) raw.push({ x: p.step, y: clampErr(1 - p.accuracy) });
    }
    const [a, b, c] = this.error.data.datasets;
    // the x range follows the newest batch, unless the user zoomed or panned
    if (!this.error.isZoomedOrPanned?.()) this.error.options.scales.x.max = d.batches.length ? d.batches[d.batches.length - 1].step : undefined;
    a.data = run;
    b.data = raw;
    const bumps = d.bumps();
    c.data = bumps.map((p) => ({ x: p.step, y: clampErr(p.err) ?? 1 }));
    c.pointRadius = bumps.length > 100 ? 3 : 5;
    this.errorPanel.note.textContent = `running mean over the epoch (log scale, 0 drawn at 0.1 %); ▲ weight bump (${bumps.length}); click "batch error" to show single batches`
      + (d.bucketWidth > 1 ? ` · the server's min/max buckets of ${d.bucketWidth} batches` : '');
    this.draw(this.error);
  }

  updateEpochs(d) {
    const ds = this.epochsChart.data.datasets;
    const pick = (f, positive) => d.epochs.filter((e) => isNum(e[f]) && (!positive || e[f] > 0)).map((e) => ({ x: e.epoch, y: e[f] }));
    ds[0].data = pick('trainAccuracy');
    ds[1].data = pick('valAccuracy');
    ds[2].data = pick('trainLoss', true);
    ds[3].data = pick('valLoss', true);
    const radius = d.epochs.length > 60 ? 0 : 2; // markers only while they can be told apart
    if (ds[0].pointRadius !== radius) {
      // New dataset objects: Chart.js keeps the options it resolved for a dataset object, so
      // setting pointRadius on the old ones left the markers of the first draw (issue 22, bug 8).
      this.epochsChart.data.datasets = ds.map((x) => ({ ...x, pointRadius: radius }));
    }
    this.draw(this.epochsChart);
    this.updateClassTimes(d);
  }

  updateClassTimes(d) {
    const withTimes = d.epochs.filter((e) => Array.isArray(e.meanValOutputs));
    if (!withTimes.length) return;
    const classes = withTimes[withTimes.length - 1].meanValOutputs.length;
    const grid = this.classCard.querySelector('.class-grid');
    if (this.classCharts.length !== classes) {
      this.classCharts.forEach((c) => c.destroy());
      grid.replaceChildren();
      this.classCharts = [];
      for (let k = 0; k < classes; k++) {
        const canvas = h('canvas');
        grid.append(h('div.class-cell', h('div.class-title', `true class ${k}`), h('div.chart-box.small', canvas)));
        const datasets = [];
        for (let j = 0; j < classes; j++) {
          datasets.push({ label: `_band${j}+`, data: [], borderWidth: 0, backgroundColor: alpha(color(j), 0.15), fill: '+1', parsing: false });
          datasets.push({ label: `_band${j}-`, data: [], borderWidth: 0, fill: false, parsing: false });
          datasets.push({ label: `neuron ${j}`, data: [], borderColor: color(j), backgroundColor: color(j), borderWidth: j === k ? 2.5 : 1.2, parsing: false });
        }
        this.classCharts.push(makeChart(canvas, {
          type: 'line',
          data: { datasets },
          options: {
            scales: { x: linearAxis(k === 0 ? 'epoch' : '', { ticks: { precision: 0, maxTicksLimit: 6 } }), y: linearAxis(k === 0 ? 'time (τ_s)' : '', { ticks: { maxTicksLimit: 5 } }) },
            plugins: { legend: { display: k === 0, labels: { filter: (item) => !item.text.startsWith('_') } }, tooltip: { filter: (item) => !item.dataset.label.startsWith('_') } },
          },
        }));
      }
    }
    let n = 0;
    this.classCharts.forEach((chart, k) => {
      for (let j = 0; j < classes; j++) {
        const up = [];
        const lo = [];
        const mean = [];
        for (const e of withTimes) {
          const m = e.meanValOutputs[k]?.[j];
          const s = e.stdValOutputs?.[k]?.[j];
          if (!isNum(m)) continue;
          mean.push({ x: e.epoch, y: m });
          up.push({ x: e.epoch, y: m + (isNum(s) ? s : 0) });
          lo.push({ x: e.epoch, y: m - (isNum(s) ? s : 0) });
        }
        const ds = chart.data.datasets;
        ds[3 * j].data = up;
        ds[3 * j + 1].data = lo;
        ds[3 * j + 2].data = mean;
        n += mean.length;
      }
      this.draw(chart);
    });
    this.classCard.dataset.points = String(n);
  }

  updateHistogram(b) {
    if (!b || !Array.isArray(b.spikeHistograms)) return;
    const layers = b.spikeHistograms.length;
    const bins = b.spikeHistograms[0]?.length ?? 0;
    const w = (b.histogramMax || 1) / Math.max(1, bins);
    this.hist.data.labels = Array.from({ length: bins }, (_, i) => ((i + 0.5) * w).toFixed(2));
    const names = LAYER_NAMES(layers);
    this.hist.data.datasets = b.spikeHistograms.map((counts, l) => ({
      label: names[l], data: counts, backgroundColor: alpha(color(l), 0.75), borderWidth: 0,
    }));
    const silent = (b.silentFraction || []).map((f, l) => `${names[l]} ${pct(f)}`).join(' · ');
    this.histPanel.note.textContent = `epoch ${b.epoch}, batch ${b.batch + 1}: first-spike times per layer; silent: ${silent}`;
    this.draw(this.hist);
  }

  /** The silent fractions of the batch points held (the server's decimated series, then live ones). */
  updateSilent(d) {
    const points = d.batches.filter((p) => p.silent);
    if (!points.length) return;
    const layers = points[points.length - 1].silent.length;
    const names = LAYER_NAMES(layers);
    const ds = this.silentChart.data.datasets;
    for (let l = 0; l < layers; l++) {
      if (!ds[l]) ds[l] = { label: names[l], data: [], borderColor: color(l), backgroundColor: color(l), parsing: false };
      ds[l].data = points.filter((p) => isNum(p.silent[l])).map((p) => ({ x: p.step, y: p.silent[l] }));
    }
    this.draw(this.silentChart);
  }

  updateRaster(b) {
    if (!b || !Array.isArray(b.raster)) return;
    const rows = b.raster;
    const names = ['input', ...LAYER_NAMES(rows.length - 1)];
    const datasets = [];
    let offset = 0;
    let silent = 0;
    let maxT = 0;
    rows.forEach((times, l) => {
      const pts = [];
      times.forEach((t, i) => {
        if (isNum(t)) {
          pts.push({ x: t, y: offset + i });
          maxT = Math.max(maxT, t);
        } else if (l > 0) {
          silent++;
        }
      });
      const c = l === 0 ? '#7f7f7f' : color(l - 1);
      const out = l === rows.length - 1;
      datasets.push({
        label: `${names[l]} (${times.length})`, data: pts, borderColor: c, backgroundColor: alpha(c, 0.8),
        pointStyle: out ? 'rectRot' : 'circle',
        pointRadius: out ? pts.map((p) => (p.y - offset === b.rasterLabel ? 7 : 4)) : 3,
      });
      offset += times.length;
    });
    this.raster.data.datasets = datasets;
    this.raster.options.scales.y.max = offset - 0.5;
    this.raster.options.scales.y.min = -0.5;
    this.rasterPanel.note.textContent = `epoch ${b.epoch}, batch ${b.batch + 1}, first sample (true class ${b.rasterLabel}: large ◆); neurons stacked input → output`
      + (silent ? `; ${silent} silent` : '');
    this.draw(this.raster);
  }

  updateWeights(d) {
    const e = d.latestEpoch;
    if (!e || !Array.isArray(e.weightHistograms)) return;
    const grid = this.weightCard.querySelector('.weight-grid');
    const layers = e.weightHistograms.length;
    const names = LAYER_NAMES(layers);
    if (this.weightCharts.length !== layers) {
      this.weightCharts.forEach((c) => c.destroy());
      grid.replaceChildren();
      this.weightCharts = [];
      for (let l = 0; l < layers; l++) {
        const canvas = h('canvas');
        grid.append(h('div.class-cell', h('div.class-title', `layer ${l + 1} → ${names[l]}`), h('div.chart-box.small', canvas)));
        this.weightCharts.push(makeChart(canvas, {
          type: 'line',
          data: { datasets: [
            { label: 'now', data: [], stepped: 'middle', fill: 'origin', borderColor: color(l), backgroundColor: alpha(color(l), 0.3), parsing: false },
            { label: 'first', data: [], stepped: 'middle', borderColor: '#9ca3af', borderDash: [4, 3], borderWidth: 1, parsing: false },
          ] },
          options: { plugins: { legend: { display: false } }, scales: { x: linearAxis('weight', { ticks: { maxTicksLimit: 6 } }), y: linearAxis('', { min: 0, ticks: { maxTicksLimit: 4 } }) } },
        }));
      }
    }
    const toPts = (counts, edges) => (counts || []).map((c, i) => ({ x: (edges[i] + edges[i + 1]) / 2, y: c }));
    let n = 0;
    this.weightCharts.forEach((chart, l) => {
      chart.data.datasets[0].data = toPts(e.weightHistograms[l], e.weightHistogramEdges[l]);
      const f = d.firstWeights;
      chart.data.datasets[1].data = f && f.epoch !== e.metrics.epoch ? toPts(f.hist[l], f.edges[l]) : [];
      n += chart.data.datasets[0].data.length;
      this.draw(chart);
    });
    this.weightCard.querySelector('.chart-note').textContent = `epoch ${e.metrics.epoch} (filled) against epoch ${d.firstWeights?.epoch ?? '–'} (dashed)`;
    this.weightCard.dataset.points = String(n);
  }

  updateMap(e) {
    const preds = e?.validationPredictions || [];
    this.mapPanel.card.classList.toggle('empty', !preds.length);
    // No 2-D picture (e.g. MNIST): the epoch chart takes the whole row.
    this.mapPanel.card.hidden = !!e && !preds.length;
    this.epochsPanel.card.classList.toggle('wide', !!e && !preds.length);
    if (!preds.length) {
      this.mapPanel.note.textContent = e ? 'no 2-D picture for this data set' : 'shown once an epoch has been recorded (redrawn every epoch)';
      return;
    }
    const classes = 1 + Math.max(...preds.map((r) => Math.max(r[2], r[3])));
    const datasets = [];
    let wrong = 0;
    for (let c = 0; c < classes; c++) {
      const ok = preds.filter((r) => r[2] === c && r[3] === c).map((r) => ({ x: r[0], y: r[1] }));
      const bad = preds.filter((r) => r[2] === c && r[3] !== c).map((r) => ({ x: r[0], y: r[1] }));
      wrong += bad.length;
      datasets.push({ label: `class ${c}`, data: ok, backgroundColor: alpha(color(c), 0.75), borderColor: color(c), pointRadius: 2.5 });
      datasets.push({ label: `_wrong${c}`, data: bad, pointStyle: 'crossRot', pointRadius: 5, borderWidth: 2, borderColor: color(c), backgroundColor: color(c) });
    }
    this.map.data.datasets = datasets;
    // One range for both axes, in a square area: equal units on x and y.
    const range = squareRange(preds.map((r) => r[0]), preds.map((r) => r[1]), 0.03);
    Object.assign(this.map.options.scales.x, range);
    Object.assign(this.map.options.scales.y, range);
    this.mapPanel.note.textContent = `epoch ${e.metrics.epoch}: ${preds.length} validation points, ${wrong} misclassified (✕, coloured by the predicted class)`;
    this.draw(this.map);
  }

  /** Total points held by all charts, and per card (also written as data-points on each card). */
  pointCounts() {
    const per = {};
    for (const { chart, card } of this.charts) per[card.id] = countPoints(chart, card);
    per[this.classCard.id] = Number(this.classCard.dataset.points);
    per[this.weightCard.id] = Number(this.weightCard.dataset.points);
    per[this.delays.card.id] = Number(this.delays.card.dataset.points);
    return per;
  }

  destroy() {
    this.observer.disconnect();
    for (const { chart } of this.charts) chart.destroy();
    this.classCharts.forEach((c) => c.destroy());
    this.weightCharts.forEach((c) => c.destroy());
    this.delays.destroy();
  }
}

/** The validation map in words: points per predicted class and the misclassified ones. */
function mapSummary(chart) {
  const ds = chart.data.datasets;
  if (!ds.length) return 'No validation map yet.';
  const parts = [];
  let wrong = 0;
  for (let i = 0; i + 1 < ds.length; i += 2) {
    parts.push(`${ds[i].label}: ${ds[i].data.length + ds[i + 1].data.length} points`);
    wrong += ds[i + 1].data.length;
  }
  return `Predicted ${parts.join(', ')}; ${wrong} misclassified.`;
}

export { TAB10 };
