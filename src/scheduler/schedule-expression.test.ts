import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { resultOrOneLineError } from '../../test/support/property-checks.js';
import { nextFireTime, nextFireTimes, parseScheduleExpression } from './schedule-expression.js';

const FROM = Date.UTC(2026, 10, 30, 13, 30);
const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString().replace(':00.000Z', 'Z'));
const next3 = (e: string) => iso(nextFireTimes(parseScheduleExpression(e), FROM, 3));

describe('schedule expressions (EventBridge cron and rate, UTC)', () => {
  it('fires as EventBridge does (the sample schedules and the reference table)', () => {
    assert.deepEqual(next3('cron(0 12 1 * ? *)'), ['2026-12-01T12:00Z', '2027-01-01T12:00Z', '2027-02-01T12:00Z']);
    assert.deepEqual(next3('cron(0 * ? * * *)'), ['2026-11-30T14:00Z', '2026-11-30T15:00Z', '2026-11-30T16:00Z']);
    assert.deepEqual(next3('cron(0 12 ? * 2 *)'), ['2026-12-07T12:00Z', '2026-12-14T12:00Z', '2026-12-21T12:00Z'], 'AWS 2 = Monday');
    assert.deepEqual(next3('cron(0 12 ? * MON-FRI *)'), ['2026-12-01T12:00Z', '2026-12-02T12:00Z', '2026-12-03T12:00Z']);
    assert.deepEqual(next3('cron(0 12 L * ? *)'), ['2026-12-31T12:00Z', '2027-01-31T12:00Z', '2027-02-28T12:00Z']);
    assert.deepEqual(next3('cron(0 12 ? * 6#3 *)'), ['2026-12-18T12:00Z', '2027-01-15T12:00Z', '2027-02-19T12:00Z'], '3rd Friday');
    assert.deepEqual(next3('cron(15 10 ? * 6L 2027)'), ['2027-01-29T10:15Z', '2027-02-26T10:15Z', '2027-03-26T10:15Z'], 'last Friday, year honoured');
    assert.deepEqual(next3('cron(0 12 15W * ? *)'), ['2026-12-15T12:00Z', '2027-01-15T12:00Z', '2027-02-15T12:00Z']);
    assert.deepEqual(next3('cron(0/15 * ? * * *)'), ['2026-11-30T13:45Z', '2026-11-30T14:00Z', '2026-11-30T14:15Z']);
    // A step restarts every day: 17/12 is 17:00 only (17 + 12 is past 23), 0/8 is 00, 08 and 16.
    assert.deepEqual(next3('cron(0 17/12 ? * * *)'), ['2026-11-30T17:00Z', '2026-12-01T17:00Z', '2026-12-02T17:00Z']);
    assert.deepEqual(next3('cron(0 0/8 ? * * *)'), ['2026-11-30T16:00Z', '2026-12-01T00:00Z', '2026-12-01T08:00Z']);
    assert.deepEqual(next3('0 * * * *'), ['2026-11-30T14:00Z', '2026-11-30T15:00Z', '2026-11-30T16:00Z'], '5-field cron');
    assert.deepEqual(
      next3('0 12 * * 1'),
      ['2026-11-30T12:00Z', '2026-12-07T12:00Z', '2026-12-14T12:00Z'].slice(1).concat(['2026-12-21T12:00Z']),
      'standard 1 = Monday',
    );
  });

  it('a fire exactly at the boundary is not repeated; no fire at all is undefined', () => {
    const hourly = parseScheduleExpression('cron(0 * ? * * *)');
    assert.equal(nextFireTime(hourly, Date.UTC(2026, 0, 1, 5)), Date.UTC(2026, 0, 1, 6));
    assert.equal(nextFireTime(parseScheduleExpression('cron(0 12 * * ? 2020)'), FROM), undefined);
    assert.equal(nextFireTime(parseScheduleExpression('cron(0 12 31 2 ? *)'), FROM), undefined);
  });

  it('rate() fires every n units from its anchor', () => {
    const every5 = parseScheduleExpression('rate(5 minutes)');
    const anchor = Date.UTC(2026, 0, 1, 0, 2);
    assert.deepEqual(iso(nextFireTimes(every5, anchor, 3, anchor)), ['2026-01-01T00:07Z', '2026-01-01T00:12Z', '2026-01-01T00:17Z']);
    assert.equal(nextFireTime(every5, anchor + 7 * 60_000, anchor), anchor + 10 * 60_000);
    assert.equal(nextFireTime(every5, anchor - 3_600_000, anchor), anchor + 5 * 60_000, 'never before the anchor');
    assert.equal(parseScheduleExpression('rate(1 day)').kind, 'rate');
  });

  it('refuses what EventBridge refuses, with one line naming the problem', () => {
    const cases: [string, RegExp][] = [
      ['cron(0 12 1 * 2 *)', /exactly one of Day-of-month and Day-of-week must be '\?'/],
      ['cron(0 12 ? * ? *)', /exactly one of Day-of-month and Day-of-week/],
      ['cron(0 12 * * *)', /cron\(\) takes 6 fields .* got 5/],
      ['cron(0 25 ? * * *)', /hour/],
      ['cron(0 12 ? * 6W *)', /Day-of-week '6W' is not valid there/],
      ['cron(0 12 1 * ? 2300)', /Year 2300 is outside 1970-2199/],
      ['rate(1 hours)', /write rate\(1 hour\)/],
      ['rate(5 minute)', /write rate\(5 minutes\)/],
      ['rate(0 minutes)', /must be above 0/],
      ['rate(5 seconds)', /rate\(<positive integer> minutes\|hours\|days\)/],
      ['hourly', /use cron\(Minutes Hours/],
      ['cron(? 12 1 * ? *)', /Minutes '\?' is not valid there/],
    ];
    for (const [text, message] of cases) {
      const r = resultOrOneLineError(() => parseScheduleExpression(text), text);
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.match(r.error.message, message, text);
    }
  });

  it('property: any text is parsed or refused with one line; a parsed cron gives increasing fire times', () => {
    const field = fc.oneof(fc.constantFrom('*', '?', 'L', '0/15', '1-5', 'MON-FRI', '6#3', '15W', '2L', 'JAN', '0', '12', '99'), fc.string({ maxLength: 4 }));
    const cronText = fc.array(field, { minLength: 4, maxLength: 7 }).map((fs) => `cron(${fs.join(' ')})`);
    const rateText = fc
      .tuple(fc.integer({ min: -1, max: 100 }), fc.constantFrom('minute', 'minutes', 'hour', 'hours', 'day', 'days', 'weeks'))
      .map(([n, u]) => `rate(${n} ${u})`);
    fc.assert(
      fc.property(fc.oneof(cronText, rateText, fc.string()), (text) => {
        const r = resultOrOneLineError(() => parseScheduleExpression(text), text);
        if (r.ok) {
          const times = nextFireTimes(r.value, FROM, 3, FROM);
          for (let i = 1; i < times.length; i++) assert.ok(times[i]! > times[i - 1]!, text);
          if (times[0] !== undefined) assert.ok(times[0] > FROM, text);
        }
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});
