import type { GreenTrip } from './generate/trip-generator.js';

/** The file formats trips can be written in. */
export type TripFileFormat = 'parquet' | 'csv';

/**
 * Writes trips in TLC's green schema (Parquet with TLC's column types, or CSV with a header).
 * Adapter: `DuckDbTripFileWriter`. Returns the number of rows written; leaves no temporary file.
 */
export interface TripFileWriter {
  write(file: string, format: TripFileFormat, trips: Iterable<GreenTrip>, onRows?: (n: number) => void): Promise<number>;
}
