/** A batch of raw trips, normalised across TLC schemas. Every array has `length` entries; NaN marks a missing value. */
export interface TripBatch {
  readonly length: number;
  readonly fareAmount: Float64Array;
  readonly passengerCount: Float64Array;
  readonly pickupZone: Float64Array;
  readonly dropoffZone: Float64Array;
  /** Pickup hour 0–23 (local time as TLC records it). */
  readonly hour: Float64Array;
  /** Pickup weekday, Monday = 0 … Sunday = 6 (pandas' convention, as in the sample). */
  readonly weekday: Float64Array;
  /** Pickup month 1–12. */
  readonly month: Float64Array;
  readonly durationMinutes: Float64Array;
  /**
   * Per row, which recorded values were present but could not be read (`UNREADABLE_NUMBER` and
   * `UNREADABLE_TIME` bits): text such as "twelve" in a number column, or a pickup or drop-off time
   * that is not a time. Such a value is NaN in its array, like a missing one, but is not missing.
   */
  readonly unreadable: Uint8Array;
}

/** Bit of `TripBatch.unreadable`: the fare, passenger count or a zone id holds text that is not a number. */
export const UNREADABLE_NUMBER = 1;
/** Bit of `TripBatch.unreadable`: the pickup or drop-off time is not a date and time. */
export const UNREADABLE_TIME = 2;

/** The TLC trip schema a file follows: green (`lpep_*` datetimes) or yellow (`tpep_*`). */
export type TripSchema = 'green' | 'yellow';

/**
 * Reads TLC trip files (Parquet or CSV). Adapter: `DuckDbTripReader`.
 * - `inspect` checks the columns and counts rows; a missing file throws `NotFoundError`, a file that
 *   is not readable or lacks the trip columns throws `InvalidArgumentError` naming the file and the problem;
 * - `read` yields the file's rows in file order, in batches.
 */
export interface TripReader {
  inspect(file: string): Promise<{ schema: TripSchema; rows: number }>;
  read(file: string, schema: TripSchema): AsyncIterable<TripBatch>;
}
