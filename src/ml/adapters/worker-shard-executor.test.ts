import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../core/random.js';
import { recordingLogger, type LoggedLine } from '../../../test/ml-support/recording-logger.js';
import { SerialShardExecutor } from '../gbdt/shard-executor.js';
import { OP } from '../gbdt/shard-plan.js';
import { parseHyperparameters } from '../hyperparameters.js';
import { train, type TrainingSet } from '../trainer.js';
import { modelToXgboostJson } from '../xgboost-json.js';
import { WorkerShardExecutor, type WorkerExecutorOptions } from './worker-shard-executor.js';

function dataset(rows: number, cols: number, seed = 11): TrainingSet {
  const r = createRandom(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = r.next() < 0.05 ? NaN : Math.floor(r.next() * 1000) / 7;
  const label = Float64Array.from({ length: rows }, (_, i) => (data[i * cols]! || 0) * 0.3 + (data[i * cols + 1]! || 0) * 0.1 + r.next());
  return { data, rows, cols, label };
}

/** Trains with `threads` worker threads (started ahead and up when `ahead`), returning the model JSON and the executor. */
async function withWorkers(
  set: TrainingSet,
  hp: Record<string, string>,
  threads: number,
  options: WorkerExecutorOptions = {},
  ahead = true,
  validation?: TrainingSet,
) {
  if (ahead) {
    WorkerShardExecutor.prestart(threads);
    assert.equal(await WorkerShardExecutor.whenPrestarted(), true);
  }
  let executor: WorkerShardExecutor | undefined;
  const { model, report } = await train(set, parseHyperparameters(hp), {
    threads,
    ...(validation ? { validation } : {}),
    // Always handing off (a busy test host must not keep the workers idle, nor the faults from happening).
    shardExecutor: (m, c) => (executor = new WorkerShardExecutor(m, c, threads, { handOff: { wakeShare: Infinity, strikes: 2, pause: 16 }, ...options })),
  });
  return { json: modelToXgboostJson(model), report, executor: executor! };
}

/** The same sums in this thread: one shard per thread, run one after the other. */
async function withShards(set: TrainingSet, hp: Record<string, string>, shards: number, validation?: TrainingSet) {
  const { model, report } = await train(set, parseHyperparameters(hp), {
    shardExecutor: (m, c) => new SerialShardExecutor(c, m.missing, shards),
    ...(validation ? { validation } : {}),
  });
  return { json: modelToXgboostJson(model), report };
}

const HP = { num_round: '8', max_depth: '5', subsample: '0.8', colsample_bytree: '0.75' };

describe('WorkerShardExecutor', () => {
  it('trains with two and three threads to exactly the model of as many shards run in one thread, close to one shard', async () => {
    const set = dataset(60_000, 4);
    const validation = dataset(7_001, 4, 13);
    const one = await withShards(set, HP, 1, validation);
    for (const threads of [2, 3]) {
      const shards = await withShards(set, HP, threads, validation);
      const workers = await withWorkers(set, HP, threads, {}, true, validation);
      assert.equal(workers.executor.workersLost, 0);
      assert.equal(workers.json, shards.json, `${threads} threads`);
      assert.deepEqual(workers.report.rounds, shards.report.rounds);
      const last = (r: typeof one.report) => r.rounds.at(-1)!.train;
      assert.ok(Math.abs(last(workers.report) - last(one.report)) / last(one.report) < 1e-3);
      const lastValid = (r: typeof one.report) => r.rounds.at(-1)!.validation!;
      assert.ok(Math.abs(lastValid(workers.report) - lastValid(one.report)) / lastValid(one.report) < 1e-3);
    }
  });

  it('gives the same model whenever the workers start (not started ahead: they join mid-training)', async () => {
    const set = dataset(60_000, 4, 12);
    const shards = await withShards(set, HP, 2);
    const workers = await withWorkers(set, HP, 2, {}, false);
    assert.equal(workers.json, shards.json);
  });

  it('takes workers started ahead (prestart)', async () => {
    WorkerShardExecutor.prestart(2);
    assert.equal(WorkerShardExecutor.prestarted, 1);
    const set = dataset(20_000, 3, 13);
    const workers = await withWorkers(set, HP, 2);
    assert.equal(WorkerShardExecutor.prestarted, 0);
    assert.equal(workers.json, (await withShards(set, HP, 2)).json);
  });

  for (const kind of ['exit', 'hang'] as const) {
    it(`finishes training with the same model when a worker ${kind === 'exit' ? 'dies' : 'hangs'} in the middle of an operation`, async () => {
      const set = dataset(60_000, 4, 14);
      const undisturbed = await withWorkers(set, HP, 2);
      assert.equal(undisturbed.executor.workersLost, 0);
      const lines: LoggedLine[] = [];
      // The first worker fails in its 8th claim: in the second tree or so. This thread waits for the
      // worker's units (no take-back): on a busy host it could otherwise run them all and no fault come.
      const disturbed = await withWorkers(set, HP, 2, {
        stallTimeoutMs: 200,
        takeBack: false,
        logger: recordingLogger(lines),
        fault: { afterClaims: 8, kind },
      });
      assert.equal(disturbed.executor.workersLost, 1);
      assert.equal(disturbed.report.workersLost, 1);
      assert.ok(
        lines.some((l) => l.level === 'warn' && l.msg === 'histogram worker lost, running its rows in this thread'),
        JSON.stringify(lines),
      );
      // Its shard's operations of the tree are run again here, the histograms summed in the same order: the same trees.
      assert.equal(disturbed.json, undisturbed.json);
      assert.deepEqual(disturbed.report.rounds, undisturbed.report.rounds);
    });
  }

  it('finishes training with the same model and metrics when a worker dies walking a tree over the validation rows', async () => {
    const set = dataset(60_000, 4, 15);
    const validation = dataset(5_000, 4, 16);
    const undisturbed = await withWorkers(set, HP, 2, {}, true, validation);
    const disturbed = await withWorkers(
      set,
      HP,
      2,
      { stallTimeoutMs: 200, takeBack: false, fault: { afterClaims: 3, kind: 'exit', op: OP.finish } },
      true,
      validation,
    );
    assert.equal(disturbed.executor.workersLost, 1);
    assert.equal(disturbed.json, undisturbed.json);
    assert.deepEqual(disturbed.report.rounds, undisturbed.report.rounds);
  });

  it('trains on more than 4096 features', async () => {
    const rows = 1000;
    const cols = 4100;
    const r = createRandom(17);
    const data = Float64Array.from({ length: rows * cols }, () => Math.floor(r.next() * 8));
    const label = Float64Array.from({ length: rows }, (_, i) => data[i * cols + 4097]! + r.next());
    const set = { data, rows, cols, label };
    const hp = { num_round: '2', max_depth: '3', max_bin: '16' };
    const workers = await withWorkers(set, hp, 2);
    assert.equal(workers.json, (await withShards(set, hp, 2)).json);
  });
});
