/** One column of a batch: numbers (NaN = missing) with their kind, or raw text (null = missing). */
export type ColumnChunk =
  { readonly kind: 'integral' | 'fractional'; readonly values: Float64Array } | { readonly kind: 'text'; readonly values: readonly (string | null)[] };

/**
 * A batch of rows, column by column. Wide files may come in column groups: `columns[i]` is column
 * `firstColumn + i`, and only the batches of the first group count rows (`countsRows`).
 */
export interface TableBatch {
  readonly length: number;
  readonly firstColumn: number;
  readonly countsRows: boolean;
  readonly columns: readonly ColumnChunk[];
}

/**
 * Streams a CSV or Parquet file in batches, in one pass. Adapter: `DuckDbTableReader`.
 * CSV cells come as text (types are inferred from the text, as Model Monitor does); Parquet
 * numeric columns come as numbers of their declared kind. Without a header, columns are named
 * `_c0`, `_c1`… like Spark. Wide Parquet files are read a column group at a time, so memory stays
 * bounded by the group, each column still read once. A missing file throws NotFoundError; an unreadable one InvalidArgumentError.
 */
export interface TableReader {
  open(file: string, options: { header: boolean }): Promise<{ columns: string[]; batches: AsyncIterable<TableBatch> }>;
}
