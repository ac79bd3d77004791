export { javaDouble } from './java-double.js';
export {
  REGRESSION_METRICS,
  MIN_ROWS_FOR_STD,
  STD_SAMPLES,
  STD_SAMPLE_FRACTION,
  DEFAULT_STD_SEED,
  regressionValues,
  regressionMetrics,
  sampleStd,
  type RegressionMetricName,
  type RegressionValues,
  type MetricEstimate,
} from './regression-metrics.js';
export * from './model-quality-files.js';
