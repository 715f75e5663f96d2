// Evaluate view: asks the server to render the paper-style plots of a run and shows the finished
// ones as a gallery. Until the evaluation service is wired the server answers 501, and the view
// says exactly that instead of pretending.

import { api } from '../api.js';
import { h } from '../util.js';

const POLL_MS = 2000;

/** File names from whatever list shape the server sends: [..], {plots: [..]}, {files: [..]}. */
function plotFiles(r) {
  const list = Array.isArray(r) ? r : r?.plots ?? r?.files ?? [];
  return list.map((p) => (typeof p === 'string' ? { file: p } : { file: p.file ?? p.name, title: p.title ?? p.description }))
    .filter((p) => p.file);
}

export function evaluateView(ctx, id) {
  let timer = null;
  let destroyed = false;
  const status = h('div.notice#eval-status', 'Checking for plots…');
  const gallery = h('div.gallery#plot-gallery');
  const btn = h('button.btn.primary#request-eval', { type: 'button', onclick: request }, 'Render plots');

  const el = h('div.view.eval-view',
    h('div.view-head', h('div', h('h1', 'Evaluate'), h('p.run-sub', h('a', { href: `#/run/${encodeURIComponent(id)}` }, id))),
      h('div.actions', btn)),
    h('p.hint', 'Renders the paper-style plots of this run (training curves, confusion matrix, sorted output times, Yin-Yang maps, weight histograms) on the server.'),
    status, gallery);

  function say(text, kind = '') {
    status.className = `notice ${kind}`;
    status.textContent = text;
  }

  async function refresh(polling) {
    try {
      const files = plotFiles(await api.plots(id));
      gallery.replaceChildren(...files.map((p) => h('figure.plot',
        h('a', { href: api.plotUrl(id, p.file), target: '_blank' }, h('img', { src: api.plotUrl(id, p.file), alt: p.title || p.file, loading: 'lazy' })),
        h('figcaption', p.title || p.file))));
      if (files.length) say(`${files.length} plot${files.length > 1 ? 's' : ''}.`, 'ok');
      else if (!polling) say('No plots yet. Render them with the button above.');
      return files.length;
    } catch (e) {
      if (e.status === 501) say(`The server cannot evaluate runs yet (501: ${e.message}). The plots appear here once evaluation is wired into the workbench; until then use the CLI's eval command.`, 'warn');
      else say(`Cannot list plots: ${e.message}`, 'error');
      return -1;
    }
  }

  async function request() {
    btn.disabled = true;
    try {
      await api.evaluate(id);
      say('Rendering… the gallery fills in as plots are ready.');
      const poll = async () => {
        if (destroyed) return;
        const n = await refresh(true);
        if (n <= 0) timer = setTimeout(poll, POLL_MS);
      };
      poll();
    } catch (e) {
      if (e.status === 501) say(`The server answered 501: ${e.message}. Evaluation is not available in this workbench yet; the CLI's eval command renders the same plots.`, 'warn');
      else say(`Evaluation failed: ${e.message}`, 'error');
    } finally {
      btn.disabled = false;
    }
  }

  refresh(false);
  return { el, title: `Evaluate ${id}`, destroy() { destroyed = true; clearTimeout(timer); } };
}
