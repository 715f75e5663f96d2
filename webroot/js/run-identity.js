// A run's identity on its page (issue 22): name, tags and notes, edited in place and saved in the
// run folder's meta.json (POST /api/runs/{id}/meta); the config it was started with; "New run
// from this config"; archive and delete, each after a confirmation (delete asks for the run id
// typed again, as the server does; a running run cannot be deleted).

import { api } from './api.js';
import { h } from './util.js';

const ACTIVE = new Set(['queued', 'running', 'stopping']);

/** Tags typed as "a, b, c": trimmed, empty ones dropped. */
export const parseTags = (text) => text.split(',').map((t) => t.trim()).filter((t) => t);

export function identityPanel(id, { toast }) {
  let meta = null;
  let state = null;
  let dirty = false;

  const name = h('input#run-name', { type: 'text', maxlength: '200', placeholder: 'a name for this run', 'aria-label': 'run name' });
  const tags = h('input#run-tags', { type: 'text', placeholder: 'tags, comma separated', 'aria-label': 'tags' });
  const notes = h('textarea#run-notes', { rows: '3', placeholder: 'notes', 'aria-label': 'notes' });
  const status = h('span.muted#meta-status', { 'aria-live': 'polite' }, '');
  const save = h('button.btn.small#save-meta', { type: 'submit', disabled: true }, 'Save');
  const archive = h('button.btn.small.ghost#archive-run', { type: 'button', onclick: toggleArchive }, 'Archive');
  const del = h('button.btn.small.danger#delete-run', { type: 'button', onclick: remove }, 'Delete…');
  const again = h('a.btn.small.ghost#new-from-run', { href: `#/new?from=${encodeURIComponent(id)}` }, 'New run from this config');
  const configText = h('pre.config-text#run-config', '');
  const form = h('form.identity', { onsubmit: (e) => { e.preventDefault(); saveMeta(); } },
    h('div.identity-row', h('label.field', h('span', 'Name'), name), h('label.field', h('span', 'Tags'), tags)),
    h('label.field', h('span', 'Notes'), notes),
    h('div.actions', save, status, h('span.spacer'), again, archive, del));
  const el = h('section.card.identity-card#run-identity', form,
    h('details#run-config-box', h('summary', 'Config'), configText));

  for (const input of [name, tags, notes]) {
    input.addEventListener('input', () => {
      dirty = true;
      save.disabled = false;
      status.textContent = 'not saved';
    });
  }

  function show(m) {
    meta = m;
    el.dataset.archived = String(!!m.archived);
    archive.textContent = m.archived ? 'Unarchive' : 'Archive';
    if (dirty) return; // never overwrite what the user is typing
    name.value = m.name || '';
    tags.value = (m.tags || []).join(', ');
    notes.value = m.notes || '';
  }

  async function saveMeta() {
    save.disabled = true;
    try {
      const m = await api.saveMeta(id, { name: name.value, tags: parseTags(tags.value), notes: notes.value });
      dirty = false;
      show(m);
      status.textContent = 'saved';
    } catch (e) {
      save.disabled = false;
      status.textContent = '';
      toast(`Cannot save: ${e.message}`, 'error');
    }
  }

  async function toggleArchive() {
    const on = !meta?.archived;
    const q = on ? `Archive ${id}? It is hidden from the runs list until you show archived runs.` : `Unarchive ${id}?`;
    if (!window.confirm(q)) return;
    try {
      show(await api.saveMeta(id, { archived: on }));
      toast(on ? `Run ${id} archived.` : `Run ${id} unarchived.`);
    } catch (e) {
      toast(`Cannot archive: ${e.message}`, 'error');
    }
  }

  async function remove() {
    if (ACTIVE.has(state)) {
      toast(`Run ${id} is ${state}: stop it before deleting it.`, 'error');
      return;
    }
    const typed = window.prompt(`Delete run ${id} and every file in its folder (snapshots, logs, plots)? This cannot be undone.\nType the run id to confirm:`);
    if (typed == null) return;
    if (typed.trim() !== id) {
      toast('Not deleted: the id typed does not match.', 'error');
      return;
    }
    try {
      await api.deleteRun(id, id);
      toast(`Run ${id} deleted.`);
      location.hash = '#/runs';
    } catch (e) {
      toast(`Cannot delete: ${e.message}`, 'error');
    }
  }

  return {
    el,
    /** A run summary (GET /api/runs/{id}): its meta, config and state. */
    update(summary) {
      if (!summary) return;
      state = summary.state;
      del.disabled = ACTIVE.has(state);
      del.title = del.disabled ? 'stop the run before deleting it' : '';
      // A summary loaded before a save carries the older meta: keep the newer one.
      const at = (m) => Date.parse(m?.updatedAt || '') || 0;
      if (summary.meta && (!meta || at(summary.meta) >= at(meta))) show(summary.meta);
      if (typeof summary.config === 'string' && configText.textContent !== summary.config) configText.textContent = summary.config;
    },
  };
}
