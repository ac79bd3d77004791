import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noopLogger } from '../core/logger.js';
import { SerialShardExecutor } from './gbdt/shard-executor.js';
import type { MatrixReader } from './matrix-reader.js';
import { PARALLEL_MIN_ROWS, TrainingService } from './training-service.js';

/** A service whose reader and worker pre-start record the order they are called in. */
function service(calls: string[], rows = 200) {
  const data = new Float64Array(rows * 2);
  const label = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    data[i * 2] = i % 10;
    data[i * 2 + 1] = (i * 7) % 13;
    label[i] = data[i * 2]! * 2 + 1;
  }
  const reader: MatrixReader = {
    read: async (file) => {
      calls.push(`read ${file}`);
      return { data, label, rows, cols: 2 };
    },
  };
  const written = new Map<string, string>();
  return new TrainingService({
    reader,
    files: { readText: async (f) => written.get(f), writeText: async (f, t) => void written.set(f, t) },
    logger: noopLogger,
    threads: 2,
    prestartWorkers: (t) => calls.push(`prestart ${t}`),
    shardExecutor: (m, c, threads) => {
      calls.push(`executor ${threads}`);
      return new SerialShardExecutor(c, m.missing, threads);
    },
  });
}

describe('TrainingService', () => {
  it('starts the workers once the training set is read, before the validation set, when it is large enough for them', async () => {
    const calls: string[] = [];
    const hp = { num_round: '1', nthread: '2' };
    await service(calls, PARALLEL_MIN_ROWS).train({ train: 't.csv', validation: 'v.csv', out: 'm.json', hyperparameters: hp });
    assert.deepEqual(calls, ['read t.csv', 'prestart 2', 'read v.csv', 'executor 2']);
  });

  it('starts none on small data or with one thread; with nthread unset, as many as the cores', async () => {
    for (const [rows, hp, expected] of [
      [200, { num_round: '1', nthread: '2' }, ['read t.csv']],
      [PARALLEL_MIN_ROWS, { num_round: '1', nthread: '1' }, ['read t.csv']],
      [PARALLEL_MIN_ROWS, { num_round: '1' }, ['read t.csv', 'prestart 2', 'executor 2']],
    ] as [number, Record<string, string>, string[]][]) {
      const calls: string[] = [];
      await service(calls, rows).train({ train: 't.csv', out: 'm.json', hyperparameters: hp });
      assert.deepEqual(calls, expected, `${rows} rows, ${JSON.stringify(hp)}`);
    }
  });

  it(`trains in one thread below ${PARALLEL_MIN_ROWS} rows whatever nthread says, in nthread threads from there`, async () => {
    for (const [rows, expected] of [
      [PARALLEL_MIN_ROWS - 1, 1],
      [PARALLEL_MIN_ROWS, 2],
    ] as const) {
      const calls: string[] = [];
      const { report } = await service(calls, rows).train({ train: 't.csv', out: 'm.json', hyperparameters: { num_round: '1', nthread: '2' } });
      assert.equal(report.threads, expected, `${rows} rows`);
      assert.deepEqual(calls, ['read t.csv', ...(expected > 1 ? ['prestart 2', `executor ${expected}`] : [])]);
    }
  });
});
