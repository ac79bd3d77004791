/** The feature columns of a prepared dataset, in the exact order the sample writes them (label first). */
export const FEATURE_COLUMNS = [
  'fare_amount',
  'passenger_count',
  'pickup_latitude',
  'pickup_longitude',
  'dropoff_latitude',
  'dropoff_longitude',
  'geo_distance',
  'hour',
  'weekday',
  'month',
] as const;
export type FeatureColumn = (typeof FEATURE_COLUMNS)[number];

/** The label column. */
export const LABEL_COLUMN: FeatureColumn = 'fare_amount';

/**
 * The cleaning rules, in the order they are applied; a dropped row counts under its first failed rule.
 * The sample's rules, preceded by two that keep unreadable values apart from missing ones: a number
 * column holding text or an infinite value (`non_numeric_value`), a time that is not a time
 * (`invalid_timestamp`). No rule changes a value: a kept row is written as recorded.
 */
export const CLEANING_RULES = [
  'non_numeric_value',
  'invalid_timestamp',
  'missing_value',
  'unknown_zone',
  'fare_out_of_range',
  'passenger_count_not_positive',
  'duration_out_of_range',
  'geo_distance_out_of_range',
] as const;
export type CleaningRule = (typeof CLEANING_RULES)[number];

/** A zone's centroid in WGS84 degrees. */
export interface ZoneCentroid {
  readonly locationId: number;
  readonly latitude: number;
  readonly longitude: number;
}

/** One file a dataset was built from or consists of. */
export interface DatasetFile {
  readonly role: 'input' | 'output';
  /** Where the file is: a URI (`file:///…`). */
  readonly uri: string;
  readonly sizeBytes: number;
  readonly sha256: string;
  /** Data rows, when known. */
  readonly rows?: number;
}

/** A dataset recorded in the metadata store (a prepared split set, a generated or fetched month). */
export interface Dataset {
  readonly id: string;
  readonly kind: 'prepared' | 'generated' | 'fetched';
  /** Where the dataset lives: a folder URI. */
  readonly uri: string;
  readonly createdAt: number;
  readonly rowCount: number;
  readonly files: readonly DatasetFile[];
  /** Kind-specific details (the prepare report, the generator settings…). */
  readonly details: Readonly<Record<string, unknown>>;
}

/** What `data prepare` reports (written as prepare-report.json). */
export interface PrepareReport {
  /** `features`: a table already in FEATURE_COLUMNS (e.g. an endpoint's captured inputs joined with their ground truth). */
  readonly inputs: readonly { readonly file: string; readonly rows: number; readonly schema: 'green' | 'yellow' | 'features'; readonly sha256: string }[];
  /** Absent for a features table (its coordinates are already there). */
  readonly zones?: { readonly file: string; readonly source: 'shapefile' | 'csv'; readonly zones: number };
  readonly rowsRead: number;
  readonly rowsKept: number;
  readonly rowsDropped: Readonly<Record<CleaningRule, number>>;
  readonly splits: { readonly train: number; readonly validation: number; readonly test: number; readonly baseline: number };
  readonly seed: number;
  readonly columns: readonly FeatureColumn[];
  readonly seconds: number;
}
