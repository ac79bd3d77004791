import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { createRandom } from '../core/random.js';
import type { Random } from '../core/random.js';
import { randomModel, randomRows, thresholdRows } from '../../test/ml-support/tree-fixtures.js';
import { SKIP_WITHOUT_XGBOOST, writeMatrixCsv, xgbPredict, xgbResave, xgbTrain } from '../../test/ml-support/xgboost-python.js';
import { tmpDir } from '../../test/support/tmp-dir.js';
import { Predictor } from './predictor.js';
import { OBJECTIVES } from './types.js';
import type { GbdtModel, Objective } from './types.js';
import { modelFromXgboostJson, modelToXgboostJson } from './xgboost-json.js';

const COLS = 5;
const TOLERANCE = 1e-5;

/** Asserts |a - e| <= 1e-5 max(1, |e|) everywhere; reports the largest relative gap and how many values are bit-identical. */
function assertClose(t: TestContext, label: string, actual: Float64Array, expected: Float64Array): void {
  assert.equal(actual.length, expected.length, label);
  let worst = 0;
  let identical = 0;
  for (let i = 0; i < actual.length; i++) {
    const gap = Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!));
    assert.ok(gap <= TOLERANCE, `${label}: row ${i}: driftline ${actual[i]} vs XGBoost ${expected[i]}`);
    worst = Math.max(worst, gap);
    if (actual[i] === expected[i]) identical++;
  }
  t.diagnostic(`${label}: max relative gap ${worst.toExponential(2)}, ${identical}/${actual.length} identical`);
}

/** Labels of `rows` rows for `objective`, from the features (NaN read as 0.5), with noise and outliers. */
function labelsFor(random: Random, objective: Objective, data: Float64Array, rows: number): Float64Array {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const x = (c: number): number => (Number.isNaN(data[r * COLS + c]!) ? 0.5 : data[r * COLS + c]!);
    const signal = 3 * x(0) - 2 * x(1) + x(2) * x(3);
    if (objective === 'binary:logistic') y[r] = x(0) + x(2) > 1 !== random.next() < 0.1 ? 1 : 0;
    else if (objective === 'count:poisson') y[r] = Math.floor(Math.exp(0.5 + 2 * x(0) + x(1)) * random.next() * 2);
    else y[r] = signal + random.next() * 0.3 + (objective !== 'reg:squarederror' && r % 20 === 0 ? 10 : 0);
  }
  return y;
}

