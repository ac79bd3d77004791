import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { parseStatistics, type AnalysisOutcome } from '../../src/monitor/index.js';
import { cli } from '../support/cli-runner.js';
import { PROJECT_ROOT } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

type Result = Omit<AnalysisOutcome, 'statistics'>;
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const HEADER = 'fare_amount,passenger_count,kind';
const ROWS = Array.from({ length: 200 }, (_, i) => `${5 + (i % 20)},${1 + (i % 3)},${i % 2 ? 'card' : 'cash'}`);
const fixture = (name: string) => path.join(PROJECT_ROOT, 'test', 'fixtures', 'sagemaker', name);

describe('monitor analyze: baseline files that are broken or unusual', () => {
  let dir: string;
  const stats = () => path.join(dir, 'baseline', 'statistics.json');
  const constraints = () => path.join(dir, 'baseline', 'constraints.json');

  before(async () => {
    dir = await tmpDir();
    await writeFile(path.join(dir, 'base.csv'), `${HEADER}\n${ROWS.join('\n')}\n`);
    // Shifted fares: drift on fare_amount only (150 rows: the robust correction is irrational).
    const shifted = ROWS.map((l) => l.replace(/^\d+/, (f) => String(Number(f) + 7)));
    await writeFile(path.join(dir, 'shifted.csv'), `${HEADER}\n${shifted.join('\n')}\n`);
    await writeFile(path.join(dir, 'shifted150.csv'), `${HEADER}\n${shifted.slice(0, 150).join('\n')}\n`);
    const b = await cli(['monitor', 'suggest-baseline', '--dataset', path.join(dir, 'base.csv'), '--out', path.join(dir, 'baseline')], { home: dir });
    assert.equal(b.code, 0, b.stderr);
  });

  /** Writes an edited copy of a baseline file and returns its path. */
  const edited = async (file: string, name: string, edit: (doc: Json) => void) => {
    const doc = JSON.parse(await readFile(file, 'utf8')) as Json;
    edit(doc);
    const out = path.join(dir, name);
    await writeFile(out, JSON.stringify(doc, null, 1));
    return out;
  };
  const analyze = (opts: { statistics?: string; constraints?: string; dataset?: string; out: string; extra?: string[]; json?: boolean }) =>
    cli(
      [
        ...(opts.json === false ? [] : ['--json']),
        'monitor',
        'analyze',
        '--statistics',
        opts.statistics ?? stats(),
        '--constraints',
        opts.constraints ?? constraints(),
        '--dataset',
        opts.dataset ?? path.join(dir, 'base.csv'),
        '--out',
        path.join(dir, opts.out),
        ...(opts.extra ?? []),
      ],
      { home: dir },
    );
  const oneLineError = (run: { code: number; stderr: string }, pattern: RegExp) => {
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
    assert.match(run.stderr.trimEnd(), pattern);
  };

  it('a non-numeric value inside a KLL sketch: one line naming the feature and the field, no endless loop', async () => {
    const file = await edited(stats(), 'stats-abc.json', (s) => {
      s['features'][0].numerical_statistics.distribution.kll.sketch.data[0][3] = 'abc';
    });
    // In a child process with a time limit: the run used to spin at 100% CPU forever.
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(PROJECT_ROOT, 'src', 'main', 'cli.ts'),
        '--home',
        dir,
        'monitor',
        'analyze',
        '--statistics',
        file,
        '--constraints',
        constraints(),
        '--dataset',
        path.join(dir, 'shifted.csv'),
        '--out',
        path.join(dir, 'out-abc'),
      ],
      { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(run.signal, null, 'the analysis did not finish within 30 s');
    oneLineError(
      { code: run.status ?? -1, stderr: run.stderr },
      /stats-abc\.json: feature 'fare_amount': numerical_statistics\.distribution\.kll\.sketch\.data\[0\]\[3\] must be a finite number, got "abc"$/,
    );
  });

  it('"comparison_threshold": "high" is an invalid_argument naming the field, not an internal error', async () => {
    const file = await edited(constraints(), 'c-high.json', (c) => {
      c['monitoring_config'].distribution_constraints.comparison_threshold = 'high';
    });
    // With drift and --report the threshold used to reach the report's number formatting: "x.toPrecision is not a function".
    const run = await analyze({ constraints: file, dataset: path.join(dir, 'shifted.csv'), out: 'out-high', extra: ['--report', path.join(dir, 'high.html')] });
    oneLineError(run, /c-high\.json: monitoring_config\.distribution_constraints\.comparison_threshold must be a finite number >= 0, got "high"$/);
  });

  it('an unknown comparison_method and a negative threshold are refused', async () => {
    const method = await edited(constraints(), 'c-method.json', (c) => {
      c['monitoring_config'].distribution_constraints.comparison_method = 'Fancy';
    });
    oneLineError(
      await analyze({ constraints: method, out: 'out-method' }),
      /c-method\.json: monitoring_config\.distribution_constraints\.comparison_method must be one of Simple, Robust, got "Fancy"$/,
    );
    const negative = await edited(constraints(), 'c-negative.json', (c) => {
      c['monitoring_config'].distribution_constraints.comparison_threshold = -0.5;
    });
    oneLineError(await analyze({ constraints: negative, out: 'out-negative' }), /comparison_threshold must be a finite number >= 0, got -0\.5$/);
    const override = await edited(constraints(), 'c-override.json', (c) => {
      c['features'][1].monitoringConfigOverrides = { comparison_method: 'Fast' };
    });
    oneLineError(
      await analyze({ constraints: override, out: 'out-override' }),
      /feature 'passenger_count': monitoringConfigOverrides\.comparison_method must be one of Simple, Robust, got "Fast"$/,
    );
  });

  it('a baseline column holding -1e308: suggest-baseline writes finite statistics and --report works', async () => {
    const values = [-1e308, ...Array.from({ length: 50 }, (_, i) => i + 1)];
    await writeFile(path.join(dir, 'huge.csv'), `x,y\n${values.map((v, i) => `${v},${i % 7}`).join('\n')}\n`);
    const b = await cli(['monitor', 'suggest-baseline', '--dataset', path.join(dir, 'huge.csv'), '--out', path.join(dir, 'huge-baseline')], { home: dir });
    assert.equal(b.code, 0, b.stderr);
    const baseline = parseStatistics(await readFile(path.join(dir, 'huge-baseline', 'statistics.json'), 'utf8'));
    const x = baseline.features[0]!.numerical_statistics!;
    const mean = values.reduce((s, v) => s + v / values.length, 0);
    const std = Math.sqrt(values.reduce((s, v) => s + ((v - mean) / 1e300) ** 2, 0) / values.length) * 1e300;
    assert.ok(Math.abs(x.std_dev - std) / std < 1e-9, `std_dev ${x.std_dev}, expected ${std}`);
    assert.deepEqual([x.min, x.max], [-1e308, 50]);
    assert.ok(x.distribution.kll.buckets.every((k) => Number.isFinite(k.lower_bound) && Number.isFinite(k.upper_bound)));
    assert.equal(x.distribution.kll.buckets.at(-1)!.upper_bound, 50);
    const report = path.join(dir, 'huge.html');
    const run = cli(
      [
        'monitor',
        'analyze',
        '--statistics',
        path.join(dir, 'huge-baseline', 'statistics.json'),
        '--constraints',
        path.join(dir, 'huge-baseline', 'constraints.json'),
        '--dataset',
        path.join(dir, 'huge.csv'),
        '--out',
        path.join(dir, 'out-huge'),
        '--report',
        report,
      ],
      { home: dir },
    );
    const done = await run;
    assert.equal(done.code, 0, done.stderr);
    const html = await readFile(report, 'utf8');
    assert.match(html, /<h3>x <small>Fractional<\/small><\/h3>/);
    assert.doesNotMatch(html, /NaN|Infinity|undefined/);
  });

  it('a feature without numeric statistics is reported as not checked: result, --json, summary and report', async () => {
    const file = await edited(stats(), 'stats-no-numbers.json', (s) => {
      delete s['features'][0].numerical_statistics;
    });
    const report = path.join(dir, 'no-numbers.html');
    const run = await analyze({ statistics: file, dataset: path.join(dir, 'shifted.csv'), out: 'out-no-numbers', extra: ['--report', report] });
    assert.equal(run.code, 0, run.stderr);
    const r = run.json<Result>();
    assert.deepEqual(r.unchecked, [
      {
        feature: 'fare_amount',
        check: 'baseline_drift_check',
        reason: 'the baseline statistics.json has neither numerical_statistics nor string_statistics for it',
      },
    ]);
    assert.equal(r.status, 'Completed');
    assert.equal(
      r.exitMessage,
      'Completed: Job completed successfully with no violations in the checks that ran; 1 check could not be run: fare_amount (baseline_drift_check).',
    );
    const written = JSON.parse(await readFile(path.join(dir, 'out-no-numbers', 'analysis-result.json'), 'utf8')) as Result;
    assert.deepEqual(written.unchecked, r.unchecked);
    const html = await readFile(report, 'utf8');
    assert.match(html, /<h2>Not checked<\/h2>/);
    assert.match(
      html,
      /<td>fare_amount<\/td><td>baseline_drift_check<\/td><td>the baseline statistics\.json has neither numerical_statistics nor string_statistics for it<\/td>/,
    );
    const human = await analyze({ statistics: file, dataset: path.join(dir, 'shifted.csv'), out: 'out-no-numbers-human', json: false });
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, /^ {2}not checked {16}fare_amount \(baseline_drift_check\): the baseline statistics\.json has neither/m);
  });

  it('an empty KLL sketch is reported as not checked, never as "no violations"', async () => {
    const file = await edited(stats(), 'stats-empty-sketch.json', (s) => {
      s['features'][0].numerical_statistics.distribution.kll.sketch.data = [[]];
    });
    const run = await analyze({ statistics: file, dataset: path.join(dir, 'shifted.csv'), out: 'out-empty-sketch' });
    assert.equal(run.code, 0, run.stderr);
    const r = run.json<Result>();
    assert.deepEqual(r.unchecked, [{ feature: 'fare_amount', check: 'baseline_drift_check', reason: 'the baseline KLL sketch holds no values' }]);
    assert.doesNotMatch(r.exitMessage, /with no violations\.$/);
    assert.equal(
      r.drift.find((d) => d.feature === 'fare_amount'),
      undefined,
    );
  });

  it('--exclude of an unknown feature names it and the known features', async () => {
    const run = await analyze({ out: 'out-exclude', extra: ['--exclude', 'nosuchfeature'] });
    oneLineError(run, /exclude: unknown feature 'nosuchfeature'; the baseline's features are fare_amount, passenger_count, kind$/);
    const threshold = await analyze({ out: 'out-threshold', extra: ['--threshold', 'fare=0.2'] });
    oneLineError(threshold, /threshold: unknown feature 'fare'; the baseline's features are fare_amount, passenger_count, kind$/);
  });

  it('drift descriptions print the full-precision distance', async () => {
    const run = await analyze({ dataset: path.join(dir, 'shifted150.csv'), out: 'out-precision' });
    const r = run.json<Result>();
    const fare = r.drift.find((d) => d.feature === 'fare_amount')!;
    const violation = r.violations.find((v) => v.constraint_check_type === 'baseline_drift_check')!;
    assert.ok(String(fare.distance).length > 8, String(fare.distance));
    assert.equal(violation.description, `Baseline drift distance: ${fare.distance} exceeds threshold: 0.1`);
  });
});

describe('monitor analyze: columns matched by name when the dataset has a header', () => {
  let dir: string;
  before(async () => {
    dir = await tmpDir();
    await writeFile(path.join(dir, 'base.csv'), `${HEADER}\n${ROWS.join('\n')}\n`);
    const b = await cli(['monitor', 'suggest-baseline', '--dataset', path.join(dir, 'base.csv'), '--out', path.join(dir, 'baseline')], { home: dir });
    assert.equal(b.code, 0, b.stderr);
  });
  const analyzeColumns = async (name: string, order: number[], header: string | undefined, extra: string[] = []) => {
    const lines = ROWS.map((l) => {
      const cells = l.split(',');
      return order.map((c) => (c < 0 ? '9' : cells[c]!)).join(',');
    });
    await writeFile(path.join(dir, `${name}.csv`), `${header === undefined ? '' : `${header}\n`}${lines.join('\n')}\n`);
    const run = await cli(
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
        ...extra,
      ],
      { home: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    return run.json<Result>();
  };

  it('reordered columns with a header: every feature matched by name, no violations', async () => {
    const r = await analyzeColumns('reordered', [2, 0, 1], 'kind,fare_amount,passenger_count');
    assert.deepEqual(r.violations, []);
    assert.deepEqual(r.missingColumns, []);
    assert.deepEqual(r.extraColumns, []);
    assert.deepEqual(
      r.drift.map((d) => [d.feature, d.distance]),
      [
        ['fare_amount', 0],
        ['passenger_count', 0],
        ['kind', 0],
      ],
    );
  });

  it("a missing and an extra column: reported by name in the result, the violations in SageMaker's shape", async () => {
    const r = await analyzeColumns('renamed', [0, -1, 2], 'fare_amount,tip_amount,kind');
    assert.deepEqual(r.missingColumns, ['passenger_count']);
    assert.deepEqual(r.extraColumns, ['tip_amount']);
    assert.deepEqual(
      r.violations.map((v) => [v.feature_name, v.constraint_check_type]),
      [
        ['Missing columns', 'missing_column_check'],
        ['Extra columns', 'extra_column_check'],
      ],
    );
    assert.match(
      r.violations[0]!.description,
      /^There are missing columns in current dataset\. Number of columns in current dataset: 3, Number of columns in baseline constraints: 3\. Missing: "passenger_count"$/,
    );
    assert.match(r.violations[1]!.description, /\. Extra: "tip_amount"$/);
    // The remaining features are still checked, by name.
    assert.deepEqual(
      r.drift.map((d) => [d.feature, d.distance]),
      [
        ['fare_amount', 0],
        ['kind', 0],
      ],
    );
  });

  it('headerless data is matched by position', async () => {
    const r = await analyzeColumns('headerless', [0, 1, 2], undefined, ['--no-header']);
    assert.equal(r.status, 'Completed', JSON.stringify(r.violations));
    assert.deepEqual(
      r.drift.map((d) => d.feature),
      ['fare_amount', 'passenger_count', 'kind'],
    );
  });
});

describe('monitor analyze: files in the layout the service writes today', () => {
  it('load unchanged and analyse, the high-cardinality String feature (no distribution) reported as not checked', async () => {
    const dir = await tmpDir();
    await copyFile(fixture('service-dataset.csv'), path.join(dir, 'data.csv'));
    const report = path.join(dir, 'report.html');
    const run = await cli(
      [
        '--json',
        'monitor',
        'analyze',
        '--statistics',
        fixture('statistics-service.json'),
        '--constraints',
        fixture('constraints-service.json'),
        '--dataset',
        path.join(dir, 'data.csv'),
        '--out',
        path.join(dir, 'out'),
        '--report',
        report,
      ],
      { home: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const r = run.json<Result>();
    assert.deepEqual(r.violations, []);
    assert.deepEqual(r.unchecked, [
      { feature: 'pickup_zone', check: 'baseline_drift_check', reason: 'the baseline has no category distribution (a high-cardinality String feature)' },
    ]);
    assert.deepEqual(
      r.drift.map((d) => d.feature),
      ['fare_amount', 'passenger_count', 'trip_seconds', 'vendor_id'],
    );
    assert.match(await readFile(report, 'utf8'), /<td>pickup_zone<\/td><td>baseline_drift_check<\/td>/);
  });
});
