// A row-shard worker: waits on the shared control block, then for each operation of the plan claims
// its shard's part (unless the calling thread took it back) and runs it over the shared kernel
// memory, building its histograms into its own histograms of the memory, with the same WebAssembly
// or JavaScript kernels as the calling thread. See WorkerShardExecutor.
import { parentPort, workerData } from 'node:worker_threads';
import { KernelMemory } from '../gbdt/kernel-memory.js';
import { H, ShardPlan } from '../gbdt/shard-plan.js';
import { ShardRunner } from '../gbdt/shard-runner.js';
import { taskSlot } from '../gbdt/shard-executor.js';
import { spinWhileEqual } from './spin-wait.js';
import { claim, CONTROL, generation, ownUnit, thief, type WorkerData } from './worker-shard-executor.js';

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
const runner = new ShardRunner(memory, plan, d.missing, d.slotOffsets, d.objective, true, k, d.validation);
const slot = (task: number) => taskSlot(task, k, shards);
const unitsPerShard = plan.positions + plan.tasks;
const unit = (u: number) => (k - 1) * unitsPerShard + u;
// On exit (a crash included; not when terminated, which the calling thread's bounded wait covers)
// it says so, and wakes the calling thread waiting for its units.
process.once('exit', () => {
  Atomics.add(c, CONTROL.gone, 1);
  Atomics.notify(c, CONTROL.doneA);
  Atomics.notify(c, CONTROL.doneB);
});
/** Counts `n` units done in `counter`, waking waiters when it reaches `total`. */
const done = (counter: number, total: number) => {
  if (Atomics.add(c, counter, 1) + 1 >= total) Atomics.notify(c, counter);
};
/** Waits until `counter` reaches `total`; false if a later hand-off came first (this operation is over). */
const reach = (counter: number, total: number, seen: number): boolean => {
  for (;;) {
    const n = Atomics.load(c, counter);
    if (n >= total) return true;
    if (Atomics.load(c, CONTROL.seq) !== seen) return false;
    if (!spinWhileEqual(c, counter, n, d.spin)) Atomics.wait(c, counter, n, WAIT_MS);
  }
};
/** Claims and builds this worker's part of the operation's build tasks that are split (or owned, `split` false). */
const build = (split: boolean, gen: number, total: number) => {
  const free = claim.free(gen);
  for (let t = 0; t < runner.tasks(); t++) {
    if (runner.isSplit(t) !== split || !runner.buildsFor(k, t)) continue;
    if (Atomics.compareExchange(d.claims, unit(plan.positions + t), free, claim.worker(gen)) !== free) continue;
    faultPoint();
    runner.unitB(k, t, undefined, slot);
    done(CONTROL.doneB, total);
  }
};
// The control block starts at seq 0: a hand-off made before this worker started is not missed.
let seen = 0;
let claimsMade = 0;
Atomics.add(c, CONTROL.ready, 1);
Atomics.notify(c, CONTROL.ready);
for (;;) {
  // The next operation usually comes within tens of microseconds: look a while before sleeping.
  if (!spinWhileEqual(c, CONTROL.seq, seen, d.spin)) Atomics.wait(c, CONTROL.seq, seen);
  seen = Atomics.load(c, CONTROL.seq);
  if (Atomics.load(c, CONTROL.stop) === 1) break;
  // Units the calling thread took (or, after a later hand-off, reset) are skipped.
  const gen = generation(seen);
  const free = claim.free(gen);
  const unitsA = runner.unitsA();
  const tasks = runner.tasks();
  let workerB = 0;
  for (let j = 1; j < shards; j++) for (let t = 0; t < tasks; t++) if (runner.buildsFor(j, t)) workerB++;
  for (let j = 0; j < unitsA; j++) {
    if (Atomics.compareExchange(d.claims, unit(j), free, claim.worker(gen)) !== free) continue;
    faultPoint();
    runner.unitA(k, j);
    done(CONTROL.doneA, unitsA * shards);
    done(CONTROL.shardA + k, unitsA);
  }
  // This shard's parts of the split tasks once its own phase A is done (the calling thread may have
  // taken some of its units), the tasks it owns once every shard's is.
  if (!reach(CONTROL.shardA + k, unitsA, seen)) continue;
  build(true, gen, workerB);
  if (!reach(CONTROL.doneA, unitsA * shards, seen)) continue;
  build(false, gen, workerB);
  // Then the calling thread's tasks it has not started, from the end (it goes forward), into this
  // worker's histograms of those tasks (it has no part of them): the calling thread copies them.
  for (let t = tasks - 1; t >= 0; t--) {
    if (runner.isSplit(t) || !runner.buildsFor(0, t)) continue;
    if (Atomics.compareExchange(d.claims, ownUnit(plan, shards, t), free, claim.worker(gen)) !== free) continue;
    Atomics.store(d.claims, thief(plan, shards, t), k);
    runner.unitB(k, t, undefined, slot);
    done(CONTROL.doneB, workerB);
  }
}

/** Tests only (WorkerExecutorOptions.fault): counts a claim (of the fault's operation kind, when it has one), failing at the chosen one. */
function faultPoint(): void {
  if (!d.fault || (d.fault.op !== undefined && plan.ints[H.op] !== d.fault.op)) return;
  if (++claimsMade === d.fault.afterClaims) injectFault(d.fault.kind);
}

/** Tests only (WorkerExecutorOptions.fault): dies, or hangs until terminated, holding a unit. */
function injectFault(kind: 'exit' | 'hang'): void {
  if (kind === 'exit') process.exit(1);
  const never = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(never, 0, 0);
}
