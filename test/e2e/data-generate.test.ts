import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { cli } from '../support/cli-runner.js';
import { columnMean, readNumericCsv } from '../support/csv-table.js';
import { nyc, SKIP_WITHOUT_NYC } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

const COL = { fare: 0, passengers: 1, distance: 6, hour: 7, weekday: 8, month: 9 } as const;

/** Generates one month with a drift preset and prepares it; returns the baseline rows and the report. */
async function generateAndPrepare(dir: string, drift: string, rows = 20_000) {
  const raw = path.join(dir, `raw-${drift}`);
  const gen = await cli(['--json', 'data', 'generate', '--out', raw, '--months', '2021-01', '--rows', String(rows), '--drift', drift], { home: dir });
  assert.equal(gen.code, 0, gen.stderr);
  const prep = await cli(
    [
      '--json',
      'data',
      'prepare',
      '--trips',
      path.join(raw, 'green_tripdata_2021-01.parquet'),
      '--zones',
      path.join(raw, 'taxi_zone_centroids.csv'),
      '--out',
      path.join(dir, `prep-${drift}`),
    ],
    { home: dir },
  );
  assert.equal(prep.code, 0, prep.stderr);
  const baseline = await readNumericCsv(path.join(dir, `prep-${drift}`, 'baseline', 'baseline.csv'), true);
  return { rows: baseline.rows, report: prep.json<{ report: { rowsRead: number; rowsKept: number } }>().report };
}

describe('data generate', () => {
  let dir: string;
  let plain: Awaited<ReturnType<typeof generateAndPrepare>>;

  before(async () => {
    dir = await tmpDir();
    plain = await generateAndPrepare(dir, 'none');
  });

  it('writes files that prepare accepts, in the month asked for', () => {
    assert.equal(plain.report.rowsRead, 20_000);
    assert.ok(plain.rows.every((r) => r[COL.month] === 1));
  });

  it('resembles the real month once prepared', { skip: SKIP_WITHOUT_NYC }, async () => {
    const realDir = await tmpDir();
    const real = await cli(
      ['--json', 'data', 'prepare', '--trips', nyc('green_tripdata_2021-01.parquet'), '--zones', nyc('taxi_zones.zip'), '--out', path.join(realDir, 'out')],
      { home: realDir },
    );
    assert.equal(real.code, 0, real.stderr);
    const realReport = real.json<{ report: { rowsRead: number; rowsKept: number } }>().report;
    const realRows = (await readNumericCsv(path.join(realDir, 'out', 'baseline', 'baseline.csv'), true)).rows;
    const close = (name: string, c: number, tolerance: number) => {
      const a = columnMean(plain.rows, c);
      const b = columnMean(realRows, c);
      assert.ok(Math.abs(a - b) / b < tolerance, `${name}: synthetic mean ${a.toFixed(3)} vs real ${b.toFixed(3)}`);
    };
    close('fare_amount', COL.fare, 0.15);
    close('passenger_count', COL.passengers, 0.05);
    close('geo_distance', COL.distance, 0.1);
    close('hour', COL.hour, 0.05);
    close('weekday', COL.weekday, 0.1);
    const keptShare = (r: { rowsRead: number; rowsKept: number }) => r.rowsKept / r.rowsRead;
    assert.ok(Math.abs(keptShare(plain.report) - keptShare(realReport)) < 0.1, 'share of rows kept by cleaning');
  });

  it('applies the notebook drift: 4 passengers dominates, trips are far longer', async () => {
    const drifted = await generateAndPrepare(dir, 'notebook', 10_000);
    const counts = new Map<number, number>();
    for (const r of drifted.rows) counts.set(r[COL.passengers]!, (counts.get(r[COL.passengers]!) ?? 0) + 1);
    assert.equal([...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0], 4);
    assert.ok(Math.abs(columnMean(drifted.rows, COL.passengers) - 46 / 13) < 0.1);
    assert.ok(columnMean(drifted.rows, COL.distance) > 5 * columnMean(plain.rows, COL.distance));
  });

  it('applies the fare-increase drift: same trips, about 20% dearer', async () => {
    const dearer = await generateAndPrepare(dir, 'fare-increase');
    const ratio = columnMean(dearer.rows, COL.fare) / columnMean(plain.rows, COL.fare);
    assert.ok(ratio > 1.15 && ratio < 1.25, `fare ratio ${ratio}`);
    assert.ok(Math.abs(columnMean(dearer.rows, COL.distance) - columnMean(plain.rows, COL.distance)) < 0.05);
  });

  it('is deterministic for a seed, and months are independent of each other', async () => {
    const a = path.join(dir, 'det-a');
    const b = path.join(dir, 'det-b');
    assert.equal(
      (await cli(['data', 'generate', '--out', a, '--months', '2021-01', '--rows', '500', '--format', 'csv', '--seed', '3'], { home: dir })).code,
      0,
    );
    assert.equal(
      (await cli(['data', 'generate', '--out', b, '--months', '2021-02,2021-01', '--rows', '500', '--format', 'csv', '--seed', '3'], { home: dir })).code,
      0,
    );
    const sha = async (f: string) =>
      createHash('sha256')
        .update(await readFile(f))
        .digest('hex');
    assert.equal(await sha(path.join(a, 'green_tripdata_2021-01.csv')), await sha(path.join(b, 'green_tripdata_2021-01.csv')));
  });

  it('rejects bad arguments with one line', async () => {
    for (const [argv, message] of [
      [['--months', '2021-13'], /month '2021-13' is not a YYYY-MM month/],
      [['--months', '2021-01', '--drift', 'bogus'], /unknown --drift 'bogus'/],
      [['--months', '2021-01', '--rows', '0'], /--rows must be an integer >= 1/],
      [['--months', '2021-01', '--format', 'xlsx'], /--format must be parquet or csv/],
    ] as const) {
      const run = await cli(['data', 'generate', '--out', path.join(dir, 'bad'), ...argv], { home: dir });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trimEnd().split('\n').length, 1);
    }
  });
});
