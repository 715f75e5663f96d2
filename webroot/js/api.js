// REST client of the workbench API (docs/API.md). Every call goes through request(), which turns
// the server's error body {status, error} into an ApiError and handles the token: on the first
// 401 it asks the user once for the token, posts it to /api/login (the server answers with an
// HttpOnly session cookie, which also opens the WebSocket) and repeats the call.

/** An HTTP error with the server's message (which names the key, value or line that is wrong). */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

let loginPromise = null; // one login dialog for all calls that hit 401 at the same time
let tokenPrompt = null; // set by the UI: async () => token string or null (cancelled)

/** The UI supplies the dialog that asks for the token. */
export function setTokenPrompt(fn) {
  tokenPrompt = fn;
}

async function login() {
  if (!tokenPrompt) throw new ApiError(401, 'the server needs a token');
  let message = '';
  for (;;) {
    const token = await tokenPrompt(message);
    if (token == null) throw new ApiError(401, 'no token entered: the workbench needs its token');
    const r = await fetch('/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token }),
      credentials: 'same-origin',
    });
    if (r.ok) return;
    message = 'That token was not accepted. Check the token the server printed at start.';
  }
}

async function parse(r) {
  const text = await r.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * fetch() with JSON in and out. Throws ApiError for any non-2xx answer; the message is the
 * server's "error" text when it sent one. {@code signal} (an AbortSignal) cancels the request.
 */
export async function request(method, path, body, { signal, retried = false } = {}) {
  const init = { method, headers: {}, credentials: 'same-origin', signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let r;
  try {
    r = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `cannot reach the workbench (${e.message})`);
  }
  if (r.status === 401 && !retried && path !== '/api/login') {
    loginPromise ??= login().finally(() => { loginPromise = null; });
    await loginPromise;
    return request(method, path, body, { signal, retried: true });
  }
  const data = await parse(r);
  if (!r.ok) {
    const msg = data && typeof data === 'object' && data.error ? data.error : `${r.status} ${r.statusText}`;
    throw new ApiError(r.status, msg, data);
  }
  return data;
}

const enc = encodeURIComponent;

export const api = {
  meta: () => request('GET', '/api/meta'),
  configs: () => request('GET', '/api/configs'),
  config: (name) => request('GET', `/api/configs/${enc(name)}`),
  runs: () => request('GET', '/api/runs'),
  run: (id) => request('GET', `/api/runs/${enc(id)}`),
  /** The summary and config without the check of batches.jsonl (a long file): for Compare. */
  runConfig: (id) => request('GET', `/api/runs/${enc(id)}?batches=false`),
  /**
   * Epochs and batch lines after step {@code since} (-1: all), the batch lines decimated by the
   * server into buckets at least {@code width} steps wide; {@code epochs: false} leaves out the
   * epochs (a page loading its batch series again).
   */
  metrics: (id, { since = -1, width = 1, activity = since < 0, epochs = true } = {}, signal = undefined) =>
    request('GET', `/api/runs/${enc(id)}/metrics?since=${since}&width=${width}&activity=${activity}&epochs=${epochs}`, undefined, { signal }),
  /** The epochs alone (no batch lines, no activity.json): what the Compare view draws. */
  epochs: (id, since = -1, signal = undefined) =>
    request('GET', `/api/runs/${enc(id)}/metrics?since=${since}&points=10&activity=false&batches=false`, undefined, { signal }),
  activity: (id, signal = undefined) => request('GET', `/api/runs/${enc(id)}/activity`, undefined, { signal }),
  startRun: (body) => request('POST', '/api/runs', body),
  stop: (id) => request('POST', `/api/runs/${enc(id)}/stop`),
  resume: (id) => request('POST', `/api/runs/${enc(id)}/resume`),
  evaluate: (id) => request('POST', `/api/runs/${enc(id)}/evaluate`),
  plots: (id) => request('GET', `/api/runs/${enc(id)}/plots`),
  plotUrl: (id, file) => `/api/runs/${enc(id)}/plots/${enc(file)}`,
  saveMeta: (id, meta) => request('POST', `/api/runs/${enc(id)}/meta`, meta),
  deleteRun: (id, confirm) => request('POST', `/api/runs/${enc(id)}/delete`, { confirm }),
  runParams: () => request('GET', '/api/run-params'),
  /** Zip downloads (docs/API.md): 'plots', 'network' (newest snapshot) or 'folder'. */
  zipUrl: (id, what) => `/api/runs/${enc(id)}/${what}.zip`,
};
