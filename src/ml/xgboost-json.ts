import { InvalidArgumentError, oneLine } from '../core/errors.js';
import { hasAdjacentChildren, withAdjacentChildren } from './adjacent-children.js';
import { baseMarginOf } from './objective-link.js';
import { OBJECTIVES } from './types.js';
import type { GbdtModel, Objective, Tree } from './types.js';
import { DELETED_SPLIT_INDEX, validateTree } from './validate-tree.js';

type Json = Record<string, unknown>;

/**
 * Writes `model` as XGBoost 1.7's JSON model (`save_model("m.json")`), loadable by XGBoost 1.6+.
 * Numbers are written as XGBoost does: shortest float32 digits in E notation ("5E-1"). Trees whose
 * right child is not always left + 1 are renumbered breadth first, as XGBoost's predictor requires.
 */
export function modelToXgboostJson(model: GbdtModel): string {
  const { objective, numFeature, trees, bestIteration, featureNames } = model;
  if (!OBJECTIVES.includes(objective)) throw unsupportedObjective(String(objective));
  baseMarginOf(objective, model.baseScore);
  if (!Number.isInteger(numFeature) || numFeature < 0) throw new InvalidArgumentError(`numFeature ${numFeature} is not a non-negative integer`);
  if (bestIteration !== undefined && !(Number.isInteger(bestIteration) && bestIteration >= 0 && bestIteration < trees.length)) {
    throw new InvalidArgumentError(`bestIteration ${bestIteration} is outside [0, ${trees.length}) trees`);
  }
  if (featureNames !== undefined && featureNames.length !== numFeature) {
    throw new InvalidArgumentError(`${featureNames.length} feature names for ${numFeature} features`);
  }
  if (model.huberSlope !== undefined && !(model.huberSlope > 0 && Number.isFinite(model.huberSlope))) {
    throw new InvalidArgumentError(`huberSlope ${model.huberSlope} must be a positive number`);
  }
  trees.forEach((t, i) => validateTree(t, numFeature, i));
  const names = featureNames ?? [];
  const attributes = bestIteration === undefined ? {} : { best_iteration: String(bestIteration), best_ntree_limit: String(bestIteration + 1) };
  const gbtreeParam = { num_parallel_tree: '1', num_trees: String(trees.length), size_leaf_vector: '0' };
  const modelParam = {
    base_score: float32Text(model.baseScore, 'baseScore'),
    boost_from_average: '1',
    num_class: '0',
    num_feature: String(numFeature),
    num_target: '1',
  };
  return (
    `{"learner":{"attributes":${JSON.stringify(attributes)},"feature_names":${JSON.stringify(names)},` +
    `"feature_types":${JSON.stringify(names.map(() => 'float'))},"gradient_booster":{"model":{"gbtree_model_param":${JSON.stringify(gbtreeParam)},` +
    `"tree_info":${JSON.stringify(trees.map(() => 0))},"trees":[${trees.map((t, i) => treeJson(withAdjacentChildren(t), i, numFeature)).join(',')}]},"name":"gbtree"},` +
    `"learner_model_param":${JSON.stringify(modelParam)},"objective":${JSON.stringify(objectiveJson(model))}},"version":[1,7,4]}`
  );
}

function treeJson(t: Tree, id: number, numFeature: number): string {
  const n = t.leftChildren.length;
  let deleted = 0;
  for (let i = 1; i < n; i++) if (t.splitIndices[i] === DELETED_SPLIT_INDEX && t.defaultLeft[i]) deleted++;
  const f = (a: Float64Array, name: string): string => `[${Array.from(a, (v, i) => float32Text(v, () => `tree ${id} ${name}[${i}]`)).join(',')}]`;
  const ints = (a: ArrayLike<number>): string => `[${Array.from(a, (v) => String(v)).join(',')}]`;
  return (
    `{"base_weights":${f(t.baseWeights, 'baseWeights')},"categories":[],"categories_nodes":[],"categories_segments":[],"categories_sizes":[],` +
    `"default_left":${ints(Array.from(t.defaultLeft, (v) => (v ? 1 : 0)))},"id":${id},"left_children":${ints(t.leftChildren)},` +
    `"loss_changes":${f(t.lossChanges, 'lossChanges')},"parents":${ints(t.parents)},"right_children":${ints(t.rightChildren)},` +
    `"split_conditions":${f(t.splitConditions, 'splitConditions')},"split_indices":${ints(t.splitIndices)},"split_type":${ints(new Uint8Array(n))},` +
    `"sum_hessian":${f(t.sumHessian, 'sumHessian')},"tree_param":{"num_deleted":"${deleted}","num_feature":"${numFeature}","num_nodes":"${n}","size_leaf_vector":"0"}}`
  );
}

