// A histogram-building worker: waits on the shared control block, builds its slice of the rows of
// every shared task into its scratch histograms, reports done. See WorkerHistogramBuilder.
import { workerData } from 'node:worker_threads';
import { HistogramKernels } from '../gbdt/histogram-kernel.js';
import { CONTROL, scratchSlot, sliceBounds, TASK_WORDS } from './worker-histogram-builder.js';

const d = workerData as {
  share: number;
  shares: number;
  byRow: Uint8Array | Uint16Array;
  cols: number;
  slotOffsets: Int32Array;
  gpair: Float64Array;
  rowIndex: Uint32Array;
  control: Int32Array;
  features: Int32Array;
  scratch: Float64Array;
  histLength: number;
};
const kernels = new HistogramKernels(d.slotOffsets, d.cols);
const c = d.control;
// The control block starts at seq 0: a hand-off made before this worker started is not missed.
let seen = 0;
Atomics.add(c, CONTROL.ready, 1);
Atomics.notify(c, CONTROL.ready);
for (;;) {
  Atomics.wait(c, CONTROL.seq, seen);
  seen = Atomics.load(c, CONTROL.seq);
  if (Atomics.load(c, CONTROL.stop) === 1) break;
  const taskCount = c[CONTROL.taskCount]!;
  const kernel = kernels.get(d.features.subarray(0, c[CONTROL.featureCount]!));
  for (let t = 0; t < taskCount; t++) {
    if (c[CONTROL.tasks + t * TASK_WORDS + 2] !== 1) continue;
    const [lo, hi] = sliceBounds(c[CONTROL.tasks + t * TASK_WORDS]!, c[CONTROL.tasks + t * TASK_WORDS + 1]!, d.share, d.shares);
    const base = scratchSlot(t, d.share, d.shares) * d.histLength;
    const out = d.scratch.subarray(base, base + d.histLength);
    out.fill(0);
    kernel(d.byRow, d.gpair, d.rowIndex, lo, hi, out);
  }
  Atomics.add(c, CONTROL.done, 1);
  Atomics.notify(c, CONTROL.done);
}
