// Browser notifications (opt-in, the bell in the top bar) when a run finishes, fails or
// diverges (a failed run whose reason says the training diverged). While on, the page lists the
// runs once, follows the state stream of each active one, and lists them again every 20 s to
// catch runs started elsewhere and ends it missed (an active run found ended). Each (run, state)
// is notified once per page. Off: no listing, no subscription. The choice is remembered.

const KEY = 'firstspike.notify';
const RELIST_MS = 20_000;
const ACTIVE = new Set(['queued', 'running', 'stopping']);

/** What a state change is worth telling, or null: finished, diverged or failed. */
export function notice(id, state, reason) {
  if (state === 'finished') return { title: `Run ${id} finished`, body: reason || 'All epochs trained.', kind: 'finished' };
  if (state === 'failed' && /diverg/i.test(reason || '')) return { title: `Run ${id} diverged`, body: reason, kind: 'diverged' };
  if (state === 'failed') return { title: `Run ${id} failed`, body: reason || 'The training stopped with an error.', kind: 'failed' };
  return null;
}

export function initNotifications(button, { api, bus, meta, toast }) {
  const supported = 'Notification' in window;
  const watched = new Map(); // run id -> unsubscribe
  const known = new Map(); // run id -> last state seen
  const told = new Set(); // `${id}:${state}` already notified
  let timer = null;
  let on = false;

  function tell(id, state, reason) {
    const n = notice(id, state, reason);
    if (!n || told.has(`${id}:${state}`)) return;
    told.add(`${id}:${state}`);
    window.firstspike.notifications = [...(window.firstspike.notifications || []), { id, ...n }];
    try {
      const note = new Notification(n.title, { body: n.body, tag: `firstspike-${id}` });
      note.onclick = () => {
        window.focus();
        location.hash = `#/run/${encodeURIComponent(id)}`;
      };
    } catch (e) {
      toast(`${n.title}: ${n.body}`, n.kind === 'finished' ? 'info' : 'error');
    }
  }

  function onState(s) {
    if (!s || s.evaluation || !s.id) return;
    known.set(s.id, s.state);
    tell(s.id, s.state, s.reason);
    if (!ACTIVE.has(s.state)) {
      watched.get(s.id)?.();
      watched.delete(s.id);
    }
  }

  async function relist() {
    if (!on) return;
    try {
      const runs = (await api.runs()).runs || [];
      for (const r of runs) {
        const before = known.get(r.id);
        known.set(r.id, r.state);
        if (before && ACTIVE.has(before) && !ACTIVE.has(r.state)) tell(r.id, r.state, r.reason);
        if (ACTIVE.has(r.state) && !watched.has(r.id)) {
          watched.set(r.id, bus.subscribe(meta.streams.state.replace('{id}', r.id), onState));
        }
      }
    } catch {
      // the next listing tries again
    }
    if (on) timer = setTimeout(relist, RELIST_MS);
  }

  function stop() {
    clearTimeout(timer);
    for (const u of watched.values()) u();
    watched.clear();
    known.clear();
  }

  function paint() {
    button.hidden = !supported;
    button.setAttribute('aria-pressed', String(on));
    const bell = '<svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true"><path d="M8 1.5a4 4 0 0 0-4 4v3L2.5 11h11L12 8.5v-3a4 4 0 0 0-4-4zM6.5 12.5a1.5 1.5 0 0 0 3 0" fill="none" stroke="currentColor" stroke-width="1.4"/></svg>';
    button.innerHTML = `${bell}<span class="lbl"> ${on ? 'notify on' : 'notify off'}</span>`; // constant markup only
    button.setAttribute('aria-label', `Notifications when a run finishes, fails or diverges: ${on ? 'on' : 'off'}`);
    button.title = on ? 'Notifications on: click to turn off' : 'Notify me when a run finishes, fails or diverges';
  }

  async function set(next) {
    if (next) {
      const p = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
      if (p !== 'granted') {
        toast('Notifications are blocked for this page in the browser settings.', 'error');
        next = false;
      }
    }
    on = next;
    localStorage.setItem(KEY, on ? 'on' : 'off');
    stop();
    if (on) relist();
    paint();
  }

  button.addEventListener('click', () => set(!on));
  on = supported && localStorage.getItem(KEY) === 'on' && Notification.permission === 'granted';
  paint();
  if (on) relist();
  return { isOn: () => on };
}
