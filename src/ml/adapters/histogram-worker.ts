// A histogram-building worker: waits on the shared control block, then for every shared task claims
// its slice of the rows (unless the calling thread took it back) and builds it into its histogram in
// the shared kernel memory, with the same WebAssembly or JavaScript kernels as the calling thread.
// See WorkerHistogramBuilder.
import { parentPort, workerData } from 'node:worker_threads';
import { MemoryHistogramKernels } from '../gbdt/histogram-kernel.js';
import { KernelMemory } from '../gbdt/kernel-memory.js';
import { claim, CONTROL, generation, sliceBounds, sliceSlot, TASK_WORDS, type WorkerData } from './worker-histogram-builder.js';

// Started ahead (WorkerHistogramBuilder.prestart), a worker gets its data as its first message.
const d = (workerData as WorkerData | undefined) ?? (await new Promise<WorkerData>((resolve) => parentPort!.once('message', resolve)));
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
  // If the calling thread has moved on to a later hand-off meanwhile, every claim below fails.
  const gen = generation(seen);
  const taskCount = c[CONTROL.taskCount]!;
  const kernel = kernels.slotKernel(d.features.subarray(0, c[CONTROL.featureCount]!));
  for (let t = 0; t < taskCount; t++) {
    if (c[CONTROL.tasks + t * TASK_WORDS + 2] !== 1) continue;
    const at = t * d.shares + d.share;
    if (Atomics.compareExchange(d.claims, at, claim.free(gen), claim.worker(gen)) !== claim.free(gen)) continue;
    const [lo, hi] = sliceBounds(c[CONTROL.tasks + t * TASK_WORDS]!, c[CONTROL.tasks + t * TASK_WORDS + 1]!, d.share, d.shares);
    const slot = sliceSlot(t, d.share, d.shares);
    memory.hist(slot).fill(0);
    kernel(lo, hi, slot);
    Atomics.store(d.claims, at, claim.finished(gen));
    Atomics.notify(d.claims, at);
  }
}
