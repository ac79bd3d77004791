import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../test/support/shared-data.js';
import { KllSketch } from './kll-sketch.js';
import { parseConstraints, parseStatistics } from './monitor-files.js';
import { DEFAULT_MONITORING_CONFIG, type ConstraintsFile } from './types.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const fixture = (name: string) => readFile(path.join(PROJECT_ROOT, 'test', 'fixtures', 'sagemaker', name), 'utf8');

describe('Model Monitor files written by SageMaker', () => {
  it('load unchanged: statistics.json keeps every field, and its sketch is usable', async () => {
    const text = await fixture('statistics.json');
    const stats = parseStatistics(text);
    assert.deepEqual(stats, JSON.parse(text));
    const kll = stats.features[0]!.numerical_statistics!.distribution.kll;
    const sketch = KllSketch.fromLevels(kll.sketch.data, kll.sketch.parameters.k, kll.sketch.parameters.c);
    assert.equal(sketch.count, 6);
    assert.equal(stats.features[1]!.string_statistics!.distinct_count, 2);
  });

  it('load unchanged in the layout of current containers: Jackson spacing, newer fields, 1.2E7 numbers, an empty KLL level, a String feature without distribution', async () => {
    const text = await fixture('statistics-service.json');
    assert.match(text, /"k" : 2048\.0/);
    assert.match(text, /"min" : 1\.2E7/);
    const stats = parseStatistics(text);
    assert.deepEqual(stats, JSON.parse(text));
    const fare = stats.features[0]!.numerical_statistics!;
    assert.equal(fare.approximate_num_distinct_values, 12);
    assert.equal(fare.completeness, 1);
    const levels = fare.distribution.kll.sketch.data;
    assert.deepEqual(levels[1], []);
    assert.equal(KllSketch.fromLevels(levels).count, stats.dataset.item_count);
    const zone = stats.features.find((f) => f.name === 'pickup_zone')!.string_statistics!;
    assert.equal(zone.distribution, undefined);
    assert.ok(zone.distinct_count > stats.dataset.item_count, 'distinct_count is approximate and may exceed item_count');
    const constraintsText = await fixture('constraints-service.json');
    const constraints = parseConstraints(constraintsText);
    assert.deepEqual(constraints, JSON.parse(constraintsText));
  });

  it('load an older constraints.json without the categorical keys, filling the service defaults', async () => {
    const text = await fixture('constraints-older.json');
    const constraints = parseConstraints(text);
    const original = JSON.parse(text);
    assert.deepEqual(constraints.features, original.features);
    assert.equal(constraints.monitoring_config.distribution_constraints.comparison_method, 'Robust');
    assert.equal(constraints.monitoring_config.distribution_constraints.categorical_comparison_threshold, 0.1);
    assert.equal(constraints.monitoring_config.distribution_constraints.categorical_drift_method, 'LInfinity');
    assert.equal(constraints.monitoring_config.datatype_check_threshold, DEFAULT_MONITORING_CONFIG.datatype_check_threshold);
  });

  it('reject malformed files with one line', () => {
    assert.throws(() => parseStatistics('{"dataset": {"item_count": 1}, "features": [{"name": "x", "inferred_type": "Complex"}]}'), {
      code: 'invalid_argument',
      message: 'statistics.json: feature \'x\': inferred_type must be one of Integral, Fractional, String, Unknown, got "Complex"',
    });
    assert.throws(() => parseStatistics('not json'), { code: 'invalid_argument', message: /^statistics\.json: not valid JSON \(/ });
    assert.throws(() => parseConstraints('{"version": 0}'), { code: 'invalid_argument', message: /no "features" array/ });
  });
});

describe('every field is checked on load, the first problem in one line naming the file, feature and field', () => {
  const statistics = fixture('statistics.json').then((t) => JSON.parse(t) as Json);
  const constraints = fixture('constraints-older.json').then((t) => JSON.parse(t) as Json);
  /** Loads an edited copy of a fixture (JSON text, so that 1e999 stays a huge number). */
  const load = async (which: 'statistics' | 'constraints', edit: (doc: Json) => void, text?: (json: string) => string) => {
    const doc = structuredClone(await (which === 'statistics' ? statistics : constraints));
    edit(doc);
    const json = text ? text(JSON.stringify(doc)) : JSON.stringify(doc);
    return () => (which === 'statistics' ? parseStatistics(json, 'base/statistics.json') : parseConstraints(json, 'base/constraints.json'));
  };
  const fare = (s: Json) => s['features'][0].numerical_statistics;
  const cases: [string, 'statistics' | 'constraints', (doc: Json) => void, string, ((json: string) => string)?][] = [
    [
      'a string inside a KLL sketch',
      'statistics',
      (s) => (fare(s).distribution.kll.sketch.data[0][3] = 'abc'),
      `base/statistics.json: feature 'fare_amount': numerical_statistics.distribution.kll.sketch.data[0][3] must be a finite number, got "abc"`,
    ],
    [
      'a huge number (Infinity once parsed)',
      'statistics',
      (s) => (fare(s).mean = 7777),
      `base/statistics.json: feature 'fare_amount': numerical_statistics.mean must be a finite number, got Infinity`,
      (j) => j.replace('7777', '1e999'),
    ],
    [
      'a negative standard deviation',
      'statistics',
      (s) => (fare(s).std_dev = -1),
      `base/statistics.json: feature 'fare_amount': numerical_statistics.std_dev must be a finite number >= 0, got -1`,
    ],
    [
      'a fractional count',
      'statistics',
      (s) => (fare(s).common.num_present = 2.5),
      `base/statistics.json: feature 'fare_amount': numerical_statistics.common.num_present must be an integer >= 0, got 2.5`,
    ],
    [
      'a deleted field',
      'statistics',
      (s) => delete fare(s).sum,
      `base/statistics.json: feature 'fare_amount': numerical_statistics.sum is missing (it must be a finite number)`,
    ],
    [
      'a sketch level that is not a list',
      'statistics',
      (s) => (fare(s).distribution.kll.sketch.data[0] = 6),
      `base/statistics.json: feature 'fare_amount': numerical_statistics.distribution.kll.sketch.data[0] must be a list, got 6`,
    ],
    [
      'a zero KLL k',
      'statistics',
      (s) => (fare(s).distribution.kll.sketch.parameters.k = 0),
      `base/statistics.json: feature 'fare_amount': numerical_statistics.distribution.kll.sketch.parameters.k must be a finite number > 0, got 0`,
    ],
    [
      'min above max',
      'statistics',
      (s) => (fare(s).min = 99),
      `base/statistics.json: feature 'fare_amount': numerical_statistics.min (99) is greater than numerical_statistics.max (22)`,
    ],
    [
      'a bucket count that is a string',
      'statistics',
      (s) => (fare(s).distribution.kll.buckets[2].count = '1'),
      `base/statistics.json: feature 'fare_amount': numerical_statistics.distribution.kll.buckets[2].count must be a finite number >= 0, got "1"`,
    ],
    [
      'distinct_count as a word',
      'statistics',
      (s) => (s['features'][1].string_statistics.distinct_count = 'two'),
      `base/statistics.json: feature 'payment_kind': string_statistics.distinct_count must be a finite number >= 0, got "two"`,
    ],
    [
      'a negative category count',
      'statistics',
      (s) => (s['features'][1].string_statistics.distribution.categorical.buckets[1].count = -2),
      `base/statistics.json: feature 'payment_kind': string_statistics.distribution.categorical.buckets[1].count must be an integer >= 0, got -2`,
    ],
    [
      'a feature without a name',
      'statistics',
      (s) => delete s['features'][1].name,
      `base/statistics.json: feature 2: name is missing (it must be a non-empty string)`,
    ],
    [
      'a name given twice',
      'statistics',
      (s) => (s['features'][1].name = 'fare_amount'),
      `base/statistics.json: feature 'fare_amount' appears twice (features 1 and 2)`,
    ],
    [
      'a name with a newline',
      'statistics',
      (s) => {
        s['features'][0].name = 'fare\namount';
        fare(s).max = 'big';
      },
      `base/statistics.json: feature 'fare\\u000aamount': numerical_statistics.max must be a finite number, got "big"`,
    ],
    ['no item_count', 'statistics', (s) => delete s['dataset'].item_count, `base/statistics.json: dataset.item_count is missing (it must be an integer >= 0)`],
    [
      '"comparison_threshold": "high"',
      'constraints',
      (c) => (c['monitoring_config'].distribution_constraints.comparison_threshold = 'high'),
      `base/constraints.json: monitoring_config.distribution_constraints.comparison_threshold must be a finite number >= 0, got "high"`,
    ],
    [
      'a negative threshold',
      'constraints',
      (c) => (c['monitoring_config'].distribution_constraints.comparison_threshold = -0.5),
      `base/constraints.json: monitoring_config.distribution_constraints.comparison_threshold must be a finite number >= 0, got -0.5`,
    ],
    [
      'an unknown comparison_method',
      'constraints',
      (c) => (c['monitoring_config'].distribution_constraints.comparison_method = 'Fancy'),
      `base/constraints.json: monitoring_config.distribution_constraints.comparison_method must be one of Simple, Robust, got "Fancy"`,
    ],
    [
      'an unknown categorical_drift_method',
      'constraints',
      (c) => (c['monitoring_config'].distribution_constraints.categorical_drift_method = 'KL'),
      `base/constraints.json: monitoring_config.distribution_constraints.categorical_drift_method must be one of LInfinity, ChiSquared, got "KL"`,
    ],
    [
      'a data-type threshold above 1',
      'constraints',
      (c) => (c['monitoring_config'].datatype_check_threshold = 1.5),
      `base/constraints.json: monitoring_config.datatype_check_threshold must be a number from 0 to 1, got 1.5`,
    ],
    [
      'evaluate_constraints "On"',
      'constraints',
      (c) => (c['monitoring_config'].evaluate_constraints = 'On'),
      `base/constraints.json: monitoring_config.evaluate_constraints must be one of Enabled, Disabled, got "On"`,
    ],
    [
      'completeness as a word',
      'constraints',
      (c) => (c['features'][0].completeness = 'full'),
      `base/constraints.json: feature 'fare_amount': completeness must be a number from 0 to 1, got "full"`,
    ],
    [
      'is_non_negative as a string',
      'constraints',
      (c) => (c['features'][0].num_constraints.is_non_negative = 'yes'),
      `base/constraints.json: feature 'fare_amount': num_constraints.is_non_negative must be true or false, got "yes"`,
    ],
    [
      'a domain that is not a string',
      'constraints',
      (c) => (c['features'][1].string_constraints.domains[1] = 7),
      `base/constraints.json: feature 'payment_kind': string_constraints.domains[1] must be a string, got 7`,
    ],
    [
      'an override with an unknown method',
      'constraints',
      (c) => (c['features'][0].monitoringConfigOverrides = { comparison_method: 'Fast' }),
      `base/constraints.json: feature 'fare_amount': monitoringConfigOverrides.comparison_method must be one of Simple, Robust, got "Fast"`,
    ],
    [
      'an override with a negative threshold',
      'constraints',
      (c) => (c['features'][1].string_constraints.monitoring_config_overrides = { comparison_threshold: '-1' }),
      `base/constraints.json: feature 'payment_kind': string_constraints.monitoring_config_overrides.comparison_threshold must be a number >= 0, got "-1"`,
    ],
    [
      'an override exclude that is not a boolean',
      'constraints',
      (c) => (c['features'][0].monitoringConfigOverrides = { exclude: 'yes' }),
      `base/constraints.json: feature 'fare_amount': monitoringConfigOverrides.exclude must be true or false, got "yes"`,
    ],
  ];
  for (const [what, which, edit, message, text] of cases) {
    it(what, async () => {
      assert.throws(await load(which, edit, text), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'invalid_argument');
        assert.equal(err.message, message);
        return true;
      });
    });
  }

  it('accepts overrides written as strings, as the service allows', async () => {
    const parse = await load(
      'constraints',
      (c) => (c['features'][0].monitoringConfigOverrides = { exclude: 'true', comparison_threshold: '0.25', comparison_method: 'Simple' }),
    );
    assert.equal((parse() as ConstraintsFile).features[0]!.monitoringConfigOverrides!['comparison_threshold'], '0.25');
  });

  it('truncated JSON is one line', async () => {
    const text = JSON.stringify(await statistics, null, 2);
    assert.throws(
      () => parseStatistics(text.slice(0, 300), 'base/statistics.json'),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'invalid_argument');
        assert.match(err.message, /^base\/statistics\.json: not valid JSON \(/);
        assert.doesNotMatch(err.message, /\n/);
        return true;
      },
    );
  });
});
