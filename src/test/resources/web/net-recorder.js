// Installed before the page's own scripts (DevTools Page.addScriptToEvaluateOnNewDocument) by the
// browser tests that measure the page's traffic: wraps fetch() and records every API request
// (kind, since, start and end on performance.now(), status, Content-Length bytes, whether it was
// aborted, how many were in flight at once per kind) in window.__net. For /metrics?since= answers
// it also notes the epochs they carried. The page's api.js calls the global fetch at call time,
// so it goes through this wrapper.
(() => {
  const rec = { requests: [], inFlight: {}, maxInFlight: {}, bus: [] };
  window.__net = rec;
  const kindOf = (path) => {
    if (/^\/api\/runs\/[^/]+\/metrics$/.test(path)) return 'metrics';
    if (/^\/api\/runs\/[^/]+\/activity$/.test(path)) return 'activity';
    if (/^\/api\/runs\/[^/]+$/.test(path)) return 'run';
    if (path === '/api/runs') return 'runs';
    return 'other';
  };
  const original = window.fetch;
  window.fetch = async function recorded(input, init) {
    const url = new URL(typeof input === 'string' ? input : input.url, location.href);
    const kind = kindOf(url.pathname);
    const data = window.firstspike && window.firstspike.data;
    const held = data && data.epochs.length ? data.epochs[data.epochs.length - 1].epoch : null;
    const r = {
      kind, path: url.pathname + url.search, t0: performance.now(), t1: null, status: null, aborted: false,
      bytes: null, since: url.searchParams.has('since') ? Number(url.searchParams.get('since')) : null,
      heldEpoch: held, epochs: null, firstEpoch: null, lastEpoch: null, batches: null,
    };
    rec.requests.push(r);
    rec.inFlight[kind] = (rec.inFlight[kind] || 0) + 1;
    rec.maxInFlight[kind] = Math.max(rec.maxInFlight[kind] || 0, rec.inFlight[kind]);
    try {
      const res = await original.call(this, input, init);
      r.status = res.status;
      const length = res.headers.get('content-length');
      r.bytes = length == null ? null : Number(length);
      if (kind === 'metrics' && res.ok && r.since != null && r.since >= 0) {
        const j = await res.clone().json();
        r.epochs = j.epochs.length;
        r.firstEpoch = j.epochs.length ? j.epochs[0].epoch : null;
        r.lastEpoch = j.epochs.length ? j.epochs[j.epochs.length - 1].epoch : null;
        r.batches = j.batches.length;
      }
      return res;
    } catch (e) {
      r.aborted = e && e.name === 'AbortError';
      throw e;
    } finally {
      r.t1 = performance.now();
      rec.inFlight[kind]--;
    }
  };
})();
