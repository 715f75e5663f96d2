// One kind of request (a run's backfill, its activity) that must never pile up: at most one in
// flight, started at most once per spacing, and what is asked for while one runs becomes one more
// run after it, whose arguments the task computes when it starts (so it always asks from the
// newest state held, never from a state queued seconds ago). While paused (the live stream is
// down) nothing starts and the request in flight is aborted; resume() runs what was wanted.

export class SingleFlight {
  /**
   * @param {(signal: AbortSignal) => Promise<void>} task the request; it must pass the signal to fetch
   * @param {number} spacingMs least time between two starts
   * @param {(e: Error) => void} onError failures other than an abort
   */
  constructor(task, spacingMs, onError) {
    this.task = task;
    this.spacingMs = spacingMs;
    this.onError = onError;
    this.wanted = false;
    this.paused = false;
    this.closed = false;
    this.controller = null;
    this.timer = null;
    this.lastStart = -Infinity;
  }

  /** Asks for one run: now if none is in flight and the spacing allows, else after it. */
  want() {
    this.wanted = true;
    this.pump();
  }

  /** True while a request is in flight or waits for its turn. */
  get busy() {
    return this.controller != null || this.timer != null;
  }

  /** Aborts the request in flight and starts nothing until resume(); a want() meanwhile is kept. */
  pause() {
    this.paused = true;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.controller) {
      this.wanted = true; // its answer is lost: ask again after resume()
      this.controller.abort();
      this.controller = null;
    }
  }

  resume() {
    this.paused = false;
    this.pump();
  }

  close() {
    this.closed = true;
    this.pause();
    this.wanted = false;
  }

  pump() {
    if (this.closed || this.paused || this.controller || this.timer || !this.wanted) return;
    const wait = this.lastStart + this.spacingMs - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    this.wanted = false;
    this.lastStart = Date.now();
    const c = new AbortController();
    this.controller = c;
    Promise.resolve()
      .then(() => this.task(c.signal))
      .catch((e) => {
        if (!c.signal.aborted && !this.closed) this.onError(e);
      })
      .finally(() => {
        if (this.controller === c) this.controller = null;
        this.pump();
      });
  }
}
