import { FEATURE_COLUMNS } from './types.js';

const COLUMN_DECIMALS: readonly (number | undefined)[] = [
  undefined, // fare_amount: as recorded
  0, // passenger_count
  6, // pickup_latitude (~0.1 m)
  6,
  6,
  6,
  4, // geo_distance km (0.1 m)
  0,
  0,
  0,
];

/** A growable column-major table of the prepared features, in FEATURE_COLUMNS order. */
export class FeatureTable {
  private columns: Float64Array[];
  private size = 0;

  constructor(initialCapacity = 1 << 16) {
    this.columns = FEATURE_COLUMNS.map(() => new Float64Array(initialCapacity));
  }

  get rows(): number {
    return this.size;
  }

  /** Appends one row; `values` follows FEATURE_COLUMNS. */
  push(values: readonly number[]): void {
    if (this.size === this.columns[0]!.length) this.grow();
    for (let c = 0; c < this.columns.length; c++) this.columns[c]![this.size] = values[c]!;
    this.size++;
  }

  /** Formats row `i` as a CSV line (no newline), with fixed rounding so output is byte-stable. */
  formatRow(i: number): string {
    let line = '';
    for (let c = 0; c < this.columns.length; c++) {
      if (c > 0) line += ',';
      line += formatNumber(this.columns[c]![i]!, COLUMN_DECIMALS[c]);
    }
    return line;
  }

  /** The value of column `c` in row `i`. */
  value(i: number, c: number): number {
    return this.columns[c]![i]!;
  }

  private grow(): void {
    this.columns = this.columns.map((col) => {
      const bigger = new Float64Array(col.length * 2);
      bigger.set(col);
      return bigger;
    });
  }
}

/** Shortest decimal form of `x` rounded to `decimals` places (or as is), never in exponent notation for our ranges. */
export function formatNumber(x: number, decimals: number | undefined): string {
  if (decimals === undefined) return String(x);
  if (decimals === 0) return String(Math.round(x));
  const f = 10 ** decimals;
  const r = Math.round(x * f) / f;
  return String(Object.is(r, -0) ? 0 : r);
}
