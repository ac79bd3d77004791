import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderModelQualityReport } from './model-quality-report.js';

describe('renderModelQualityReport', () => {
  it('shows each metric against its baseline and threshold, marks the violated ones, escapes text, accounts for the merge', () => {
    const html = renderModelQualityReport({
      title: 'Model quality of <ep>',
      outcome: {
        status: 'CompletedWithViolations',
        exitMessage: 'CompletedWithViolations: Job completed successfully with 1 violations.',
        statistics: {
          version: 0,
          dataset: { item_count: 300 },
          regression_metrics: {
            mae: { value: 5.2, standard_deviation: 0.1 },
            mse: { value: 70.1, standard_deviation: 'NaN' },
            rmse: { value: 8.372, standard_deviation: 0.2 },
            r2: { value: 0.61, standard_deviation: 0.01 },
          },
        },
        violations: [
          { metric_name: 'rmse', constraint_check_type: 'GreaterThanThreshold', description: "Metric rmse with 8.372 +/- 0.2 was GreaterThanThreshold '4.7'" },
        ],
        baseline: { rmse: 3.76 },
      },
      constraints: { version: 0, regression_constraints: { rmse: { threshold: 4.7, comparison_operator: 'GreaterThanThreshold' } } },
      merge: {
        captureRecords: 320,
        mergedRecords: 300,
        mergedRows: 300,
        unlabelledRecords: 20,
        labels: 305,
        duplicateLabels: 4,
        conflictingLabels: 1,
        labelsNotMatched: 5,
        unusableRecords: 0,
        malformedCaptures: 0,
        malformedLabels: 0,
        reusedInferenceIds: 0,
        examples: ['gt.jsonl:3: label <b> is not a number'],
      },
      generatedAt: '2026-12-03T12:00:00.000Z',
    });
    assert.match(html, /<title>Model quality of &lt;ep&gt;<\/title>/);
    assert.match(html, /<td>rmse<\/td><td class="bad">8\.372<\/td><td>0\.2<\/td><td>3\.76<\/td><td>GreaterThanThreshold 4\.7<\/td>/);
    assert.match(html, /<td>mae<\/td><td>5\.2<\/td><td>0\.1<\/td><td>–<\/td><td>not checked<\/td>/);
    assert.match(html, /<td>records without a label yet<\/td><td>20<\/td>/);
    assert.match(html, /label &lt;b&gt; is not a number/);
    assert.doesNotMatch(html, /<script/);
  });
});
