// Delay histograms of a DelGrad run (issue 20): one small chart per delay layer, the newest
// epoch's effective delays (filled) against the first epoch's (dashed), drawn like the weight
// histograms beside them. They come with the weights in the run folder's activity.json (the
// epoch's delayLayers, delayHistograms, delayHistogramEdges; the same in firstWeights), never on
// the stream: 30 bins per delay layer. A run without delay layers (every 2021 one) hides the card.

import { linearAxis, makeChart } from './charts.js';
import { alpha, color, h } from './util.js';

const toPts = (counts, edges) => (counts || []).map((c, i) => ({ x: (edges[i] + edges[i + 1]) / 2, y: c }));

export class DelayHistograms {
  constructor() {
    this.note = h('p.chart-note', 'effective delay of each trainable delay (τ_s): this epoch (filled) against the first epoch seen (dashed)');
    this.grid = h('div.weight-grid');
    this.card = h('section.card#chart-delays', { 'data-points': '0', hidden: true },
      h('header.card-head', h('h3', 'Delays per delay layer'), this.note), this.grid);
    this.charts = [];
    this.names = [];
  }

  /** Redraws from the store's newest epoch; draw(chart) redraws one chart when it is on screen. */
  update(d, draw) {
    const e = d.latestEpoch;
    const names = Array.isArray(e?.delayLayers) ? e.delayLayers : [];
    this.card.hidden = !names.length;
    if (!names.length) {
      this.card.dataset.points = '0';
      return;
    }
    if (names.join('|') !== this.names.join('|')) this.build(names);
    const f = d.firstWeights;
    const first = f && f.epoch !== e.metrics.epoch && Array.isArray(f.delayHist) ? f : null;
    let n = 0;
    this.charts.forEach((chart, l) => {
      chart.data.datasets[0].data = toPts(e.delayHistograms[l], e.delayHistogramEdges[l]);
      chart.data.datasets[1].data = first ? toPts(first.delayHist[l], first.delayEdges[l]) : [];
      n += chart.data.datasets[0].data.length;
      draw(chart);
    });
    this.note.textContent = `effective delays (τ_s): epoch ${e.metrics.epoch} (filled) against epoch ${first ? first.epoch : '–'} (dashed)`;
    this.card.dataset.points = String(n);
  }

  build(names) {
    this.destroy();
    this.names = names.slice();
    this.grid.replaceChildren();
    names.forEach((name, l) => {
      const canvas = h('canvas');
      const c = color(l + 4); // apart from the weight histograms' colours
      this.grid.append(h('div.class-cell', { 'data-layer': name }, h('div.class-title', name), h('div.chart-box.small', canvas)));
      this.charts.push(makeChart(canvas, {
        type: 'line',
        data: { datasets: [
          { label: 'now', data: [], stepped: 'middle', fill: 'origin', borderColor: c, backgroundColor: alpha(c, 0.3), parsing: false },
          { label: 'first', data: [], stepped: 'middle', borderColor: '#9ca3af', borderDash: [4, 3], borderWidth: 1, parsing: false },
        ] },
        options: { plugins: { legend: { display: false } }, scales: { x: linearAxis('delay (τ_s)', { ticks: { maxTicksLimit: 6 } }), y: linearAxis('', { min: 0, ticks: { maxTicksLimit: 4 } }) } },
      }));
    });
  }

  destroy() {
    this.charts.forEach((c) => c.destroy());
    this.charts = [];
  }
}
