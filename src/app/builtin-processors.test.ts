import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { modelToXgboostJson } from '../ml/index.js';
import { JOB_FAILURE_FILE, JOB_RESULT_FILE } from '../pipeline/index.js';
import { stump } from '../../test/ml-support/tree-fixtures.js';
import { tmpDir } from '../../test/support/tmp-dir.js';
import { runBuiltinJob } from './run-builtin-job.js';

/** fare = 0.5 + (passenger_count < 2 ? 10 : 20): predictions are worked out by hand below. */
const MODEL = modelToXgboostJson({ objective: 'reg:squarederror', baseScore: 0.5, numFeature: 2, trees: [stump(0, 2, 10, 20, true)] });
const BASELINE = 'fare_amount,passenger_count,geo_distance\n12.5,1,2.0\n31,4,10.25\n9,,0.5000\n';

/** A job folder as the engine lays it out for ScoreBaseline: model/, baseline/ and an empty output/baseline/. */
async function jobFolder(model = MODEL, baseline = BASELINE): Promise<{ dir: string; args: string[]; out: string }> {
  const dir = await tmpDir('driftline-score-');
  await mkdir(path.join(dir, 'model'), { recursive: true });
  await mkdir(path.join(dir, 'baseline'), { recursive: true });
  await mkdir(path.join(dir, 'output', 'baseline'), { recursive: true });
  await writeFile(path.join(dir, 'model', 'model.json'), model);
  await writeFile(path.join(dir, 'baseline', 'baseline.csv'), baseline);
  const out = path.join(dir, 'output', 'baseline');
  return { dir, out, args: ['score-baseline', '--model', path.join(dir, 'model'), '--dataset', path.join(dir, 'baseline'), '--out', out] };
}

const run = (job: { dir: string; args: string[] }) => runBuiltinJob(job.args, { DRIFTLINE_LOG_LEVEL: 'error' }, job.dir);

describe('the score-baseline processor', () => {
  it("writes the baseline with the label column replaced by the model's predictions: same header, same rows, features untouched", async () => {
    const job = await jobFolder();
    assert.equal(await run(job), 0, await readFile(path.join(job.dir, JOB_FAILURE_FILE), 'utf8').catch(() => ''));
    const text = await readFile(path.join(job.out, 'baseline.csv'), 'utf8');
    // A missing passenger count goes left (missingLeft): 10.5.
    assert.equal(text, 'fare_amount,passenger_count,geo_distance\n10.5,1,2.0\n20.5,4,10.25\n10.5,,0.5000\n');
    const result = JSON.parse(await readFile(path.join(job.dir, JOB_RESULT_FILE), 'utf8')) as {
      rows: number;
      labels: { mean: number; std: number };
      predictions: { mean: number; std: number };
    };
    assert.equal(result.rows, 3);
    assert.equal(result.labels.mean, (12.5 + 31 + 9) / 3);
    assert.equal(result.predictions.mean, (10.5 + 20.5 + 10.5) / 3);
    assert.ok(Math.abs(result.predictions.std - Math.sqrt(200 / 9)) < 1e-12, String(result.predictions.std));
  });

  it('keeps a header-less dataset header-less with --header false', async () => {
    const job = await jobFolder(MODEL, '12.5,1,2.0\n31,4,10.25\n');
    job.args.push('--header', 'false');
    assert.equal(await run(job), 0);
    assert.equal(await readFile(path.join(job.out, 'baseline.csv'), 'utf8'), '10.5,1,2.0\n20.5,4,10.25\n');
  });

  const failures: [string, string | undefined, string | undefined, RegExp][] = [
    ['a model file that is not JSON', '{"learner": nope', undefined, /model|JSON/i],
    [
      'a model with another number of features',
      modelToXgboostJson({ objective: 'reg:squarederror', baseScore: 0.5, numFeature: 3, trees: [stump(0, 2, 1, 2, true)] }),
      undefined,
      /expects 3/,
    ],
    ['a ragged CSV', undefined, 'fare_amount,passenger_count,geo_distance\n12.5,1,2.0\n31,4\n', /line 3 has 2 columns/],
    ['a non-numeric cell', undefined, 'fare_amount,passenger_count,geo_distance\n12.5,one,2.0\n', /line 2, column 2: 'one' is not a number/],
    ['a missing label', undefined, 'fare_amount,passenger_count,geo_distance\n,1,2.0\n', /line 2: the label \(first column\) is missing/],
    ['a CSV with a header only', undefined, 'fare_amount,passenger_count,geo_distance\n', /no data rows/],
  ];
  for (const [what, model, baseline, reason] of failures) {
    it(`fails on ${what} with a one-line reason and writes no output`, async () => {
      const job = await jobFolder(model, baseline);
      assert.equal(await run(job), 1);
      const failure = await readFile(path.join(job.dir, JOB_FAILURE_FILE), 'utf8');
      assert.match(failure, reason);
      assert.equal(failure.trimEnd().includes('\n'), false, `one line: ${JSON.stringify(failure)}`);
      assert.deepEqual(await readdir(job.out), [], 'nothing in the output folder, not even a temporary file');
      assert.equal(existsSync(path.join(job.dir, JOB_RESULT_FILE)), false);
    });
  }

  it('refuses a --header that is neither true nor false', async () => {
    const job = await jobFolder();
    job.args.push('--header', 'yes');
    assert.equal(await run(job), 1);
    assert.match(await readFile(path.join(job.dir, JOB_FAILURE_FILE), 'utf8'), /--header must be true or false \(got 'yes'\)/);
    assert.deepEqual(await readdir(job.out), []);
  });
});
