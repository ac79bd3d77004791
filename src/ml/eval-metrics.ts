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
  if (metric === 'auc') return auc(pred, label);
  return finishMetric(metric, metricSum(metric, pred, label, 0, n), n);
}

/** True when `metric` is a mean over rows: its sum can be taken in parts (row shards) and finished once (`metricSum`, `finishMetric`). */
export function decomposable(metric: EvalMetric): boolean {
  return metric !== 'auc';
}

/**
 * The sum over rows `begin..end-1` of a decomposable metric's per-row terms, in row order: squared
 * errors for rmse, absolute errors for mae, log losses, wrong labels. `values` are predictions in
 * output space, or margins when `transform` is given (applied to each). Summed in shard order, the
 * parts of one shard are the whole: `evaluate` is this over all rows.
 */
export function metricSum(
  metric: EvalMetric,
  values: Float64Array,
  label: Float64Array,
  begin: number,
  end: number,
  transform?: (margin: number) => number,
): number {
  if (transform) {
    const pred = new Float64Array(end - begin);
    for (let i = begin; i < end; i++) pred[i - begin] = transform(values[i]!);
    return metricSum(metric, pred, label.subarray(begin, end), 0, end - begin);
  }
  let s = 0;
  switch (metric) {
    case 'rmse':
      for (let i = begin; i < end; i++) {
        const d = values[i]! - label[i]!;
        s += d * d; // not `** 2`: V8 computes that with pow(), several times slower
      }
      return s;
    case 'mae':
      for (let i = begin; i < end; i++) s += Math.abs(values[i]! - label[i]!);
      return s;
    case 'logloss': {
      const eps = 1e-16;
      for (let i = begin; i < end; i++) {
        const p = Math.min(Math.max(values[i]!, eps), 1 - eps);
        const y = label[i]!;
        s -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
      }
      return s;
    }
    case 'error':
      for (let i = begin; i < end; i++) if ((values[i]! > 0.5 ? 1 : 0) !== (label[i]! > 0.5 ? 1 : 0)) s++;
      return s;
    case 'auc':
      throw new Error('auc is not a sum over rows');
  }
}

/** A decomposable metric's value from its sum over `n` rows. */
export function finishMetric(metric: EvalMetric, sum: number, n: number): number {
  if (n === 0) return NaN;
  return metric === 'rmse' ? Math.sqrt(sum / n) : sum / n;
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
