import { InvalidArgumentError } from '../core/errors.js';
import { ColumnProfile } from './column-profile.js';

/** A mergeable one-pass profile of a whole dataset: the row count and one profile per column. */
export class DatasetProfile {
  itemCount = 0;
  readonly columns: ColumnProfile[];

  constructor(names: readonly string[]) {
    this.columns = names.map((n) => new ColumnProfile(n));
  }

  /** Adds a profile of another shard with the same columns. */
  merge(other: DatasetProfile): void {
    if (other.columns.length !== this.columns.length || other.columns.some((c, i) => c.name !== this.columns[i]!.name)) {
      throw new InvalidArgumentError('cannot merge profiles of datasets with different columns');
    }
    this.itemCount += other.itemCount;
    other.columns.forEach((c, i) => this.columns[i]!.merge(c));
  }
}

/**
 * Names for the columns of headerless data and capture, matched by position as the analyzer does:
 * column i takes the baseline's i-th name; columns past the baseline's are `_c<i>` (made unique).
 */
export function positionalNames(count: number, baselineNames: readonly string[]): string[] {
  const taken = new Set(baselineNames.slice(0, count));
  return Array.from({ length: count }, (_, i) => {
    if (i < baselineNames.length) return baselineNames[i]!;
    let name = `_c${i}`;
    while (taken.has(name)) name = `_${name}`;
    taken.add(name);
    return name;
  });
}
