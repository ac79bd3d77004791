import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstFailedRule, type TripCandidate } from './trip-cleaning.js';
import { UNREADABLE_NUMBER, UNREADABLE_TIME } from './trip-reader.js';

const good: TripCandidate = {
  fareAmount: 12.5,
  passengerCount: 1,
  pickupZone: 74,
  dropoffZone: 75,
  hour: 7,
  weekday: 0,
  month: 1,
  durationMinutes: 9,
  zonesKnown: true,
  geoDistance: 1.2,
  unreadable: 0,
};

describe('firstFailedRule', () => {
  it('keeps a clean trip', () => assert.equal(firstFailedRule(good), undefined));

  it('applies the sample rules with exclusive bounds, first failure wins', () => {
    const cases: [Partial<TripCandidate>, string | undefined][] = [
      [{ passengerCount: NaN }, 'missing_value'],
      [{ durationMinutes: NaN, fareAmount: -1 }, 'missing_value'],
      [{ zonesKnown: false, geoDistance: NaN }, 'unknown_zone'],
      [{ fareAmount: 0 }, 'fare_out_of_range'],
      [{ fareAmount: 200 }, 'fare_out_of_range'],
      [{ fareAmount: 199.99 }, undefined],
      [{ passengerCount: 0 }, 'passenger_count_not_positive'],
      [{ durationMinutes: 0 }, 'duration_out_of_range'],
      [{ durationMinutes: 120 }, 'duration_out_of_range'],
      [{ durationMinutes: 119.9 }, undefined],
      [{ geoDistance: 0 }, 'geo_distance_out_of_range'],
      [{ geoDistance: 121 }, 'geo_distance_out_of_range'],
      [{ fareAmount: 500, passengerCount: 0 }, 'fare_out_of_range'],
      [{ unreadable: UNREADABLE_NUMBER, fareAmount: NaN }, 'non_numeric_value'],
      [{ unreadable: UNREADABLE_NUMBER | UNREADABLE_TIME, fareAmount: NaN, hour: NaN }, 'non_numeric_value'],
      [{ passengerCount: Infinity }, 'non_numeric_value'],
      [{ fareAmount: -Infinity }, 'non_numeric_value'],
      [{ unreadable: UNREADABLE_TIME, hour: NaN, durationMinutes: NaN }, 'invalid_timestamp'],
      [{ passengerCount: 300 }, undefined],
    ];
    for (const [change, expected] of cases) {
      assert.equal(firstFailedRule({ ...good, ...change }), expected, JSON.stringify(change));
    }
  });
});
