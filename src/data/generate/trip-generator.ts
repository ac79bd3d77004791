import type { Random } from '../../core/random.js';
import { beta, logNormal, WeightedSampler } from '../../core/random-distributions.js';
import { geoDistanceKm } from '../geo-distance.js';
import type { ZoneCentroid } from '../types.js';
import { CALIBRATION } from './calibration.js';
import { FARE_INCREASE_FACTOR, NOTEBOOK_DISTANCE, NOTEBOOK_PASSENGER_WEIGHTS, type DriftPreset } from './drift-presets.js';

/** One synthetic trip in TLC's green schema (null where TLC leaves a value empty). */
export interface GreenTrip {
  VendorID: number;
  lpep_pickup_datetime: string;
  lpep_dropoff_datetime: string;
  store_and_fwd_flag: string;
  RatecodeID: number | null;
  PULocationID: number;
  DOLocationID: number;
  passenger_count: number | null;
  trip_distance: number;
  fare_amount: number;
  extra: number;
  mta_tax: number;
  tip_amount: number;
  tolls_amount: number;
  ehail_fee: null;
  improvement_surcharge: number;
  total_amount: number;
  payment_type: number | null;
  trip_type: number | null;
  congestion_surcharge: number;
}

/** The green schema's column order. */
export const GREEN_COLUMNS = [
  'VendorID',
  'lpep_pickup_datetime',
  'lpep_dropoff_datetime',
  'store_and_fwd_flag',
  'RatecodeID',
  'PULocationID',
  'DOLocationID',
  'passenger_count',
  'trip_distance',
  'fare_amount',
  'extra',
  'mta_tax',
  'tip_amount',
  'tolls_amount',
  'ehail_fee',
  'improvement_surcharge',
  'total_amount',
  'payment_type',
  'trip_type',
  'congestion_surcharge',
] as const satisfies readonly (keyof GreenTrip)[];

/** The zones the generator knows (TLC's 263 polygons' centroids). */
export function calibratedZones(): ZoneCentroid[] {
  return CALIBRATION.zones.map(([locationId, latitude, longitude]) => ({ locationId, latitude, longitude }));
}

/**
 * Generates synthetic green-taxi trips for one month from the calibrated parameters: pickup zone by
 * popularity, dropoff zone by a gravity model, time by hour and weekday profiles, route miles from
 * the straight-line distance and a log-normal detour, duration from hourly speeds, fare from a fitted
 * linear tariff with log-normal noise. Deterministic for a given random source.
 */
export class TripGenerator {
  private readonly zones = calibratedZones();
  private readonly index = new Map(this.zones.map((z, i) => [z.locationId, i]));
  private readonly pickup = new WeightedSampler(this.zones.map((z) => CALIBRATION.pickupWeights[z.locationId] ?? 0));
  private readonly hour = new WeightedSampler(CALIBRATION.hourWeights);
  private readonly passengers = new WeightedSampler(CALIBRATION.passengerWeights);
  private readonly notebookPassengers = new WeightedSampler(NOTEBOOK_PASSENGER_WEIGHTS);
  private readonly gravity = new Map<number, WeightedSampler>();
  private readonly byDistance = new Map<number, { order: Int32Array; km: Float64Array }>();

  constructor(private readonly drift: DriftPreset) {}

  /** `rows` trips with pickups in `month` (`YYYY-MM`). */
  *trips(month: string, rows: number, r: Random): Generator<GreenTrip> {
    const [year, mon] = month.split('-').map(Number) as [number, number];
    const days = new Date(Date.UTC(year, mon, 0)).getUTCDate();
    const dayWeights = Array.from({ length: days }, (_, d) => {
      const isoDow = (new Date(Date.UTC(year, mon - 1, d + 1)).getUTCDay() + 6) % 7;
      return CALIBRATION.weekdayWeights[isoDow]!;
    });
    const day = new WeightedSampler(dayWeights);
    for (let i = 0; i < rows; i++) yield this.trip(year, mon, day, r);
  }

