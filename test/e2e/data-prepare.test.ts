import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { CLEANING_RULES, FEATURE_COLUMNS, type PrepareReport } from '../../src/data/index.js';
import { cli } from '../support/cli-runner.js';
import { readNumericCsv } from '../support/csv-table.js';
import { nyc, SKIP_WITHOUT_NYC } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

const sha = async (f: string) =>
  createHash('sha256')
    .update(await readFile(f))
    .digest('hex');
const SPLIT_FILES = ['train/train.csv', 'validation/validation.csv', 'test/test.csv', 'baseline/baseline.csv'];

describe('data prepare on the real green 2021-01 month', { skip: SKIP_WITHOUT_NYC }, () => {
  let dir: string;
  let out: string;
  let report: PrepareReport & { datasetId: string };

  before(async () => {
    dir = await tmpDir();
    out = path.join(dir, 'prepared');
    const run = await cli(['--json', 'data', 'prepare', '--trips', nyc('green_tripdata_2021-01.parquet'), '--zones', nyc('taxi_zones.zip'), '--out', out], {
      home: path.join(dir, 'home'),
    });
    assert.equal(run.code, 0, run.stderr);
    report = JSON.parse(await readFile(path.join(out, 'prepare-report.json'), 'utf8'));
  });

  it('accounts for every row: read = kept + dropped per rule', () => {
    assert.equal(report.rowsRead, 73_908);
    const dropped = CLEANING_RULES.reduce((s, r) => s + report.rowsDropped[r], 0);
    assert.equal(report.rowsKept + dropped, report.rowsRead);
    // About half of green 2021 has no passenger_count: the missing-value rule drops them.
    assert.ok(report.rowsDropped.missing_value > 30_000);
    // Zones 264/265 have no polygon, hence no centroid.
    assert.ok(report.rowsDropped.unknown_zone > 0);
    assert.deepEqual(
      report.inputs.map((i) => i.schema),
      ['green'],
    );
  });

  it('splits 80% train, then 5% of validation as test, and baseline = train', () => {
    const { train, validation, test, baseline } = report.splits;
    assert.equal(train + validation + test, report.rowsKept);
    assert.equal(train, Math.round(report.rowsKept * 0.8));
    assert.equal(test, Math.round((report.rowsKept - train) * 0.05));
    assert.equal(baseline, train);
  });

  it('writes the SageMaker layouts: no header label-first train/validation, headed test/baseline', async () => {
    const test = await readNumericCsv(path.join(out, 'test/test.csv'), true);
    assert.deepEqual(test.columns, [...FEATURE_COLUMNS]);
    assert.equal(test.rows.length, report.splits.test);
    const train = await readNumericCsv(path.join(out, 'train/train.csv'), false);
    assert.equal(train.rows.length, report.splits.train);
    assert.ok(train.rows.every((r) => r.length === 10 && r.every(Number.isFinite)));
    const baseline = await readNumericCsv(path.join(out, 'baseline/baseline.csv'), true);
    assert.deepEqual(baseline.rows, train.rows);
    const validation = await readNumericCsv(path.join(out, 'validation/validation.csv'), false);
    assert.equal(validation.rows.length, report.splits.validation);
  });

  it('keeps only values inside the cleaning rules, with NYC coordinates', async () => {
    const { rows } = await readNumericCsv(path.join(out, 'baseline/baseline.csv'), true);
    for (const [fare, pax, plat, plon, dlat, dlon, dist, hour, weekday, month] of rows as number[][] as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ][]) {
      assert.ok(fare > 0 && fare < 200);
      assert.ok(pax > 0 && Number.isInteger(pax));
      for (const lat of [plat, dlat]) assert.ok(lat > 40.4 && lat < 41, `lat ${lat}`);
      for (const lon of [plon, dlon]) assert.ok(lon > -74.3 && lon < -73.6, `lon ${lon}`);
      assert.ok(dist > 0 && dist < 121);
      assert.ok(hour >= 0 && hour <= 23 && weekday >= 0 && weekday <= 6 && month >= 1 && month <= 12);
    }
  });

  it('is byte-for-byte identical with the same seed and differs with another', async () => {
    const again = path.join(dir, 'again');
    const other = path.join(dir, 'other');
    const home = path.join(dir, 'home');
    assert.equal(
      (
        await cli(['data', 'prepare', '--trips', nyc('green_tripdata_2021-01.parquet'), '--zones', nyc('taxi_zones.zip'), '--out', again, '--seed', '42'], {
          home,
        })
      ).code,
      0,
    );
    assert.equal(
      (
        await cli(['data', 'prepare', '--trips', nyc('green_tripdata_2021-01.parquet'), '--zones', nyc('taxi_zones.zip'), '--out', other, '--seed', '7'], {
          home,
        })
      ).code,
      0,
    );
    for (const f of SPLIT_FILES) assert.equal(await sha(path.join(again, f)), await sha(path.join(out, f)), f);
    assert.notEqual(await sha(path.join(other, 'train/train.csv')), await sha(path.join(out, 'train/train.csv')));
  });

  it('gives the same features from the reference centroid CSV as from the shapefile (within 1 m)', async () => {
    const viaCsv = path.join(dir, 'via-csv');
    const run = await cli(['data', 'prepare', '--trips', nyc('green_tripdata_2021-01.parquet'), '--zones', nyc('taxi_zone_centroids.csv'), '--out', viaCsv], {
      home: path.join(dir, 'home'),
    });
    assert.equal(run.code, 0, run.stderr);
    const a = (await readNumericCsv(path.join(out, 'test/test.csv'), true)).rows;
    const b = (await readNumericCsv(path.join(viaCsv, 'test/test.csv'), true)).rows;
    assert.equal(a.length, b.length);
    for (let i = 0; i < a.length; i++) {
      for (let c = 2; c <= 5; c++) assert.ok(Math.abs(a[i]![c]! - b[i]![c]!) < 1e-5, `row ${i} col ${c}`);
      assert.ok(Math.abs(a[i]![6]! - b[i]![6]!) < 0.002);
    }
  });

  it('records the dataset with input and output hashes in the metadata store', async () => {
    const home = path.join(dir, 'home');
    const list = await cli(['--json', 'data', 'list'], { home });
    assert.equal(list.code, 0, list.stderr);
    const items = list.json<{ items: { id: string }[] }>().items;
    assert.ok(items.some((d) => d.id === report.datasetId));
    const shown = await cli(['--json', 'data', 'show', report.datasetId], { home });
    const ds = shown.json<{ rowCount: number; files: { role: string; uri: string; sha256: string; rows?: number }[] }>();
    assert.equal(ds.rowCount, report.rowsKept);
    const input = ds.files.find((f) => f.role === 'input')!;
    assert.equal(input.sha256, await sha(nyc('green_tripdata_2021-01.parquet')));
    const train = ds.files.find((f) => f.uri.endsWith('/train/train.csv'))!;
    assert.equal(train.sha256, await sha(path.join(out, 'train/train.csv')));
    assert.equal(train.rows, report.splits.train);
  });

  it('leaves no staging folder behind', async () => {
    assert.deepEqual(
      (await readdir(dir)).filter((n) => n.startsWith('.')),
      [],
    );
  });
});

