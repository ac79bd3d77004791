import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseModelQualityMetrics } from './model-quality.js';

describe('parseModelQualityMetrics', () => {
  it("reads every metric value of SageMaker's model quality statistics", () => {
    const text = JSON.stringify({ regression_metrics: { rmse: { value: 3.4, standard_deviation: 0.1 }, r2: { value: 0.8, standard_deviation: 0 } } });
    assert.deepEqual(parseModelQualityMetrics(text), { rmse: 3.4, r2: 0.8 });
    assert.deepEqual(parseModelQualityMetrics(JSON.stringify({ binary_classification_metrics: { auc: { value: 0.9 } } })), { auc: 0.9 });
  });

  it('is undefined for anything else', () => {
    for (const text of ['', 'not json', '[]', 'null', '{"regression_metrics": {"rmse": {"value": "low"}}}', '{"other": {"rmse": {"value": 1}}}']) {
      assert.equal(parseModelQualityMetrics(text), undefined, text);
    }
  });
});
