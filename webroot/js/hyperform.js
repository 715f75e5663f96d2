// The common hyperparameters of a config (learning rates, epochs, batch size, layer sizes, loss,
// seeds) as form fields, for both schemas: the 2021 one (training_params.*,
// network_layout.layer_sizes) and the DelGrad one (network_layout.layers[i] with their own
// learning_rate and, for a NeuronLayer, size). A field reads its value from the YAML text and
// writes it back by replacing only that value's characters on its line: comments, blank lines,
// key order and the column of a trailing comment stay as they were.

import { locateValues } from './yaml.js';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** What a field's kind accepts: null when fine, else what would be right. */
const KINDS = {
  rate: (s) => (NUMBER.test(s) && Number(s) > 0 ? null : 'a positive number such as 0.005'),
  count: (s) => (/^\d+$/.test(s) && Number(s) >= 1 ? null : 'a whole number of at least 1'),
  seed: (s) => (/^\d+$/.test(s) ? null : 'a whole number of at least 0'),
  loss: (s) => (/^[A-Za-z_]\w*$/.test(s) ? null : 'a loss name such as MSE'),
};

/** Text a plain scalar may not start with: quotes, flow collections, anchors, tags, blocks. */
const NOT_PLAIN = /^["'[{&*!|>%@`]/;

/**
 * Where a target's values sit: {parts: [{line, start, end, raw}], list} or {note} when the key is
 * absent or its value is not plain text the form can rewrite.
 */
function resolve(at, target) {
  const e = at.get(target.path);
  if (!e) return { note: `${target.path} is not in the config` };
  if (target.list) {
    const m = /^\[([^[\]{}#"']*)\]$/.exec(e.raw);
    if (!m) return { note: `${target.path} is not a one-line list such as [30, 3]: edit it in the YAML` };
    const items = m[1].split(',').map((x) => x.trim());
    if (items.some((x) => x === '')) return { note: `${target.path} has an empty entry: edit it in the YAML` };
    return { parts: [e], items, list: true };
  }
  if (e.raw === '' || NOT_PLAIN.test(e.raw)) {
    return { note: `${target.path} is not a plain value: edit it in the YAML` };
  }
  return { parts: [e], items: [e.raw], list: false };
}

function field(at, id, label, kind, targets, hint = '') {
  const f = { id, label, kind, targets, hint, values: [], disabled: false, note: '' };
  if (!targets.length) {
    f.disabled = true;
    f.note = hint || 'not in the config';
    return f;
  }
  for (const t of targets) {
    const r = resolve(at, t);
    if (r.note) {
      f.disabled = true;
      f.note = r.note;
      f.values = [];
      return f;
    }
    f.values.push(...r.items);
  }
  return f;
}

/**
 * The form's fields for a config text: {schema: '2021' | 'delgrad', fields: [{id, label, kind,
 * targets: [{path, list}], values, disabled, note, hint}]}. A field with several values (layer
 * sizes, per-layer learning rates) shows them comma-separated.
 */
export function hyperFields(text) {
  const { tree, at } = locateValues(text);
  const layers = tree?.network_layout?.layers;
  const delgrad = Array.isArray(layers);
  const fields = [];
  const tp = (k) => [{ path: `training_params.${k}` }];
  if (delgrad) {
    fields.push(field(at, 'lr', 'Learning rate (default)', 'rate', tp('learning_rate'),
      'for layers without their own'));
    const withLr = [];
    const sized = [];
    layers.forEach((l, i) => {
      if (l && typeof l === 'object' && 'learning_rate' in l) withLr.push(i);
      if (l && typeof l === 'object' && l.name === 'NeuronLayer') sized.push(i);
    });
    const names = (idx) => idx.map((i) => `${i + 1} ${layers[i]?.name ?? '?'}`).join(', ');
    fields.push(field(at, 'layer-lrs', 'Layer learning rates', 'rate',
      withLr.map((i) => ({ path: `network_layout.layers[${i}].learning_rate` })),
      withLr.length ? `layers ${names(withLr)}` : 'no layer has its own learning_rate'));
    fields.push(field(at, 'sizes', 'Layer sizes', 'count',
      sized.map((i) => ({ path: `network_layout.layers[${i}].size` })),
      sized.length ? `NeuronLayers ${sized.map((i) => i + 1).join(', ')}; the last is the label layer` : 'no NeuronLayer'));
  } else {
    fields.push(field(at, 'lr', 'Learning rate', 'rate', tp('learning_rate')));
    fields.push(field(at, 'sizes', 'Layer sizes', 'count',
      [{ path: 'network_layout.layer_sizes', list: true }], 'one per layer; the last is the label layer'));
  }
  fields.push(field(at, 'epochs', 'Epochs', 'count', tp('epoch_number')));
  fields.push(field(at, 'batch', 'Batch size', 'count', tp('batch_size')));
  fields.push(field(at, 'loss', 'Loss', 'loss', tp('loss.type'),
    delgrad ? 'shift_invariant_MSE, MSE or TTFS' : 'TTFS or MSE'));
  fields.push(field(at, 'numpy-seed', 'Seed (data)', 'seed', tp('numpy_seed')));
  fields.push(field(at, 'torch-seed', 'Seed (weights)', 'seed', tp('torch_seed')));
  return { schema: delgrad ? 'delgrad' : '2021', fields };
}

/** Replaces [start, end) of a line, keeping a trailing comment in its column where room allows. */
function replaceOnLine(line, start, end, value) {
  const after = line.slice(end);
  const gap = /^(\s+)#/.exec(after);
  let tail = after;
  if (gap) {
    const width = Math.max(1, gap[1].length - (value.length - (end - start)));
    tail = ' '.repeat(width) + after.slice(gap[1].length);
  }
  return line.slice(0, start) + value + tail;
}

/**
 * Writes a field's input into the text: {text} with only that field's values changed, or {error}
 * naming what would be right (then nothing is written).
 */
export function applyField(text, id, input) {
  const f = hyperFields(text).fields.find((x) => x.id === id);
  if (!f) return { error: `no field ${id}` };
  if (f.disabled) return { error: f.note };
  const parts = String(input).split(',').map((x) => x.trim());
  if (parts.length !== f.values.length) {
    return { error: f.values.length === 1 ? 'one value' : `${f.values.length} values, comma-separated (one per layer)` };
  }
  for (const p of parts) {
    const bad = KINDS[f.kind](p);
    if (bad) return { error: `"${p}" is not ${bad}` };
  }
  const { at } = locateValues(text);
  const lines = text.split('\n');
  let k = 0;
  for (const t of f.targets) {
    const e = at.get(t.path);
    const n = t.list ? resolve(at, t).items.length : 1;
    const value = t.list ? `[${parts.slice(k, k + n).join(', ')}]` : parts[k];
    k += n;
    const cr = lines[e.line - 1].endsWith('\r') ? '\r' : '';
    const line = cr ? lines[e.line - 1].slice(0, -1) : lines[e.line - 1];
    lines[e.line - 1] = replaceOnLine(line, e.start, e.end, value) + cr;
  }
  return { text: lines.join('\n') };
}
