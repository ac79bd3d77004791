export * from './types.js';
export { KllSketch, ksDistance, robustDistance, KLL_DEFAULTS } from './kll-sketch.js';
export { ColumnProfile } from './column-profile.js';
export { DatasetProfile } from './dataset-profile.js';
export { toStatistics, inferType, kllBuckets } from './statistics.js';
export { suggestConstraints } from './suggest-constraints.js';
export type { TableReader, TableBatch, ColumnChunk } from './table-reader.js';
export { BaselineService, type BaselineDeps } from './baseline-service.js';
export { parseStatistics, parseConstraints, effectiveConfig } from './monitor-files.js';
export { analyze } from './analyze.js';
export { AnalysisService, ANALYSIS_RESULT_FILE, type AnalyzeRequest, type AnalysisDeps } from './analysis-service.js';
export * from './analysis-types.js';
export { chiSquaredPValue } from './chi-squared.js';
export { psiAndJs, wasserstein, lInfinity } from './distances.js';
export type { CaptureSource, CaptureLine } from './capture-source.js';
export { recordToRows, type OutputPosition, type CaptureSummary } from './capture-rows.js';
export { renderHtmlReport } from './html-report.js';
export { mergeStatistics } from './merge-statistics.js';
export * from './model-quality/index.js';
export {
  ModelQualityService,
  MODEL_QUALITY_RESULT_FILE,
  resolveColumn,
  type ModelQualityDeps,
  type ModelQualityColumns,
  type ModelQualityBaselineRequest,
  type ModelQualityAnalyzeRequest,
  type ModelQualityCaptureRequest,
  type ModelQualityOutcome,
  type MetricThresholds,
} from './model-quality-service.js';
export * from './ground-truth/index.js';