function objectiveJson(model: GbdtModel): Json {
  switch (model.objective) {
    case 'reg:squarederror':
    case 'binary:logistic':
      return { name: model.objective, reg_loss_param: { scale_pos_weight: '1' } };
    case 'count:poisson':
      return { name: model.objective, poisson_regression_param: { max_delta_step: paramText(0.7) } };
    case 'reg:pseudohubererror':
      return { name: model.objective, pseudo_huber_param: { huber_slope: paramText(model.huberSlope ?? 1) } };
    case 'reg:absoluteerror':
      return { name: model.objective };
  }
}

/**
 * A float32 as XGBoost 1.7 writes numbers (tree arrays and parameters alike): the shortest digits that
 * read back as the same float32, in E notation ("5E-1", "-1.5675676E0", "0E0").
 */
function float32Text(v: number, what: string | (() => string)): string {
  const f = Math.fround(v);
  if (!Number.isFinite(f)) throw new InvalidArgumentError(`${typeof what === 'string' ? what : what()} is ${v}, not a finite float32`);
  // An integer below 2^24 needs all its significant digits and no more (fewer give another integer, itself a float32).
  let p = Number.isInteger(f) && Math.abs(f) < 16777216 ? Math.max(0, String(Math.abs(f)).replace(/0+$/, '').length - 1) : 0;
  while (p < 8 && Math.fround(Number(f.toExponential(p))) !== f) p++;
  return (Object.is(f, -0) ? '-' : '') + f.toExponential(p).replace('e+', 'E').replace('e', 'E');
}

/** A float32 objective parameter as XGBoost writes it (9 significant digits: 0.7 is "0.699999988", 1 is "1"). */
function paramText(v: number): string {
  return String(Number(Math.fround(v).toPrecision(9)));
}

function unsupportedObjective(name: string): InvalidArgumentError {
  return new InvalidArgumentError(`unsupported objective '${name}' (supported: ${OBJECTIVES.join(', ')})`);
}

/**
 * Reads an XGBoost 1.6/1.7 JSON model (`save_model("m.json")`) of a supported objective.
 * Throws InvalidArgumentError for malformed input, other boosters, multi-class or multi-target
 * models, categorical splits and inconsistent trees.
 */
export function modelFromXgboostJson(text: string): GbdtModel {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidArgumentError(`XGBoost model is not JSON: ${oneLine(err)}`, { cause: err });
  }
  const learner = obj(doc, 'learner', 'model');
  const booster = obj(learner, 'gradient_booster', 'learner');
  if (booster['name'] !== 'gbtree') throw bad(`booster is '${String(booster['name'])}', only gbtree is supported`);
  const param = obj(learner, 'learner_model_param', 'learner');
  if (int(param['num_class'] ?? '0', 'num_class') > 1) throw bad(`num_class is ${String(param['num_class'])}: multi-class models are not supported`);
  if (int(param['num_target'] ?? '1', 'num_target') > 1) throw bad(`num_target is ${String(param['num_target'])}: multi-target models are not supported`);
  const numFeature = int(param['num_feature'], 'num_feature');
  const baseScore = float(param['base_score'], 'base_score');
  const objectiveDoc = obj(learner, 'objective', 'learner');
  const objective = objectiveDoc['name'] as Objective;
  if (!OBJECTIVES.includes(objective)) throw unsupportedObjective(String(objectiveDoc['name']));
  baseMarginOf(objective, baseScore);
  const gbtree = obj(booster, 'model', 'gradient_booster');
  const gbParam = obj(gbtree, 'gbtree_model_param', 'model');
  if (int(gbParam['num_parallel_tree'] ?? '1', 'num_parallel_tree') !== 1) throw bad('num_parallel_tree must be 1 (forests are not supported)');
  if (int(gbParam['size_leaf_vector'] ?? '0', 'size_leaf_vector') !== 0) throw bad('vector leaves (multi-target) are not supported');
  const treeDocs = arr(gbtree, 'trees', 'model');
  if (int(gbParam['num_trees'], 'num_trees') !== treeDocs.length)
    throw bad(`num_trees is ${String(gbParam['num_trees'])} but ${treeDocs.length} trees are stored`);
  const info = arr(gbtree, 'tree_info', 'model');
  if (info.length !== treeDocs.length || info.some((g) => g !== 0)) throw bad('tree_info must be one 0 per tree (single output)');
  const trees = treeDocs.map((t, i) => readTree(t, i, numFeature));
  const attributes = obj(learner, 'attributes', 'learner', true);
  const best = attributes['best_iteration'];
  const bestIteration = best === undefined ? undefined : int(best, 'best_iteration');
  if (bestIteration !== undefined && bestIteration >= trees.length) throw bad(`best_iteration ${bestIteration} is outside the ${trees.length} trees`);
  const names = learner['feature_names'] === undefined ? [] : arr(learner, 'feature_names', 'learner');
  if (names.some((s) => typeof s !== 'string')) throw bad('feature_names must be strings');
  if (names.length > 0 && names.length !== numFeature) throw bad(`${names.length} feature names for ${numFeature} features`);
  const huber = obj(objectiveDoc, 'pseudo_huber_param', 'objective', true)['huber_slope'];
  return {
    objective,
    baseScore,
    numFeature,
    trees,
    ...(bestIteration === undefined ? {} : { bestIteration }),
    ...(names.length > 0 ? { featureNames: names as string[] } : {}),
    ...(objective === 'reg:pseudohubererror' ? { huberSlope: huber === undefined ? 1 : float(huber, 'huber_slope') } : {}),
  };
}

