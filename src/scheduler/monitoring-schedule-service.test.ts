import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { FailedPreconditionError } from '../core/errors.js';
import { noopLogger } from '../core/logger.js';
import type { MetricDatum } from '../metrics/index.js';
import type { AnalysisOutcome, AnalyzeRequest, MergeSummary, ModelQualityCaptureRequest, ModelQualityOutcome } from '../monitor/index.js';
import { openMetadataStore } from '../store/index.js';
import { MonitoringScheduleService, type MonitoringPorts } from './monitoring-schedule-service.js';

const at = (h: number, m = 0) => Date.UTC(2026, 11, 3, h, m);

function outcome(status: AnalysisOutcome['status'], drift: number): AnalysisOutcome {
  return {
    status,
    exitMessage: status,
    ...(status === 'Failed' ? { failureReason: 'no data to analyse' } : {}),
    violations: drift > 0.1 ? [{ feature_name: 'fare_amount', constraint_check_type: 'baseline_drift_check', description: 'x' }] : [],
    unchecked: [],
    missingColumns: [],
    extraColumns: [],
    drift: [],
    metrics: status === 'Failed' ? [] : [{ name: 'feature_baseline_drift_fare_amount', value: drift }],
    capture: { files: 1, records: 10, rows: 10, outsideWindow: 0, shadowSkipped: 0, malformed: 0, malformedExamples: [] },
  } as unknown as AnalysisOutcome;
}

function mqOutcome(rmse: number, merged: number): ModelQualityOutcome & { merge: MergeSummary } {
  const merge = { captureRecords: merged + 5, mergedRecords: merged, mergedRows: merged, unlabelledRecords: 5, labelsNotMatched: 2 } as MergeSummary;
  if (merged === 0)
    return {
      problemType: 'Regression',
      status: 'Failed',
      exitMessage: 'Failed',
      failureReason: 'no data to analyse: none labelled',
      violations: [],
      metrics: [{ name: 'item_count', value: 0 }],
      merge,
    };
  return {
    problemType: 'Regression',
    status: rmse > 5 ? 'CompletedWithViolations' : 'Completed',
    exitMessage: '',
    violations: rmse > 5 ? [{ constraint_check_type: 'GreaterThanThreshold', description: 'x', metric_name: 'rmse' }] : [],
    metrics: [
      { name: 'rmse', value: rmse },
      { name: 'item_count', value: merged },
    ],
    merge,
  };
}

async function harness(start = at(12, 30)) {
  const meta = await openMetadataStore('memory:');
  const clock = new ManualClock(start);
  const requests: AnalyzeRequest[] = [];
  const published: MetricDatum[] = [];
  let next: AnalysisOutcome = outcome('Completed', 0.05);
  const mqRequests: ModelQualityCaptureRequest[] = [];
  let nextMq: ModelQualityOutcome & { merge: MergeSummary } = mqOutcome(3.9, 120);
  let captures = true;
  const ports: MonitoringPorts = {
    captureDirsOf: async (e) => {
      if (!captures) throw new FailedPreconditionError(`endpoint config of ${e} captures nothing`);
      return [`/capture/${e}/LatestApproved`, `/capture/${e}/Challenger`];
    },
    localPath: (uri) => uri.replace('file://', ''),
    outputFolder: (e, s, t, sub) => `/monitoring/${e}/${s}/${new Date(t).toISOString().slice(0, sub ? 16 : 13)}`,
    analyze: async (req) => {
      requests.push(req);
      return next;
    },
    analyzeModelQuality: async (req) => {
      mqRequests.push(req);
      return nextMq;
    },
    publish: async (d) => {
      published.push(...d);
    },
  };
  let n = 0;
  const make = () => new MonitoringScheduleService({ store: meta.monitoring, ports, clock, ids: (p) => `${p}-${++n}`, logger: noopLogger });
  return {
    clock,
    requests,
    published,
    make,
    service: make(),
    setOutcome: (o: AnalysisOutcome) => (next = o),
    mqRequests,
    setMqOutcome: (o: ModelQualityOutcome & { merge: MergeSummary }) => (nextMq = o),
    stopCapture: () => (captures = false),
  };
}

const SAMPLE = {
  name: 'taxi-prod-threshold',
  endpointName: 'taxi-prod',
  scheduleExpression: 'cron(0 * ? * * *)',
  baselineStatisticsUri: 'file:///b/statistics.json',
  baselineConstraintsUri: 'file:///b/constraints.json',
};