describe('XGBoost interop (Python XGBoost 1.7)', { skip: SKIP_WITHOUT_XGBOOST }, () => {
  let dir = '';
  before(async () => {
    dir = await tmpDir('driftline-xgb-');
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Writes training data (label first) and the features alone; returns their paths. */
  async function dataset(name: string, random: Random, objective: Objective, rows: number): Promise<{ train: string; features: string; data: Float64Array }> {
    const data = randomRows(random, rows, COLS, 0.1);
    const train = path.join(dir, `${name}.train.csv`);
    const features = path.join(dir, `${name}.features.csv`);
    await writeMatrixCsv(train, data, rows, COLS, labelsFor(random, objective, data, rows));
    await writeMatrixCsv(features, data, rows, COLS);
    return { train, features, data };
  }

  /** Loads an XGBoost-written model in driftline and compares predictions and margins on `features`. */
  async function compareLoaded(t: TestContext, label: string, modelFile: string, features: string, data: Float64Array, rows: number): Promise<GbdtModel> {
    const model = modelFromXgboostJson(await readFile(modelFile, 'utf8'));
    const expected = await xgbPredict(modelFile, features);
    const predictor = new Predictor(model);
    assertClose(t, `${label} predictions`, predictor.predictBatch(data, rows, COLS), expected.predictions);
    assertClose(t, `${label} margins`, predictor.predictMarginBatch(data, rows, COLS), expected.margins);
    return model;
  }

  for (const objective of OBJECTIVES) {
    it(`A: loads a ${objective} model trained by XGBoost (hist, depth 6, 20 rounds, NaNs) and predicts the same`, async (t) => {
      const rows = 400;
      const { train, features, data } = await dataset(objective, createRandom(OBJECTIVES.indexOf(objective) + 1), objective, rows);
      const modelFile = path.join(dir, `${objective}.xgb.json`);
      const params = { objective, tree_method: 'hist', max_depth: 6, eta: 0.3, nthread: 1, seed: 0 };
      await xgbTrain(train, { params, num_boost_round: 20 }, modelFile);
      const model = await compareLoaded(t, objective, modelFile, features, data, rows);
      assert.equal(model.trees.length, 20);
      assert.ok(Math.max(...model.trees.map((tr) => tr.leftChildren.length)) > 31, 'trees grow deeper than 4 levels');
      const text = await readFile(modelFile, 'utf8');
      if (text.endsWith('"version":[1,7,4]}')) assert.equal(modelToXgboostJson(model), text, 'driftline writes the same bytes as XGBoost 1.7.4');
    });
  }

  it('A: keeps best_iteration from early stopping and predicts with trees [0, best_iteration]', async (t) => {
    const random = createRandom(11);
    const { train, features, data } = await dataset('early', random, 'reg:squarederror', 300);
    const valid = await dataset('early-valid', random, 'reg:squarederror', 100);
    const modelFile = path.join(dir, 'early.xgb.json');
    const params = { objective: 'reg:squarederror', tree_method: 'hist', max_depth: 6, eta: 0.9, nthread: 1, seed: 0 };
    const trained = await xgbTrain(train, { params, num_boost_round: 100, early_stopping_rounds: 3 }, modelFile, valid.train);
    assert.ok(trained.bestIteration !== null && trained.bestIteration < trained.numTrees - 1, `early stopping kept more trees (${JSON.stringify(trained)})`);
    const model = await compareLoaded(t, 'early stopping', modelFile, features, data, 300);
    assert.equal(model.bestIteration, trained.bestIteration);
    assert.equal(model.trees.length, trained.numTrees);
    const all = new Predictor({ ...model, bestIteration: undefined }).predictBatch(data, 300, COLS);
    assert.notDeepEqual(all, new Predictor(model).predictBatch(data, 300, COLS), 'the trees after best_iteration change predictions');
  });

  it('A+B: reads pruned trees (exact method, deleted nodes) and writes them back for XGBoost', async (t) => {
    const { train, features, data } = await dataset('exact', createRandom(12), 'reg:squarederror', 300);
    const modelFile = path.join(dir, 'exact.xgb.json');
    const params = { objective: 'reg:squarederror', tree_method: 'exact', max_depth: 6, gamma: 0.5, eta: 0.5, nthread: 1, seed: 0 };
    await xgbTrain(train, { params, num_boost_round: 5 }, modelFile);
    assert.match(await readFile(modelFile, 'utf8'), /"num_deleted":"[1-9]/, 'pruning left deleted nodes');
    const model = await compareLoaded(t, 'exact', modelFile, features, data, 300);
    const ours = path.join(dir, 'exact.driftline.json');
    await writeFile(ours, modelToXgboostJson(model));
    await compareLoaded(t, 'exact, written by driftline', ours, features, data, 300);
  });

  for (const objective of OBJECTIVES) {
    it(`B: XGBoost loads a ${objective} model built in driftline and predicts the same`, async (t) => {
      const random = createRandom(100 + OBJECTIVES.indexOf(objective));
      const model: GbdtModel = {
        ...randomModel(random, { objective, numTrees: 20, depth: 6, numFeature: COLS, bestIteration: objective === 'reg:squarederror' ? 14 : undefined }),
        ...(objective === 'binary:logistic' ? { featureNames: ['distance', 'hour', 'weekday', 'zone', 'fare'] } : {}),
      };
      const rows = 400;
      const data = new Float64Array(rows * COLS);
      data.set(randomRows(random, rows / 2, COLS, 0.1));
      data.set(thresholdRows(random, model, rows / 2), (rows / 2) * COLS);
      const features = path.join(dir, `b-${objective}.features.csv`);
      await writeMatrixCsv(features, data, rows, COLS);
      const modelFile = path.join(dir, `b-${objective}.driftline.json`);
      const text = modelToXgboostJson(model);
      await writeFile(modelFile, text);
      const expected = await xgbPredict(modelFile, features);
      const predictor = new Predictor(model);
      assertClose(t, `${objective} predictions`, predictor.predictBatch(data, rows, COLS), expected.predictions);
      assertClose(t, `${objective} margins`, predictor.predictMarginBatch(data, rows, COLS), expected.margins);
      const resaved = path.join(dir, `b-${objective}.resaved.json`);
      await xgbResave(modelFile, resaved);
      assert.equal(await readFile(resaved, 'utf8'), text, 'XGBoost writes back the same bytes');
    });
  }
});
