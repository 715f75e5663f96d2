// Evaluate view: asks the server to evaluate a run's newest snapshot and render the paper-style
// plots, follows the evaluation live on the run's state stream (messages with an "evaluation"
// object), and shows the rendered PNGs as a gallery of thumbnails; a click enlarges one.
// The plots already on disk are shown when the view opens.

import { api } from '../api.js';
import { h } from '../util.js';

const PHASE_TEXT = { evaluate: 'Evaluating the snapshot', render: 'Rendering plots' };

/** A readable caption from a plot file name: "yin_yang_confusion_matrix_test.png" -> "yin yang confusion matrix test". */
const caption = (file) => file.replace(/\.png$/, '').replace(/_/g, ' ');

export function evaluateView(ctx, id) {
  const { bus, meta } = ctx;
  let destroyed = false;
  let evaluating = false;
  const unsubs = [];
  const status = h('div.notice#eval-status', 'Checking for plots…');
  const bar = h('div.progress-fill#eval-progress', { style: 'width: 0%' });
  const progressText = h('span#eval-progress-text', '');
  const meter = h('div.progress', { role: 'progressbar', 'aria-label': 'evaluation progress', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' }, bar);
  const progress = h('div.eval-progress', { hidden: true }, meter, h('div.progress-row', progressText));
  const notes = h('ul.eval-notes#eval-notes', { hidden: true });
  const gallery = h('div.gallery#plot-gallery');
  const btn = h('button.btn.primary#request-eval', { type: 'button', onclick: request }, 'Render plots');
  const zip = h('a.btn#download-plots', { href: api.zipUrl(id, 'plots'), download: '', hidden: true, title: 'Every plot of the last evaluation in one zip' }, 'Download all (.zip)');
  const bigImg = h('img#lightbox-img', { alt: '' });
  const bigCaption = h('p.lightbox-caption', '');
  const lightbox = h('div.lightbox#lightbox', { hidden: true, onclick: closeLightbox, role: 'dialog', 'aria-label': 'plot' },
    h('figure', bigImg, bigCaption));

  const el = h('div.view.eval-view',
    h('div.view-head', h('div', h('h1', 'Evaluate'), h('p.run-sub', h('a', { href: `#/run/${encodeURIComponent(id)}` }, id))),
      h('div.actions', zip, btn)),
    h('p.hint', 'Evaluates the newest snapshot of this run on its test and training sets and renders the paper-style plots (training curves, confusion matrices, sorted output times, Yin-Yang maps, weights) on the server.'),
    status, progress, notes, gallery, lightbox);

  function say(text, kind = '') {
    status.className = `notice ${kind}`;
    status.textContent = text;
  }

  function setEvaluating(on) {
    evaluating = on;
    btn.disabled = on;
    btn.textContent = on ? 'Rendering…' : 'Render plots';
    progress.hidden = !on;
    el.dataset.evaluating = String(on);
  }

  function showNotes(list) {
    notes.replaceChildren(...(list || []).map((n) => h('li', n)));
    notes.hidden = !list || list.length === 0;
  }

  function openLightbox(src, text) {
    bigImg.src = src;
    bigImg.alt = text;
    bigCaption.textContent = text;
    lightbox.hidden = false;
  }

  function closeLightbox() {
    lightbox.hidden = true;
    bigImg.removeAttribute('src');
  }

  function onKey(e) {
    if (e.key === 'Escape' && !lightbox.hidden) closeLightbox();
  }
  document.addEventListener('keydown', onKey);

  /** Loads the list of plots and redraws the gallery; the modified time busts the browser cache. */
  async function refresh() {
    let r;
    try {
      r = await api.plots(id);
    } catch (e) {
      say(`Cannot list plots: ${e.message}`, 'error');
      return;
    }
    if (destroyed) return;
    const plots = r.plots || [];
    gallery.replaceChildren(...plots.map((p) => {
      const src = `${api.plotUrl(id, p.file)}?v=${encodeURIComponent(p.modified || '')}`;
      const text = caption(p.file);
      return h('figure.plot', { dataset: { file: p.file } },
        h('button.thumb', { type: 'button', title: `Enlarge ${p.file}`, onclick: () => openLightbox(src, text) },
          h('img', { src, alt: text, loading: 'lazy' })),
        h('figcaption', text));
    }));
    showNotes(r.notes);
    zip.hidden = !plots.length;
    setEvaluating(Boolean(r.evaluating));
    if (r.evaluating) say('An evaluation of this run is in progress…');
    else if (plots.length) {
      // Which snapshot: a running run has a newer one every epoch (issue 22, bug 11).
      const of = Number.isInteger(r.epoch) ? ` of the snapshot of epoch ${r.epoch}` : '';
      const at = r.evaluatedAt || plots[0].modified;
      say(`${plots.length} plot${plots.length > 1 ? 's' : ''}${of}, rendered ${new Date(at).toLocaleString()}. Click one to enlarge it.`, 'ok');
    }
    else say('No plots yet. Render them with the button above (uses the newest snapshot).');
    status.dataset.epoch = Number.isInteger(r.epoch) ? String(r.epoch) : '';
  }

  /** A message on runs.<id>.state; only those with an "evaluation" object concern this view. */
  function onState(s) {
    const e = s && s.evaluation;
    if (!e) return;
    if (e.phase === 'done') {
      setEvaluating(false);
      refresh();
    } else if (e.phase === 'failed') {
      setEvaluating(false);
      say(`Evaluation failed: ${e.error}`, 'error');
    } else {
      if (!evaluating) setEvaluating(true);
      const frac = e.total > 0 ? e.done / e.total : 0;
      bar.style.width = `${(100 * frac).toFixed(1)}%`;
      meter.setAttribute('aria-valuenow', (100 * frac).toFixed(0));
      const unit = e.phase === 'evaluate' ? 'samples' : 'plots';
      progressText.textContent = `${PHASE_TEXT[e.phase] || e.phase}: ${e.done} / ${e.total} ${unit}${e.what ? ` (${e.what})` : ''}`;
      meter.setAttribute('aria-valuetext', progressText.textContent);
      say(`${PHASE_TEXT[e.phase] || e.phase}${Number.isInteger(e.epoch) ? ` (snapshot of epoch ${e.epoch})` : ''}…`);
    }
  }

  async function request() {
    setEvaluating(true);
    bar.style.width = '0%';
    progressText.textContent = 'Starting…';
    try {
      await api.evaluate(id);
      say('Evaluation started; progress follows below.');
    } catch (e) {
      if (e.status === 409 && /already/.test(e.message)) {
        say(e.message);
      } else {
        setEvaluating(false);
        say(`Cannot evaluate: ${e.message}`, e.status === 409 ? 'warn' : 'error');
      }
    }
  }

  unsubs.push(bus.subscribe(meta.streams.state.replace('{id}', id), onState));
  // Messages sent while disconnected are lost: the listing says whether it is still running.
  unsubs.push(bus.onReconnect(() => refresh()));
  refresh();
  return {
    el,
    title: `Evaluate ${id}`,
    destroy() {
      destroyed = true;
      document.removeEventListener('keydown', onKey);
      unsubs.forEach((u) => u());
    },
  };
}
