import type { EvalMetric, Objective } from './types.js';

/** The metric XGBoost reports by default for an objective (within the metrics driftline has). */
export function defaultMetric(objective: Objective): EvalMetric {
  if (objective === 'binary:logistic') return 'logloss';
  if (objective === 'reg:absoluteerror') return 'mae';
  return 'rmse';
}

/** True when a larger value of the metric is better. */
export function maximizes(metric: EvalMetric): boolean {
  return metric === 'auc';
}

/** Evaluates `metric` on predictions in output space. */
export function evaluate(metric: EvalMetric, pred: Float64Array, label: Float64Array): number {
  const n = pred.length;
  if (n === 0) return NaN;
  switch (metric) {
    case 'rmse': {
      let s = 0;
      for (let i = 0; i < n; i++) {
        const d = pred[i]! - label[i]!;
        s += d * d; // not `** 2`: V8 computes that with pow(), several times slower
      }
      return Math.sqrt(s / n);
    }
    case 'mae': {
      let s = 0;
      for (let i = 0; i < n; i++) s += Math.abs(pred[i]! - label[i]!);
      return s / n;
    }
    case 'logloss': {
      const eps = 1e-16;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const p = Math.min(Math.max(pred[i]!, eps), 1 - eps);
        const y = label[i]!;
        s -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
      }
      return s / n;
    }
    case 'error': {
      let wrong = 0;
      for (let i = 0; i < n; i++) if ((pred[i]! > 0.5 ? 1 : 0) !== (label[i]! > 0.5 ? 1 : 0)) wrong++;
      return wrong / n;
    }
    case 'auc':
      return auc(pred, label);
  }
}

/** Area under the ROC curve by ranks, ties sharing their average rank. */
function auc(pred: Float64Array, label: Float64Array): number {
  const n = pred.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pred[a]! - pred[b]!);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && pred[order[j + 1]!] === pred[order[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (label[order[k]!]! > 0.5) {
        rankSumPos += avgRank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}
