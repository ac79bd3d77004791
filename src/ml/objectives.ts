import type { Objective } from './types.js';

/** What boosting needs from an objective. Margins are raw scores; predictions are in output space. */
export interface ObjectiveFunction {
  readonly name: Objective;
  /**
   * Fills the gradient pairs (`gpair[2i]` = gradient, `gpair[2i+1]` = hessian) of rows begin..end-1
   * (default: every row) from the current margins.
   */
  gradients(margin: Float64Array, label: Float64Array, gpair: Float64Array, begin?: number, end?: number): void;
  /** Margin → output space. */
  transform(margin: number): number;
  /** base_score (output space) → margin. */
  baseMargin(baseScore: number): number;
  /** Checks labels; returns a one-line problem or undefined. */
  checkLabels(label: Float64Array): string | undefined;
  /** XGBoost's default max_delta_step for this objective. */
  readonly defaultMaxDeltaStep: number;
  /** True when leaf values are re-estimated after growth (reg:absoluteerror: the median of residuals). */
  readonly refreshLeaves: boolean;
}

/** The identity transform (margins are predictions). */
export const identity = (m: number): number => m;
const sigmoid = (m: number) => 1 / (1 + Math.exp(-m));

/** The objective with XGBoost's gradient and hessian formulas. */
export function objectiveFor(name: Objective, huberSlope = 1, maxDeltaStep = 0.7): ObjectiveFunction {
  switch (name) {
    case 'reg:squarederror':
      return {
        name,
        gradients(m, y, gh, begin = 0, end = m.length) {
          for (let i = begin; i < end; i++) {
            gh[2 * i] = m[i]! - y[i]!;
            gh[2 * i + 1] = 1;
          }
        },
        transform: identity,
        baseMargin: identity,
        checkLabels: () => undefined,
        defaultMaxDeltaStep: 0,
        refreshLeaves: false,
      };
    case 'reg:absoluteerror':
      return {
        name,
        gradients(m, y, gh, begin = 0, end = m.length) {
          for (let i = begin; i < end; i++) {
            const d = m[i]! - y[i]!;
            gh[2 * i] = d > 0 ? 1 : d < 0 ? -1 : 0;
            gh[2 * i + 1] = 1;
          }
        },
        transform: identity,
        baseMargin: identity,
        checkLabels: () => undefined,
        defaultMaxDeltaStep: 0,
        refreshLeaves: true,
      };
    case 'reg:pseudohubererror':
      return {
        name,
        gradients(m, y, gh, begin = 0, end = m.length) {
          const s2 = huberSlope * huberSlope;
          for (let i = begin; i < end; i++) {
            const z = m[i]! - y[i]!;
            const scale = 1 + (z * z) / s2;
            const sq = Math.sqrt(scale);
            gh[2 * i] = z / sq;
            gh[2 * i + 1] = 1 / (scale * sq);
          }
        },
        transform: identity,
        baseMargin: identity,
        checkLabels: () => undefined,
        defaultMaxDeltaStep: 0,
        refreshLeaves: false,
      };
    case 'binary:logistic':
      return {
        name,
        gradients(m, y, gh, begin = 0, end = m.length) {
          for (let i = begin; i < end; i++) {
            const p = sigmoid(m[i]!);
            gh[2 * i] = p - y[i]!;
            gh[2 * i + 1] = Math.max(p * (1 - p), 1e-16);
          }
        },
        transform: sigmoid,
        baseMargin: (b) => -Math.log(1 / b - 1),
        checkLabels: (y) => (y.some((v) => v < 0 || v > 1) ? 'binary:logistic needs labels in [0, 1]' : undefined),
        defaultMaxDeltaStep: 0,
        refreshLeaves: false,
      };
    case 'count:poisson':
      return {
        name,
        gradients(m, y, gh, begin = 0, end = m.length) {
          for (let i = begin; i < end; i++) {
            const p = Math.exp(m[i]!);
            gh[2 * i] = p - y[i]!;
            gh[2 * i + 1] = Math.exp(m[i]! + maxDeltaStep);
          }
        },
        transform: Math.exp,
        baseMargin: Math.log,
        checkLabels: (y) => (y.some((v) => v < 0) ? 'count:poisson needs non-negative labels' : undefined),
        defaultMaxDeltaStep: 0.7,
        refreshLeaves: false,
      };
  }
}
