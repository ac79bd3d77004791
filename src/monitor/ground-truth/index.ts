export { parseGroundTruthLabel, labelValues, groundTruthLine, EVENT_ID, type GroundTruthLabel } from './ground-truth-record.js';
export { mergeGroundTruth, type MergeRequest, type MergeSummary, type MergeResult, type MergedLineSink } from './merge-ground-truth.js';
export {
  GroundTruthService,
  MAX_LABELS_PER_BATCH,
  type GroundTruthDeps,
  type GroundTruthLocations,
  type IngestResult,
  type ReconcileReport,
  type TrainingDataExport,
} from './ground-truth-service.js';
export { parseLabelBatch, labelsOf } from './label-batch.js';
