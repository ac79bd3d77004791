import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { FEATURE_COLUMNS } from '../../src/data/index.js';
import { parseConstraints, parseStatistics } from '../../src/monitor/index.js';
import { cli } from '../support/cli-runner.js';
import { nyc, SKIP_WITHOUT_NYC } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

describe('monitor suggest-baseline on the prepared 2021-01 baseline', { skip: SKIP_WITHOUT_NYC }, () => {
  let dir: string;
  before(async () => {
    dir = await tmpDir();
    const run = await cli(
      ['data', 'prepare', '--trips', nyc('green_tripdata_2021-01.parquet'), '--zones', nyc('taxi_zones.zip'), '--out', path.join(dir, 'prepared')],
      { home: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const base = await cli(
      ['monitor', 'suggest-baseline', '--dataset', path.join(dir, 'prepared', 'baseline', 'baseline.csv'), '--out', path.join(dir, 'baseline')],
      { home: dir },
    );
    assert.equal(base.code, 0, base.stderr);
  });

  it('writes statistics.json with the baseline columns, types and exact counts', async () => {
    const stats = parseStatistics(await readFile(path.join(dir, 'baseline', 'statistics.json'), 'utf8'));
    const baseline = (await readFile(path.join(dir, 'prepared', 'baseline', 'baseline.csv'), 'utf8')).trim().split('\n');
    assert.equal(stats.dataset.item_count, baseline.length - 1);
    assert.deepEqual(
      stats.features.map((f) => f.name),
      [...FEATURE_COLUMNS],
    );
    const type = (name: string) => stats.features.find((f) => f.name === name)!.inferred_type;
    assert.equal(type('fare_amount'), 'Fractional');
    assert.equal(type('passenger_count'), 'Integral');
    assert.equal(type('hour'), 'Integral');
    assert.equal(type('geo_distance'), 'Fractional');
    const fare = stats.features[0]!.numerical_statistics!;
    const values = baseline.slice(1).map((l) => Number(l.split(',')[0]));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    assert.ok(Math.abs(fare.mean - mean) < 1e-9);
    assert.equal(fare.min, Math.min(...values));
    assert.equal(fare.max, Math.max(...values));
    assert.equal(
      fare.distribution.kll.buckets.reduce((s, b) => s + b.count, 0),
      values.length,
    );
    assert.deepEqual(fare.distribution.kll.sketch.parameters, { c: 0.64, k: 2048 });
  });

  it('suggests constraints with the defaults the service writes', async () => {
    const c = parseConstraints(await readFile(path.join(dir, 'baseline', 'constraints.json'), 'utf8'));
    assert.ok(c.features.every((f) => f.completeness === 1));
    assert.equal(c.features.find((f) => f.name === 'pickup_longitude')!.num_constraints!.is_non_negative, false);
    assert.equal(c.features.find((f) => f.name === 'fare_amount')!.num_constraints!.is_non_negative, true);
    assert.deepEqual(c.monitoring_config, {
      evaluate_constraints: 'Enabled',
      emit_metrics: 'Enabled',
      datatype_check_threshold: 1,
      domain_content_threshold: 1,
      distribution_constraints: {
        perform_comparison: 'Enabled',
        comparison_threshold: 0.1,
        comparison_method: 'Robust',
        categorical_comparison_threshold: 0.1,
        categorical_drift_method: 'LInfinity',
      },
    });
  });

  it('reads a header-less CSV with Spark column names and a Parquet file with declared types', async () => {
    const noHeader = await cli(
      [
        '--json',
        'monitor',
        'suggest-baseline',
        '--dataset',
        path.join(dir, 'prepared', 'train', 'train.csv'),
        '--no-header',
        '--out',
        path.join(dir, 'train-baseline'),
      ],
      { home: dir },
    );
    assert.equal(noHeader.code, 0, noHeader.stderr);
    const names = noHeader.json<{ statistics: { features: { name: string }[] } }>().statistics.features.map((f) => f.name);
    assert.deepEqual(names.slice(0, 3), ['_c0', '_c1', '_c2']);
    const parquet = await cli(
      ['--json', 'monitor', 'suggest-baseline', '--dataset', nyc('green_tripdata_2021-01.parquet'), '--out', path.join(dir, 'raw-baseline')],
      { home: dir },
    );
    assert.equal(parquet.code, 0, parquet.stderr);
    const features = parquet.json<{ statistics: { dataset: { item_count: number }; features: { name: string; inferred_type: string }[] } }>().statistics;
    assert.equal(features.dataset.item_count, 73_908);
    assert.equal(features.features.find((f) => f.name === 'fare_amount')!.inferred_type, 'Fractional');
    assert.equal(features.features.find((f) => f.name === 'store_and_fwd_flag')!.inferred_type, 'String');
  });
});

describe('monitor suggest-baseline with bad input', () => {
  it('a missing dataset and an empty one fail with one line and leave no output', async () => {
    const dir = await tmpDir();
    const missing = await cli(['monitor', 'suggest-baseline', '--dataset', path.join(dir, 'nope.csv'), '--out', path.join(dir, 'out')], { home: dir });
    assert.equal(missing.code, 3);
    assert.equal(missing.stderr.trimEnd().split('\n').length, 1);
    await writeFile(path.join(dir, 'empty.csv'), 'a,b\n');
    const empty = await cli(['monitor', 'suggest-baseline', '--dataset', path.join(dir, 'empty.csv'), '--out', path.join(dir, 'out')], { home: dir });
    assert.equal(empty.code, 5, empty.stderr);
    assert.match(empty.stderr, /no rows to baseline/);
    assert.equal(existsSync(path.join(dir, 'out')), false);
  });
});

describe('monitor merge-statistics', () => {
  it('combines shard baselines into the baseline of the whole dataset', async () => {
    const dir = await tmpDir();
    const rows = Array.from({ length: 6000 }, (_, i) => `${((i * 7919) % 1000) / 10},${i % 5},${i % 2 ? 'x' : 'y'}`);
    const write = (name: string, part: string[]) => writeFile(path.join(dir, name), `a,b,c\n${part.join('\n')}\n`);
    await write('whole.csv', rows);
    await write('s1.csv', rows.slice(0, 2500));
    await write('s2.csv', rows.slice(2500));
    for (const name of ['whole', 's1', 's2']) {
      const run = await cli(['monitor', 'suggest-baseline', '--dataset', path.join(dir, `${name}.csv`), '--out', path.join(dir, name)], { home: dir });
      assert.equal(run.code, 0, run.stderr);
    }
    const merged = await cli(
      [
        '--json',
        'monitor',
        'merge-statistics',
        '--in',
        path.join(dir, 's1', 'statistics.json'),
        path.join(dir, 's2', 'statistics.json'),
        '--out',
        path.join(dir, 'merged'),
      ],
      { home: dir },
    );
    assert.equal(merged.code, 0, merged.stderr);
    const a = parseStatistics(await readFile(path.join(dir, 'merged', 'statistics.json'), 'utf8'));
    const b = parseStatistics(await readFile(path.join(dir, 'whole', 'statistics.json'), 'utf8'));
    assert.equal(a.dataset.item_count, 6000);
    for (const i of [0, 1]) {
      const x = a.features[i]!.numerical_statistics!;
      const y = b.features[i]!.numerical_statistics!;
      assert.deepEqual([x.common, x.min, x.max], [y.common, y.min, y.max]);
      assert.ok(Math.abs(x.mean - y.mean) < 1e-9 && Math.abs(x.std_dev - y.std_dev) < 1e-9);
    }
    assert.deepEqual(a.features[2], b.features[2]);
    assert.ok(existsSync(path.join(dir, 'merged', 'constraints.json')));
  });
});
