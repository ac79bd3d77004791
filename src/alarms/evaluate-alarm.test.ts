import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { MetricDatum } from '../metrics/index.js';
import { evaluateAlarm, type AlarmRule } from './evaluate-alarm.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 4, 1, 13);
const point = (t: number, value: number): MetricDatum => ({
  namespace: 'n',
  name: 'feature_baseline_drift_fare_amount',
  dimensions: {},
  timestamp: t,
  value,
  unit: 'None',
});
/** The sample's alarm: Average over 3600 s, 1 of 1, > 0.4, missing data not set. */
const SAMPLE: AlarmRule = {
  statistic: 'Average',
  period: 3600,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 0.4,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'missing',
};

describe('alarm evaluation (CloudWatch semantics)', () => {
  it("the sample's alarm: one hourly point above 0.4 is ALARM, with CloudWatch's reason text", () => {
    const e = evaluateAlarm(SAMPLE, [point(T0 - H, 0.2), point(T0, 0.53)], T0 + 14 * 60_000, 'OK');
    assert.equal(e.state, 'ALARM');
    assert.equal(
      e.reason,
      'Threshold Crossed: 1 out of the last 1 datapoints [0.53 (01/05/24 13:00:00)] was greater than the threshold (0.4) (minimum 1 datapoint for OK -> ALARM transition).',
    );
    const data = JSON.parse(e.reasonData) as Record<string, unknown>;
    assert.deepEqual([data['statistic'], data['period'], data['threshold'], data['recentDatapoints']], ['Average', 3600, 0.4, [0.53]]);
    assert.equal(evaluateAlarm(SAMPLE, [point(T0, 0.4)], T0 + 60_000, 'ALARM').state, 'OK', '0.4 is not greater than 0.4');
  });

  it('with missing data, the minutes before the hourly point keep the state; long silence is INSUFFICIENT_DATA', () => {
    const data = [point(T0 - H, 0.9)];
    assert.equal(evaluateAlarm(SAMPLE, data, T0 + 5 * 60_000, 'ALARM').state, 'ALARM', 'the 13:00 point is not in yet');
    assert.equal(evaluateAlarm(SAMPLE, data, T0 + 6 * H, 'ALARM').state, 'INSUFFICIENT_DATA');
    assert.equal(evaluateAlarm(SAMPLE, [], T0, 'OK').state, 'INSUFFICIENT_DATA');
    assert.equal(evaluateAlarm({ ...SAMPLE, treatMissingData: 'ignore' }, [], T0, 'OK').state, 'OK');
  });

  it('M out of N, the average of a period, breaching and notBreaching missing data', () => {
    const rule: AlarmRule = { ...SAMPLE, evaluationPeriods: 3, datapointsToAlarm: 2 };
    assert.equal(evaluateAlarm(rule, [point(T0 - 2 * H, 0.5), point(T0 - H, 0.1), point(T0, 0.6)], T0, 'OK').state, 'ALARM');
    assert.equal(evaluateAlarm(rule, [point(T0 - 2 * H, 0.5), point(T0 - H, 0.1), point(T0, 0.3)], T0, 'OK').state, 'OK');
    assert.equal(
      evaluateAlarm(rule, [point(T0, 0.9), point(T0 + 60_000, 0.0)], T0 + 2 * 60_000, 'OK').state,
      'OK',
      'average 0.45 > 0.4 but only 1 of 2 needed',
    );
    assert.equal(evaluateAlarm({ ...rule, datapointsToAlarm: 1 }, [point(T0, 0.9), point(T0 + 60_000, 0.0)], T0, 'OK').state, 'ALARM', 'average 0.45');
    assert.equal(evaluateAlarm({ ...rule, treatMissingData: 'breaching' }, [point(T0, 0.9)], T0, 'OK').state, 'ALARM', '2 missing count as breaching');
    const nb = evaluateAlarm({ ...rule, treatMissingData: 'notBreaching' }, [point(T0, 0.9)], T0, 'ALARM');
    assert.equal(nb.state, 'OK');
    assert.match(
      nb.reason,
      /2 out of the last 3 datapoints \[0.9 \(01\/05\/24 13:00:00\)\] were not greater than the threshold \(0.4\) \(minimum 2 datapoints for ALARM -> OK transition\)/,
    );
  });

  it('property: the state is ALARM exactly when at least M of the last N periods breach (no missing data)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 6 }), (values, mRaw) => {
        const n = values.length;
        const m = Math.min(mRaw, n);
        const now = T0 + 30 * 60_000;
        const data = values.map((v, i) => point(T0 - (n - 1 - i) * H, v));
        const rule = { ...SAMPLE, evaluationPeriods: n, datapointsToAlarm: m };
        const expected = values.filter((v) => v > 0.4).length >= m ? 'ALARM' : 'OK';
        assert.equal(evaluateAlarm(rule, data, now, 'INSUFFICIENT_DATA').state, expected);
      }),
      { numRuns: 300, seed: 4 },
    );
  });
  it('with missing data, a data point stamped just before the current period still counts (a monitor not aligned on the period)', () => {
    const minute: AlarmRule = { ...SAMPLE, period: 60 };
    const t = Date.UTC(2026, 11, 3, 6, 58, 54);
    const e = evaluateAlarm(minute, [point(t - 60_000, 0.06), point(t, 0.83)], Date.UTC(2026, 11, 3, 6, 59, 4), 'OK');
    assert.equal(e.state, 'ALARM', e.reason);
    assert.match(e.reason, /\[0.83 \(03\/12\/26 06:58:00\)\]/);
  });
});
