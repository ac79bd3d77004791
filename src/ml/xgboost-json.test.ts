import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../core/errors.js';
import { createRandom } from '../core/random.js';
import { randomModel, randomRows, stump, thresholdRows, treeFromNodes } from '../../test/ml-support/tree-fixtures.js';
import { hasAdjacentChildren } from './adjacent-children.js';
import { Predictor } from './predictor.js';
import { OBJECTIVES } from './types.js';
import type { GbdtModel, Objective } from './types.js';
import { DELETED_SPLIT_INDEX } from './validate-tree.js';
import { modelFromXgboostJson, modelToXgboostJson } from './xgboost-json.js';

/** The value at a dotted path ("learner.attributes", "learner.trees.0") of a JSON document. */
const at = (text: string, path: string): unknown => path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], JSON.parse(text));
const REAL_MODEL = new URL('../../test/ml-support/xgboost-1.7.4-binary.json', import.meta.url);
const small = (extra: Partial<GbdtModel> = {}): GbdtModel => ({
  objective: 'reg:squarederror',
  baseScore: 0.5,
  numFeature: 2,
  trees: [stump(1, Math.fround(0.3), 0.1, -0.25, true)],
  ...extra,
});
const TREES = 'learner.gradient_booster.model.trees';
/** A valid two-tree XGBoost document with `value` set at each dotted path (undefined deletes it). */
const edit = (changes: Record<string, unknown>): string => {
  const doc: unknown = JSON.parse(modelToXgboostJson(small({ trees: [stump(1, 0.5, 1, -1, true), stump(0, 0.5, 1, -1, false)] })));
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const parent = keys.slice(0, -1).reduce<unknown>((v, key) => (v as Record<string, unknown>)[key], doc) as Record<string, unknown>;
    if (value === undefined) delete parent[keys.at(-1)!];
    else parent[keys.at(-1)!] = value;
  }
  return JSON.stringify(doc);
};

describe('modelToXgboostJson', () => {
  it('writes the XGBoost 1.7 layout, numbers as XGBoost prints float32 values', () => {
    const text = modelToXgboostJson(small({ bestIteration: 0, featureNames: ['distance', 'hour'] }));
    assert.deepEqual(at(text, 'version'), [1, 7, 4]);
    assert.deepEqual(at(text, 'learner.attributes'), { best_iteration: '0', best_ntree_limit: '1' });
    assert.deepEqual(at(text, 'learner.feature_names'), ['distance', 'hour']);
    assert.deepEqual(at(text, 'learner.feature_types'), ['float', 'float']);
    assert.deepEqual(at(text, 'learner.learner_model_param'), {
      base_score: '5E-1',
      boost_from_average: '1',
      num_class: '0',
      num_feature: '2',
      num_target: '1',
    });
    assert.equal(at(text, 'learner.gradient_booster.name'), 'gbtree');
    assert.deepEqual(at(text, 'learner.gradient_booster.model.gbtree_model_param'), { num_parallel_tree: '1', num_trees: '1', size_leaf_vector: '0' });
    assert.deepEqual(at(text, 'learner.gradient_booster.model.tree_info'), [0]);
    const tree = at(text, `${TREES}.0`) as Record<string, unknown>;
    assert.deepEqual(Object.keys(tree), [
      'base_weights',
      'categories',
      'categories_nodes',
      'categories_segments',
      'categories_sizes',
      'default_left',
      'id',
      'left_children',
      'loss_changes',
      'parents',
      'right_children',
      'split_conditions',
      'split_indices',
      'split_type',
      'sum_hessian',
      'tree_param',
    ]);
    assert.deepEqual(tree.tree_param, { num_deleted: '0', num_feature: '2', num_nodes: '3', size_leaf_vector: '0' });
    assert.deepEqual(
      [tree.left_children, tree.right_children, tree.parents, tree.default_left],
      [
        [1, -1, -1],
        [2, -1, -1],
        [2147483647, 0, 0],
        [1, 0, 0],
      ],
    );
    assert.match(text, /"split_conditions":\[3E-1,1E-1,-2\.5E-1\],"split_indices":\[1,0,0\],"split_type":\[0,0,0\]/);
    assert.match(text, /"base_weights":\[0E0,1E-1,-2\.5E-1\]/);
    assert.deepEqual(at(modelToXgboostJson(small()), 'learner.attributes'), {});
    assert.deepEqual(at(modelToXgboostJson(small()), 'learner.feature_names'), []);
  });

  it('writes integers (hessian sums) with all their significant digits, as XGBoost', () => {
    const base = stump(1, Math.fround(0.3), 0.1, -0.25, true);
    const cases: [number, string][] = [
      [0, '0E0'],
      [7, '7E0'],
      [300, '3E2'],
      [21534, '2.1534E4'],
      [1000000, '1E6'],
      [16777215, '1.6777215E7'],
      [-120, '-1.2E2'],
    ];
    for (const [value, expected] of cases) {
      const text = modelToXgboostJson(small({ trees: [{ ...base, sumHessian: Float64Array.of(value, value, value) }] }));
      assert.ok(text.includes(`"sum_hessian":[${expected},${expected},${expected}]`), `${value}`);
    }
  });

  it('writes each objective with its parameter block and base_score in E notation', () => {
    const expected: Record<Objective, object> = {
      'reg:squarederror': { name: 'reg:squarederror', reg_loss_param: { scale_pos_weight: '1' } },
      'reg:absoluteerror': { name: 'reg:absoluteerror' },
      'reg:pseudohubererror': { name: 'reg:pseudohubererror', pseudo_huber_param: { huber_slope: '1' } },
      'binary:logistic': { name: 'binary:logistic', reg_loss_param: { scale_pos_weight: '1' } },
      'count:poisson': { name: 'count:poisson', poisson_regression_param: { max_delta_step: '0.699999988' } },
    };
    for (const objective of OBJECTIVES) assert.deepEqual(at(modelToXgboostJson(small({ objective })), 'learner.objective'), expected[objective]);
    const huber = modelToXgboostJson(small({ objective: 'reg:pseudohubererror', huberSlope: 2.5 }));
    assert.deepEqual(at(huber, 'learner.objective.pseudo_huber_param'), { huber_slope: '2.5' });
    const scores: [number, string][] = [
      [0.5, '5E-1'],
      [12.3, '1.23E1'],
      [1, '1E0'],
      [0, '0E0'],
      [0.1, '1E-1'],
      [-2.5e-7, '-2.5E-7'],
      [123.456, '1.23456E2'],
    ];
    for (const [score, text] of scores) assert.equal(at(modelToXgboostJson(small({ baseScore: score })), 'learner.learner_model_param.base_score'), text);
  });

  it('rejects models XGBoost could not load', () => {
    assert.throws(() => modelToXgboostJson(small({ featureNames: ['a'] })), /1 feature names for 2 features/);
    assert.throws(() => modelToXgboostJson(small({ bestIteration: 1 })), /bestIteration 1 is outside/);
    assert.throws(() => modelToXgboostJson(small({ objective: 'binary:logistic', baseScore: 2 })), InvalidArgumentError);
    assert.throws(() => modelToXgboostJson(small({ trees: [stump(0, 0.5, Number.POSITIVE_INFINITY, 1, true)] })), /\[1\] is Infinity, not a finite float32/);
    assert.throws(() => modelToXgboostJson(small({ objective: 'multi:softmax' as Objective })), /unsupported objective 'multi:softmax'/);
  });
});

