/** The learning objectives driftline trains, with XGBoost's names. */
export const OBJECTIVES = ['reg:squarederror', 'reg:absoluteerror', 'reg:pseudohubererror', 'binary:logistic', 'count:poisson'] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** Evaluation metrics, with XGBoost's names. */
export const EVAL_METRICS = ['rmse', 'mae', 'logloss', 'auc', 'error'] as const;
export type EvalMetric = (typeof EVAL_METRICS)[number];

/**
 * One regression tree in XGBoost's JSON layout (arrays indexed by node id, root = 0).
 * A node is a leaf when `leftChildren[i] === -1`; then `splitConditions[i]` is its value (already
 * multiplied by the learning rate). Otherwise a row goes left when `x[splitIndices[i]] < splitConditions[i]`
 * (compared in float32, as XGBoost does), and to `defaultLeft[i] ? left : right` when the value is missing.
 */
export interface Tree {
  readonly leftChildren: Int32Array;
  readonly rightChildren: Int32Array;
  /** Parent node id; the root's is 2147483647 as in XGBoost. */
  readonly parents: Int32Array;
  readonly splitIndices: Int32Array;
  /** Thresholds for splits (float32 values), leaf values for leaves. */
  readonly splitConditions: Float64Array;
  readonly defaultLeft: Uint8Array;
  /** The node's weight before shrinkage for splits; the leaf value for leaves (as XGBoost writes it). */
  readonly baseWeights: Float64Array;
  /** The gain of each split (0 for leaves). */
  readonly lossChanges: Float64Array;
  /** The sum of hessians of the rows in each node ("cover"). */
  readonly sumHessian: Float64Array;
}

/** A trained gradient-boosted tree ensemble. */
export interface GbdtModel {
  readonly objective: Objective;
  /** In output space, as XGBoost stores it (a probability for binary:logistic, a mean for count:poisson). */
  readonly baseScore: number;
  readonly numFeature: number;
  readonly trees: readonly Tree[];
  /** The iteration kept by early stopping; prediction uses trees [0, bestIteration]. Undefined: all trees. */
  readonly bestIteration?: number;
  readonly featureNames?: readonly string[];
  /** The Pseudo-Huber slope (reg:pseudohubererror), XGBoost's `huber_slope`. */
  readonly huberSlope?: number;
}
