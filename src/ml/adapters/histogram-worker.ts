// A histogram-building worker: waits on the shared control block, builds its group of features of
// every shared task into the task's histogram in the shared kernel memory (with the same WebAssembly
// or JavaScript kernels as the calling thread), reports done. See WorkerHistogramBuilder.
import { workerData } from 'node:worker_threads';
import { MemoryHistogramKernels } from '../gbdt/histogram-kernel.js';
import { KernelMemory, type KernelMemorySpec } from '../gbdt/kernel-memory.js';
import { CONTROL, sliceBounds, TASK_WORDS, taskSlot } from './worker-histogram-builder.js';

const d = workerData as {
  share: number;
  shares: number;
  memory: KernelMemorySpec;
  slotOffsets: Int32Array;
  control: Int32Array;
  features: Int32Array;
};
const memory = new KernelMemory(d.memory);
const kernels = new MemoryHistogramKernels(memory, d.slotOffsets);
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
  const [lo, hi] = sliceBounds(0, c[CONTROL.featureCount]!, d.share, d.shares);
  const kernel = kernels.slotKernel(d.features.subarray(lo, hi));
  for (let t = 0; t < taskCount; t++) {
    if (c[CONTROL.tasks + t * TASK_WORDS + 2] !== 1) continue;
    kernel(c[CONTROL.tasks + t * TASK_WORDS]!, c[CONTROL.tasks + t * TASK_WORDS + 1]!, taskSlot(t));
  }
  Atomics.add(c, CONTROL.done, 1);
  Atomics.notify(c, CONTROL.done);
}
