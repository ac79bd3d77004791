import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { AnalysisOutcome } from '../../src/monitor/index.js';
import { cli } from '../support/cli-runner.js';
import { readNumericCsv } from '../support/csv-table.js';
import { nyc, SKIP_WITHOUT_NYC } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

type Result = Omit<AnalysisOutcome, 'statistics'>;

describe('monitor analyze on real months', { skip: SKIP_WITHOUT_NYC }, () => {
  let dir: string;
  const base = () => ['--statistics', path.join(dir, 'baseline', 'statistics.json'), '--constraints', path.join(dir, 'baseline', 'constraints.json')];

  before(async () => {
    dir = await tmpDir();
    for (const month of ['2021-01', '2021-02']) {
      const run = await cli(
        ['data', 'prepare', '--trips', nyc(`green_tripdata_${month}.parquet`), '--zones', nyc('taxi_zones.zip'), '--out', path.join(dir, month)],
        { home: dir },
      );
      assert.equal(run.code, 0, run.stderr);
    }
    const b = await cli(
      ['monitor', 'suggest-baseline', '--dataset', path.join(dir, '2021-01', 'baseline', 'baseline.csv'), '--out', path.join(dir, 'baseline')],
      { home: dir },
    );
    assert.equal(b.code, 0, b.stderr);
  });

  it('2021-01 vs 2021-02: no drift violation apart from month (constant within a month)', async () => {
    const run = await cli(
      ['--json', 'monitor', 'analyze', ...base(), '--dataset', path.join(dir, '2021-02', 'baseline', 'baseline.csv'), '--out', path.join(dir, 'feb')],
      { home: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const r = run.json<Result>();
    assert.equal(r.status, 'CompletedWithViolations');
    assert.deepEqual(
      r.violations.map((v) => `${v.constraint_check_type}:${v.feature_name}`),
      ['baseline_drift_check:month'],
    );
    const file = JSON.parse(await readFile(path.join(dir, 'feb', 'constraint_violations.json'), 'utf8'));
    assert.deepEqual(file.violations, r.violations);
    assert.match(r.violations[0]!.description, /^Baseline drift distance: [\d.]+ exceeds threshold: 0\.1$/);
    const metric = r.metrics.find((m) => m.name === 'feature_baseline_drift_fare_amount')!;
    assert.ok(metric.value < 0.1);
    console.log(
      `# 2021-01 vs 2021-02 drift: ${r.drift.map((d) => `${d.feature}=${d.distance.toFixed(4)} (simple ${d.simple?.toFixed(4)}, psi ${d.psi?.toFixed(4)}, js ${d.jensenShannon?.toFixed(4)}, w/std ${d.wassersteinNormalized?.toFixed(4)})`).join('; ')}`,
    );
  });

  it('writes a self-contained HTML report on request', async () => {
    const report = path.join(dir, 'report.html');
    const run = await cli(
      [
        'monitor',
        'analyze',
        ...base(),
        '--dataset',
        path.join(dir, '2021-02', 'baseline', 'baseline.csv'),
        '--out',
        path.join(dir, 'feb-report'),
        '--report',
        report,
      ],
      { home: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const html = await readFile(report, 'utf8');
    assert.doesNotMatch(html, /<script|https?:\/\//);
    for (const name of ['fare_amount', 'geo_distance', 'month']) assert.match(html, new RegExp(`<h3>${name} `));
    assert.match(html, /<td>month<\/td><td>baseline_drift_check<\/td>/);
  });

  it('excluding month (command line) completes without violations but still measures it', async () => {
    const run = await cli(
      [
        '--json',
        'monitor',
        'analyze',
        ...base(),
        '--dataset',
        path.join(dir, '2021-02', 'baseline', 'baseline.csv'),
        '--out',
        path.join(dir, 'feb-excl'),
        '--exclude',
        'month',
      ],
      { home: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const r = run.json<Result>();
    assert.equal(r.status, 'Completed');
    assert.equal(r.exitMessage, 'Completed: Job completed successfully with no violations.');
    const month = r.drift.find((d) => d.feature === 'month')!;
    assert.equal(month.excluded, true);
    assert.ok(month.distance > 0.9);
  });

  it('the sketch distance is within 0.01 of the exact KS statistic', async () => {
    const run = await cli(
      ['--json', 'monitor', 'analyze', ...base(), '--dataset', path.join(dir, '2021-02', 'baseline', 'baseline.csv'), '--out', path.join(dir, 'feb-ks')],
      { home: dir },
    );
    const r = run.json<Result>();
    const a = (await readNumericCsv(path.join(dir, '2021-01', 'baseline', 'baseline.csv'), true)).rows;
    const b = (await readNumericCsv(path.join(dir, '2021-02', 'baseline', 'baseline.csv'), true)).rows;
    for (const [c, name] of [
      [0, 'fare_amount'],
      [6, 'geo_distance'],
      [7, 'hour'],
    ] as const) {
      const exact = exactKs(
        a.map((row) => row[c]!),
        b.map((row) => row[c]!),
      );
      const sketched = r.drift.find((d) => d.feature === name)!.simple!;
      assert.ok(Math.abs(exact - sketched) < 0.01, `${name}: exact ${exact} vs sketch ${sketched}`);
    }
  });

  it('the notebook drift on 2021-02 trips flags passenger_count and geo_distance', async () => {
    const raw = path.join(dir, 'drifted-raw');
    assert.equal((await cli(['data', 'generate', '--out', raw, '--months', '2021-02', '--rows', '20000', '--drift', 'notebook'], { home: dir })).code, 0);
    assert.equal(
      (
        await cli(
          [
            'data',
            'prepare',
            '--trips',
            path.join(raw, 'green_tripdata_2021-02.parquet'),
            '--zones',
            nyc('taxi_zones.zip'),
            '--out',
            path.join(dir, 'drifted'),
          ],
          { home: dir },
        )
      ).code,
      0,
    );
    const run = await cli(
      [
        '--json',
        'monitor',
        'analyze',
        ...base(),
        '--dataset',
        path.join(dir, 'drifted', 'baseline', 'baseline.csv'),
        '--out',
        path.join(dir, 'drifted-analysis'),
        '--exclude',
        'month',
      ],
      { home: dir },
    );
    const r = run.json<Result>();
    const flagged = r.violations.filter((v) => v.constraint_check_type === 'baseline_drift_check').map((v) => v.feature_name);
    assert.ok(flagged.includes('passenger_count') && flagged.includes('geo_distance'), flagged.join(','));
  });
});

describe('monitor analyze: schema and data problems', () => {
  let dir: string;
  const header = 'fare_amount,passenger_count,kind';
  const rows = Array.from({ length: 200 }, (_, i) => `${5 + (i % 20)},${1 + (i % 3)},${i % 2 ? 'card' : 'cash'}`);

  before(async () => {
    dir = await tmpDir();
    await writeFile(path.join(dir, 'base.csv'), `${header}\n${rows.join('\n')}\n`);
    const b = await cli(['monitor', 'suggest-baseline', '--dataset', path.join(dir, 'base.csv'), '--out', path.join(dir, 'baseline')], { home: dir });
    assert.equal(b.code, 0, b.stderr);
  });

  const analyzeText = async (name: string, text: string) => {
    await writeFile(path.join(dir, `${name}.csv`), text);
    return cli(
      [
        '--json',
        'monitor',
        'analyze',
        '--statistics',
        path.join(dir, 'baseline', 'statistics.json'),
        '--constraints',
        path.join(dir, 'baseline', 'constraints.json'),
        '--dataset',
        path.join(dir, `${name}.csv`),
        '--out',
        path.join(dir, `out-${name}`),
      ],
      { home: dir },
    );
  };
  const checks = (r: Result) => r.violations.map((v) => `${v.constraint_check_type}:${v.feature_name}`).sort();

  it('a missing column', async () => {
    const r = (await analyzeText('missing', `fare_amount,passenger_count\n${rows.map((l) => l.split(',').slice(0, 2).join(',')).join('\n')}\n`)).json<Result>();
    assert.deepEqual(checks(r), ['missing_column_check:Missing columns']);
    assert.deepEqual(r.missingColumns, ['kind']);
  });

  it('an extra column', async () => {
    const r = (await analyzeText('extra', `${header},x\n${rows.map((l) => `${l},1`).join('\n')}\n`)).json<Result>();
    assert.deepEqual(checks(r), ['extra_column_check:Extra columns']);
    assert.deepEqual(r.extraColumns, ['x']);
  });

  it('wrong types, missing values and values outside the domain', async () => {
    const bad = rows.map((l, i) => {
      const [f, p, k] = l.split(',');
      return `${i % 10 === 0 ? '' : f},${i % 4 === 0 ? 'two' : p},${i % 5 === 0 ? 'crypto' : k}`;
    });
    const r = (await analyzeText('bad', `${header}\n${bad.join('\n')}\n`)).json<Result>();
    const found = checks(r);
    for (const expected of ['completeness_check:fare_amount', 'data_type_check:passenger_count', 'categorical_values_check:kind']) {
      assert.ok(found.includes(expected), `${expected} in ${found.join(', ')}`);
    }
    assert.match(
      r.violations.find((v) => v.constraint_check_type === 'data_type_check')!.description,
      /Expected data type: Integral, Expected match: 100\.0%\. Observed: Only 75\.0% of data is Integral\./,
    );
  });

  it('no data: Failed with the reason, exit code 5, and a result file', async () => {
    const run = await analyzeText('empty', `${header}\n`);
    assert.equal(run.code, 5, run.stderr);
    assert.match(run.stderr, /analysis failed: no data to analyse/);
    const result = JSON.parse(await readFile(path.join(dir, 'out-empty', 'analysis-result.json'), 'utf8'));
    assert.equal(result.status, 'Failed');
  });

  it('per-feature overrides in constraints.json: a threshold and an exclusion', async () => {
    const constraintsFile = path.join(dir, 'baseline', 'constraints.json');
    const c = JSON.parse(await readFile(constraintsFile, 'utf8'));
    c.features[0].monitoringConfigOverrides = { exclude: true };
    const edited = path.join(dir, 'edited-constraints.json');
    await writeFile(edited, JSON.stringify(c));
    const shifted = rows.map((l) => {
      const [f, p, k] = l.split(',');
      return `${Number(f) + 100},${p},${k}`;
    });
    await writeFile(path.join(dir, 'shifted.csv'), `${header}\n${shifted.join('\n')}\n`);
    const run = await cli(
      [
        '--json',
        'monitor',
        'analyze',
        '--statistics',
        path.join(dir, 'baseline', 'statistics.json'),
        '--constraints',
        edited,
        '--dataset',
        path.join(dir, 'shifted.csv'),
        '--out',
        path.join(dir, 'out-shifted'),
      ],
      { home: dir },
    );
    const r = run.json<Result>();
    assert.equal(r.status, 'Completed');
    assert.equal(r.drift.find((d) => d.feature === 'fare_amount')!.excluded, true);
  });
});

function exactKs(a: number[], b: number[]): number {
  const xs = [...new Set([...a, ...b])].sort((x, y) => x - y);
  const sa = [...a].sort((x, y) => x - y);
  const sb = [...b].sort((x, y) => x - y);
  let i = 0;
  let j = 0;
  let gap = 0;
  for (const x of xs) {
    while (i < sa.length && sa[i]! <= x) i++;
    while (j < sb.length && sb[j]! <= x) j++;
    gap = Math.max(gap, Math.abs(i / sa.length - j / sb.length));
  }
  return gap;
}
