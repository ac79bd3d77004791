import { InvalidArgumentError } from '../core/errors.js';
import type { Objective } from './types.js';

/**
 * The starting margin of every prediction, from `baseScore` in output space (rounded to float32
 * as XGBoost stores it): logit for binary:logistic, log for count:poisson, itself otherwise, each
 * step rounded to float32 as XGBoost computes it.
 * Throws InvalidArgumentError when the score is outside the objective's range.
 */
export function baseMarginOf(objective: Objective, baseScore: number): number {
  const score = Math.fround(baseScore);
  if (!Number.isFinite(score)) throw new InvalidArgumentError(`base score ${baseScore} is not a finite float32`);
  switch (objective) {
    case 'binary:logistic':
      if (!(score > 0 && score < 1)) throw new InvalidArgumentError(`base score ${baseScore} must be in (0, 1) for binary:logistic`);
      return Math.fround(-Math.log(Math.fround(Math.fround(1 / score) - 1)));
    case 'count:poisson':
      if (!(score > 0)) throw new InvalidArgumentError(`base score ${baseScore} must be positive for count:poisson`);
      return Math.fround(Math.log(score));
    default:
      return score;
  }
}

/** XGBoost's sigmoid clamps -x at 88.7f so that exp stays finite in float32. */
const SIGMOID_CLAMP = Math.fround(88.7);

/** Turns a margin into the objective's output: sigmoid for binary:logistic, exp for count:poisson, identity otherwise (in float32 steps, as XGBoost). */
export function marginToOutput(objective: Objective, margin: number): number {
  switch (objective) {
    case 'binary:logistic':
      return Math.fround(1 / Math.fround(Math.fround(Math.exp(Math.min(-margin, SIGMOID_CLAMP))) + 1));
    case 'count:poisson':
      return Math.fround(Math.exp(margin));
    default:
      return Math.fround(margin);
  }
}
