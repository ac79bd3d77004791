/** One column of a batch: numbers (NaN = missing) with their kind, or raw text (null = missing). */
export type ColumnChunk =
  | { readonly kind: 'integral' | 'fractional'; readonly values: Float64Array }
  | { readonly kind: 'text'; readonly values: readonly (string | null)[] };

/** A batch of rows, column by column. */
export interface TableBatch {
  readonly length: number;
  readonly columns: readonly ColumnChunk[];
}

/**
 * Streams a CSV or Parquet file in batches, in one pass. Adapter: `DuckDbTableReader`.
 * CSV cells come as text (types are inferred from the text, as Model Monitor does); Parquet
 * numeric columns come as numbers of their declared kind. Without a header, columns are named
 * `_c0`, `_c1`… like Spark. A missing file throws NotFoundError; an unreadable one InvalidArgumentError.
 */
export interface TableReader {
  open(file: string, options: { header: boolean }): Promise<{ columns: string[]; batches: AsyncIterable<TableBatch> }>;
}
