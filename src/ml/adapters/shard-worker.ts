// A row-shard worker: waits on the shared control block, then for each operation of the plan claims
// its shard's part (unless the calling thread took it back) and runs it over the shared kernel
// memory, building its histograms into its own histograms of the memory, with the same WebAssembly
// or JavaScript kernels as the calling thread. See WorkerShardExecutor.
import { parentPort, workerData } from 'node:worker_threads';
import { KernelMemory } from '../gbdt/kernel-memory.js';
import { ShardPlan } from '../gbdt/shard-plan.js';
import { ShardRunner } from '../gbdt/shard-runner.js';
import { taskSlot } from '../gbdt/shard-executor.js';
import { claim, CONTROL, generation, type WorkerData } from './worker-shard-executor.js';

/** A worker waiting for the others' phase A looks again at least this often. */
const WAIT_MS = 100;

// Started ahead (WorkerShardExecutor.prestart), a worker says it is up, then gets its data as its first message.
const d =
  (workerData as WorkerData | undefined) ??
  (await new Promise<WorkerData>((resolve) => {
    parentPort!.once('message', resolve);
    parentPort!.postMessage('up');
  }));
const memory = new KernelMemory(d.memory);
const plan = new ShardPlan(d.plan);
const c = d.control;
const k = d.shard;
const shards = plan.shards;
memory.onCompileFailure = () => Atomics.add(c, CONTROL.compileFailures, 1);
const runner = new ShardRunner(memory, plan, d.missing, d.slotOffsets, d.objective);
const slot = (task: number) => taskSlot(task, k, shards);
// On exit (a crash included; not when terminated, which the calling thread's bounded wait covers)
// it says so, and wakes the calling thread if it waits on this worker.
let holding = false;
process.once('exit', () => {
  Atomics.add(c, CONTROL.gone, 1);
  if (holding) Atomics.notify(d.claims, k);
});
// The control block starts at seq 0: a hand-off made before this worker started is not missed.
let seen = 0;
let claimsMade = 0;
Atomics.add(c, CONTROL.ready, 1);
Atomics.notify(c, CONTROL.ready);
for (;;) {
  // The next operation usually comes within tens of microseconds: look a while before sleeping.
  for (let i = 0; i < d.spin && Atomics.load(c, CONTROL.seq) === seen; i++);
  Atomics.wait(c, CONTROL.seq, seen);
  seen = Atomics.load(c, CONTROL.seq);
  if (Atomics.load(c, CONTROL.stop) === 1) break;
  // If the calling thread has moved on to a later hand-off meanwhile, the claim fails.
  const gen = generation(seen);
  if (Atomics.compareExchange(d.claims, k, claim.free(gen), claim.worker(gen)) !== claim.free(gen)) continue;
  holding = true;
  if (d.fault && ++claimsMade === d.fault.afterClaims) injectFault(d.fault.kind);
  runner.phaseA(k);
  Atomics.store(d.claims, k, claim.arrived(gen));
  Atomics.notify(d.claims, k);
  Atomics.add(c, CONTROL.arrived, 1);
  Atomics.notify(c, CONTROL.arrived);
  // Phase B once every shard's phase A is done.
  for (;;) {
    const arrived = Atomics.load(c, CONTROL.arrived);
    if (arrived >= shards) break;
    let i = 0;
    while (i < d.spin && Atomics.load(c, CONTROL.arrived) === arrived) i++;
    if (i === d.spin) Atomics.wait(c, CONTROL.arrived, arrived, WAIT_MS);
  }
  runner.phaseB(k, undefined, slot);
  Atomics.store(d.claims, k, claim.finished(gen));
  holding = false;
  Atomics.notify(d.claims, k);
}

/** Tests only (WorkerExecutorOptions.fault): dies, or hangs until terminated, holding its claim. */
function injectFault(kind: 'exit' | 'hang'): void {
  if (kind === 'exit') process.exit(1);
  const never = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(never, 0, 0);
}
