import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { loadDuckDb } from '../../src/data/adapters/load-duckdb.js';
import { parseRegressionConstraints, parseRegressionStatistics, regressionValues } from '../../src/monitor/index.js';
import { SAMPLE_HYPERPARAMETER_PARAMETERS } from '../../src/pipeline/index.js';
import { cli, type CliRun } from '../support/cli-runner.js';
import { nyc, PROJECT_ROOT, SKIP_WITHOUT_NYC } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';

/** `monitor suggest-baseline` / `monitor analyze` with `--problem-type Regression` (Model Monitor's model quality, sagemaker-reference §13). */

const FIXTURES = path.join(PROJECT_ROOT, 'test', 'fixtures', 'model-quality');
const fixture = (name: string) => path.join(FIXTURES, name);
const attrs = ['--inference-attribute', 'Prediction', '--ground-truth-attribute', 'Label'];

function oneLineError(run: CliRun, code: number, re: RegExp): void {
  assert.equal(run.code, code, `exit ${run.code}: ${run.stderr}`);
  const lines = run.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0]!, re);
}

describe('monitor suggest-baseline --problem-type Regression', () => {
  let dir: string;
  let home: string;
  before(async () => {
    dir = await tmpDir();
    home = path.join(dir, 'home');
  });

  it('reproduces the service-shaped fixture: regression_metrics to the last digit, "NaN" std below 200 rows, thresholds = values', async () => {
    const out = path.join(dir, 'baseline');
    const run = await cli(
      ['monitor', 'suggest-baseline', '--problem-type', 'Regression', '--dataset', fixture('baseline_dataset.csv'), ...attrs, '--out', out],
      {
        home,
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /model-quality baseline \(Regression\) of 5 rows/);
    const stats = parseRegressionStatistics(await readFile(path.join(out, 'statistics.json'), 'utf8'));
    const expected = parseRegressionStatistics(await readFile(fixture('statistics.json'), 'utf8'));
    assert.match(stats.dataset.evaluation_time!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(
      { ...stats, dataset: { ...stats.dataset, evaluation_time: 'x' } },
      { ...expected, dataset: { ...expected.dataset, evaluation_time: 'x' } },
    );
    assert.deepEqual(Object.keys(stats), ['version', 'dataset', 'regression_metrics']);
    const constraints = JSON.parse(await readFile(path.join(out, 'constraints.json'), 'utf8')) as unknown;
    assert.deepEqual(constraints, JSON.parse(await readFile(fixture('constraints.json'), 'utf8')));
  });

  it('takes per-metric thresholds and prints JSON with --json', async () => {
    const out = path.join(dir, 'custom');
    const run = await cli(
      [
        'monitor',
        'suggest-baseline',
        '--problem-type',
        'Regression',
        '--dataset',
        fixture('baseline_dataset.csv'),
        ...attrs,
        '--threshold',
        'rmse=5.0',
        'r2=0.5',
        '--out',
        out,
        '--json',
      ],
      { home },
    );
    assert.equal(run.code, 0, run.stderr);
    const json = run.json<{ constraints: { regression_constraints: Record<string, { threshold: number; comparison_operator: string }> } }>();
    assert.deepEqual(json.constraints.regression_constraints['rmse'], { threshold: 5, comparison_operator: 'GreaterThanThreshold' });
    assert.deepEqual(json.constraints.regression_constraints['r2'], { threshold: 0.5, comparison_operator: 'LessThanThreshold' });
    assert.deepEqual(json.constraints.regression_constraints['mae'], { threshold: 0.7, comparison_operator: 'GreaterThanThreshold' });
    assert.deepEqual(parseRegressionConstraints(await readFile(path.join(out, 'constraints.json'), 'utf8')), json.constraints);
  });

  it('finds columns of headerless data as _c<N> or by 0-based index', async () => {
    const csv = path.join(dir, 'noheader.csv');
    await writeFile(csv, (await readFile(fixture('baseline_dataset.csv'), 'utf8')).split('\n').slice(1).join('\n'));
    for (const [p, y] of [
      ['_c2', '_c1'],
      ['2', '1'],
    ]) {
      const out = path.join(dir, `noheader-${p}`);
      const run = await cli(
        [
          'monitor',
          'suggest-baseline',
          '--problem-type',
          'Regression',
          '--dataset',
          csv,
          '--no-header',
          '--inference-attribute',
          p!,
          '--ground-truth-attribute',
          y!,
          '--out',
          out,
          '--json',
        ],
        { home },
      );
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        run.json<{ statistics: { regression_metrics: { rmse: { value: number } } } }>().statistics.regression_metrics.rmse.value,
        0.8660254037844386,
      );
    }
  });

  it('reads Parquet: numeric columns as numbers, a null refused in one line', async () => {
    const { DuckDBInstance } = await loadDuckDb();
    const instance = await DuckDBInstance.create(':memory:');
    const con = await instance.connect();
    const good = path.join(dir, 'scored.parquet');
    const withNull = path.join(dir, 'null.parquet');
    try {
      await con.run(`COPY (SELECT * FROM read_csv('${fixture('baseline_dataset.csv')}')) TO '${good}' (FORMAT parquet)`);
      await con.run(`COPY (SELECT 1.5::DOUBLE AS Label, NULL::DOUBLE AS Prediction) TO '${withNull}' (FORMAT parquet)`);
    } finally {
      con.closeSync();
      instance.closeSync();
    }
    const run = await cli(
      ['monitor', 'suggest-baseline', '--problem-type', 'Regression', '--dataset', good, ...attrs, '--out', path.join(dir, 'pq'), '--json'],
      { home },
    );
    assert.equal(run.code, 0, run.stderr);
    const stats = run.json<{ statistics: { regression_metrics: Record<string, { value: number }> } }>().statistics;
    assert.equal(stats.regression_metrics['r2']!.value, 0.70703125);
    oneLineError(
      await cli(['monitor', 'suggest-baseline', '--problem-type', 'Regression', '--dataset', withNull, ...attrs, '--out', path.join(dir, 'pq-null')], { home }),
      2,
      /null\.parquet: column 'Prediction', row 1: the value is missing$/,
    );
  });

  it('reports standard deviations from 200 rows on, the same for the same seed', async () => {
    const csv = path.join(dir, 'big.csv');
    const lines = ['y,p'];
    for (let i = 0; i < 500; i++) lines.push(`${(i % 37) + 0.5},${(i % 37) + ((i * 7919) % 11) / 5 - 1}`);
    await writeFile(csv, `${lines.join('\n')}\n`);
    const runs = [];
    for (const [name, seed] of [
      ['a', '42'],
      ['b', '42'],
      ['c', '7'],
    ]) {
      const run = await cli(
        [
          'monitor',
          'suggest-baseline',
          '--problem-type',
          'Regression',
          '--dataset',
          csv,
          '--inference-attribute',
          'p',
          '--ground-truth-attribute',
          'y',
          '--seed',
          seed!,
          '--out',
          path.join(dir, `big-${name}`),
          '--json',
        ],
        { home },
      );
      assert.equal(run.code, 0, run.stderr);
      runs.push(
        run.json<{ statistics: { dataset: { item_count: number }; regression_metrics: Record<string, { value: number; standard_deviation: number }> } }>()
          .statistics,
      );
    }
    assert.equal(runs[0]!.dataset.item_count, 500);
    for (const m of ['mae', 'mse', 'rmse', 'r2']) {
      assert.equal(typeof runs[0]!.regression_metrics[m]!.standard_deviation, 'number');
      assert.equal(runs[0]!.regression_metrics[m]!.standard_deviation, runs[1]!.regression_metrics[m]!.standard_deviation);
      assert.notEqual(runs[0]!.regression_metrics[m]!.standard_deviation, runs[2]!.regression_metrics[m]!.standard_deviation);
      assert.equal(runs[0]!.regression_metrics[m]!.value, runs[2]!.regression_metrics[m]!.value);
    }
  });

  it('refuses bad input in one line', async () => {
    const base = ['monitor', 'suggest-baseline', '--problem-type', 'Regression', '--out', path.join(dir, 'never')];
    const bad = path.join(dir, 'bad.csv');
    await writeFile(bad, 'Label,Prediction\n1,2\n3,abc\n');
    const missing = path.join(dir, 'missing.csv');
    await writeFile(missing, 'Label,Prediction\n1,2\n3,\n');
    const empty = path.join(dir, 'empty.csv');
    await writeFile(empty, 'Label,Prediction\n');
    oneLineError(
      await cli([...base, '--dataset', fixture('baseline_dataset.csv'), '--inference-attribute', 'pred', '--ground-truth-attribute', 'Label'], { home }),
      2,
      /--inference-attribute 'pred' names no column; the columns are F1, Label, Prediction$/,
    );
    oneLineError(await cli([...base, '--dataset', bad, ...attrs], { home }), 2, /bad\.csv: column 'Prediction', row 2: the value is not a number: 'abc'$/);
    oneLineError(await cli([...base, '--dataset', missing, ...attrs], { home }), 2, /missing\.csv: column 'Prediction', row 2: the value is missing$/);
    oneLineError(await cli([...base, '--dataset', empty, ...attrs], { home }), 5, /empty\.csv: the dataset has no rows to baseline/);
    oneLineError(
      await cli([...base, '--dataset', fixture('baseline_dataset.csv'), '--inference-attribute', 'Prediction'], { home }),
      2,
      /needs --inference-attribute .* and --ground-truth-attribute/,
    );
    oneLineError(await cli([...base, '--dataset', fixture('baseline_dataset.csv'), ...attrs, '--threshold', 'auc=1'], { home }), 2, /unknown metric 'auc'/);
    oneLineError(
      await cli([...base, '--dataset', fixture('baseline_dataset.csv'), ...attrs, '--threshold', 'rmse=x'], { home }),
      2,
      /--threshold rmse=x: the threshold must be a finite number/,
    );
    oneLineError(
      await cli(
        [
          'monitor',
          'suggest-baseline',
          '--problem-type',
          'BinaryClassification',
          '--dataset',
          fixture('baseline_dataset.csv'),
          ...attrs,
          '--out',
          path.join(dir, 'never'),
        ],
        { home },
      ),
      2,
      /BinaryClassification is not supported yet/,
    );
    oneLineError(
      await cli(
        [
          'monitor',
          'suggest-baseline',
          '--problem-type',
          'Regresion',
          '--dataset',
          fixture('baseline_dataset.csv'),
          ...attrs,
          '--out',
          path.join(dir, 'never'),
        ],
        { home },
      ),
      2,
      /--problem-type must be one of Regression, BinaryClassification, MulticlassClassification/,
    );
    oneLineError(
      await cli(['monitor', 'suggest-baseline', '--dataset', fixture('baseline_dataset.csv'), ...attrs, '--out', path.join(dir, 'never')], { home }),
      2,
      /need --problem-type Regression/,
    );
    assert.equal(existsSync(path.join(dir, 'never')), false, 'nothing written');
  });
});

describe('monitor analyze --problem-type Regression', () => {
  let dir: string;
  let home: string;
  before(async () => {
    dir = await tmpDir();
    home = path.join(dir, 'home');
  });
  const analyze = (dataset: string, out: string, extra: string[] = [], constraints = fixture('constraints.json')) =>
    cli(
      [
        'monitor',
        'analyze',
        '--problem-type',
        'Regression',
        '--statistics',
        fixture('statistics.json'),
        '--constraints',
        constraints,
        '--dataset',
        dataset,
        ...attrs,
        '--out',
        path.join(dir, out),
        ...extra,
      ],
      { home },
    );

  it('passes the baseline data against the service-shaped constraints (equality is no violation)', async () => {
    const run = await analyze(fixture('baseline_dataset.csv'), 'same', ['--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = run.json<{ status: string; exitMessage: string; violations: unknown[] }>();
    assert.equal(result.status, 'Completed');
    assert.equal(result.exitMessage, 'Completed: Job completed successfully with no violations.');
    assert.deepEqual(JSON.parse(await readFile(path.join(dir, 'same', 'constraint_violations.json'), 'utf8')), { violations: [] });
    assert.deepEqual(
      JSON.parse(await readFile(path.join(dir, 'same', 'constraints.json'), 'utf8')),
      JSON.parse(await readFile(fixture('constraints.json'), 'utf8')),
    );
  });

  it('flags a worse window: violations with metric_name, the operator and the service text; metrics to publish', async () => {
    const run = await analyze(fixture('window.csv'), 'worse', ['--json']);
    assert.equal(run.code, 0, run.stderr);
    const result = run.json<{ status: string; exitMessage: string; metrics: { name: string; value: number }[]; baseline: Record<string, number> }>();
    assert.equal(result.status, 'CompletedWithViolations');
    assert.equal(result.exitMessage, 'CompletedWithViolations: Job completed successfully with 4 violations.');
    const violations = (JSON.parse(await readFile(path.join(dir, 'worse', 'constraint_violations.json'), 'utf8')) as { violations: Record<string, string>[] })
      .violations;
    assert.deepEqual(violations, [
      { constraint_check_type: 'GreaterThanThreshold', description: "Metric mae with 0.9 +/- NaN was GreaterThanThreshold '0.7'", metric_name: 'mae' },
      { constraint_check_type: 'GreaterThanThreshold', description: "Metric mse with 1.15 +/- NaN was GreaterThanThreshold '0.75'", metric_name: 'mse' },
      {
        constraint_check_type: 'GreaterThanThreshold',
        description: "Metric rmse with 1.0723805294763609 +/- NaN was GreaterThanThreshold '0.8660254037844386'",
        metric_name: 'rmse',
      },
      { constraint_check_type: 'LessThanThreshold', description: "Metric r2 with 0.55078125 +/- NaN was LessThanThreshold '0.70703125'", metric_name: 'r2' },
    ]);
    // Same keys, same order as the service's file.
    const service = (JSON.parse(await readFile(fixture('constraint_violations.json'), 'utf8')) as { violations: object[] }).violations[0]!;
    for (const v of violations) assert.deepEqual(Object.keys(v), Object.keys(service));
    assert.deepEqual(
      result.metrics.map((m) => m.name),
      ['rmse', 'mae', 'r2', 'mse', 'item_count'],
    );
    assert.equal(result.metrics.find((m) => m.name === 'item_count')!.value, 5);
    assert.equal(result.baseline['rmse'], 0.8660254037844386);
    const stats = parseRegressionStatistics(await readFile(path.join(dir, 'worse', 'statistics.json'), 'utf8'));
    assert.equal(stats.regression_metrics.rmse.value, Math.sqrt(1.15));
    const text = await analyze(fixture('window.csv'), 'worse-text');
    assert.match(text.stdout, /^CompletedWithViolations: Job completed successfully with 4 violations\. -> /);
    assert.match(text.stdout, /LessThanThreshold\s+r2: Metric r2 with 0\.55078125/);
  });

  it('a threshold on the command line wins over constraints.json', async () => {
    const run = await analyze(fixture('window.csv'), 'relaxed', ['--threshold', 'rmse=5', 'mae=1', 'mse=2', 'r2=0.5', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.json<{ status: string }>().status, 'Completed');
    const copied = parseRegressionConstraints(await readFile(path.join(dir, 'relaxed', 'constraints.json'), 'utf8'));
    assert.equal(copied.regression_constraints.rmse?.threshold, 5);
  });

  it('needs no baseline statistics (the service reads only constraints); data quality still does', async () => {
    const run = await cli(
      [
        'monitor',
        'analyze',
        '--problem-type',
        'Regression',
        '--constraints',
        fixture('constraints.json'),
        '--dataset',
        fixture('window.csv'),
        ...attrs,
        '--out',
        path.join(dir, 'nostats'),
        '--json',
      ],
      { home },
    );
    assert.equal(run.code, 0, run.stderr);
    const result = run.json<{ status: string; baseline?: unknown }>();
    assert.equal(result.status, 'CompletedWithViolations');
    assert.equal(result.baseline, undefined);
    oneLineError(
      await cli(['monitor', 'analyze', '--constraints', fixture('constraints.json'), '--dataset', fixture('window.csv'), '--out', path.join(dir, 'dq')], {
        home,
      }),
      2,
      /required option '--statistics <file>' not specified/,
    );
    const withDqStats = await cli(
      [
        'monitor',
        'analyze',
        '--problem-type',
        'Regression',
        '--statistics',
        path.join(PROJECT_ROOT, 'test', 'fixtures', 'sagemaker', 'statistics.json'),
        '--constraints',
        fixture('constraints.json'),
        '--dataset',
        fixture('window.csv'),
        ...attrs,
        '--out',
        path.join(dir, 'dqstats'),
      ],
      { home },
    );
    oneLineError(withDqStats, 2, /statistics\.json: not a model-quality statistics file for Regression \(no "regression_metrics" object\)$/);
  });

  it('loads the older service layout (no evaluation_time, 2048.0, exponents) as baseline statistics', async () => {
    const run = await cli(
      [
        'monitor',
        'analyze',
        '--problem-type',
        'Regression',
        '--statistics',
        fixture('statistics-2021.json'),
        '--constraints',
        fixture('constraints.json'),
        '--dataset',
        fixture('baseline_dataset.csv'),
        ...attrs,
        '--out',
        path.join(dir, 'older'),
        '--json',
      ],
      { home },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.json<{ baseline: Record<string, number> }>().baseline, { mae: 1.5, mse: 2048, rmse: 45.254833995939045, r2: -0.25 });
  });

  it('checks only the metrics the constraints name', async () => {
    const only = path.join(dir, 'only-r2.json');
    await writeFile(only, '{"version" : 0.0, "regression_constraints" : {"r2" : {"threshold" : 0.6, "comparison_operator" : "LessThanThreshold"}}}');
    const run = await analyze(fixture('window.csv'), 'only', ['--json'], only);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      run.json<{ violations: { metric_name: string }[] }>().violations.map((v) => v.metric_name),
      ['r2'],
    );
  });

  it('fails a run without data (exit 5): only analysis-result.json, with the reason', async () => {
    const empty = path.join(dir, 'empty.csv');
    await writeFile(empty, 'F1,Label,Prediction\n');
    const run = await analyze(empty, 'nodata');
    assert.equal(run.code, 5, run.stderr);
    assert.match(run.stderr, /analysis failed: no data to analyse/);
    const result = JSON.parse(await readFile(path.join(dir, 'nodata', 'analysis-result.json'), 'utf8')) as { status: string };
    assert.equal(result.status, 'Failed');
    assert.equal(existsSync(path.join(dir, 'nodata', 'statistics.json')), false);
  });

  it('refuses bad input in one line, writing nothing', async () => {
    const badConstraints = path.join(dir, 'bad-constraints.json');
    await writeFile(badConstraints, '{"regression_constraints" : {"rmse" : {"threshold" : "high", "comparison_operator" : "GreaterThanThreshold"}}}');
    oneLineError(
      await analyze(fixture('window.csv'), 'x1', [], badConstraints),
      2,
      /bad-constraints\.json: regression_constraints\.rmse\.threshold must be a number/,
    );
    const dq = path.join(dir, 'dq-constraints.json');
    await writeFile(dq, '{"version": 0, "features": []}');
    oneLineError(await analyze(fixture('window.csv'), 'x2', [], dq), 2, /dq-constraints\.json: not a model-quality constraints file for Regression/);
    const notJson = path.join(dir, 'not.json');
    await writeFile(notJson, '{"regression_constraints": ');
    oneLineError(await analyze(fixture('window.csv'), 'x3', [], notJson), 2, /not\.json: not valid JSON/);
    const bad = path.join(dir, 'bad.csv');
    await writeFile(bad, 'F1,Label,Prediction\n1,2,3\n2,x,3\n');
    oneLineError(await analyze(bad, 'x4'), 2, /bad\.csv: column 'Label', row 2: the value is not a number: 'x'$/);
    oneLineError(await analyze(fixture('window.csv'), 'x5', ['--exclude', 'rmse']), 2, /data-quality options/);
    oneLineError(
      await cli(
        [
          'monitor',
          'analyze',
          '--problem-type',
          'Regression',
          '--statistics',
          fixture('statistics.json'),
          '--constraints',
          fixture('constraints.json'),
          '--capture',
          dir,
          '--from',
          '2024-01-01T00:00:00Z',
          '--to',
          '2024-01-02T00:00:00Z',
          ...attrs,
          '--out',
          path.join(dir, 'x6'),
        ],
        { home },
      ),
      2,
      /analyses a --dataset/,
    );
    oneLineError(await analyze(fixture('window.csv'), 'x7', ['--ground-truth-attribute', 'F9']), 2, /--ground-truth-attribute 'F9' names no column/);
    for (const x of ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7']) assert.equal(existsSync(path.join(dir, x)), false, x);
  });
});

describe('model-quality baseline of a model trained on real 2021-01 trips', { skip: SKIP_WITHOUT_NYC }, () => {
  it('holds the validation RMSE the training reports', { timeout: 180_000 }, async (t) => {
    const dir = await tmpDir();
    const home = path.join(dir, 'home');
    const prepared = path.join(dir, 'prepared');
    const prep = await cli(['data', 'prepare', '--trips', nyc('green_tripdata_2021-01.parquet'), '--zones', nyc('taxi_zones.zip'), '--out', prepared], {
      home,
    });
    assert.equal(prep.code, 0, prep.stderr);
    const validation = path.join(prepared, 'validation', 'validation.csv');
    const model = path.join(dir, 'model.json');
    const report = path.join(dir, 'report.json');
    const hp = Object.values(SAMPLE_HYPERPARAMETER_PARAMETERS).map(([name, value]) => `${name}=${value}`);
    const train = await cli(
      ['train', '--train', path.join(prepared, 'train', 'train.csv'), '--validation', validation, '--out', model, '--report', report, '--hp', ...hp],
      {
        home,
      },
    );
    assert.equal(train.code, 0, train.stderr);
    const predictions = path.join(dir, 'predictions.csv');
    const predict = await cli(['predict', '--model', model, '--input', validation, '--out', predictions], { home });
    assert.equal(predict.code, 0, predict.stderr);
    // The baseline dataset: ground truth (the first column of the headerless validation split) beside the model's prediction.
    const labels = (await readFile(validation, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => l.slice(0, l.indexOf(',')));
    const preds = (await readFile(predictions, 'utf8')).trim().split('\n');
    assert.equal(preds.length, labels.length);
    const dataset = path.join(dir, 'validation-scored.csv');
    await writeFile(dataset, `fare_amount,prediction\n${labels.map((y, i) => `${y},${preds[i]}`).join('\n')}\n`);
    const out = path.join(dir, 'mq-baseline');
    const run = await cli(
      [
        'monitor',
        'suggest-baseline',
        '--problem-type',
        'Regression',
        '--dataset',
        dataset,
        '--inference-attribute',
        'prediction',
        '--ground-truth-attribute',
        'fare_amount',
        '--out',
        out,
      ],
      { home },
    );
    assert.equal(run.code, 0, run.stderr);
    const stats = parseRegressionStatistics(await readFile(path.join(out, 'statistics.json'), 'utf8'));
    const rmse = stats.regression_metrics.rmse.value as number;
    const trained = JSON.parse(await readFile(report, 'utf8')) as { metric: string; bestScore: number; rounds: { validation?: number }[] };
    assert.equal(trained.metric, 'rmse');
    const reported = trained.rounds.map((r) => r.validation!);
    assert.ok(
      Math.abs(reported.at(-1)! - rmse) < 1e-6 * rmse,
      `baseline rmse ${rmse} vs the training's validation rmse (best ${trained.bestScore}, last ${reported.at(-1)})`,
    );
    // And against an independent computation from the files.
    assert.ok(Math.abs(regressionValues(labels.map(Number), preds.map(Number)).rmse - rmse) < 1e-9);
    assert.equal(stats.dataset.item_count, labels.length);
    assert.ok(rmse > 2 && rmse < 7, `rmse ${rmse}`);
    assert.equal(typeof stats.regression_metrics.rmse.standard_deviation, 'number');
    t.diagnostic(
      `2021-01 validation: ${labels.length} rows, rmse ${rmse} (training log ${reported.at(-1)}) ± ${String(stats.regression_metrics.rmse.standard_deviation)}, r2 ${String(stats.regression_metrics.r2.value)}`,
    );
  });
});
