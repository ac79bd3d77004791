/** Row-major features: float64, or float32 for training (`MatrixReader.readFeatures32`). */
export type FeatureArray = Float64Array | Float32Array;

/** A numeric table read from a file: row-major features (NaN = missing) and, when asked, labels. */
export interface NumericTable<Data extends FeatureArray = Float64Array> {
  readonly data: Data;
  readonly rows: number;
  readonly cols: number;
  /** Labels (the first column) when read with `labelFirst`. */
  readonly label?: Float64Array;
  /** Header names of the feature columns, when the file has a header. */
  readonly columns?: readonly string[];
}

/**
 * Reads numeric CSV files (SageMaker's built-in XGBoost layout: label first, no header) and Parquet
 * files. Adapters: `CsvMatrixReader`, `ParquetMatrixReader`, `FileMatrixReader` (by extension).
 * Empty feature cells are missing values. A missing file throws
 * `NotFoundError`; an empty file, ragged rows, non-numeric cells or a missing label throw
 * `InvalidArgumentError` naming the file, line and column.
 */
export interface MatrixReader {
  read(file: string, options: { labelFirst: boolean; header: boolean }): Promise<NumericTable>;
  /**
   * Like `read`, with the features as float32 when the reader can (training: binning compares
   * float32 values, so the bins are the same from half the memory); float64 otherwise.
   */
  readFeatures32?(file: string, options: { labelFirst: boolean; header: boolean }): Promise<NumericTable<FeatureArray>>;
}
