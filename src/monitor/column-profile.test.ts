import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ColumnProfile } from './column-profile.js';
import { DatasetProfile } from './dataset-profile.js';
import { inferType, kllBuckets, toStatistics } from './statistics.js';

describe('ColumnProfile and statistics', () => {
  it('matches the SDK fixture: values {1 x24, 2 x21, 3 x55} have population std 0.83300…, type Integral', () => {
    const c = new ColumnProfile('x');
    for (const [v, n] of [
      ['1', 24],
      ['2', 21],
      ['3', 55],
    ] as const)
      for (let i = 0; i < n; i++) c.add(v);
    assert.equal(inferType(c), 'Integral');
    assert.equal(c.present, 100);
    assert.equal(c.average, 2.31);
    assert.ok(Math.abs(c.stdDev - 0.83300660261) < 1e-9, String(c.stdDev));
  });

  it('writes the ten buckets of the reference example (last one includes max)', () => {
    const c = new ColumnProfile('fare_amount');
    for (const v of ['6.0', '10.0', '13.0', '15.0', '18.0', '22.0']) c.add(v);
    const buckets = kllBuckets(c.sketch, c.min, c.max);
    assert.deepEqual(
      buckets.map((b) => b.count),
      [1, 0, 1, 0, 1, 1, 0, 1, 0, 1],
    );
    assert.ok(Math.abs(buckets[1]!.lower_bound - 7.6) < 1e-9 && Math.abs(buckets[9]!.upper_bound - 22) < 1e-9);
    assert.equal(inferType(c), 'Fractional'); // "6.0" is a decimal, as pandas writes floats
    assert.ok(Math.abs(c.stdDev - 5.1962) < 1e-4);
  });

  it('infers String for mixed columns, Unknown for empty ones, and counts missing cells', () => {
    const mixed = new ColumnProfile('m');
    ['1', 'card', '', 'cash', 'card', null].forEach((v) => mixed.add(v));
    assert.equal(inferType(mixed), 'String');
    assert.deepEqual([mixed.present, mixed.missing], [4, 2]);
    assert.equal(mixed.categories.get('card'), 2);
    const empty = new ColumnProfile('e');
    empty.add(null);
    assert.equal(inferType(empty), 'Unknown');
  });

  it('merges shard profiles into the profile of the whole', () => {
    const whole = new DatasetProfile(['a', 'b']);
    const shards = [new DatasetProfile(['a', 'b']), new DatasetProfile(['a', 'b'])];
    for (let i = 0; i < 5000; i++) {
      const row = [String((i * 37) % 101), i % 7 === 0 ? '' : `${(i % 13) / 4}`];
      for (const p of [whole, shards[i % 2]!]) {
        p.itemCount++;
        row.forEach((v, c) => p.columns[c]!.add(v));
      }
    }
    shards[0]!.merge(shards[1]!);
    const a = toStatistics(whole);
    const b = toStatistics(shards[0]!);
    assert.equal(b.dataset.item_count, 5000);
    a.features.forEach((fa, i) => {
      const fb = b.features[i]!;
      assert.equal(fb.inferred_type, fa.inferred_type);
      const na = fa.numerical_statistics!;
      const nb = fb.numerical_statistics!;
      assert.deepEqual(nb.common, na.common);
      assert.ok(Math.abs(nb.mean - na.mean) < 1e-9 && Math.abs(nb.std_dev - na.std_dev) < 1e-9);
      assert.deepEqual([nb.min, nb.max], [na.min, na.max]);
      assert.ok(Math.abs(nb.sum - na.sum) < 1e-6);
    });
  });

  it('keeps memory bounded on a high-cardinality string column', () => {
    const c = new ColumnProfile('id');
    for (let i = 0; i < 20_000; i++) c.add(`id-${i}`);
    assert.ok(c.categories.size <= 1000);
    assert.equal(c.categoriesTruncated, true);
    assert.equal(c.present, 20_000);
    // The distinct count goes on through the HyperLogLog sketch, and merges.
    assert.ok(Math.abs(c.distinctCount - 20_000) / 20_000 < 0.05, String(c.distinctCount));
    const other = new ColumnProfile('id');
    for (let i = 10_000; i < 40_000; i++) other.add(`id-${i}`);
    c.merge(other);
    assert.ok(Math.abs(c.distinctCount - 40_000) / 40_000 < 0.05, String(c.distinctCount));
  });
});
