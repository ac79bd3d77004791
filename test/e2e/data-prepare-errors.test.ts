import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { unzipSync, zipSync } from 'fflate';
import { cli } from '../support/cli-runner.js';
import { nyc, SKIP_WITHOUT_NYC } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

const CENTROIDS = 'LocationID,latitude,longitude\n74,40.801169,-73.937346\n75,40.790011,-73.94575\n43,40.782477,-73.965555\n';

/** Asserts a failed run: the exit code, one stderr line matching `message`, and no output folder or staging leftovers. */
async function expectFailure(dir: string, argv: string[], exit: number, message: RegExp): Promise<void> {
  const run = await cli(argv, { home: path.join(dir, 'home') });
  assert.equal(run.code, exit, `exit code; stderr: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line expected, got: ${run.stderr}`);
  assert.match(lines[0]!, /^driftline: /);
  assert.match(lines[0]!, message);
  assert.equal(existsSync(path.join(dir, 'out')), false, 'no output folder');
  assert.deepEqual(
    (await readdir(dir)).filter((n) => n.includes('.tmp-')),
    [],
    'no staging leftovers',
  );
}

describe('data prepare with bad input', () => {
  it('a missing trips file', async () => {
    const dir = await tmpDir();
    await writeFile(path.join(dir, 'zones.csv'), CENTROIDS);
    await expectFailure(
      dir,
      ['data', 'prepare', '--trips', path.join(dir, 'absent.parquet'), '--zones', path.join(dir, 'zones.csv'), '--out', path.join(dir, 'out')],
      3,
      /input file '.*absent\.parquet' not found/,
    );
  });

  it('a file with the wrong columns', async () => {
    const dir = await tmpDir();
    await writeFile(path.join(dir, 'zones.csv'), CENTROIDS);
    await writeFile(path.join(dir, 'trips.csv'), 'a,b,c\n1,2,3\n');
    await expectFailure(
      dir,
      ['data', 'prepare', '--trips', path.join(dir, 'trips.csv'), '--zones', path.join(dir, 'zones.csv'), '--out', path.join(dir, 'out')],
      2,
      /not a TLC trip file, missing column\(s\) fare_amount, passenger_count/,
    );
  });

  it('a corrupt Parquet file', async () => {
    const dir = await tmpDir();
    await writeFile(path.join(dir, 'zones.csv'), CENTROIDS);
    await writeFile(path.join(dir, 'trips.parquet'), Buffer.from('PAR1 this is not really parquet at all PAR1'));
    await expectFailure(
      dir,
      ['data', 'prepare', '--trips', path.join(dir, 'trips.parquet'), '--zones', path.join(dir, 'zones.csv'), '--out', path.join(dir, 'out')],
      2,
      /trips\.parquet: cannot read as Parquet/,
    );
  });

  it('a zones zip without its .shp', { skip: SKIP_WITHOUT_NYC }, async () => {
    const dir = await tmpDir();
    const entries = unzipSync(await readFile(nyc('taxi_zones.zip')));
    delete entries['taxi_zones.shp'];
    await writeFile(path.join(dir, 'zones.zip'), zipSync(entries));
    await expectFailure(
      dir,
      ['data', 'prepare', '--trips', nyc('green_tripdata_2021-01.parquet'), '--zones', path.join(dir, 'zones.zip'), '--out', path.join(dir, 'out')],
      2,
      /holds no \.shp file/,
    );
  });

  it('a truncated Parquet file (the first 100 kB of a real month)', { skip: SKIP_WITHOUT_NYC }, async () => {
    const dir = await tmpDir();
    await writeFile(path.join(dir, 'zones.csv'), CENTROIDS);
    await writeFile(path.join(dir, 'cut.parquet'), (await readFile(nyc('green_tripdata_2021-01.parquet'))).subarray(0, 100_000));
    await expectFailure(
      dir,
      ['data', 'prepare', '--trips', path.join(dir, 'cut.parquet'), '--zones', path.join(dir, 'zones.csv'), '--out', path.join(dir, 'out')],
      2,
      /cannot read as Parquet/,
    );
  });

  it('a non-integer seed', async () => {
    const dir = await tmpDir();
    await expectFailure(
      dir,
      ['data', 'prepare', '--trips', 'x', '--zones', 'y', '--out', path.join(dir, 'out'), '--seed', 'abc'],
      2,
      /--seed must be an integer/,
    );
  });

  it('a missing required option', async () => {
    const dir = await tmpDir();
    await expectFailure(dir, ['data', 'prepare', '--trips', 'x', '--out', path.join(dir, 'out')], 2, /required option '--zones <file>' not specified/);
  });

  it('trips that all fail cleaning', async () => {
    const dir = await tmpDir();
    await writeFile(path.join(dir, 'zones.csv'), CENTROIDS);
    await writeFile(
      path.join(dir, 'trips.csv'),
      'lpep_pickup_datetime,lpep_dropoff_datetime,PULocationID,DOLocationID,passenger_count,fare_amount\n2021-01-04 07:00:00,2021-01-04 07:10:00,74,75,,9.5\n',
    );
    await expectFailure(
      dir,
      ['data', 'prepare', '--trips', path.join(dir, 'trips.csv'), '--zones', path.join(dir, 'zones.csv'), '--out', path.join(dir, 'out')],
      5,
      /only 0 trip\(s\) left after cleaning 1 read/,
    );
  });
});

