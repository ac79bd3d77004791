import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DatasetProfile } from './dataset-profile.js';
import { ksDistance, KllSketch } from './kll-sketch.js';
import { mergeStatistics } from './merge-statistics.js';
import { toStatistics } from './statistics.js';

it('merging the statistics of shards gives the statistics of the whole', () => {
  const whole = new DatasetProfile(['x', 'n', 'kind']);
  const shards = [0, 1, 2].map(() => new DatasetProfile(['x', 'n', 'kind']));
  for (let i = 0; i < 30_000; i++) {
    const row = [String(Math.sin(i) * 50 + (i % 7)), i % 11 === 0 ? '' : String(i % 9), ['a', 'b', 'c'][i % 3]!];
    for (const p of [whole, shards[i % 3]!]) {
      p.itemCount++;
      row.forEach((v, c) => p.columns[c]!.add(v));
    }
  }
  const merged = mergeStatistics(shards.map((s) => toStatistics(s)));
  const expected = toStatistics(whole);
  assert.equal(merged.dataset.item_count, 30_000);
  for (let f = 0; f < 2; f++) {
    const a = merged.features[f]!.numerical_statistics!;
    const b = expected.features[f]!.numerical_statistics!;
    assert.equal(merged.features[f]!.inferred_type, expected.features[f]!.inferred_type);
    assert.deepEqual(a.common, b.common);
    assert.ok(Math.abs(a.mean - b.mean) < 1e-9 && Math.abs(a.std_dev - b.std_dev) < 1e-9, `${a.std_dev} vs ${b.std_dev}`);
    assert.deepEqual([a.min, a.max], [b.min, b.max]);
    const ks = ksDistance(KllSketch.fromLevels(a.distribution.kll.sketch.data), KllSketch.fromLevels(b.distribution.kll.sketch.data));
    assert.ok(ks < 0.01, `ks ${ks}`);
  }
  assert.deepEqual(merged.features[2]!.string_statistics, expected.features[2]!.string_statistics);
  assert.throws(() => mergeStatistics([expected, { ...expected, features: expected.features.slice(1) }]), { code: 'invalid_argument' });
});
