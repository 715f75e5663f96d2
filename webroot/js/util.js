// Small helpers shared by the views: DOM building, number and time formatting, tab10 colours.

import { flattenYaml } from './yaml.js';

/** matplotlib's tab10, the colours of the evaluation plots, in their order. */
export const TAB10 = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd',
  '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export const color = (i) => TAB10[((i % 10) + 10) % 10];

/** The colour with an alpha channel, for bands and faint series. */
export function alpha(hex, a) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
}

/**
 * h('div.card#x', {onclick: f, title: 't'}, child, 'text', [more]) builds an element. Strings
 * become text nodes (never HTML), so server text cannot inject markup.
 */
export function h(spec, attrs, ...children) {
  const m = /^([a-z0-9]+)?((?:[.#][\w-]+)*)$/i.exec(spec);
  const el = document.createElement((m && m[1]) || 'div');
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g)) {
      if (part[0] === '.') el.classList.add(part.slice(1));
      else el.id = part.slice(1);
    }
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export const isNum = (x) => typeof x === 'number' && Number.isFinite(x);

export function pct(x, digits = 1) {
  return isNum(x) ? `${(100 * x).toFixed(digits)}%` : '–';
}

export function num(x, digits = 3) {
  if (!isNum(x)) return '–';
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return x.toFixed(digits);
}

/** 3725 -> "1 h 02 min"; 75 -> "1 min 15 s". */
export function duration(seconds) {
  if (!isNum(seconds) || seconds < 0) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const hh = Math.floor(m / 60);
  if (hh < 48) return `${hh} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(hh / 24)} d ${hh % 24} h`;
}

export function dateTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const today = new Date();
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === today.toDateString()) return `today ${time}`;
  return `${d.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}`;
}

/** Seconds between two ISO instants (or until now). */
/**
 * Seconds spent training, from epoch records (EpochMetrics, sorted by epoch): each session (a
 * start or a resume) counts its last {@code elapsedSeconds}, which the trainer restarts at every
 * session; time spent queued or stopped is not counted. NaN without a record.
 */
export function trainingSeconds(epochs) {
  let total = 0;
  let session = NaN;
  for (const e of epochs) {
    const t = e.elapsedSeconds;
    if (!isNum(t)) continue;
    if (isNum(session) && t < session) total += session; // a new session began
    session = t;
  }
  return isNum(session) ? total + session : NaN;
}

export function secondsBetween(fromIso, toIso) {
  const a = Date.parse(fromIso);
  const b = toIso ? Date.parse(toIso) : Date.now();
  return Number.isFinite(a) && Number.isFinite(b) ? Math.max(0, (b - a) / 1000) : NaN;
}

/**
 * The data set of a config's YAML text: its name ("fashion_mnist", also from the map {name: ...}
 * or a new-schema config's dataset_params.name), the file type of user files ("csv"), or '–'.
 */
export function datasetOf(yaml) {
  if (typeof yaml !== 'string') return '–';
  let f;
  try {
    f = flattenYaml(yaml);
  } catch {
    return '–';
  }
  let v = f.get('dataset') ?? f.get('dataset.name') ?? f.get('dataset.type') ?? f.get('dataset_params.name');
  if (v != null && v.startsWith('{')) { // a flow map, which the page's reader keeps as text
    const m = /[{,]\s*name:\s*['"]?([^\s,}'"]+)/.exec(v) || /[{,]\s*type:\s*['"]?([^\s,}'"]+)/.exec(v);
    v = m ? m[1] : null;
  }
  return v == null || v === 'null' ? '–' : v;
}

/** Run states in filter order; `damaged` is a folder the server cannot read as a run (reason says why). */
export const STATES = ['queued', 'running', 'stopping', 'stopped', 'finished', 'failed', 'interrupted', 'damaged'];

export function stateBadge(state) {
  return h(`span.badge.state-${state || 'unknown'}`, { 'data-state': state }, state || 'unknown');
}

/** Runs fn at most once per animation frame and at most every minMs milliseconds. */
export function throttle(fn, minMs) {
  let pending = false;
  let last = 0;
  return () => {
    if (pending) return;
    pending = true;
    const wait = Math.max(0, minMs - (performance.now() - last));
    setTimeout(() => requestAnimationFrame(() => {
      pending = false;
      last = performance.now();
      fn();
    }), wait);
  };
}

/**
 * Order of answers that can arrive out of order (several connections, a server that reads on a
 * pool): ask() numbers a request when it is made, isNewest(n) says whether its answer is newer
 * than the one shown (and from then on counts it as shown). An older one is to be dropped.
 */
export function newsOrder() {
  let asked = 0;
  let shown = 0;
  return {
    ask: () => ++asked,
    isNewest(n) {
      if (n < shown) return false;
      shown = n;
      return true;
    },
  };
}
