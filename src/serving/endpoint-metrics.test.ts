import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prometheusText } from '../server/prometheus.js';
import { endpointMetricData } from './endpoint-metrics.js';

describe("endpoint metrics (CloudWatch's AWS/SageMaker) and their Prometheus exposition", () => {
  it('a minute of counters becomes Invocations, 4XX/5XX errors, InvocationsPerInstance and ModelLatency; Prometheus shows the latest of each', () => {
    const t = Date.UTC(2026, 11, 3, 13, 1);
    const data = endpointMetricData(
      [
        {
          endpoint: 'taxi-prod',
          variant: 'LatestApproved',
          instances: 2,
          invocations: 100,
          errors4xx: 3,
          errors5xx: 1,
          latencyMsSum: 192,
          latencyMsMax: 9,
          captured: 96,
          captureDropped: 0,
        },
      ],
      t,
    );
    assert.deepEqual(
      data.map((d) => [d.name, d.value, d.unit]),
      [
        ['Invocations', 100, 'Count'],
        ['Invocation4XXErrors', 3, 'Count'],
        ['Invocation5XXErrors', 1, 'Count'],
        ['InvocationsPerInstance', 50, 'Count'],
        ['ModelLatency', 2000, 'Microseconds'],
        ['CaptureRecords', 96, 'Count'],
        ['CaptureRecordsDropped', 0, 'Count'],
      ],
    );
    assert.deepEqual(data[0]?.dimensions, { EndpointName: 'taxi-prod', VariantName: 'LatestApproved' });
    const text = prometheusText([
      ...data.slice(0, 1),
      {
        ...data[0]!,
        name: 'feature_baseline_drift_fare_amount',
        namespace: 'aws/sagemaker/Endpoints/data-metrics',
        dimensions: { Endpoint: 'a"b' },
        value: 0.53,
      },
    ]);
    assert.equal(
      text,
      [
        '# HELP driftline_Invocations Invocations (Count), latest data point',
        '# TYPE driftline_Invocations gauge',
        `driftline_Invocations{namespace="AWS/SageMaker",EndpointName="taxi-prod",VariantName="LatestApproved"} 100 ${t}`,
        '# HELP driftline_feature_baseline_drift_fare_amount feature_baseline_drift_fare_amount (Count), latest data point',
        '# TYPE driftline_feature_baseline_drift_fare_amount gauge',
        `driftline_feature_baseline_drift_fare_amount{namespace="aws/sagemaker/Endpoints/data-metrics",Endpoint="a\\"b"} 0.53 ${t}`,
        '',
      ].join('\n'),
    );
  });
});
