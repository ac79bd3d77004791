export * from './types.js';
export { KllSketch, ksDistance, robustDistance, KLL_DEFAULTS } from './kll-sketch.js';
export { ColumnProfile } from './column-profile.js';
export { DatasetProfile } from './dataset-profile.js';
export { toStatistics, inferType, kllBuckets } from './statistics.js';
export { suggestConstraints } from './suggest-constraints.js';
export type { TableReader, TableBatch, ColumnChunk } from './table-reader.js';
export { BaselineService, type BaselineDeps } from './baseline-service.js';
export { parseStatistics, parseConstraints, effectiveConfig } from './monitor-files.js';
