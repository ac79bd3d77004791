import { InvalidArgumentError, oneLine } from '../core/errors.js';
import { noopLogger, type Logger } from '../core/logger.js';
import { createRandom, type Random } from '../core/random.js';
import { decomposable, defaultMetric, evaluate, finishMetric, maximizes } from './eval-metrics.js';
import { featureImportance } from './feature-importance.js';
import { binTrainingData } from './gbdt/bin-training-data.js';
import { binMatrix, type BinnedMatrix } from './gbdt/binned-matrix.js';
import type { FeatureCuts } from './gbdt/quantile-cuts.js';
import { KernelMemory } from './gbdt/kernel-memory.js';
import { histogramOffsets } from './gbdt/histogram-layout.js';
import { SerialShardExecutor, type ShardExecutor } from './gbdt/shard-executor.js';
import { ShardPlan } from './gbdt/shard-plan.js';
import { validationRows } from './gbdt/validation-rows.js';
import { sampleFeatures, TreeGrower, type GrownTree, type RowSample } from './gbdt/tree-grower.js';
import type { Hyperparameters } from './hyperparameters.js';
import type { FeatureArray } from './matrix-reader.js';
import { identity, objectiveFor, type ObjectiveFunction } from './objectives.js';
import type { RoundMetrics, TrainingReport } from './training-report.js';
import { EVAL_METRICS, type GbdtModel, type Tree } from './types.js';

/** A data set: row-major features (NaN = missing) and labels. */
export interface TrainingSet {
  readonly data: FeatureArray;
  readonly rows: number;
  readonly cols: number;
  readonly label: Float64Array;
}

/** Options besides the hyperparameters. */
export interface TrainOptions {
  readonly validation?: TrainingSet;
  readonly featureNames?: readonly string[];
  /** Called after each round (progress bars). */
  readonly onRound?: (metrics: RoundMetrics, total: number) => void;
  /** Makes the shard executor (worker threads, one row shard each); default: one shard, in this thread. */
  readonly shardExecutor?: (matrix: BinnedMatrix, cuts: FeatureCuts) => ShardExecutor;
  readonly threads?: number;
  /** Milliseconds, for the phase timings. */
  readonly now?: () => number;
  /** Told of kernels that fail to compile (they fall back to JavaScript). */
  readonly logger?: Logger;
}

/**
 * Trains gradient-boosted trees like XGBoost's `hist` method (depth-wise growth, histogram
 * subtraction, learned default directions for missing values). Deterministic for a given seed.
 * With early stopping, the model is cut at the best iteration, which it records.
 */
