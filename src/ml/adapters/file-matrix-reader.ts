import type { FeatureArray, MatrixReader, NumericTable } from '../matrix-reader.js';
import { CsvMatrixReader } from './csv-matrix-reader.js';

/**
 * Reads `.parquet` files with `ParquetMatrixReader` (DuckDB, imported on the first Parquet file) and
 * anything else as CSV.
 */
export class FileMatrixReader implements MatrixReader {
  private readonly csv = new CsvMatrixReader();
  private parquet: MatrixReader | undefined;

  async readFeatures32(file: string, options: { labelFirst: boolean; header: boolean }): Promise<NumericTable<FeatureArray>> {
    return file.toLowerCase().endsWith('.parquet') ? this.read(file, options) : this.csv.readFeatures32(file, options);
  }

  async read(file: string, options: { labelFirst: boolean; header: boolean }): Promise<NumericTable> {
    if (!file.toLowerCase().endsWith('.parquet')) return this.csv.read(file, options);
    this.parquet ??= new (await import('./parquet-matrix-reader.js')).ParquetMatrixReader();
    return this.parquet.read(file, options);
  }
}