describe('modelFromXgboostJson', () => {
  it('reads a model saved by XGBoost 1.7.4 and predicts as XGBoost did', async () => {
    const model = modelFromXgboostJson(await readFile(REAL_MODEL, 'utf8'));
    assert.equal(model.objective, 'binary:logistic');
    assert.equal(model.baseScore, 0.5);
    assert.equal(model.numFeature, 2);
    assert.equal(model.bestIteration, 1);
    assert.deepEqual(model.featureNames, ['trip_distance', 'hour']);
    assert.equal(model.trees.length, 2);
    assert.deepEqual([...model.trees[0]!.defaultLeft], [1, 1, 0, 0, 0, 0, 0]);
    assert.equal(model.trees[0]!.splitConditions[0], Math.fround(0.15997167));
    // XGBoost 1.7.4's own output for these rows: driftline reproduces it bit for bit.
    const rows = [
      [0.2, 0.3],
      [0.9, 0.8],
      [Number.NaN, 0.5],
      [0.5, Number.NaN],
      [Number.NaN, Number.NaN],
      [0.7, 0.1],
    ];
    const margins = [-1.2884876728057861, 1.4600147008895874, 1.4600147008895874, -1.674108624458313, -0.8689901232719421, -1.674108624458313];
    const predictions = [0.21610891819000244, 0.8115349411964417, 0.8115349411964417, 0.15787716209888458, 0.2954644560813904, 0.15787716209888458];
    const p = new Predictor(model);
    rows.forEach((row, i) => {
      assert.equal(p.predictMarginRow(row), margins[i], `margin of row ${i}`);
      assert.equal(p.predictRow(row), predictions[i], `prediction of row ${i}`);
    });
    // By hand: [NaN, NaN] goes left twice in tree 0 (-0.9411765) and left then right in tree 1 (0.07218635).
    assert.equal(margins[4], Math.fround(Math.fround(-0.9411765) + Math.fround(0.07218635)));
  });

  it('accepts absent attributes, other number spellings and boolean default_left', () => {
    const text = edit({
      'learner.attributes': undefined,
      'learner.feature_names': undefined,
      'learner.learner_model_param.base_score': '1.23E1',
      [`${TREES}.0.default_left`]: [true, false, false],
    });
    const model = modelFromXgboostJson(text);
    assert.equal(model.baseScore, Math.fround(12.3));
    assert.equal(model.bestIteration, undefined);
    assert.equal(model.featureNames, undefined);
    assert.deepEqual([...model.trees[0]!.defaultLeft], [1, 0, 0]);
    for (const [spelling, value] of [
      ['5E-1', 0.5],
      ['0.5', 0.5],
      ['[5E-1]', 0.5],
      ['1e+2', 100],
      ['-3', -3],
    ] as const) {
      const doc = edit({ 'learner.learner_model_param.base_score': spelling });
      assert.equal(modelFromXgboostJson(doc).baseScore, value, spelling);
    }
    const huber = modelFromXgboostJson(modelToXgboostJson(small({ objective: 'reg:pseudohubererror', huberSlope: 0.7 })));
    assert.equal(huber.huberSlope, Math.fround(0.7));
  });

  it('rejects what it cannot predict with, in one line', () => {
    const cases: [string, RegExp][] = [
      ['{"learner": ', /^XGBoost model is not JSON: /],
      ['[]', /model is missing or not an object/],
      [edit({ 'learner.gradient_booster.name': 'gblinear' }), /booster is 'gblinear', only gbtree/],
      [
        edit({ 'learner.objective': { name: 'multi:softprob' } }),
        /unsupported objective 'multi:softprob' \(supported: reg:squarederror, reg:absoluteerror, reg:pseudohubererror, binary:logistic, count:poisson\)/,
      ],
      [edit({ 'learner.learner_model_param.num_class': '3' }), /multi-class models are not supported/],
      [edit({ 'learner.learner_model_param.num_target': '2' }), /multi-target models are not supported/],
      [edit({ [`${TREES}.1.split_type`]: [1, 0, 0] }), /trees\[1\] has categorical splits/],
      [edit({ [`${TREES}.0.categories_nodes`]: [0] }), /trees\[0\] has categorical splits/],
      [edit({ [`${TREES}.0.sum_hessian`]: [1, 2] }), /trees\[0\]\.sum_hessian has 2 entries, num_nodes is 3/],
      [edit({ [`${TREES}.1.right_children`]: [3, -1, -1] }), /tree 1: node 0 has child index 3 outside \[1, 3\)/],
      [
        edit({ [`${TREES}.0.left_children`]: [2, -1, -1], [`${TREES}.0.right_children`]: [1, -1, -1] }),
        /trees\[0\] has a right child that is not its left child \+ 1/,
      ],
      [edit({ [`${TREES}.0.split_indices`]: [2, 0, 0] }), /splits on feature 2, outside \[0, 2\)/],
      [edit({ 'learner.gradient_booster.model.gbtree_model_param.num_trees': '3' }), /num_trees is 3 but 2 trees are stored/],
      [edit({ 'learner.attributes': { best_iteration: '2' } }), /best_iteration 2 is outside the 2 trees/],
      [edit({ 'learner.learner_model_param.base_score': 'half' }), /base_score is not a number: "half"/],
      [edit({ [`${TREES}.0.left_children`]: 'x' }), /left_children is missing or not an array/],
    ];
    for (const [text, message] of cases) {
      assert.throws(
        () => modelFromXgboostJson(text),
        (err: unknown) => {
          assert.ok(err instanceof InvalidArgumentError, String(err));
          assert.match(err.message, message);
          assert.ok(!err.message.includes('\n'));
          return true;
        },
      );
    }
  });
});

