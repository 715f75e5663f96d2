// The axes of a 2-D picture of the input plane (the Yin-Yang validation map): one unit is as long
// on x as on y, so a disc is drawn as a disc, not as an ellipse stretched to the card's shape;
// ticks at round values only, never the range's ends ("-0.0" came from a tick at -0.03 printed
// with the step's one decimal).

/** The shared range of both axes: the points' bounding square, {@code pad} added on every side. */
export function squareRange(xs, ys, pad) {
  const lo = Math.min(Math.min(...xs), Math.min(...ys)) - pad;
  const hi = Math.max(Math.max(...xs), Math.max(...ys)) + pad;
  return { min: lo, max: hi };
}

/** A round value as a tick label: no "-0", no float noise (0.30000000000000004). */
export function tickLabel(v) {
  const r = Number(Number(v).toPrecision(6));
  return r === 0 ? '0' : String(r);
}

/** About five ticks at multiples of 1, 2, 2.5 or 5 times a power of ten, inside [min, max]. */
export function roundTicks(min, max) {
  if (!(max > min)) return [];
  const raw = (max - min) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((x) => x >= raw);
  const out = [];
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + 1e-9 * step; k++) out.push({ value: Number((k * step).toPrecision(12)) });
  return out;
}

/** A linear axis of the picture, titled {@code title}, with round ticks only. */
export function planeAxis(title) {
  return {
    type: 'linear',
    title: { display: true, text: title },
    grid: { color: '#f1f3f5' },
    afterBuildTicks(scale) {
      scale.ticks = roundTicks(scale.min, scale.max);
    },
    ticks: { callback: (v) => tickLabel(v) },
  };
}

/**
 * A Chart.js plugin that keeps the chart area square (with equal x and y ranges: equal units),
 * whatever the card's shape: it pads the longer side of the canvas and draws once more. The
 * padding is recomputed from the area without it, so a second layout is already square.
 */
export const SQUARE_AREA = {
  id: 'squareArea',
  afterLayout(chart) {
    const a = chart.chartArea;
    if (!a) return;
    const pad = chart.$squarePad || { x: 0, y: 0 };
    const w = a.right - a.left + 2 * pad.x;
    const h = a.bottom - a.top + 2 * pad.y;
    const side = Math.max(0, Math.min(w, h));
    const next = { x: Math.floor((w - side) / 2), y: Math.floor((h - side) / 2) };
    if (next.x === pad.x && next.y === pad.y) return;
    chart.$squarePad = next;
    chart.options.layout.padding = { left: next.x, right: next.x, top: next.y, bottom: next.y };
    // Not within this layout: Chart.js is in the middle of an update.
    requestAnimationFrame(() => {
      if (chart.canvas && chart.canvas.isConnected) chart.update('none');
    });
  },
};