describe('data prepare output folder rules', () => {
  const yellowCsv =
    'VendorID,tpep_pickup_datetime,tpep_dropoff_datetime,passenger_count,trip_distance,PULocationID,DOLocationID,fare_amount\n' +
    [
      '1,2021-01-04 07:00:00,2021-01-04 07:12:00,1,1.2,"74","75",8.5',
      '2,2021-01-05 18:30:00,2021-01-05 18:50:00,2,2.5,"75","43",12',
      '1,2021-01-06 23:59:00,2021-01-07 00:20:00,1,3.1,"43","74",14.5',
      '1,2021-01-06 09:00:00,2021-01-06 09:05:00,3,0.5,"43","75",6',
    ].join('\n') +
    '\n';

  it('reads yellow CSV trips with string zone ids', async () => {
    const dir = await tmpDir();
    await writeFile(path.join(dir, 'zones.csv'), CENTROIDS);
    await writeFile(path.join(dir, 'yellow.csv'), yellowCsv);
    const run = await cli(
      ['--json', 'data', 'prepare', '--trips', path.join(dir, 'yellow.csv'), '--zones', path.join(dir, 'zones.csv'), '--out', path.join(dir, 'out')],
      { home: path.join(dir, 'home') },
    );
    assert.equal(run.code, 0, run.stderr);
    const report = run.json<{ report: { rowsKept: number; inputs: { schema: string }[] } }>().report;
    assert.equal(report.rowsKept, 4);
    assert.equal(report.inputs[0]!.schema, 'yellow');
    const baseline = (await readFile(path.join(dir, 'out', 'baseline', 'baseline.csv'), 'utf8')).trim().split('\n');
    assert.equal(baseline.length, 1 + 3);
    // Tuesday 2021-01-05 18:30 → hour 18, weekday 1 (Monday = 0), month 1.
    assert.ok(
      baseline.some((l) => l.startsWith('12,2,') && l.endsWith(',18,1,1')),
      baseline.join('\n'),
    );
  });

  it('refuses a non-empty output folder without --force, and replaces it with --force', async () => {
    const dir = await tmpDir();
    await writeFile(path.join(dir, 'zones.csv'), CENTROIDS);
    await writeFile(path.join(dir, 'yellow.csv'), yellowCsv);
    const out = path.join(dir, 'existing');
    await mkdir(out);
    await writeFile(path.join(out, 'keep.txt'), 'precious');
    const argv = ['data', 'prepare', '--trips', path.join(dir, 'yellow.csv'), '--zones', path.join(dir, 'zones.csv'), '--out', out];
    const refused = await cli(argv, { home: path.join(dir, 'home') });
    assert.equal(refused.code, 5);
    assert.match(refused.stderr, /is not empty \(pass --force to replace it\)/);
    assert.equal(await readFile(path.join(out, 'keep.txt'), 'utf8'), 'precious');
    const forced = await cli([...argv, '--force'], { home: path.join(dir, 'home') });
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual((await readdir(out)).sort(), ['baseline', 'prepare-report.json', 'test', 'train', 'validation']);
  });

  it('prints a JSON error object with --json', async () => {
    const dir = await tmpDir();
    const run = await cli(['--json', 'data', 'prepare', '--trips', path.join(dir, 'nope.csv'), '--zones', 'z.csv', '--out', path.join(dir, 'out')], {
      home: dir,
    });
    assert.equal(run.code, 3);
    assert.equal(run.json<{ error: { code: string } }>().error.code, 'not_found');
  });
});
