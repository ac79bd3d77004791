import { DEFAULT_MONITORING_CONFIG, type ConstraintsFile, type FeatureConstraints, type StatisticsFile } from './types.js';

/** String columns with at most this many distinct values get a suggested domain. */
export const MAX_DOMAIN_SIZE = 20;

/** Suggests constraints.json from baseline statistics, with the defaults the service writes. */
export function suggestConstraints(stats: StatisticsFile): ConstraintsFile {
  const total = stats.dataset.item_count;
  const features: FeatureConstraints[] = stats.features.map((f) => {
    const common = f.numerical_statistics?.common ?? f.string_statistics?.common;
    const completeness = common && total > 0 ? common.num_present / total : 0;
    if (f.numerical_statistics) {
      return { name: f.name, inferred_type: f.inferred_type, completeness, num_constraints: { is_non_negative: f.numerical_statistics.min >= 0 } };
    }
    const s = f.string_statistics;
    if (s?.distribution && s.distinct_count <= MAX_DOMAIN_SIZE) {
      return {
        name: f.name,
        inferred_type: f.inferred_type,
        completeness,
        string_constraints: { domains: s.distribution.categorical.buckets.map((b) => b.value) },
      };
    }
    return { name: f.name, inferred_type: f.inferred_type, completeness };
  });
  return { version: 0.0, features, monitoring_config: DEFAULT_MONITORING_CONFIG };
}