describe('monitoring schedules (Model Monitor on endpoints)', () => {
  it('the hourly schedule runs at the top of the hour on the hour before, and publishes its metrics stamped with that hour', async () => {
    const h = await harness();
    const s = await h.service.putSchedule(SAMPLE);
    assert.equal(s.nextFireAt, at(13));
    assert.deepEqual(await h.service.runDue(), [], 'nothing before 13:00');
    h.clock.set(at(13, 4));
    const [run] = await h.service.runDue();
    assert.equal(run?.status, 'Completed');
    assert.deepEqual([run?.windowStart, run?.windowEnd], [at(12), at(13)]);
    assert.deepEqual(
      h.requests[0]?.capture,
      { dir: '/capture/taxi-prod/LatestApproved', moreDirs: ['/capture/taxi-prod/Challenger'], fromMs: at(12), toMs: at(13), outputPosition: 'START' },
      'every variant of the endpoint is monitored',
    );
    assert.equal(h.requests[0]?.statistics, '/b/statistics.json');
    assert.equal(h.requests[0]?.out, '/monitoring/taxi-prod/taxi-prod-threshold/2026-12-03T13');
    assert.deepEqual(h.published, [
      {
        namespace: 'aws/sagemaker/Endpoints/data-metrics',
        name: 'feature_baseline_drift_fare_amount',
        dimensions: { Endpoint: 'taxi-prod', MonitoringSchedule: 'taxi-prod-threshold' },
        timestamp: at(13),
        value: 0.05,
        unit: 'None',
      },
    ]);
    assert.deepEqual(await h.service.runDue(), [], 'the 13:00 slot runs once');
    assert.equal((await h.service.get(SAMPLE.name)).nextFireAt, at(14));
  });

  it('after a downtime the missed slots run once (the latest), and a restart neither loses nor repeats a run', async () => {
    const h = await harness();
    await h.service.putSchedule(SAMPLE);
    h.clock.set(at(17, 20));
    const runs = await h.service.runDue();
    assert.deepEqual(
      runs.map((r) => r.scheduledTime),
      [at(17)],
    );
    const restarted = h.make();
    assert.deepEqual(await restarted.runDue(), [], 'a new process over the same store does not run 17:00 again');
    h.clock.set(at(18, 0));
    assert.deepEqual(
      (await restarted.runDue()).map((r) => r.scheduledTime),
      [at(18)],
    );
    assert.deepEqual(
      (await h.service.executions(SAMPLE.name)).map((e) => e.scheduledTime),
      [at(18), at(17)],
    );
  });

  it('two servers racing on one slot run it once', async () => {
    const h = await harness();
    await h.service.putSchedule(SAMPLE);
    h.clock.set(at(13, 1));
    const [a, b] = await Promise.all([h.service.runDue(), h.make().runDue()]);
    assert.equal(a.length + b.length, 1);
  });

  it('no data is a Failed run with the reason and no metric; a failing capture lookup too; a stopped schedule does not run', async () => {
    const h = await harness();
    await h.service.putSchedule(SAMPLE);
    h.setOutcome(outcome('Failed', 0));
    h.clock.set(at(13, 1));
    const [failed] = await h.service.runDue();
    assert.equal(failed?.status, 'Failed');
    assert.match(failed?.failureReason ?? '', /no data/);
    assert.deepEqual(h.published, []);
    h.stopCapture();
    h.clock.set(at(14, 1));
    const [broken] = await h.service.runDue();
    assert.equal(broken?.status, 'Failed');
    assert.match(broken?.failureReason ?? '', /captures nothing/);
    await h.service.setStatus(SAMPLE.name, 'Stopped');
    h.clock.set(at(16, 1));
    assert.deepEqual(await h.service.runDue(), []);
    await h.service.setStatus(SAMPLE.name, 'Scheduled');
    assert.equal((await h.service.get(SAMPLE.name)).nextFireAt, at(17), 'restarted: the next slot from now');
  });

  it('rate(5 minutes) analyses the five minutes before each run, in minute folders; a new version moves the baseline, not the timetable', async () => {
    const h = await harness(at(12, 0));
    await h.service.putSchedule({ ...SAMPLE, scheduleExpression: 'rate(5 minutes)' });
    h.clock.set(at(12, 5));
    const [run] = await h.service.runDue();
    assert.deepEqual([run?.windowStart, run?.windowEnd], [at(12, 0), at(12, 5)]);
    assert.equal(h.requests[0]?.out, '/monitoring/taxi-prod/taxi-prod-threshold/2026-12-03T12:05');
    const moved = await h.service.putSchedule({ ...SAMPLE, scheduleExpression: 'rate(5 minutes)', baselineStatisticsUri: 'file:///v2/statistics.json' });
    assert.equal(moved.nextFireAt, at(12, 10));
    assert.equal(moved.baselineStatisticsUri, 'file:///v2/statistics.json');
    // Moved to rate(5 minutes) from hourly at 12:07:30: slots counted from then, every run, every restart.
    const h2 = await harness(at(12, 0));
    await h2.service.putSchedule(SAMPLE);
    h2.clock.set(at(12, 7) + 30_000);
    const rated = await h2.service.putSchedule({ ...SAMPLE, scheduleExpression: 'rate(5 minutes)' });
    assert.equal(rated.nextFireAt, at(12, 12) + 30_000);
    h2.clock.set(at(12, 13));
    const [first] = await h2.service.runDue();
    assert.equal(first?.scheduledTime, at(12, 12) + 30_000);
    assert.equal((await h2.service.get(SAMPLE.name)).nextFireAt, at(12, 17) + 30_000, 'the same phase after a run');
    const now = await h.service.runNow(SAMPLE.name, at(12, 7));
    assert.deepEqual([now.windowStart, now.windowEnd], [at(12, 2), at(12, 7)], 'a run at any time covers one period');
    await assert.rejects(h.service.putSchedule({ ...SAMPLE, scheduleExpression: 'every hour' }), { code: 'invalid_argument' });
    await assert.rejects(h.service.putSchedule({ ...SAMPLE, name: 'bad name' }), { code: 'invalid_argument' });
  });

  const MQ = {
    ...SAMPLE,
    name: 'taxi-prod-model-quality',
    monitoringType: 'ModelQuality' as const,
    modelQuality: {
      problemType: 'Regression' as const,
      inferenceAttribute: '0',
      groundTruthUri: 'file:///gt/taxi-prod',
      startTimeOffset: '-PT3H',
      endTimeOffset: '-PT1H',
    },
  };

  it('a ModelQuality schedule merges the offset window with the labels collected up to the run, and publishes rmse and the merged count as model metrics', async () => {
    const h = await harness();
    const s = await h.service.putSchedule(MQ);
    assert.equal(s.monitoringType, 'ModelQuality');
    h.clock.set(at(13, 2));
    const [run] = await h.service.runDue();
    assert.equal(run?.status, 'Completed');
    assert.equal(run?.monitoringType, 'ModelQuality');
    assert.deepEqual([run?.windowStart, run?.windowEnd], [at(10), at(12)]);
    assert.deepEqual(run?.merge, { captureRecords: 125, mergedRecords: 120, unlabelledRecords: 5, labelsNotMatched: 2 });
    assert.equal(run?.rows, 120);
    assert.equal(h.requests.length, 0, 'no data-quality analysis');
    const req = h.mqRequests[0]!;
    assert.deepEqual(req.merge, {
      captureDirs: ['/capture/taxi-prod/LatestApproved', '/capture/taxi-prod/Challenger'],
      groundTruthDir: '/gt/taxi-prod',
      fromMs: at(10),
      toMs: at(12),
      labelsFromMs: at(10),
      labelsToMs: at(13),
      inferenceAttribute: '0',
    });
    assert.equal(req.constraints, '/b/constraints.json');
    assert.deepEqual(
      h.published.map((d) => [d.namespace, d.name, d.value, d.timestamp, d.dimensions]),
      [
        ['aws/sagemaker/Endpoints/model-metrics', 'rmse', 3.9, at(10), { Endpoint: 'taxi-prod', MonitoringSchedule: 'taxi-prod-model-quality' }],
        ['aws/sagemaker/Endpoints/model-metrics', 'item_count', 120, at(10), { Endpoint: 'taxi-prod', MonitoringSchedule: 'taxi-prod-model-quality' }],
      ],
    );
  });

  it('a ModelQuality run without labels fails with the reason and still publishes its merged count; without offsets it covers the period before the run', async () => {
    const h = await harness();
    const { startTimeOffset: _s, endTimeOffset: _e, ...plain } = MQ.modelQuality;
    await h.service.putSchedule({ ...MQ, modelQuality: plain });
    h.setMqOutcome(mqOutcome(0, 0));
    h.clock.set(at(13, 2));
    const [run] = await h.service.runDue();
    assert.equal(run?.status, 'Failed');
    assert.match(run?.failureReason ?? '', /none labelled/);
    assert.deepEqual([run?.windowStart, run?.windowEnd], [at(12), at(13)]);
    assert.deepEqual(
      h.published.map((d) => [d.name, d.value]),
      [['item_count', 0]],
    );
  });

  it('ModelQuality settings are checked: negative offsets, a non-empty window, a column index, a minimum of at least 1', async () => {
    const h = await harness();
    const bad = (mq: Partial<typeof MQ.modelQuality> & { minimumRecords?: number }) =>
      h.service.putSchedule({ ...MQ, modelQuality: { ...MQ.modelQuality, ...mq } });
    await assert.rejects(bad({ startTimeOffset: 'PT3H' }), /must be negative/);
    await assert.rejects(bad({ startTimeOffset: '-3 hours' }), /ISO-8601/);
    await assert.rejects(bad({ startTimeOffset: '-PT1H', endTimeOffset: '-PT2H' }), /window is empty/);
    await assert.rejects(bad({ inferenceAttribute: 'prediction' }), /column index/);
    await assert.rejects(bad({ minimumRecords: 0 }), /at least 1/);
    await assert.rejects(h.service.putSchedule({ ...SAMPLE, monitoringType: 'ModelQuality' }), /ground truth/);
    await assert.rejects(h.service.putSchedule({ ...SAMPLE, modelQuality: MQ.modelQuality }), /--type ModelQuality/);
    assert.deepEqual(await h.service.list(), [], 'nothing saved');
  });
});
