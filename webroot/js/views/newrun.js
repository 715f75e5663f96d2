// New run view: pick a ready config, edit its YAML, override epochs and seed, start. The server
// validates (the same loader as the CLI); its message names the key path or the line, which is
// marked in the editor's gutter with the message beside that line. Beside the editor, a form of
// the common hyperparameters (hyperform.js) edits the same text: a field rewrites only its value's
// characters, and typing in the YAML updates the fields (throttled).

import { ApiError, api } from '../api.js';
import { applyField, hyperFields } from '../hyperform.js';
import { locateError } from '../yaml.js';
import { h } from '../util.js';

/** The select's value for the config of an existing run. */
const FROM_RUN = 'run:';

/**
 * The name a new run's id starts with: the config's name, or for a run's config that run's id
 * without its start time (yin_yang_small_2026-11-29_04-35-58 -> yin_yang_small).
 */
function runName(current) {
  if (!current) return 'custom';
  if (!current.startsWith(FROM_RUN)) return current;
  return current.slice(FROM_RUN.length).replace(/_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}.*$/, '') || 'custom';
}

export function newRunView(ctx, params) {
  const { toast } = ctx;
  let configs = [];
  let current = null; // selected config name
  let error = null; // {line, keyPath, detail, message}
  let loadedText = null; // the config's text as loaded: the editor differs from it once edited
  const edited = () => loadedText != null && textarea.value !== loadedText;
  const LEAVE = 'Your edits to this config are not saved anywhere. Leave and lose them?';

  const select = h('select#config-select', { 'aria-label': 'config' });
  const desc = h('p.config-desc', '');
  const gutter = h('div.gutter', { 'aria-hidden': 'true' });
  const textarea = h('textarea#yaml-editor', { spellcheck: 'false', wrap: 'off', 'aria-label': 'config YAML' });
  const bubble = h('div.error-bubble', { hidden: true, role: 'alert' });
  const editor = h('div.editor', gutter, textarea, bubble);
  const epochs = h('input#override-epochs', { type: 'number', min: '1', step: '1', placeholder: 'from config' });
  const seed = h('input#override-seed', { type: 'number', min: '0', step: '1', placeholder: 'from config' });
  const errorBox = h('div.error-box#start-error', { hidden: true, role: 'alert' });
  const startBtn = h('button.btn.primary#start-run', { type: 'submit' }, 'Start run');
  const reset = h('button.btn.ghost', { type: 'button', onclick: () => load(current) }, 'Revert edits');

  // Enter in a hyperparameter field must not start a run (the form's implicit submission)
  const hyper = h('div.hyper-form#hyper-form', { role: 'group', 'aria-label': 'hyperparameters',
    onkeydown: (e) => { if (e.key === 'Enter' && e.target.tagName === 'INPUT') e.preventDefault(); } });
  let hyperShape = null; // the fields' ids and value counts: rebuilt only when these change
  let hyperTimer = null;

  /** Shows the fields of the editor's text; the field being typed in keeps its text. */
  function refreshHyper() {
    const { schema, fields } = hyperFields(textarea.value);
    const shape = `${schema}|${fields.map((f) => `${f.id}:${f.values.length}`).join(',')}`;
    if (shape !== hyperShape) {
      hyperShape = shape;
      hyper.replaceChildren(h('div.hyper-head', 'Hyperparameters', h('span.hint', schema === 'delgrad' ? ' DelGrad schema' : ' 2021 schema')),
        ...fields.map((f) => h(`label.field.hp#hp-field-${f.id}`, h('span', f.label),
          h(`input#hp-${f.id}`, { type: 'text', inputmode: f.kind === 'loss' ? 'text' : 'decimal', spellcheck: 'false',
            dataset: { field: f.id }, oninput: (e) => writeHyper(f.id, e.target) }),
          h('small.hp-note', ''))));
    }
    for (const f of fields) {
      const input = hyper.querySelector(`#hp-${f.id}`);
      const note = input.nextElementSibling;
      input.disabled = f.disabled;
      if (document.activeElement !== input) {
        input.value = f.values.join(', ');
        input.classList.remove('invalid');
        input.removeAttribute('aria-invalid');
      }
      if (!input.classList.contains('invalid')) note.textContent = f.disabled ? f.note : f.hint;
      note.classList.toggle('off', f.disabled);
    }
  }

  /** A field's input into the YAML text; invalid input is marked and not written. */
  function writeHyper(id, input) {
    const r = applyField(textarea.value, id, input.value);
    const note = input.nextElementSibling;
    if (r.error) {
      input.classList.add('invalid');
      input.setAttribute('aria-invalid', 'true');
      note.textContent = `Not written: needs ${r.error}`;
      return;
    }
    input.classList.remove('invalid');
    input.removeAttribute('aria-invalid');
    if (r.text !== textarea.value) {
      const { scrollTop, selectionStart, selectionEnd } = textarea;
      textarea.value = r.text;
      textarea.scrollTop = scrollTop;
      textarea.setSelectionRange(selectionStart, selectionEnd);
      clearError();
      renderGutter();
    }
    refreshHyper();
  }

  const form = h('form.view.new-view', { onsubmit: (e) => { e.preventDefault(); start(); } },
    h('div.view-head', h('h1', 'New run')),
    h('div.new-grid',
      h('div.new-side',
        h('label.field', h('span', 'Config'), select), desc,
        hyper,
        h('label.field', h('span', 'Override epochs'), epochs),
        h('label.field', h('span', 'Override seed'), seed),
        h('p.hint', 'Overrides replace training_params.epoch_number and both seeds; leave empty to keep the config\'s values.'),
        h('div.actions', startBtn, reset),
        errorBox),
      h('div.new-main', editor)));

  const lineHeight = () => parseFloat(getComputedStyle(textarea).lineHeight) || 18;

  function renderGutter() {
    const n = textarea.value.split('\n').length;
    const frag = document.createDocumentFragment();
    for (let i = 1; i <= n; i++) frag.append(h(`div${error?.line === i ? '.err' : ''}`, String(i)));
    gutter.replaceChildren(frag);
    gutter.scrollTop = textarea.scrollTop;
    placeBubble();
  }

  function placeBubble() {
    if (!error || !error.line) {
      bubble.hidden = true;
      return;
    }
    const pad = parseFloat(getComputedStyle(textarea).paddingTop) || 0;
    const y = pad + (error.line - 1) * lineHeight() - textarea.scrollTop;
    bubble.hidden = y < -lineHeight() || y > textarea.clientHeight;
    bubble.style.top = `${y + lineHeight()}px`;
  }

  function showError(e) {
    const text = textarea.value;
    const loc = locateError(e.message, text, current);
    error = { ...loc, message: e.message };
    bubble.replaceChildren(h('strong', loc.keyPath || (loc.line ? `line ${loc.line}` : '')), ' ', loc.detail);
    errorBox.hidden = false;
    // replaceChildren writes a null child as the text "null": leave the button out instead.
    errorBox.replaceChildren(...[
      h('strong', `The server refused this config (${e.status}).`),
      h('p', e.message),
      loc.line ? h('button.btn.small', { type: 'button', onclick: () => jumpTo(loc.line) }, `Go to line ${loc.line}`) : null,
    ].filter((x) => x != null));
    renderGutter();
    if (loc.line) jumpTo(loc.line, false);
  }

  function clearError() {
    if (!error) return;
    error = null;
    errorBox.hidden = true;
    renderGutter();
  }

  function jumpTo(line, focus = true) {
    const lines = textarea.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((a, l) => a + l.length + 1, 0);
    const target = Math.max(0, (line - 4) * lineHeight());
    if (textarea.scrollTop > (line - 1) * lineHeight() || textarea.scrollTop + textarea.clientHeight < line * lineHeight()) textarea.scrollTop = target;
    if (focus) {
      textarea.focus();
      textarea.setSelectionRange(start, start + (lines[line - 1] || '').length);
    }
    renderGutter();
  }

  async function load(name) {
    if (!name) return;
    current = name;
    const c = configs.find((x) => x.name === name);
    desc.textContent = c?.description || '';
    try {
      // "run:<id>": the config a run was started with (New run from this run's config).
      const fromRun = name.startsWith(FROM_RUN) ? name.slice(FROM_RUN.length) : null;
      const yaml = fromRun ? (await api.run(fromRun)).config : (await api.config(name)).yaml;
      if (fromRun) desc.textContent = `The config run ${fromRun} was started with.`;
      if (typeof yaml !== 'string') throw new Error('the run has no readable config.yaml');
      textarea.value = yaml;
      loadedText = yaml;
      clearError();
      renderGutter();
      refreshHyper();
    } catch (e) {
      toast(`Cannot load config ${name}: ${e.message}`, 'error');
    }
  }

  async function start() {
    const overrides = {};
    if (epochs.value !== '') overrides.epochs = Number(epochs.value);
    if (seed.value !== '') overrides.seed = Number(seed.value);
    startBtn.disabled = true;
    startBtn.textContent = 'Starting…';
    try {
      const r = await api.startRun({ yaml: textarea.value, name: runName(current), overrides });
      toast(`Run ${r.id} queued.`);
      loadedText = textarea.value; // the run keeps the edits: nothing to lose by leaving
      location.hash = `#/run/${encodeURIComponent(r.id)}`;
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) showError(e);
      else toast(`Could not start the run: ${e.message}`, 'error');
    } finally {
      startBtn.disabled = false;
      startBtn.textContent = 'Start run';
    }
  }

  textarea.addEventListener('input', () => {
    clearError();
    renderGutter();
    if (hyperTimer == null) hyperTimer = setTimeout(() => { hyperTimer = null; refreshHyper(); }, 250);
  });
  textarea.addEventListener('scroll', () => { gutter.scrollTop = textarea.scrollTop; placeBubble(); });
  select.addEventListener('change', () => {
    if (edited() && !window.confirm(LEAVE)) select.value = current; // keep the edits
    else load(select.value);
  });

  (async () => {
    try {
      configs = (await api.configs()).configs || [];
    } catch (e) {
      toast(`Cannot list configs: ${e.message}`, 'error');
      return;
    }
    select.replaceChildren(...configs.map((c) => h('option', { value: c.name }, c.name)));
    const from = params.get('from');
    if (from) {
      select.prepend(h('option', { value: FROM_RUN + from }, `config of run ${from}`));
      select.value = FROM_RUN + from;
      load(FROM_RUN + from);
      return;
    }
    const want = params.get('config');
    const first = configs.find((c) => c.name === want) ?? configs.find((c) => c.name === 'yin_yang_small') ?? configs[0];
    if (first) {
      select.value = first.name;
      load(first.name);
    }
  })();

  return {
    el: form,
    title: 'New run',
    /** Edits not started as a run are asked about before the view is left (issue 22, bug 13). */
    edited,
    canLeave: () => !edited() || window.confirm(LEAVE),
    destroy() { clearTimeout(hyperTimer); },
  };
}
