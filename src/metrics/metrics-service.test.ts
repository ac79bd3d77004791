import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../core/clock.js';
import { openMetadataStore } from '../store/index.js';
import { resultOrOneLineErrorAsync } from '../../test/support/property-checks.js';
import { MetricsService } from './metrics-service.js';
import { periodStatistics } from './period-statistics.js';

const NOW = Date.UTC(2026, 11, 3, 13, 30);
const DIMS = [
  { Name: 'Endpoint', Value: 'taxi-prod' },
  { Name: 'MonitoringSchedule', Value: 'taxi-prod-threshold' },
];

for (const [label, uri] of [
  ['memory', async () => 'memory:'],
  ['sqlite file', async () => `sqlite://${path.join(await mkdtemp(path.join(os.tmpdir(), 'driftline-metrics-')), 'm.db')}`],
] as const) {
  describe(`metrics (CloudWatch semantics) on ${label}`, () => {
    const harness = async () => {
      const meta = await openMetadataStore(await uri());
      const clock = new ManualClock(NOW);
      return { meta, clock, metrics: new MetricsService({ store: meta.metrics, clock, retentionMs: 86_400_000 }) };
    };

    it('PutMetricData then GetMetricStatistics per aligned hour; dimensions match exactly, in any order', async () => {
      const h = await harness();
      await h.metrics.putMetricData({
        Namespace: 'aws/sagemaker/Endpoints/data-metrics',
        MetricData: [
          { MetricName: 'feature_baseline_drift_fare_amount', Dimensions: DIMS, Timestamp: '2026-12-03T12:00:00Z', Value: 0.2 },
          { MetricName: 'feature_baseline_drift_fare_amount', Dimensions: [...DIMS].reverse(), Timestamp: '2026-12-03T12:59:59Z', Value: 0.6 },
          { MetricName: 'feature_baseline_drift_fare_amount', Dimensions: DIMS, Timestamp: '2026-12-03T13:00:00Z', Values: [0.5, 0.9], Counts: [1, 2] },
          { MetricName: 'feature_baseline_drift_fare_amount', Dimensions: DIMS.slice(0, 1), Timestamp: '2026-12-03T12:10:00Z', Value: 99 },
        ],
      });
      const r = await h.metrics.getMetricStatistics({
        namespace: 'aws/sagemaker/Endpoints/data-metrics',
        name: 'feature_baseline_drift_fare_amount',
        dimensions: { MonitoringSchedule: 'taxi-prod-threshold', Endpoint: 'taxi-prod' },
        from: Date.UTC(2026, 11, 3, 11),
        to: Date.UTC(2026, 11, 3, 14),
        period: 3600,
        statistics: ['Average', 'Maximum', 'SampleCount', 'p50'],
      });
      assert.deepEqual(r.Datapoints, [
        { Timestamp: '2026-12-03T12:00:00.000Z', Average: 0.4, Maximum: 0.6, SampleCount: 2, 'ExtendedStatistics.p50': 0.2, Unit: 'None' },
        { Timestamp: '2026-12-03T13:00:00.000Z', Average: (0.5 + 0.9 + 0.9) / 3, Maximum: 0.9, SampleCount: 3, 'ExtendedStatistics.p50': 0.9, Unit: 'None' },
      ]);
      assert.equal((await h.metrics.listMetrics({ namespace: 'aws/sagemaker/Endpoints/data-metrics' })).length, 2, 'two dimension sets, two metrics');
      const latest = await h.metrics.latest('aws/sagemaker/Endpoints/data-metrics');
      assert.deepEqual(
        latest.map((d) => [Object.keys(d.dimensions).length, d.value]),
        [
          [2, 0.9],
          [1, 99],
        ],
      );
    });

    it('refuses what CloudWatch refuses, one line each; retention drops old points', async () => {
      const h = await harness();
      const bad: [unknown, RegExp][] = [
        [{ Namespace: 'n', MetricData: [] }, /MetricData: must hold 1 to 1000 data points/],
        [{ Namespace: 'n', MetricData: [{ MetricName: 'm' }] }, /give exactly one of Value or Values/],
        [{ Namespace: 'n', MetricData: [{ MetricName: 'm', Value: 1, Timestamp: '2026-11-01T00:00:00Z' }] }, /within the last two weeks/],
        [{ Namespace: 'n', MetricData: [{ MetricName: 'm', Value: 1, Unit: 'Furlongs' }] }, /Unit: must be a CloudWatch unit/],
        [{ Namespace: 'n', MetricData: [{ MetricName: 'm', Value: 1, Dimensions: [DIMS[0], DIMS[0]] }] }, /'Endpoint' is given twice/],
        [{ Namespace: 'n', MetricData: [{ MetricName: 'm', Values: [1, 2], Counts: [1] }] }, /must pair one count with each of Values/],
      ];
      for (const [doc, message] of bad) {
        const r = await resultOrOneLineErrorAsync(() => h.metrics.putMetricData(doc));
        assert.equal(r.ok, false, JSON.stringify(doc));
        if (!r.ok) assert.match(r.error.message, message);
      }
      await h.metrics.putMetricData({ Namespace: 'n', MetricData: [{ MetricName: 'm', Value: 1, Timestamp: NOW - 2 * 86_400_000 }] });
      await h.metrics.putMetricData({ Namespace: 'n', MetricData: [{ MetricName: 'm', Value: 2 }] });
      assert.equal(await h.metrics.enforceRetention(), 1);
      assert.deepEqual(
        (await h.meta.metrics.query({ namespace: 'n', name: 'm', dimensions: {} }, 0, NOW + 1)).map((d) => d.value),
        [2],
      );
      await assert.rejects(
        h.metrics.getMetricStatistics({ namespace: 'n', name: 'm', from: 0, to: NOW, period: 45, statistics: ['Average'] }),
        /period 45 s: use 1, 5, 10, 30 or a multiple of 60 seconds/,
      );
      await assert.rejects(
        h.metrics.getMetricStatistics({ namespace: 'n', name: 'm', from: 0, to: NOW, period: 60, statistics: ['Median'] }),
        /unknown statistic 'Median'/,
      );
    });

    it('property: any PutMetricData body is stored or refused with one line', async () => {
      const h = await harness();
      const datum = fc.record(
        {
          MetricName: fc.oneof(fc.string(), fc.constant('m')),
          Value: fc.oneof(fc.double(), fc.integer(), fc.string()),
          Values: fc.array(fc.double(), { maxLength: 4 }),
          Counts: fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 4 }),
          Unit: fc.oneof(fc.constantFrom('Count', 'None', 'Seconds'), fc.string()),
          Timestamp: fc.oneof(fc.integer({ min: NOW - 20 * 86_400_000, max: NOW + 86_400_000 }), fc.string()),
          Dimensions: fc.array(fc.record({ Name: fc.string(), Value: fc.string() }), { maxLength: 3 }),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.jsonValue(), fc.record({ Namespace: fc.oneof(fc.string(), fc.constant('ns')), MetricData: fc.array(datum, { maxLength: 3 }) })),
          async (doc) => {
            await resultOrOneLineErrorAsync(() => h.metrics.putMetricData(doc), JSON.stringify(doc));
          },
        ),
        { numRuns: 300, seed: 9 },
      );
    });
  });
}

describe('period statistics', () => {
  it('nearest-rank percentiles and empty periods left out', () => {
    const d = (t: number, value: number) => ({ namespace: 'n', name: 'm', dimensions: {}, timestamp: t, value, unit: 'None' as const });
    const s = periodStatistics([d(0, 1), d(10, 2), d(20, 3), d(30, 4), d(7200_000, 5)], 3600_000, ['p25', 'p100', 'p0']);
    assert.deepEqual(
      s.map((p) => [p.timestamp, p.sampleCount, p.extended]),
      [
        [0, 4, { p25: 1, p100: 4, p0: 1 }],
        [7200_000, 1, { p25: 5, p100: 5, p0: 5 }],
      ],
    );
  });
});
