import type { ModelPackage } from './types.js';

/** Metric values by name (`rmse`, `r2`, `mae`…), read from a version's model quality statistics. */
export type ModelQualityMetrics = Readonly<Record<string, number>>;

/**
 * The metric values of a model quality statistics file (the JSON `ModelMetrics.ModelQuality.Statistics`
 * points at, e.g. the build pipeline's evaluation.json: `{"regression_metrics": {"rmse": {"value": 3.4,
 * "standard_deviation": 0.1}, …}}`; `binary_classification_metrics` and `multiclass_classification_metrics`
 * likewise), by metric name; undefined when the text is not such a file.
 */
export function parseModelQualityMetrics(text: string): ModelQualityMetrics | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined;
  const out: Record<string, number> = {};
  for (const [section, metrics] of Object.entries(doc)) {
    if (!section.endsWith('_metrics') || typeof metrics !== 'object' || metrics === null) continue;
    for (const [name, metric] of Object.entries(metrics as Record<string, unknown>)) {
      const value = typeof metric === 'object' && metric !== null ? (metric as { value?: unknown }).value : undefined;
      if (typeof value === 'number' && Number.isFinite(value) && !(name in out)) out[name] = value;
    }
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The URI of a version's model quality statistics (what `parseModelQualityMetrics` reads), if it has one. */
export function modelQualityStatisticsUri(pkg: ModelPackage): string | undefined {
  return pkg.modelMetrics.ModelQuality?.Statistics?.S3Uri;
}
