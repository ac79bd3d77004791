import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { isAppError, NotFoundError } from '../../core/errors.js';
import type { FeatureArray, MatrixReader, NumericTable } from '../matrix-reader.js';
import { float64Table, parseNumericCsvChunked, type NumericCsvOptions } from './numeric-csv.js';

export { parseNumericCsv } from './numeric-csv.js';

const CHUNK_BYTES = 4 << 20;

/** Reads a whole numeric CSV into typed arrays (parsed from its bytes, read in chunks), with line-precise errors. */
export class CsvMatrixReader implements MatrixReader {
  async read(file: string, options: { labelFirst: boolean; header: boolean }): Promise<NumericTable> {
    return float64Table(this.parse(file, options));
  }

  /** Features as float32 (training). */
  async readFeatures32(file: string, options: { labelFirst: boolean; header: boolean }): Promise<NumericTable<FeatureArray>> {
    return this.parse(file, { ...options, float32: true });
  }

  private parse(file: string, options: NumericCsvOptions): NumericTable<FeatureArray> {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch (err) {
      throw new NotFoundError('CSV file', file, { cause: err });
    }
    try {
      return parseNumericCsvChunked(
        (into, offset, length, position) => readSync(fd, into, offset, length, position),
        () => readFileSync(file),
        file,
        options,
        // 4 MB chunks; a smaller file in one buffer of its size.
        Math.min(CHUNK_BYTES, fstatSync(fd).size + 1),
      );
    } catch (err) {
      // A file that cannot be read (a folder, say) is not found, as before; parse errors go as they are.
      if (!isAppError(err) && (err as NodeJS.ErrnoException).code !== undefined) throw new NotFoundError('CSV file', file, { cause: err });
      throw err;
    } finally {
      closeSync(fd);
    }
  }
}
