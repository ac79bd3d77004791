// A histogram-building worker: waits on the shared control block, then for every shared task claims
// its slice of the rows (unless the calling thread took it back) and builds it into its histogram in
// the shared kernel memory, with the same WebAssembly or JavaScript kernels as the calling thread.
// See WorkerHistogramBuilder.
import { parentPort, workerData } from 'node:worker_threads';
import { MemoryHistogramKernels } from '../gbdt/histogram-kernel.js';
import { KernelMemory } from '../gbdt/kernel-memory.js';
import { claim, CONTROL, generation, sliceBounds, sliceSlot, TASK_WORDS, type WorkerData } from './worker-histogram-builder.js';

// Started ahead (WorkerHistogramBuilder.prestart), a worker says it is up, then gets its data as its first message.
const d =
  (workerData as WorkerData | undefined) ??
  (await new Promise<WorkerData>((resolve) => {
    parentPort!.once('message', resolve);
    parentPort!.postMessage('up');
  }));
const memory = new KernelMemory(d.memory);
const c = d.control;
memory.onCompileFailure = () => Atomics.add(c, CONTROL.compileFailures, 1);
const kernels = new MemoryHistogramKernels(memory, d.slotOffsets);
// The claim this worker holds (-1: none). On exit (a crash included; not when terminated, which the
// calling thread's bounded wait covers) it says so, and wakes the calling thread if it waits on that claim.
let holding = -1;
process.once('exit', () => {
  Atomics.add(c, CONTROL.gone, 1);
  if (holding >= 0) Atomics.notify(d.claims, holding);
});
// The control block starts at seq 0: a hand-off made before this worker started is not missed.
let seen = 0;
let claimsMade = 0;
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
    holding = at;
    if (d.fault && ++claimsMade === d.fault.afterClaims) injectFault(d.fault.kind);
    const [lo, hi] = sliceBounds(c[CONTROL.tasks + t * TASK_WORDS]!, c[CONTROL.tasks + t * TASK_WORDS + 1]!, d.share, d.shares);
    const slot = sliceSlot(t, d.share, d.shares);
    memory.hist(slot).fill(0);
    kernel(lo, hi, slot);
    Atomics.store(d.claims, at, claim.finished(gen));
    holding = -1;
    Atomics.notify(d.claims, at);
  }
}

/** Tests only (WorkerBuilderOptions.fault): dies, or hangs until terminated, holding a claimed slice. */
function injectFault(kind: 'exit' | 'hang'): void {
  if (kind === 'exit') process.exit(1);
  const never = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(never, 0, 0);
}