describe('XGBoost JSON round trip', () => {
  it('keeps every array and every prediction, for each objective', () => {
    const random = createRandom(5);
    for (const objective of OBJECTIVES) {
      const model = randomModel(random, { objective, numTrees: 12, depth: 5, numFeature: 6, bestIteration: 9 });
      const text = modelToXgboostJson(model);
      const back = modelFromXgboostJson(text);
      const { trees, ...rest } = back;
      const { trees: _original, ...expected } = model;
      assert.deepEqual(rest, { ...expected, baseScore: Math.fround(model.baseScore) }, objective);
      assert.ok(trees.every(hasAdjacentChildren), 'trees are renumbered for XGBoost');
      assert.equal(modelToXgboostJson(back), text);
      assert.deepEqual(modelFromXgboostJson(text), back);
      const data = new Float64Array(400 * 6);
      data.set(randomRows(random, 200, 6));
      data.set(thresholdRows(random, model, 200), 1200);
      assert.deepEqual(new Predictor(back).predictBatch(data, 400, 6), new Predictor(model).predictBatch(data, 400, 6), objective);
    }
  });

  it('keeps deleted nodes and counts them in num_deleted as XGBoost does', () => {
    const tree = treeFromNodes([{ feature: 0, threshold: 0.5, yes: 1, no: 2, missingLeft: true }, { leaf: 1 }, { leaf: 2 }, { leaf: 0 }, { leaf: 0 }]);
    for (const i of [3, 4]) {
      (tree.splitIndices as Int32Array)[i] = DELETED_SPLIT_INDEX;
      (tree.defaultLeft as Uint8Array)[i] = 1;
    }
    const text = modelToXgboostJson(small({ trees: [tree] }));
    assert.equal(at(text, `${TREES}.0.tree_param.num_deleted`), '2');
    assert.deepEqual(modelFromXgboostJson(text).trees[0], tree);
  });
});
