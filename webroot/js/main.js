// Entry point: reads /api/meta (stream addresses, bridge path: never repeated in this code),
// opens the event bus, and routes #/... hashes to views. One view is mounted at a time; leaving
// it unsubscribes its streams and destroys its charts, so memory does not grow with navigation.

import { api, setTokenPrompt } from './api.js';
import { EventBus } from './bus.js';
import { setupCharts } from './charts.js';
import { initNotifications } from './notify.js';
import { initTheme } from './theme.js';
import { h } from './util.js';
import { compareView } from './views/compare.js';
import { evaluateView } from './views/evaluate.js';
import { liveView } from './views/live.js';
import { newRunView } from './views/newrun.js';
import { runsView } from './views/runs.js';
import { sweepsView, sweepView } from './views/sweeps.js';

// Read by the browser tests and handy in the console.
window.firstspike = { points: {}, bus: null, view: null };

const main = document.getElementById('view');
const conn = document.getElementById('conn');
const toasts = document.getElementById('toasts');
let current = null;
let currentHash = null; // the hash the current view was made for
let restoring = false; // the hashchange of putting currentHash back: not a navigation

function toast(text, kind = 'info') {
  const t = h(`div.toast.${kind}`, { role: kind === 'error' ? 'alert' : 'status' }, text);
  toasts.append(t);
  while (toasts.children.length > 4) toasts.firstChild.remove();
  setTimeout(() => t.remove(), kind === 'error' ? 9000 : 4000);
}

/** The token dialog: resolves with the token, or null when cancelled. */
function askToken(message) {
  const dlg = document.getElementById('token-dialog');
  const input = dlg.querySelector('input');
  dlg.querySelector('.dialog-error').textContent = message || '';
  input.value = '';
  // Cancel is a plain button (not a submit button), so Enter in the field submits with Unlock.
  dlg.querySelector('button[value="cancel"]').onclick = () => dlg.close('cancel');
  return new Promise((resolve) => {
    dlg.onclose = () => resolve(dlg.returnValue === 'ok' && input.value.trim() ? input.value.trim() : null);
    dlg.showModal();
    input.focus();
  });
}

function renderConnection(bus) {
  const dot = h('span.dot');
  const label = h('span.conn-label');
  const ago = h('span.conn-ago');
  const retry = h('button.link-btn', { type: 'button', hidden: true, onclick: () => bus.retryNow() }, 'retry now');
  conn.replaceChildren(dot, label, ago, retry);
  const paint = () => {
    const s = bus.status();
    conn.dataset.state = s.state;
    label.textContent = { connected: 'live', reconnecting: 'reconnecting', connecting: 'connecting' }[s.state] || s.state;
    if (s.state !== 'connected' && s.nextRetryAt) {
      label.textContent += ` (attempt ${s.attempt}, next in ${Math.max(0, Math.ceil((s.nextRetryAt - Date.now()) / 1000))} s)`;
    }
    retry.hidden = s.state === 'connected';
    if (s.lastMessageAt) {
      const sec = Math.floor((Date.now() - s.lastMessageAt) / 1000);
      ago.textContent = `last message ${sec < 1 ? 'just now' : `${sec} s ago`}`;
    } else {
      ago.textContent = 'no message yet';
    }
  };
  bus.onStatus(paint);
  setInterval(paint, 1000);
}

function route(ctx) {
  if (restoring) {
    restoring = false;
    return;
  }
  // A view with unsaved edits (the New-run editor) may keep the page: the hash is put back.
  if (current && current.canLeave && location.hash !== currentHash && !current.canLeave()) {
    restoring = true;
    location.hash = currentHash;
    return;
  }
  currentHash = location.hash;
  const hash = location.hash || '#/runs';
  const [path, query] = hash.slice(1).split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let make;
  let nav = parts[0] || 'runs';
  if (parts[0] === 'run' && parts[1]) make = () => liveView(ctx, parts[1]);
  else if (parts[0] === 'evaluate' && parts[1]) make = () => evaluateView(ctx, parts[1]);
  else if (parts[0] === 'new') make = () => newRunView(ctx, params);
  else if (parts[0] === 'compare') make = () => compareView(ctx, params);
  else if (parts[0] === 'sweeps') make = () => sweepsView(ctx);
  else if (parts[0] === 'sweep' && parts[1]) {
    nav = 'sweeps';
    make = () => sweepView(ctx, parts[1]);
  }
  else {
    nav = 'runs';
    make = () => runsView(ctx, params);
  }
  if (current) current.destroy();
  current = make();
  window.firstspike.view = nav;
  main.replaceChildren(current.el);
  document.title = `${current.title} · FirstSpike`;
  for (const a of document.querySelectorAll('nav.tabs a')) a.classList.toggle('on', a.dataset.nav === nav);
  window.scrollTo(0, 0);
}

async function boot() {
  setTokenPrompt(askToken);
  initTheme(document.getElementById('theme-toggle'));
  if (!setupCharts()) {
    main.replaceChildren(h('div.notice.error', 'Chart.js did not load from /webjars/chart.js/4.4.1/dist/chart.umd.js.'));
    return;
  }
  let meta;
  for (let attempt = 0; ; attempt++) {
    try {
      meta = await api.meta();
      break;
    } catch (e) {
      if (e.status !== 0 || attempt > 50) {
        main.replaceChildren(h('div.notice.error', `Cannot start the dashboard: ${e.message}`));
        return;
      }
      main.replaceChildren(h('div.notice', 'Waiting for the workbench…'));
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
    }
  }
  const bus = new EventBus(meta.webSocketPath, meta.pingMillis);
  window.firstspike.bus = bus;
  renderConnection(bus);
  const ctx = { api, bus, meta, toast };
  initNotifications(document.getElementById('notify-toggle'), ctx);
  window.addEventListener('hashchange', () => route(ctx));
  window.addEventListener('beforeunload', (e) => {
    if (current?.edited?.()) e.preventDefault(); // the browser asks before a reload or close loses edits
  });
  route(ctx);
}

boot();