export async function train(trainSet: TrainingSet, hp: Hyperparameters, options: TrainOptions = {}): Promise<{ model: GbdtModel; report: TrainingReport }> {
  const now = options.now ?? (() => performance.now());
  const t0 = now();
  checkSet('training', trainSet);
  if (options.validation) {
    checkSet('validation', options.validation);
    if (options.validation.cols !== trainSet.cols) {
      throw new InvalidArgumentError(`validation data has ${options.validation.cols} features, training data ${trainSet.cols}`);
    }
  }
  const maxDeltaStep = hp.max_delta_step ?? (hp.objective === 'count:poisson' ? 0.7 : 0);
  const objective = objectiveFor(hp.objective, hp.huber_slope, maxDeltaStep);
  for (const set of [trainSet, options.validation]) {
    const problem = set && objective.checkLabels(set.label);
    if (problem) throw new InvalidArgumentError(problem);
  }
  const metric = hp.eval_metric ?? defaultMetric(hp.objective);
  const featureNames = options.featureNames ?? Array.from({ length: trainSet.cols }, (_, i) => `f${i}`);
  const timings = { binning: 0, gradients: 0, grow: 0, update: 0, evaluate: 0, total: 0 };

  let t = now();
  const { cuts, matrix } = binTrainingData(trainSet.data, trainSet.rows, trainSet.cols, hp.max_bin);
  const validMatrix = options.validation ? binMatrix(options.validation.data, options.validation.rows, options.validation.cols, cuts) : undefined;
  timings.binning = now() - t;

  const logger = options.logger ?? noopLogger;
  const executor: ShardExecutor = options.shardExecutor?.(matrix, cuts) ?? new SerialShardExecutor(cuts, matrix.missing);
  const memory = KernelMemory.create(matrix, 2 * histogramOffsets(cuts)[trainSet.cols]!, executor.sharedMemory, true, executor.histogramsNeeded);
  const failedKernels = new Set<string>();
  memory.onCompileFailure = (kernel, err) => {
    if (failedKernels.has(kernel)) return; // once per kernel kind, not per feature set
    failedKernels.add(kernel);
    logger.warn('kernel failed to compile, falling back', {
      kernel,
      fallback: kernel === 'histogram (SIMD)' ? 'scalar WebAssembly' : 'JavaScript',
      error: oneLine(err),
    });
  };
  memory.label.set(trainSet.label);
  // Node positions per level: at most 2^max_depth, and at most two per split of the level before (each split has rows on both sides).
  const positions = Math.min(2 ** hp.max_depth, 2 * trainSet.rows + 2);
  const plan = ShardPlan.create(
    { shards: executor.shards, positions, tasks: Math.min(positions, executor.tasksPerOp), features: trainSet.cols, rows: trainSet.rows },
    executor.sharedMemory,
  );
  const random = createRandom(hp.seed);
  const baseScore = hp.base_score ?? 0.5;
  const baseMargin = objective.baseMargin(baseScore);
  // The validation rows go to the shards: each walks every new tree over its part of them (FINISH).
  const valid = validMatrix && options.validation ? validationRows(validMatrix, options.validation.label, baseMargin, executor.sharedMemory) : undefined;
  executor.attach(memory, plan, { name: hp.objective, huberSlope: hp.huber_slope, maxDeltaStep }, valid);
  const grower = new TreeGrower(matrix, cuts, executor, plan, memory, {
    lambda: hp.lambda,
    alpha: hp.alpha,
    minChildWeight: hp.min_child_weight,
    gamma: hp.gamma,
    maxDeltaStep,
    eta: hp.eta,
    maxDepth: hp.max_depth,
    colsampleBylevel: hp.colsample_bylevel,
  });
  const n = trainSet.rows;
  // The margins: a tree reads one of the two arrays and writes the other (see TreeGrower.grow).
  let current = 0;
  memory.margins[0].fill(baseMargin);
  // The validation margins: FINISH reads one of the two arrays and writes the other, or one in place.
  let validCurrent = 0;
  const metricCode = decomposable(metric) ? EVAL_METRICS.indexOf(metric) : -1;
  const { rowIndex } = memory;
  const pred = new Float64Array(n);
  const validPred = new Float64Array(valid?.rows ?? 0);
  const allFeatures = Int32Array.from({ length: trainSet.cols }, (_, i) => i);
  const trees: Tree[] = [];
  const rounds: RoundMetrics[] = [];
  let best = { iteration: 0, score: maximizes(metric) ? -Infinity : Infinity };
  let stoppedEarly = false;

  try {
    for (let round = 0; round < hp.num_round; round++) {
      t = now();
      const sample = rowSample(hp.subsample, random);
      const treeFeatures = sampleFeatures(allFeatures, hp.colsample_bytree, random);
      // The grower computes the gradients and writes the tree into the other margins itself, unless leaf values change after growth.
      const startMs = grower.startMs;
      const grown = grower.grow(current, sample, treeFeatures, random, !objective.refreshLeaves);
      if (objective.refreshLeaves) {
        refreshLeavesWithMedian(grown, rowIndex, trainSet.label, memory.margins[current]!, hp.eta);
        addLeavesToRows(grown, rowIndex, memory.margins[current]!);
      } else if (executor.repeatable) {
        current = 1 - current;
      }
      trees.push(grown.tree);
      timings.gradients += grower.startMs - startMs;
      timings.grow += now() - t - (grower.startMs - startMs);

      // FINISH on every shard: the tree over the validation rows, the metric's sums over both sets.
      t = now();
      const validTo = executor.repeatable ? 1 - validCurrent : validCurrent;
      plan.setFinish(grown.tree, grown.splitBins, { from: current, validFrom: validCurrent, validTo, metric: metricCode });
      executor.run([]);
      validCurrent = validTo;
      timings.update += now() - t;

      t = now();
      let trainSum = 0;
      let validSum = 0;
      for (let k = 0; k < plan.shards; k++) {
        trainSum += plan.floats[plan.metricSums(k)]!;
        validSum += plan.floats[plan.metricSums(k) + 1]!;
      }
      const validMargin = valid?.margins[validCurrent];
      const trainScore =
        metricCode >= 0 ? finishMetric(metric, trainSum, n) : evaluate(metric, transform(objective, memory.margins[current]!, pred), trainSet.label);
      const validScore =
        options.validation && validMargin
          ? metricCode >= 0
            ? finishMetric(metric, validSum, options.validation.rows)
            : evaluate(metric, transform(objective, validMargin, validPred), options.validation.label)
          : undefined;
      const metrics: RoundMetrics = validScore === undefined ? { round, train: trainScore } : { round, train: trainScore, validation: validScore };
      rounds.push(metrics);
      timings.evaluate += now() - t;
      options.onRound?.(metrics, hp.num_round);

      const watched = validScore ?? trainScore;
      const improved = maximizes(metric) ? watched > best.score : watched < best.score;
      if (improved) best = { iteration: round, score: watched };
      if (hp.early_stopping_rounds > 0 && options.validation && round - best.iteration >= hp.early_stopping_rounds) {
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    await executor.close();
  }
  const workerCompileFailures = executor.workerCompileFailures ?? 0;
  if (workerCompileFailures > 0)
    logger.warn('kernels failed to compile in histogram workers, which fell back to JavaScript', { failures: workerCompileFailures });

  const earlyStopping = hp.early_stopping_rounds > 0 && options.validation !== undefined;
  const kept = earlyStopping ? trees.slice(0, best.iteration + 1) : trees;
  const bestIteration = earlyStopping ? best.iteration : trees.length - 1;
  const model: GbdtModel = {
    objective: hp.objective,
    baseScore,
    numFeature: trainSet.cols,
    trees: kept,
    bestIteration,
    ...(options.featureNames ? { featureNames: options.featureNames } : {}),
    ...(hp.objective === 'reg:pseudohubererror' ? { huberSlope: hp.huber_slope } : {}),
  };
  let maxPerFeature = 0;
  for (let f = 0; f < trainSet.cols; f++) maxPerFeature = Math.max(maxPerFeature, cuts.offsets[f + 1]! - cuts.offsets[f]!);
  timings.total = now() - t0;
  const report: TrainingReport = {
    metric,
    rounds,
    bestIteration,
    bestScore: earlyStopping ? best.score : (rounds[rounds.length - 1]?.validation ?? rounds[rounds.length - 1]?.train ?? NaN),
    stoppedEarly,
    numTrees: kept.length,
    rows: { train: n, validation: options.validation?.rows ?? 0 },
    features: trainSet.cols,
    bins: { total: cuts.values.length, maxPerFeature, storage: matrix.bins instanceof Uint8Array ? 'uint8' : 'uint16' },
    importance: featureImportance(kept, featureNames),
    timings,
    threads: options.threads ?? 1,
    workersLost: executor.workersLost ?? 0,
    kernels: {
      histogram: { ...memory.kernelCounts },
      rowPartitioner: executor.rowKernelsCompiled ? 'webassembly' : 'javascript',
      compileFailures: memory.compileFailures + workerCompileFailures,
    },
  };
  return { model, report };
}

function checkSet(name: string, set: TrainingSet): void {
  if (set.rows < 1) throw new InvalidArgumentError(`${name} data has no rows`);
  if (set.data.length !== set.rows * set.cols || set.label.length !== set.rows) {
    throw new InvalidArgumentError(`${name} data: ${set.rows} rows x ${set.cols} columns do not match its arrays`);
  }
  for (let i = 0; i < set.label.length; i++) {
    if (!Number.isFinite(set.label[i]!)) throw new InvalidArgumentError(`${name} data: label of row ${i + 1} is missing or not a number`);
  }
}

/**
 * This round's row sample (Bernoulli, as XGBoost), drawn by the shards (see `RowPartitioner.sampleRange`):
 * the threshold and the seed of a xorshift stream seeded from `random` (one draw per round, not per row);
 * undefined (every row) without subsampling.
 */
function rowSample(subsample: number, random: Random): RowSample | undefined {
  if (subsample >= 1) return undefined;
  return { threshold: Math.floor(subsample * 4294967296), seed: (random.int(2147483647) + 1) | 0 };
}

/** Adds each leaf's value to the rows in its ranges (sampled and left out). */
function addLeavesToRows(grown: GrownTree, rowIndex: Uint32Array, margin: Float64Array): void {
  const values = grown.tree.splitConditions;
  for (const leaf of grown.leaves) {
    const v = values[leaf.node]!;
    const r = leaf.ranges;
    for (let k = 0; k < r.length; k += 4) {
      for (let i = r[k]!; i < r[k + 1]!; i++) margin[rowIndex[i]!]! += v;
      for (let i = r[k + 2]!; i < r[k + 3]!; i++) margin[rowIndex[i]!]! += v;
    }
  }
}

/** Predictions in output space; the margins themselves when the objective's transform is the identity. */
function transform(objective: ObjectiveFunction, margin: Float64Array, out: Float64Array): Float64Array {
  if (objective.transform === identity) return margin;
  for (let i = 0; i < margin.length; i++) out[i] = objective.transform(margin[i]!);
  return out;
}

/** reg:absoluteerror: each leaf's value becomes eta × the median residual of its rows, as XGBoost does. */
function refreshLeavesWithMedian(grown: GrownTree, rowIndex: Uint32Array, label: Float64Array, margin: Float64Array, eta: number): void {
  const values = grown.tree.splitConditions as Float64Array;
  const weights = grown.tree.baseWeights as Float64Array;
  for (const leaf of grown.leaves) {
    const r = leaf.ranges;
    let count = 0;
    for (let k = 0; k < r.length; k += 4) count += r[k + 1]! - r[k]!;
    // The sampled rows' residuals, every shard's.
    const residuals = new Float64Array(count);
    let at = 0;
    for (let k = 0; k < r.length; k += 4) for (let i = r[k]!; i < r[k + 1]!; i++) residuals[at++] = label[rowIndex[i]!]! - margin[rowIndex[i]!]!;
    residuals.sort();
    const m = residuals.length;
    if (m === 0) continue;
    const median = m % 2 === 1 ? residuals[(m - 1) / 2]! : (residuals[m / 2 - 1]! + residuals[m / 2]!) / 2;
    values[leaf.node] = eta * median;
    weights[leaf.node] = eta * median;
  }
}
