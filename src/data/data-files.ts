// The names of the files the data context writes, apart from its services: the CLI shows them
// without importing the services (and their calibration tables).

/** The file layout of a prepared dataset (SageMaker built-in XGBoost channels plus test and baseline). */
export const PREPARED_FILES = {
  train: 'train/train.csv',
  validation: 'validation/validation.csv',
  test: 'test/test.csv',
  baseline: 'baseline/baseline.csv',
  report: 'prepare-report.json',
} as const;

/** The zones file the generator writes beside the trips (accepted by `data prepare --zones`). */
export const GENERATED_ZONES_FILE = 'taxi_zone_centroids.csv';
