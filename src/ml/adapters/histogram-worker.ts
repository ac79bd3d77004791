// A histogram-building worker: waits on the shared control block, builds its share of the features
// for every task of the level, reports done. See WorkerHistogramBuilder for the protocol.
import { workerData } from 'node:worker_threads';
import { buildFeatures } from '../gbdt/histogram-builder.js';
import { CONTROL, TASK_WORDS } from './worker-histogram-builder.js';

const d = workerData as {
  share: number;
  shares: number;
  bins: Uint8Array | Uint16Array;
  rows: number;
  cols: number;
  missing: number;
  offsets: Int32Array;
  gpair: Float64Array;
  rowIndex: Uint32Array;
  control: Int32Array;
  features: Int32Array;
  arena: Float64Array;
  histLength: number;
};
const matrix = { rows: d.rows, cols: d.cols, bins: d.bins, missing: d.missing };
const c = d.control;
// The control block starts at seq 0: a dispatch made before this worker started is not missed.
let seen = 0;
Atomics.add(c, CONTROL.ready, 1);
Atomics.notify(c, CONTROL.ready);
for (;;) {
  Atomics.wait(c, CONTROL.seq, seen);
  seen = Atomics.load(c, CONTROL.seq);
  if (Atomics.load(c, CONTROL.stop) === 1) break;
  const taskCount = c[CONTROL.taskCount]!;
  const featureCount = c[CONTROL.featureCount]!;
  for (let t = 0; t < taskCount; t++) {
    const begin = c[CONTROL.tasks + t * TASK_WORDS]!;
    const end = c[CONTROL.tasks + t * TASK_WORDS + 1]!;
    const slot = c[CONTROL.tasks + t * TASK_WORDS + 2]!;
    const out = d.arena.subarray(slot * d.histLength, (slot + 1) * d.histLength);
    buildFeatures(matrix, d.offsets, d.features.subarray(0, featureCount), d.share, d.shares, d.gpair, d.rowIndex, begin, end, out);
  }
  Atomics.add(c, CONTROL.done, 1);
  Atomics.notify(c, CONTROL.done);
}
