// Feeds the open live view the stream frames of a long Yin-Yang run, every batch streamed: for
// each epoch B batch messages and one epoch message (metrics only; the page fetches the big
// payloads from /api/runs/{id}/activity), shaped like docs/API.md. The frames go through the page's own event-bus client (EventBus.receive), so the
// store, the dedupe and the charts see exactly what a socket would deliver. Used by
// DashboardMemoryTest through executeAsyncScript; arguments: run id, first epoch, last epoch,
// first step, batches per epoch, milliseconds to wait after each epoch, seed.
const [id, fromEpoch, toEpoch, firstStep, perEpoch, pauseMs, seed] = arguments;
const finish = arguments[arguments.length - 1];
const bus = window.firstspike.bus;
let s = seed >>> 0;
const rand = () => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return s / 4294967296;
};
const counts = (n, scale) => Array.from({ length: n }, () => Math.floor(rand() * scale));
const send = (kind, body) => bus.receive(JSON.stringify({ type: 'rec', address: `runs.${id}.${kind}`, body }));
let step = firstStep;
(async () => {
  for (let e = fromEpoch; e <= toEpoch; e++) {
    for (let b = 0; b < perEpoch; b++) {
      send('batch', {
        id, epoch: e, batch: b, batchesPerEpoch: perEpoch, step: step++,
        loss: 0.4 + 0.2 * rand(), accuracy: 0.8 + 0.15 * rand(), runningError: 0.05 + 0.1 * rand(),
        learningRate: 0.005, bumpedLayer: rand() < 0.03 ? 0 : null,
        classMeanTimes: [[1, 1.2, 1.3], [1.2, 1, 1.3], [1.3, 1.2, 1]],
        classStdTimes: [[0.1, 0.1, 0.1], [0.1, 0.1, 0.1], [0.1, 0.1, 0.1]],
        silentFraction: [0.1 * rand(), 0.01 * rand()],
        spikeHistograms: [counts(30, 300), counts(30, 20)], histogramMax: 3,
        raster: [[0.2, 0.8, 0.5, 0.4], Array.from({ length: 30 }, () => (rand() < 0.1 ? null : 0.8 + rand())), [1.1, 1.4, 1.3]],
        rasterLabel: Math.floor(rand() * 3),
      });
    }
    send('epoch', {
      id,
      metrics: {
        epoch: e, epochs: toEpoch, step, trainLoss: 0.5 - 0.1 * rand(), trainAccuracy: 0.85 + 0.1 * rand(),
        valLoss: 0.5 - 0.1 * rand(), valAccuracy: 0.85 + 0.1 * rand(), learningRate: 0.005, bumps: 1,
        meanValOutputs: [[1, 1.2, 1.3], [1.2, 1, 1.3], [1.3, 1.2, 1]],
        stdValOutputs: [[0.1, 0.1, 0.1], [0.1, 0.1, 0.1], [0.1, 0.1, 0.1]],
        samplesPerSecond: 5000, elapsedSeconds: e, etaSeconds: toEpoch - e,
      },
    });
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  finish(step);
})();