function readTree(doc: unknown, index: number, numFeature: number): Tree {
  const at = `trees[${index}]`;
  const t = asObject(doc, at);
  const param = obj(t, 'tree_param', at);
  const n = int(param['num_nodes'], `${at}.tree_param.num_nodes`);
  if (int(param['size_leaf_vector'] ?? '0', 'size_leaf_vector') !== 0) throw bad(`${at} has vector leaves (multi-target)`);
  const numbers = (key: string, optional = false): number[] => {
    if (optional && t[key] === undefined) return [];
    const a = arr(t, key, at);
    if (a.length !== n) throw bad(`${at}.${key} has ${a.length} entries, num_nodes is ${n}`);
    return a.map((v, i) => {
      const x = typeof v === 'boolean' ? Number(v) : v;
      if (typeof x !== 'number') throw bad(`${at}.${key}[${i}] is not a number`);
      return x;
    });
  };
  const asInt = (key: string): Int32Array => {
    const a = numbers(key);
    const bad32 = a.findIndex((v) => !Number.isInteger(v) || v < -2147483648 || v > 2147483647);
    if (bad32 >= 0) throw bad(`${at}.${key}[${bad32}] is not a 32-bit integer`);
    return Int32Array.from(a);
  };
  const asFloat = (key: string): Float64Array => Float64Array.from(numbers(key), Math.fround);
  if (numbers('split_type', true).some((v) => v !== 0) || (t['categories_nodes'] !== undefined && arr(t, 'categories_nodes', at).length > 0)) {
    throw bad(`${at} has categorical splits, which are not supported`);
  }
  const tree: Tree = {
    leftChildren: asInt('left_children'),
    rightChildren: asInt('right_children'),
    parents: asInt('parents'),
    splitIndices: asInt('split_indices'),
    splitConditions: asFloat('split_conditions'),
    defaultLeft: Uint8Array.from(numbers('default_left'), (v) => (v ? 1 : 0)),
    baseWeights: asFloat('base_weights'),
    lossChanges: asFloat('loss_changes'),
    sumHessian: asFloat('sum_hessian'),
  };
  try {
    validateTree(tree, numFeature, index);
  } catch (err) {
    throw bad(oneLine(err));
  }
  if (!hasAdjacentChildren(tree)) throw bad(`${at} has a right child that is not its left child + 1, which XGBoost requires`);
  return tree;
}

function bad(message: string): InvalidArgumentError {
  return new InvalidArgumentError(`XGBoost model: ${message}`);
}

function obj(parent: unknown, key: string, where: string, optional = false): Json {
  const v = asObject(parent, where)[key];
  return optional && v === undefined ? {} : asObject(v, `${where}.${key}`);
}

function asObject(v: unknown, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`${what} is missing or not an object`);
  return v as Json;
}

function arr(parent: Json, key: string, where: string): unknown[] {
  const v = parent[key];
  if (!Array.isArray(v)) throw bad(`${where}.${key} is missing or not an array`);
  return v;
}

/** An integer XGBoost writes as a string ("3"); numbers are accepted too. */
function int(v: unknown, what: string): number {
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s !== 'string' || !/^[+-]?\d+$/.test(s) || Number(s) < 0) throw bad(`${what} is not a non-negative integer: ${JSON.stringify(v)}`);
  return Number(s);
}

/** A float XGBoost writes as a string ("5E-1", "1.23E1", "0.5"; "[5E-1]" as XGBoost 2 does); numbers are accepted too. */
function float(v: unknown, what: string): number {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.replace(/^\[(.*)\]$/, '$1') : undefined;
  if (s === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw bad(`${what} is not a number: ${JSON.stringify(v)}`);
  return Math.fround(Number(s));
}
