import { InvalidArgumentError } from '../core/errors.js';
import { EVAL_METRICS, OBJECTIVES, type EvalMetric, type Objective } from './types.js';

/** Training hyperparameters, with XGBoost's names, meanings and defaults. */
export interface Hyperparameters {
  objective: Objective;
  num_round: number;
  eta: number;
  max_depth: number;
  min_child_weight: number;
  gamma: number;
  subsample: number;
  colsample_bytree: number;
  colsample_bylevel: number;
  lambda: number;
  alpha: number;
  max_bin: number;
  /** Undefined: 0.5 as XGBoost 1.7. */
  base_score: number | undefined;
  seed: number;
  /** 0: no early stopping. */
  early_stopping_rounds: number;
  /** Undefined: the objective's default (rmse, mae, logloss). */
  eval_metric: EvalMetric | undefined;
  /** 0: no limit; count:poisson defaults to 0.7 as XGBoost. */
  max_delta_step: number | undefined;
  huber_slope: number;
  /** Worker threads for histogram building; 0 = all cores. */
  nthread: number;
}

/** XGBoost's defaults. */
export const DEFAULT_HYPERPARAMETERS: Readonly<Hyperparameters> = Object.freeze({
  objective: 'reg:squarederror',
  num_round: 100,
  eta: 0.3,
  max_depth: 6,
  min_child_weight: 1,
  gamma: 0,
  subsample: 1,
  colsample_bytree: 1,
  colsample_bylevel: 1,
  lambda: 1,
  alpha: 0,
  max_bin: 256,
  base_score: undefined,
  seed: 0,
  early_stopping_rounds: 0,
  eval_metric: undefined,
  max_delta_step: undefined,
  huber_slope: 1,
  nthread: 0,
});

type Rule = { kind: 'int' | 'float'; min: number; max: number; minOpen?: boolean };
const NUMERIC: Readonly<Record<string, Rule>> = {
  num_round: { kind: 'int', min: 1, max: 100_000 },
  eta: { kind: 'float', min: 0, max: 1, minOpen: true },
  max_depth: { kind: 'int', min: 1, max: 30 },
  min_child_weight: { kind: 'float', min: 0, max: Number.MAX_VALUE },
  gamma: { kind: 'float', min: 0, max: Number.MAX_VALUE },
  subsample: { kind: 'float', min: 0, max: 1, minOpen: true },
  colsample_bytree: { kind: 'float', min: 0, max: 1, minOpen: true },
  colsample_bylevel: { kind: 'float', min: 0, max: 1, minOpen: true },
  lambda: { kind: 'float', min: 0, max: Number.MAX_VALUE },
  alpha: { kind: 'float', min: 0, max: Number.MAX_VALUE },
  max_bin: { kind: 'int', min: 2, max: 65_534 },
  base_score: { kind: 'float', min: -Number.MAX_VALUE, max: Number.MAX_VALUE },
  seed: { kind: 'int', min: -(2 ** 31), max: 2 ** 32 - 1 },
  early_stopping_rounds: { kind: 'int', min: 0, max: 100_000 },
  max_delta_step: { kind: 'float', min: 0, max: Number.MAX_VALUE },
  huber_slope: { kind: 'float', min: 0, max: Number.MAX_VALUE, minOpen: true },
  nthread: { kind: 'int', min: 0, max: 256 },
};
/** XGBoost's aliases. */
const ALIASES: Readonly<Record<string, string>> = {
  learning_rate: 'eta',
  reg_lambda: 'lambda',
  reg_alpha: 'alpha',
  min_split_loss: 'gamma',
  random_state: 'seed',
  n_estimators: 'num_round',
  num_boost_round: 'num_round',
};

/** Every accepted name, for error messages. */
export const HYPERPARAMETER_NAMES = [...Object.keys(DEFAULT_HYPERPARAMETERS), ...Object.keys(ALIASES)].sort();

/**
 * Parses `name=value` settings (as SageMaker passes them, all strings) over the defaults. Unknown
 * names, non-numbers and out-of-range values throw InvalidArgumentError naming the setting.
 * `tree_method=hist` is accepted (it is the only method).
 */
export function parseHyperparameters(settings: Readonly<Record<string, string | number>>): Hyperparameters {
  const hp: Hyperparameters = { ...DEFAULT_HYPERPARAMETERS };
  for (const [rawName, rawValue] of Object.entries(settings)) {
    const name = ALIASES[rawName] ?? rawName;
    const value = String(rawValue).trim();
    if (name === 'tree_method') {
      if (value !== 'hist' && value !== 'auto') throw new InvalidArgumentError(`hyperparameter tree_method: only 'hist' is supported, got '${value}'`);
      continue;
    }
    if (name === 'objective') {
      if (!(OBJECTIVES as readonly string[]).includes(value)) {
        throw new InvalidArgumentError(`hyperparameter objective: '${value}' is not one of ${OBJECTIVES.join(', ')}`);
      }
      hp.objective = value as Objective;
      continue;
    }
    if (name === 'eval_metric') {
      if (!(EVAL_METRICS as readonly string[]).includes(value)) {
        throw new InvalidArgumentError(`hyperparameter eval_metric: '${value}' is not one of ${EVAL_METRICS.join(', ')}`);
      }
      hp.eval_metric = value as EvalMetric;
      continue;
    }
    const rule = NUMERIC[name];
    if (!rule) throw new InvalidArgumentError(`unknown hyperparameter '${rawName}' (known: ${HYPERPARAMETER_NAMES.join(', ')})`);
    const n = Number(value);
    if (value === '' || !Number.isFinite(n) || (rule.kind === 'int' && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`hyperparameter ${rawName} must be ${rule.kind === 'int' ? 'an integer' : 'a number'}, got '${value}'`);
    }
    if (n < rule.min || n > rule.max || (rule.minOpen && n === rule.min)) {
      const low = `${rule.minOpen ? '(' : '['}${rule.min}`;
      throw new InvalidArgumentError(`hyperparameter ${rawName}=${value} is out of range ${low}, ${rule.max === Number.MAX_VALUE ? 'inf)' : `${rule.max}]`}`);
    }
    (hp as unknown as Record<string, number>)[name] = n;
  }
  if (hp.objective === 'binary:logistic' && hp.base_score !== undefined && (hp.base_score <= 0 || hp.base_score >= 1)) {
    throw new InvalidArgumentError(`hyperparameter base_score must be in (0, 1) for binary:logistic, got ${hp.base_score}`);
  }
  if (hp.objective === 'count:poisson' && hp.base_score !== undefined && hp.base_score <= 0) {
    throw new InvalidArgumentError(`hyperparameter base_score must be > 0 for count:poisson, got ${hp.base_score}`);
  }
  return hp;
}
