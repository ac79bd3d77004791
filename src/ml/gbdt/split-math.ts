/** The regularisation settings the split maths needs. */
export interface SplitParams {
  readonly lambda: number;
  readonly alpha: number;
  readonly minChildWeight: number;
  readonly gamma: number;
  /** 0: no clipping of leaf weights. */
  readonly maxDeltaStep: number;
}

/** XGBoost's soft threshold of the gradient sum by alpha (L1). */
export function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

/** The optimal leaf weight for gradient sum `g` and hessian sum `h` (before the learning rate). */
export function leafWeight(g: number, h: number, p: SplitParams): number {
  if (h < p.minChildWeight || h <= 0) return 0;
  let w = -thresholdL1(g, p.alpha) / (h + p.lambda);
  if (p.maxDeltaStep !== 0 && Math.abs(w) > p.maxDeltaStep) w = Math.sign(w) * p.maxDeltaStep;
  return w;
}

/** The structure score of a node: -2 × its minimal loss (XGBoost's CalcGain). */
export function nodeGain(g: number, h: number, p: SplitParams): number {
  if (h < p.minChildWeight || h <= 0) return 0;
  if (p.maxDeltaStep === 0) {
    const t = thresholdL1(g, p.alpha);
    return (t * t) / (h + p.lambda);
  }
  const w = leafWeight(g, h, p);
  return -(2 * g * w + (h + p.lambda) * w * w + 2 * p.alpha * Math.abs(w));
}
