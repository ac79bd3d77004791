import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../test/support/shared-data.js';
import { KllSketch } from './kll-sketch.js';
import { parseConstraints, parseStatistics } from './monitor-files.js';
import { DEFAULT_MONITORING_CONFIG } from './types.js';

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
    assert.throws(() => parseStatistics('{"features": [{"name": "x", "inferred_type": "Complex"}]}'), { code: 'invalid_argument', message: /unknown inferred_type 'Complex'/ });
    assert.throws(() => parseStatistics('not json'), { message: /not valid JSON/ });
    assert.throws(() => parseConstraints('{"version": 0}'), { message: /no "features" array/ });
  });
});