describe('data prepare on the other shared months', { skip: SKIP_WITHOUT_NYC }, () => {
  for (const month of ['2021-02', '2024-03']) {
    it(`prepares green ${month} (zone ids as ${month === '2024-03' ? 'integers' : 'strings'})`, async () => {
      const dir = await tmpDir();
      const run = await cli(
        ['--json', 'data', 'prepare', '--trips', nyc(`green_tripdata_${month}.parquet`), '--zones', nyc('taxi_zones.zip'), '--out', path.join(dir, 'out')],
        { home: dir },
      );
      assert.equal(run.code, 0, run.stderr);
      const r = run.json<{ report: PrepareReport }>().report;
      assert.equal(r.rowsRead, month === '2021-02' ? 61_921 : 57_457);
      assert.ok(r.rowsKept > 20_000, `kept ${r.rowsKept}`);
      assert.equal(r.rowsKept + CLEANING_RULES.reduce((s, k) => s + r.rowsDropped[k], 0), r.rowsRead);
    });
  }

  it('reads several files at once from a quoted pattern, in name order', async () => {
    const dir = await tmpDir();
    const run = await cli(
      ['--json', 'data', 'prepare', '--trips', nyc('green_tripdata_2021-*.parquet'), '--zones', nyc('taxi_zones.zip'), '--out', path.join(dir, 'out')],
      { home: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const r = run.json<{ report: PrepareReport }>().report;
    assert.deepEqual(
      r.inputs.map((i) => path.basename(i.file)),
      ['green_tripdata_2021-01.parquet', 'green_tripdata_2021-02.parquet'],
    );
    assert.equal(r.rowsRead, 73_908 + 61_921);
  });
});
