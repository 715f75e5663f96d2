// Overlay of other runs on a run's accuracy and loss chart: pick runs in the card's "overlay"
// menu; their validation accuracy (solid) and loss (dashed) are drawn beside this run's and
// follow their epoch streams live (a reconnect or a restart of the overlaid run reloads it).
// Colours continue tab10 after the four own series' two.

import { color, h, isNum } from './util.js';

export class RunOverlay {
  /** chart: the epochs chart (axes 'acc' and 'loss'); card: its card; ownId: the run shown. */
  constructor({ api, bus, meta, toast }, chart, card, ownId, redraw) {
    Object.assign(this, { api, bus, meta, toast, chart, ownId, redraw });
    this.runs = new Map(); // id -> {acc: [], loss: [], unsubs: [], color}
    this.select = h('select.overlay-select', { 'aria-label': 'overlay another run' }, h('option', { value: '' }, 'overlay run…'));
    // The menu is listed when it gets focus (click or Tab), not with the page: no request unless used.
    this.select.addEventListener('focus', () => this.fillMenu());
    this.select.addEventListener('change', () => {
      if (this.select.value) this.add(this.select.value);
      this.select.value = '';
    });
    this.chips = h('span.overlay-chips');
    (card.querySelector('.chart-tools') || card.querySelector('.card-head')).prepend(this.select, this.chips);
    this.unReconnect = bus.onReconnect(() => { for (const id of this.runs.keys()) this.load(id); });
  }

  async fillMenu() {
    try {
      const runs = (await this.api.runs()).runs || [];
      const opts = runs.filter((r) => r.id !== this.ownId && r.state !== 'damaged' && !this.runs.has(r.id))
        .map((r) => h('option', { value: r.id }, `${r.id} (${r.state})`));
      this.select.replaceChildren(this.select.firstChild, ...opts);
    } catch {
      // the menu stays as it is; the next focus lists again
    }
  }

  datasetsOf(id) {
    return this.chart.data.datasets.filter((d) => d.overlayOf === id);
  }

  add(id) {
    if (this.runs.has(id)) return;
    const c = color(2 + this.runs.size);
    const r = { acc: [], loss: [], unsubs: [] };
    this.runs.set(id, r);
    this.chart.data.datasets.push(
      { label: `${id} validation accuracy`, overlayOf: id, data: r.acc, yAxisID: 'acc', borderColor: c, backgroundColor: c, pointRadius: 0, parsing: false },
      { label: `${id} validation loss`, overlayOf: id, data: r.loss, yAxisID: 'loss', borderColor: c, backgroundColor: c, borderDash: [5, 4], pointRadius: 0, parsing: false });
    const addr = (kind) => this.meta.streams[kind].replace('{id}', id);
    r.unsubs.push(this.bus.subscribe(addr('epoch'), (e) => this.onEpoch(id, e?.metrics)));
    r.unsubs.push(this.bus.subscribe(addr('state'), (s) => { if (!s.evaluation && s.state === 'running') this.load(id); }));
    this.chips.append(h('button.overlay-chip', { type: 'button', 'data-overlay': id, style: `border-color:${c}`, title: `Remove ${id} from the chart`, onclick: () => this.remove(id) },
      h('span.swatch', { style: `background:${c}` }), id, ' ×'));
    this.load(id);
  }

  /** Whole history from the run's files (epochs only). */
  async load(id) {
    try {
      const m = await this.api.epochs(id, -1);
      const r = this.runs.get(id);
      if (!r) return;
      r.acc.length = 0;
      r.loss.length = 0;
      for (const e of m.epochs || []) this.onEpoch(id, e, true);
      this.redraw();
    } catch (e) {
      this.toast(`Cannot overlay ${id}: ${e.message}`, 'error');
    }
  }

  onEpoch(id, e, quiet = false) {
    const r = this.runs.get(id);
    if (!r || !e || !isNum(e.epoch)) return;
    const put = (arr, y) => {
      if (!isNum(y)) return;
      const last = arr[arr.length - 1];
      if (last && last.x >= e.epoch) {
        if (last.x === e.epoch) last.y = y; // already held
        return;
      }
      arr.push({ x: e.epoch, y });
    };
    put(r.acc, e.valAccuracy);
    if (e.valLoss > 0) put(r.loss, e.valLoss);
    // datasets may have been copied by the chart's owner: they share these arrays
    for (const d of this.datasetsOf(id)) d.data = d.yAxisID === 'acc' ? r.acc : r.loss;
    if (!quiet) this.redraw();
  }

  remove(id) {
    const r = this.runs.get(id);
    if (!r) return;
    r.unsubs.forEach((u) => u());
    this.runs.delete(id);
    this.chart.data.datasets = this.chart.data.datasets.filter((d) => d.overlayOf !== id);
    this.chips.querySelector(`[data-overlay="${CSS.escape(id)}"]`)?.remove();
    this.redraw();
  }

  destroy() {
    this.unReconnect();
    for (const r of this.runs.values()) r.unsubs.forEach((u) => u());
    this.runs.clear();
  }
}
