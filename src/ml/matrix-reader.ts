/** A numeric table read from a file: row-major features (NaN = missing) and, when asked, labels. */
export interface NumericTable {
  readonly data: Float64Array;
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
}
