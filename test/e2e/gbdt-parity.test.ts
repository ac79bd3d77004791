import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { CsvMatrixReader } from '../../src/ml/adapters/csv-matrix-reader.js';
import { modelFromXgboostJson, parseHyperparameters, Predictor, train } from '../../src/ml/index.js';
import { cli } from '../support/cli-runner.js';
import { nyc, SKIP_WITHOUT_NYC } from '../support/shared-data.js';
import { tmpDir } from '../support/tmp-dir.js';
import { SKIP_WITHOUT_XGBOOST, writeMatrixCsv, xgbPredict, xgbTrain } from '../ml-support/xgboost-python.js';

const SAMPLE_HP = {
  objective: 'reg:squarederror',
  num_round: '100',
  early_stopping_rounds: '10',
  max_depth: '9',
  eta: '0.2',
  gamma: '4',
  min_child_weight: '300',
  subsample: '0.8',
};
const skip = SKIP_WITHOUT_NYC || SKIP_WITHOUT_XGBOOST;

describe('GBDT on the real 2021-01 month against XGBoost', { skip }, () => {
  let dir: string;
  let trainCsv: string;
  let validCsv: string;

  before(async () => {
    dir = await tmpDir();
    const run = await cli(
      ['data', 'prepare', '--trips', nyc('green_tripdata_2021-01.parquet'), '--zones', nyc('taxi_zones.zip'), '--out', path.join(dir, 'prepared')],
      { home: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    trainCsv = path.join(dir, 'prepared', 'train', 'train.csv');
    validCsv = path.join(dir, 'prepared', 'validation', 'validation.csv');
  });

  it('reaches a validation RMSE within 1% of XGBoost with the sample hyperparameters', async () => {
    const reader = new CsvMatrixReader();
    const tr = await reader.read(trainCsv, { labelFirst: true, header: false });
    const va = await reader.read(validCsv, { labelFirst: true, header: false });
    const ours = await train({ ...tr, label: tr.label! }, parseHyperparameters(SAMPLE_HP), { validation: { ...va, label: va.label! } });
    const { num_round, early_stopping_rounds, ...params } = SAMPLE_HP;
    const theirsModel = path.join(dir, 'xgb.json');
    await xgbTrain(
      trainCsv,
      {
        params: { ...params, tree_method: 'hist', max_depth: 9, eta: 0.2, gamma: 4, min_child_weight: 300, subsample: 0.8, nthread: 1 },
        num_boost_round: Number(num_round),
        early_stopping_rounds: Number(early_stopping_rounds),
      },
      theirsModel,
      validCsv,
    );
    const features = path.join(dir, 'valid-features.csv');
    await writeMatrixCsv(features, va.data, va.rows, va.cols);
    const theirs = await xgbPredict(theirsModel, features);
    let se = 0;
    for (let i = 0; i < va.rows; i++) se += (theirs.predictions[i]! - va.label![i]!) ** 2;
    const theirRmse = Math.sqrt(se / va.rows);
    const gap = Math.abs(ours.report.bestScore - theirRmse) / theirRmse;
    console.log(`# validation RMSE: driftline ${ours.report.bestScore.toFixed(4)}, XGBoost ${theirRmse.toFixed(4)} (gap ${(gap * 100).toFixed(2)}%)`);
    assert.ok(gap < 0.01, `gap ${gap}`);
  });

  it('with subsample 1, grows the same first split as XGBoost (report how close the trees are)', async () => {
    const hp = { ...SAMPLE_HP, subsample: '1', num_round: '5' };
    const out = path.join(dir, 'ours-full.json');
    const run = await cli(
      [
        'train',
        '--train',
        trainCsv,
        '--out',
        out,
        '--hp',
        ...Object.entries(hp)
          .filter(([k]) => k !== 'early_stopping_rounds')
          .map(([k, v]) => `${k}=${v}`),
      ],
      { home: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const theirsFile = path.join(dir, 'theirs-full.json');
    await xgbTrain(
      trainCsv,
      {
        params: { objective: 'reg:squarederror', tree_method: 'hist', max_depth: 9, eta: 0.2, gamma: 4, min_child_weight: 300, nthread: 1 },
        num_boost_round: 5,
      },
      theirsFile,
    );
    const ours = modelFromXgboostJson(await readFile(out, 'utf8'));
    const theirs = modelFromXgboostJson(await readFile(theirsFile, 'utf8'));
    const a = ours.trees[0]!;
    const b = theirs.trees[0]!;
    assert.equal(a.splitIndices[0], b.splitIndices[0]);
    const leaves = (t: typeof a) => t.leftChildren.filter((c) => c === -1).length;
    console.log(
      `# first tree: root split feature ${a.splitIndices[0]} at ${a.splitConditions[0]} (XGBoost ${b.splitIndices[0]} at ${b.splitConditions[0]}); leaves ${leaves(a)} vs ${leaves(b)}; root gain ${a.lossChanges[0]!.toFixed(1)} vs ${b.lossChanges[0]!.toFixed(1)}`,
    );
    assert.ok(Math.abs(a.lossChanges[0]! - b.lossChanges[0]!) / b.lossChanges[0]! < 0.01);
  });

  it('a model trained by driftline loads in XGBoost and predicts the same values', async () => {
    const out = path.join(dir, 'ours.json');
    const run = await cli(
      ['train', '--train', trainCsv, '--validation', validCsv, '--out', out, '--hp', ...Object.entries(SAMPLE_HP).map(([k, v]) => `${k}=${v}`)],
      { home: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const va = await new CsvMatrixReader().read(validCsv, { labelFirst: true, header: false });
    const features = path.join(dir, 'valid-features-2.csv');
    await writeMatrixCsv(features, va.data, va.rows, va.cols);
    const theirs = await xgbPredict(out, features);
    const mine = new Predictor(modelFromXgboostJson(await readFile(out, 'utf8'))).predictBatch(va.data, va.rows, va.cols);
    let worst = 0;
    for (let i = 0; i < va.rows; i++) worst = Math.max(worst, Math.abs(mine[i]! - theirs.predictions[i]!) / Math.max(1, Math.abs(theirs.predictions[i]!)));
    assert.ok(worst < 1e-5, `worst relative difference ${worst}`);
  });
});

describe('driftline train / predict with bad input', () => {
  const cases: [string, string, RegExp][] = [
    ['ragged.csv', '1,2,3\n4,5\n', /line 2 has 2 columns, expected 3/],
    ['text.csv', '1,2,3\n4,abc,6\n', /line 2, column 2: 'abc' is not a number/],
    ['empty.csv', '\n', /no data rows/],
    ['nolabel.csv', '1,2\n,5\n', /line 2: the label \(first column\) is missing/],
  ];
  for (const [name, content, message] of cases) {
    it(`refuses ${name} with one line`, async () => {
      const dir = await tmpDir();
      await writeFile(path.join(dir, name), content);
      const run = await cli(['train', '--train', path.join(dir, name), '--out', path.join(dir, 'm.json')], { home: dir });
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stderr.trimEnd().split('\n').length, 1);
      assert.match(run.stderr, message);
    });
  }

  it('refuses unknown and out-of-range hyperparameters, and a missing file', async () => {
    const dir = await tmpDir();
    await writeFile(path.join(dir, 't.csv'), '1,2\n3,4\n');
    const unknown = await cli(['train', '--train', path.join(dir, 't.csv'), '--out', path.join(dir, 'm.json'), '--hp', 'depth=3'], { home: dir });
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown hyperparameter 'depth'/);
    const range = await cli(['train', '--train', path.join(dir, 't.csv'), '--out', path.join(dir, 'm.json'), '--hp', 'eta=2'], { home: dir });
    assert.equal(range.code, 2);
    assert.match(range.stderr, /eta=2 is out of range/);
    const missing = await cli(['train', '--train', path.join(dir, 'absent.csv'), '--out', path.join(dir, 'm.json')], { home: dir });
    assert.equal(missing.code, 3);
  });

  it('trains, then predicts a headed file whose label column it drops', async () => {
    const dir = await tmpDir();
    const rows = Array.from({ length: 200 }, (_, i) => `${i % 2 === 0 ? 10 : 2},${i % 2},${(i * 7) % 13}`);
    await writeFile(path.join(dir, 't.csv'), `${rows.join('\n')}\n`);
    const trained = await cli(
      ['--json', 'train', '--train', path.join(dir, 't.csv'), '--out', path.join(dir, 'm.json'), '--hp', 'num_round=20', 'min_child_weight=0'],
      { home: dir },
    );
    assert.equal(trained.code, 0, trained.stderr);
    assert.ok(JSON.parse(await readFile(path.join(dir, 'm.report.json'), 'utf8')).importance.length > 0);
    await writeFile(path.join(dir, 'score.csv'), 'y,a,b\n0,0,3\n0,1,3\n');
    const predicted = await cli(['--json', 'predict', '--model', path.join(dir, 'm.json'), '--input', path.join(dir, 'score.csv'), '--header'], { home: dir });
    assert.equal(predicted.code, 0, predicted.stderr);
    const { predictions } = predicted.json<{ predictions: number[] }>();
    assert.ok(Math.abs(predictions[0]! - 10) < 0.1 && Math.abs(predictions[1]! - 2) < 0.1, predictions.join(','));
  });
});