  private trip(year: number, mon: number, day: WeightedSampler, r: Random): GreenTrip {
    const c = CALIBRATION;
    const hour = this.hour.sample(r);
    const pickupMs = Date.UTC(year, mon - 1, day.sample(r) + 1, hour, r.int(60), r.int(60));
    const pu = this.zones[this.pickup.sample(r)]!;
    const dropoff = this.dropoffFor(pu, r);
    const km = geoDistanceKm(pu.latitude, pu.longitude, dropoff.latitude, dropoff.longitude);
    const miles = dropoff === pu ? logNormal(r, c.sameZoneMilesLogMean, c.sameZoneMilesLogSd) : (km / 1.609344) * logNormal(r, c.detourLogMean, c.detourLogSd);
    const mph = c.speedMphByHour[hour]! * logNormal(r, 0, c.speedLogSd);
    const minutes = Math.max(1, (miles / mph) * 60);
    const dropoffMs = pickupMs + Math.round(minutes * 60) * 1000;

    let fare = (c.fareIntercept + c.farePerMile * miles + c.farePerMinute * minutes) * logNormal(r, c.fareLogMean, c.fareLogSd);
    if (this.drift === 'fare-increase') fare *= FARE_INCREASE_FACTOR;
    fare = Math.max(2.5, Math.round(fare * 2) / 2);
    if (r.next() < c.badFareRate) fare = r.next() < 0.5 ? 0 : -fare;

    const streetHail = r.next() >= c.nullPassengerRate;
    let passengers: number | null = null;
    if (streetHail) passengers = this.drift === 'notebook' ? this.notebookPassengers.sample(r) : this.passengers.sample(r);
    const payment = streetHail ? (r.next() < 0.6 ? 1 : 2) : null;
    const extra = hour >= 16 && hour < 20 ? 1 : hour >= 20 || hour < 6 ? 0.5 : 0;
    const tip = payment === 1 && fare > 0 ? Math.round(fare * (0.15 + 0.1 * r.next()) * 100) / 100 : 0;
    const congestion = r.next() < 0.2 ? 2.75 : 0;
    const total = Math.round((fare + extra + 0.5 + tip + 0.3 + congestion) * 100) / 100;
    return {
      VendorID: r.next() < 0.9 ? 2 : 1,
      lpep_pickup_datetime: timestamp(pickupMs),
      lpep_dropoff_datetime: timestamp(dropoffMs),
      store_and_fwd_flag: 'N',
      RatecodeID: streetHail ? 1 : null,
      PULocationID: pu.locationId,
      DOLocationID: dropoff.locationId,
      passenger_count: passengers,
      trip_distance: Math.round(miles * 100) / 100,
      fare_amount: fare,
      extra,
      mta_tax: 0.5,
      tip_amount: tip,
      tolls_amount: 0,
      ehail_fee: null,
      improvement_surcharge: 0.3,
      total_amount: total,
      payment_type: payment,
      trip_type: streetHail ? 1 : null,
      congestion_surcharge: congestion,
    };
  }

  private dropoffFor(pu: ZoneCentroid, r: Random): ZoneCentroid {
    if (this.drift === 'notebook') {
      const target = NOTEBOOK_DISTANCE.scaleKm * beta(r, NOTEBOOK_DISTANCE.alpha, NOTEBOOK_DISTANCE.beta);
      return this.nearestAtDistance(pu, target);
    }
    if (r.next() < CALIBRATION.sameZoneRate) return pu;
    let sampler = this.gravity.get(pu.locationId);
    if (!sampler) {
      sampler = new WeightedSampler(
        this.zones.map((z) =>
          z === pu
            ? 0
            : (CALIBRATION.dropoffWeights[z.locationId] ?? 0) *
              Math.exp(-geoDistanceKm(pu.latitude, pu.longitude, z.latitude, z.longitude) / CALIBRATION.gravityLambdaKm),
        ),
      );
      this.gravity.set(pu.locationId, sampler);
    }
    return this.zones[sampler.sample(r)]!;
  }

  /** The zone whose centroid is nearest to `targetKm` away from `pu` (clamped to the city's extent). */
  private nearestAtDistance(pu: ZoneCentroid, targetKm: number): ZoneCentroid {
    let table = this.byDistance.get(pu.locationId);
    if (!table) {
      const others = this.zones
        .filter((z) => z !== pu)
        .map((z) => ({ i: this.index.get(z.locationId)!, km: geoDistanceKm(pu.latitude, pu.longitude, z.latitude, z.longitude) }))
        .sort((a, b) => a.km - b.km);
      table = { order: Int32Array.from(others.map((o) => o.i)), km: Float64Array.from(others.map((o) => o.km)) };
      this.byDistance.set(pu.locationId, table);
    }
    let lo = 0;
    let hi = table.km.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (table.km[mid]! < targetKm) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0 && Math.abs(table.km[lo - 1]! - targetKm) < Math.abs(table.km[lo]! - targetKm)) lo--;
    return this.zones[table.order[lo]!]!;
  }
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
