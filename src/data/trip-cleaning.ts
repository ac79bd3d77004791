import { UNREADABLE_NUMBER, UNREADABLE_TIME } from './trip-reader.js';
import type { CleaningRule } from './types.js';

/** The sample's cleaning limits (exclusive bounds). */
export const CLEANING_LIMITS = {
  fareAmount: { min: 0, max: 200 },
  durationMinutes: { min: 0, max: 120 },
  geoDistanceKm: { min: 0, max: 121 },
} as const;

/**
 * The values a row is judged on; NaN is missing. `geoDistance` is NaN when a zone has no centroid.
 * `unreadable` holds the reader's UNREADABLE_NUMBER / UNREADABLE_TIME bits (values present but not
 * a number or a time).
 */
export interface TripCandidate {
  fareAmount: number;
  passengerCount: number;
  pickupZone: number;
  dropoffZone: number;
  hour: number;
  weekday: number;
  month: number;
  durationMinutes: number;
  zonesKnown: boolean;
  geoDistance: number;
  unreadable: number;
}

/** Returns the first cleaning rule the trip fails, or undefined when it is kept. */
export function firstFailedRule(t: TripCandidate): CleaningRule | undefined {
  if (
    (t.unreadable & UNREADABLE_NUMBER) !== 0 ||
    isInfinite(t.fareAmount) ||
    isInfinite(t.passengerCount) ||
    isInfinite(t.pickupZone) ||
    isInfinite(t.dropoffZone)
  ) {
    return 'non_numeric_value';
  }
  if ((t.unreadable & UNREADABLE_TIME) !== 0) return 'invalid_timestamp';
  if (
    Number.isNaN(t.fareAmount) ||
    Number.isNaN(t.passengerCount) ||
    Number.isNaN(t.pickupZone) ||
    Number.isNaN(t.dropoffZone) ||
    Number.isNaN(t.hour) ||
    Number.isNaN(t.weekday) ||
    Number.isNaN(t.month) ||
    Number.isNaN(t.durationMinutes)
  ) {
    return 'missing_value';
  }
  if (!t.zonesKnown) return 'unknown_zone';
  const { fareAmount, durationMinutes, geoDistanceKm } = CLEANING_LIMITS;
  if (!(t.fareAmount > fareAmount.min && t.fareAmount < fareAmount.max)) return 'fare_out_of_range';
  if (!(t.passengerCount > 0)) return 'passenger_count_not_positive';
  if (!(t.durationMinutes > durationMinutes.min && t.durationMinutes < durationMinutes.max)) return 'duration_out_of_range';
  if (!(t.geoDistance > geoDistanceKm.min && t.geoDistance < geoDistanceKm.max)) return 'geo_distance_out_of_range';
  return undefined;
}

function isInfinite(x: number): boolean {
  return x === Infinity || x === -Infinity;
}
