import type { ZoneCentroid } from './types.js';

/**
 * The kept trips of a prepare run, column-major, in FEATURE_COLUMNS order. Coordinates are stored as
 * zone indices (there are only a few hundred zones), so each row formats from cached strings.
 * Recorded values (fare, passenger count) are written exactly as read: passenger counts sit in bytes
 * while they are small whole numbers, and the column widens to doubles at the first one that is not.
 */
export class FeatureTable {
  private size = 0;
  private fare: Float64Array;
  private passengers: Uint8Array | Float64Array;
  private pickup: Uint16Array;
  private dropoff: Uint16Array;
  private distance: Float64Array;
  private time: Uint8Array; // hour, weekday, month interleaved
  private readonly zoneText: string[];
  private readonly distanceText = new Map<number, string>();
  private readonly fareText = new Map<number, string>();

  /** `zones[i]` is the centroid that zone index `i` stands for. */
  constructor(
    private readonly zones: readonly ZoneCentroid[],
    initialCapacity = 1 << 16,
  ) {
    this.fare = new Float64Array(initialCapacity);
    this.passengers = new Uint8Array(initialCapacity);
    this.pickup = new Uint16Array(initialCapacity);
    this.dropoff = new Uint16Array(initialCapacity);
    this.distance = new Float64Array(initialCapacity);
    this.time = new Uint8Array(initialCapacity * 3);
    this.zoneText = zones.map((z) => `${formatNumber(z.latitude, 6)},${formatNumber(z.longitude, 6)}`);
  }

  get rows(): number {
    return this.size;
  }

  /** Appends one kept trip. */
  push(fare: number, passengers: number, pickupIndex: number, dropoffIndex: number, distanceKm: number, hour: number, weekday: number, month: number): void {
    if (this.size === this.fare.length) this.grow();
    const i = this.size++;
    this.fare[i] = fare;
    if (this.passengers instanceof Uint8Array && !(Number.isInteger(passengers) && passengers >= 0 && passengers <= 255)) {
      this.passengers = Float64Array.from(this.passengers);
    }
    this.passengers[i] = passengers;
    this.pickup[i] = pickupIndex;
    this.dropoff[i] = dropoffIndex;
    this.distance[i] = distanceKm;
    this.time[i * 3] = hour;
    this.time[i * 3 + 1] = weekday;
    this.time[i * 3 + 2] = month;
  }

  /** Row `i` as a CSV line (no newline), with fixed rounding so output is byte-stable. */
  formatRow(i: number): string {
    const pu = this.pickup[i]!;
    const dz = this.dropoff[i]!;
    const pair = pu * 65536 + dz;
    let dist = this.distanceText.get(pair);
    if (dist === undefined) {
      dist = formatNumber(this.distance[i]!, 4);
      this.distanceText.set(pair, dist);
    }
    const f = this.fare[i]!;
    let fare = this.fareText.get(f);
    if (fare === undefined) {
      fare = String(f);
      this.fareText.set(f, fare);
    }
    const t = i * 3;
    return `${fare},${this.passengers[i]},${this.zoneText[pu]},${this.zoneText[dz]},${dist},${this.time[t]},${this.time[t + 1]},${this.time[t + 2]}`;
  }

  private grow(): void {
    const cap = this.fare.length * 2;
    const grown = <T extends Float64Array | Uint8Array | Uint16Array>(a: T, make: (n: number) => T, factor = 1): T => {
      const b = make(cap * factor);
      b.set(a);
      return b;
    };
    this.fare = grown(this.fare, (n) => new Float64Array(n));
    this.passengers =
      this.passengers instanceof Uint8Array ? grown(this.passengers, (n) => new Uint8Array(n)) : grown(this.passengers, (n) => new Float64Array(n));
    this.pickup = grown(this.pickup, (n) => new Uint16Array(n));
    this.dropoff = grown(this.dropoff, (n) => new Uint16Array(n));
    this.distance = grown(this.distance, (n) => new Float64Array(n));
    this.time = grown(this.time, (n) => new Uint8Array(n), 3);
  }
}

/** Shortest decimal form of `x` rounded to `decimals` places. */
export function formatNumber(x: number, decimals: number): string {
  if (decimals === 0) return String(Math.round(x));
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  return String(Object.is(r, -0) ? 0 : r);
}
