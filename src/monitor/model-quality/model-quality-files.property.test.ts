import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mutateToText, mutationArb, toJsonText } from '../../../test/support/json-mutations.js';
import { assertFast, fcParams, resultOrOneLineError } from '../../../test/support/property-checks.js';
import { PROJECT_ROOT } from '../../../test/support/shared-data.js';
import { checkRegressionConstraints, parseRegressionConstraints, parseRegressionStatistics, suggestRegressionConstraints } from './model-quality-files.js';

/**
 * Property tests of the model-quality loaders: the service-shaped fixtures mutated (fields deleted,
 * wrong types, NaN/Infinity/huge numbers, truncated text) and random JSON. Every input is loaded or
 * refused with a one-line invalid_argument error; a loaded pair is then checked without an internal error.
 */

const fixture = (name: string) => readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'model-quality', name), 'utf8');
const STATISTICS = [fixture('statistics.json'), fixture('statistics-2021.json')];
const CONSTRAINTS = fixture('constraints.json');

function loadAndCheck(statisticsText: string, constraintsText: string): void {
  const start = performance.now();
  const stats = resultOrOneLineError(() => parseRegressionStatistics(statisticsText, 'statistics.json'), statisticsText);
  const constraints = resultOrOneLineError(() => parseRegressionConstraints(constraintsText, 'constraints.json'), constraintsText);
  if (stats.ok && constraints.ok) {
    const violations = checkRegressionConstraints(stats.value, constraints.value);
    for (const v of violations) {
      assert.doesNotMatch(v.description, /[\r\n]/);
      assert.equal(v.constraint_check_type, constraints.value.regression_constraints[v.metric_name]!.comparison_operator);
    }
    // Suggested constraints from any loaded statistics load again.
    parseRegressionConstraints(JSON.stringify(suggestRegressionConstraints(stats.value)));
  }
  assertFast(start, 2000, `${statisticsText.slice(0, 150)} | ${constraintsText.slice(0, 150)}`);
}

describe('model-quality file loaders (property)', () => {
  it('mutated statistics files load or are refused in one line', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1), mutationArb, (which, mutation) => {
        loadAndCheck(mutateToText(JSON.parse(STATISTICS[which]!) as unknown, mutation), CONSTRAINTS);
      }),
      fcParams(1301, 400),
    );
  });

  it('mutated constraints files load or are refused in one line', () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1), mutationArb, (which, mutation) => {
        loadAndCheck(STATISTICS[which]!, mutateToText(JSON.parse(CONSTRAINTS) as unknown, mutation));
      }),
      fcParams(1302, 400),
    );
  });

  it('any JSON is loaded or refused in one line', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (a, b) => {
        loadAndCheck(toJsonText(a), toJsonText(b));
      }),
      fcParams(1303, 300),
    );
  });

  it('any text is loaded or refused in one line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (t) => {
        loadAndCheck(t, t);
      }),
      fcParams(1304, 300),
    );
  });

  it('well-formed files with random values always load, and violations follow the operators', () => {
    const metric = fc.record({ value: fc.oneof(fc.double(), fc.constantFrom('NaN', 'Infinity', '-Infinity')), standard_deviation: fc.double({ noNaN: true }) });
    const op = fc.constantFrom('GreaterThanThreshold', 'LessThanThreshold', 'GreaterThanOrEqualToThreshold', 'LessThanOrEqualToThreshold');
    fc.assert(
      fc.property(
        fc.record({ mae: metric, mse: metric, rmse: metric, r2: metric }),
        fc.dictionary(fc.constantFrom('mae', 'mse', 'rmse', 'r2'), fc.record({ threshold: fc.double({ noNaN: true }), comparison_operator: op }), {
          minKeys: 1,
        }),
        (metrics, constraints) => {
          const clean = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? 0 : v))) as unknown;
          const s = parseRegressionStatistics(JSON.stringify({ version: 0, dataset: { item_count: 3 }, regression_metrics: clean(metrics) }));
          const c = parseRegressionConstraints(JSON.stringify({ version: 0, regression_constraints: clean(constraints) }));
          const violations = checkRegressionConstraints(s, c);
          assert.ok(violations.length <= Object.keys(constraints).length);
        },
      ),
      fcParams(1305, 300),
    );
  });
});
