import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tmpDir } from '../../test/support/tmp-dir.js';
import { ManualClock } from '../core/clock.js';
import { UnavailableError } from '../core/errors.js';
import { noopLogger } from '../core/logger.js';
import { MemoryDatasetStore } from '../store/memory/memory-dataset-store.js';
import { DuckDbTripReader } from './adapters/duckdb-trip-reader.js';
import { NodeLocalFiles } from './adapters/node-local-files.js';
import { ZoneFileLoader } from './adapters/zone-file-loader.js';
import { PrepareService } from './prepare-service.js';
import type { Dataset } from './types.js';

const TRIPS =
  'lpep_pickup_datetime,lpep_dropoff_datetime,PULocationID,DOLocationID,passenger_count,fare_amount\n' +
  '2021-01-04 07:00:00,2021-01-04 07:10:00,74,75,1,9.5\n2021-01-04 08:00:00,2021-01-04 08:20:00,75,43,2,14\n' +
  '2021-01-05 09:00:00,2021-01-05 09:30:00,43,74,1,18.5\n2021-01-05 10:00:00,2021-01-05 10:05:00,74,43,3,7\n';
const ZONES = 'LocationID,latitude,longitude\n74,40.801169,-73.937346\n75,40.790011,-73.94575\n43,40.782477,-73.965555\n';

async function setup(datasets: MemoryDatasetStore) {
  const dir = await tmpDir();
  await writeFile(path.join(dir, 'trips.csv'), TRIPS);
  await writeFile(path.join(dir, 'zones.csv'), ZONES);
  const reader = new DuckDbTripReader({ threads: 1 });
  const service = new PrepareService({
    trips: reader,
    zones: new ZoneFileLoader(),
    files: new NodeLocalFiles(),
    datasets,
    clock: new ManualClock(1_700_000_000_000),
    ids: (prefix) => `${prefix}_fixed`,
    logger: noopLogger,
  });
  return { dir, service, reader, req: { trips: [path.join(dir, 'trips.csv')], zones: path.join(dir, 'zones.csv'), out: path.join(dir, 'out'), seed: 1 } };
}

describe('PrepareService', () => {
  it('records the prepared dataset with the injected id and clock', async () => {
    const datasets = new MemoryDatasetStore();
    const { service, reader, req } = await setup(datasets);
    const { dataset } = await service.prepare(req);
    reader.close();
    const stored = await datasets.get('ds_fixed');
    assert.deepEqual(stored, dataset);
    assert.equal(stored.createdAt, 1_700_000_000_000);
    assert.equal(stored.rowCount, 4);
    assert.deepEqual(
      stored.files.map((f) => f.role),
      ['input', 'output', 'output', 'output', 'output', 'output'],
    );
  });

  it('removes the committed output when the dataset cannot be recorded', async () => {
    const failing = new (class extends MemoryDatasetStore {
      override async create(_d: Dataset): Promise<void> {
        throw new UnavailableError('metadata store: create dataset failed: disk full');
      }
    })();
    const { dir, service, reader, req } = await setup(failing);
    await assert.rejects(service.prepare(req), { code: 'unavailable' });
    reader.close();
    assert.equal(existsSync(req.out), false);
    assert.deepEqual((await readdir(dir)).sort(), ['trips.csv', 'zones.csv']);
  });
});

describe('PrepareService keeps values as recorded', () => {
  const header = 'lpep_pickup_datetime,lpep_dropoff_datetime,PULocationID,DOLocationID,passenger_count,fare_amount\n';

  async function prepareCsv(rows: string[]) {
    const datasets = new MemoryDatasetStore();
    const { dir, service, reader, req } = await setup(datasets);
    await writeFile(path.join(dir, 'trips.csv'), header + rows.join('\n') + '\n');
    try {
      const { report } = await service.prepare(req);
      const baseline = (await readFile(path.join(req.out, 'baseline', 'baseline.csv'), 'utf8')).trim().split('\n').slice(1);
      const test = (await readFile(path.join(req.out, 'test', 'test.csv'), 'utf8')).trim().split('\n').slice(1);
      const validation = (await readFile(path.join(req.out, 'validation', 'validation.csv'), 'utf8')).trim().split('\n');
      return { report, rows: [...baseline, ...validation, ...test].filter((l) => l !== '') };
    } finally {
      reader.close();
    }
  }

  it('writes passenger counts above 255 and fractional ones unchanged', async () => {
    const { report, rows } = await prepareCsv([
      '2021-01-04 07:00:00,2021-01-04 07:10:00,74,75,300,9.5',
      '2021-01-04 08:00:00,2021-01-04 08:20:00,75,43,1.5,14',
      '2021-01-05 09:00:00,2021-01-05 09:30:00,43,74,70000,18.5',
      '2021-01-05 10:00:00,2021-01-05 10:05:00,74,43,3,7',
    ]);
    assert.equal(report.rowsKept, 4);
    const byFare = new Map(rows.map((l) => [l.split(',')[0], l.split(',')[1]]));
    assert.deepEqual(Object.fromEntries(byFare), { '9.5': '300', '14': '1.5', '18.5': '70000', '7': '3' });
  });

  it('counts a value that is present but not a number or a time under its own rule, not as missing', async () => {
    const { report } = await prepareCsv([
      '2021-01-04 07:00:00,2021-01-04 07:10:00,74,75,1,twelve',
      '2021-01-04 07:00:00,2021-01-04 07:10:00,74,75,one,9',
      '2021-01-04 07:00:00,2021-01-04 07:10:00,seventy,75,1,9',
      'yesterday,2021-01-04 07:10:00,74,75,1,9',
      '2021-01-04 07:00:00,2021-01-04 07:10:00,74,75,1,',
      '2021-01-04 07:00:00,,74,75,1,9',
      '2021-01-04 08:00:00,2021-01-04 08:20:00,75,43,2,14',
      '2021-01-05 09:00:00,2021-01-05 09:30:00,43,74,1,18.5',
    ]);
    assert.equal(report.rowsRead, 8);
    assert.equal(report.rowsKept, 2);
    assert.equal(report.rowsDropped.non_numeric_value, 3);
    assert.equal(report.rowsDropped.invalid_timestamp, 1);
    assert.equal(report.rowsDropped.missing_value, 2);
  });
});

describe('PrepareService with job folder locations', () => {
  it('records the files at the URIs they come from and are stored at, leaving out files stored nowhere', async () => {
    const datasets = new MemoryDatasetStore();
    const { service, reader, req } = await setup(datasets);
    const store = 'file:///artifacts/pipelines/p/exec-1/PreprocessData';
    const outputs = ['train', 'validation', 'test', 'baseline'].map((name) => ({ dir: path.join(req.out, name), uri: `${store}/${name}` }));
    const { dataset } = await service.prepare({
      ...req,
      locations: { inputs: [{ dir: path.dirname(req.trips[0]!), uri: 'file:///raw/trips.csv' }], outputs },
    });
    reader.close();
    assert.equal(dataset.uri, store);
    assert.deepEqual(
      dataset.files.map((f) => [f.role, f.uri]),
      [
        ['input', 'file:///raw/trips.csv'],
        ['output', `${store}/baseline/baseline.csv`],
        ['output', `${store}/test/test.csv`],
        ['output', `${store}/train/train.csv`],
        ['output', `${store}/validation/validation.csv`],
      ],
    );
    assert.deepEqual(await datasets.get(dataset.id), dataset);
  });
});
