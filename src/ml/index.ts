export * from './types.js';
export { parseHyperparameters, DEFAULT_HYPERPARAMETERS, HYPERPARAMETER_NAMES, type Hyperparameters } from './hyperparameters.js';
export { train, type TrainingSet, type TrainOptions } from './trainer.js';
export type { TrainingReport, RoundMetrics, FeatureImportance } from './training-report.js';
export {
  TrainingService,
  regressionMetrics,
  meanAndStd,
  type ColumnSummary,
  type TrainingDeps,
  type TrainRequest,
  type RegressionEvaluation,
} from './training-service.js';
export { replaceLabelColumn } from './replace-label-column.js';
export type { MatrixReader, NumericTable } from './matrix-reader.js';
export { Predictor } from './predictor.js';
export { modelFromXgboostJson, modelToXgboostJson } from './xgboost-json.js';
export { defaultMetric } from './eval-metrics.js';
