import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../../test/support/shared-data.js';
import {
  checkRegressionConstraints,
  parseRegressionConstraints,
  parseRegressionStatistics,
  suggestRegressionConstraints,
  toRegressionStatistics,
  violates,
} from './model-quality-files.js';
import { regressionMetrics } from './regression-metrics.js';

const fixture = (name: string) => readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'model-quality', name), 'utf8');

describe('model-quality files (Regression)', () => {
  it('loads the service-shaped files unchanged (Jackson layout, "NaN" std, 2048.0, exponents, no evaluation_time)', () => {
    const stats = parseRegressionStatistics(fixture('statistics.json'));
    assert.deepEqual(stats, JSON.parse(fixture('statistics.json')));
    assert.equal(stats.regression_metrics.rmse.standard_deviation, 'NaN');
    const older = parseRegressionStatistics(fixture('statistics-2021.json'));
    assert.deepEqual(older, JSON.parse(fixture('statistics-2021.json')));
    assert.equal(older.regression_metrics.mse.value, 2048);
    assert.equal(older.regression_metrics.mse.standard_deviation, 5.092682820403929e-4);
    assert.equal(older.regression_metrics.rmse.standard_deviation, 3.8e7);
    const constraints = parseRegressionConstraints(fixture('constraints.json'));
    assert.deepEqual(constraints, JSON.parse(fixture('constraints.json')));
  });

  it('suggests the fixture constraints from the fixture statistics: thresholds bit for bit, r2 LessThanThreshold', () => {
    const stats = parseRegressionStatistics(fixture('statistics.json'));
    assert.deepEqual(suggestRegressionConstraints(stats), JSON.parse(fixture('constraints.json')));
    const custom = suggestRegressionConstraints(stats, { rmse: 5 });
    assert.deepEqual(custom.regression_constraints.rmse, { threshold: 5, comparison_operator: 'GreaterThanThreshold' });
    assert.deepEqual(custom.regression_constraints.r2, { threshold: 0.70703125, comparison_operator: 'LessThanThreshold' });
  });

  it('writes statistics in the service key order with "NaN" for a missing std', () => {
    const stats = toRegressionStatistics(regressionMetrics([3, 5, 2.5, 7, 4], [2.5, 5, 4, 8, 4.5]), 5, Date.parse('2024-05-01T13:04:11.512Z'));
    assert.deepEqual(stats, JSON.parse(fixture('statistics.json')));
    assert.deepEqual(Object.keys(stats.regression_metrics), ['mae', 'mse', 'rmse', 'r2']);
  });

  it('reports violations in the service shape and text; equality does not violate', () => {
    const constraints = parseRegressionConstraints(fixture('constraints.json'));
    const same = parseRegressionStatistics(fixture('statistics.json'));
    assert.deepEqual(checkRegressionConstraints(same, constraints), []);
    const worse = toRegressionStatistics(regressionMetrics([3, 5, 2.5, 7, 4], [4.5, 5, 4, 8, 4.5]), 5, 0);
    const violations = checkRegressionConstraints(worse, constraints);
    assert.deepEqual(
      violations.map((v) => [v.metric_name, v.constraint_check_type]),
      [
        ['mae', 'GreaterThanThreshold'],
        ['mse', 'GreaterThanThreshold'],
        ['rmse', 'GreaterThanThreshold'],
        ['r2', 'LessThanThreshold'],
      ],
    );
    assert.equal(violations[2]!.description, "Metric rmse with 1.0723805294763609 +/- NaN was GreaterThanThreshold '0.8660254037844386'");
    assert.equal(violations[3]!.description, "Metric r2 with 0.55078125 +/- NaN was LessThanThreshold '0.70703125'");
    // Keys in the service's order, like the fixture.
    const service = (JSON.parse(fixture('constraint_violations.json')) as { violations: object[] }).violations[0]!;
    assert.deepEqual(Object.keys(violations[0]!), Object.keys(service));
    const format = /^Metric (\w+) with \S+ \+\/- \S+ was (\w+) '\S+'$/;
    assert.match((service as { description: string }).description, format);
    for (const v of violations) assert.deepEqual(format.exec(v.description)!.slice(1), [v.metric_name, v.constraint_check_type]);
  });

  it('prints thresholds and values as Java doubles', () => {
    const constraints = parseRegressionConstraints('{"regression_constraints": {"mae": {"threshold": 1, "comparison_operator": "GreaterThanThreshold"}}}');
    const stats = parseRegressionStatistics(fixture('statistics-2021.json'));
    assert.deepEqual(checkRegressionConstraints(stats, constraints), [
      { constraint_check_type: 'GreaterThanThreshold', description: "Metric mae with 1.5 +/- 0.0213 was GreaterThanThreshold '1.0'", metric_name: 'mae' },
    ]);
  });

  it('checks the four operators (equality violates only the OrEqualTo forms; NaN never)', () => {
    assert.equal(violates(2, 'GreaterThanThreshold', 2), false);
    assert.equal(violates(2, 'GreaterThanOrEqualToThreshold', 2), true);
    assert.equal(violates(2, 'LessThanThreshold', 2), false);
    assert.equal(violates(2, 'LessThanOrEqualToThreshold', 2), true);
    assert.equal(violates(NaN, 'LessThanThreshold', 2), false);
    assert.equal(violates(-Infinity, 'LessThanThreshold', 0.5), true);
  });

  it('refuses bad files in one line naming the file and the field', () => {
    const cases: [string, 'statistics' | 'constraints', RegExp][] = [
      ['{', 'statistics', /^s\.json: not valid JSON/],
      ['[]', 'statistics', /^s\.json: not a model-quality statistics file for Regression \(no "regression_metrics" object\)$/],
      ['{"binary_classification_metrics": {}}', 'statistics', /holds binary_classification_metrics; only the Regression problem type is supported/],
      [
        '{"dataset": {"item_count": 1}, "regression_metrics": {"mae": {"value": 1, "standard_deviation": 0}}}',
        'statistics',
        /^s\.json: regression_metrics\.mse is missing/,
      ],
      ['{"dataset": {"item_count": -1}, "regression_metrics": {}}', 'statistics', /^s\.json: dataset\.item_count must be an integer >= 0, got -1$/],
      ['{"regression_constraints": {}}', 'constraints', /^s\.json: regression_constraints holds no metric to check$/],
      [
        '{"regression_constraints": {"rmse": {"threshold": "x", "comparison_operator": "GreaterThanThreshold"}}}',
        'constraints',
        /^s\.json: regression_constraints\.rmse\.threshold must be a number \(or "NaN"\), got "x"$/,
      ],
      [
        '{"regression_constraints": {"rmse": {"threshold": 1, "comparison_operator": "Bigger"}}}',
        'constraints',
        /^s\.json: regression_constraints\.rmse\.comparison_operator must be one of GreaterThanThreshold, LessThanThreshold/,
      ],
      [
        '{"regression_constraints": {"accuracy": {"threshold": 1, "comparison_operator": "LessThanThreshold"}}}',
        'constraints',
        /^s\.json: regression_constraints: unknown metric 'accuracy'/,
      ],
      ['{"features": []}', 'constraints', /not a model-quality constraints file for Regression \(no "regression_constraints" object\)/],
    ];
    for (const [text, kind, re] of cases) {
      const parse = kind === 'statistics' ? parseRegressionStatistics : parseRegressionConstraints;
      assert.throws(
        () => parse(text, 's.json'),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, 'invalid_argument');
          assert.match(err.message, re);
          assert.doesNotMatch(err.message, /\n/);
          return true;
        },
        text,
      );
    }
  });
});
