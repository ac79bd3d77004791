import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { assertOneLineInvalidArgument, fcParams, resultOrOneLineError } from '../../test/support/property-checks.js';
import { matchesPattern, parseEventPattern } from './event-pattern.js';

const alarmEvent = {
  version: '0',
  id: 'evt_1',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: '000000000000',
  time: '2024-05-01T13:14:05Z',
  region: 'local',
  resources: ['arn:aws:cloudwatch:local:000000000000:alarm:taxi-prod-threshold'],
  detail: {
    alarmName: 'taxi-prod-threshold',
    state: { value: 'ALARM', reason: 'Threshold Crossed' },
    previousState: { value: 'OK' },
    count: 7,
    ratio: 0.25,
    flag: false,
    nothing: null,
    empty: '',
    tags: ['a', 'b'],
    sourceIp: '10.0.0.17',
    sourceIp6: '2001:db8::1',
    items: [
      { name: 'x', size: 1 },
      { name: 'y', size: 20 },
    ],
  },
};

const m = (pattern: unknown, event: unknown = alarmEvent): boolean => matchesPattern(parseEventPattern(pattern), event);
const refused = (pattern: unknown): string => {
  try {
    parseEventPattern(pattern);
  } catch (err) {
    assertOneLineInvalidArgument(err);
    return err.message;
  }
  return assert.fail(`accepted ${JSON.stringify(pattern)}`);
};

describe('event patterns: matching (reference 9.1)', () => {
  it("matches the sample's drift pattern, and not another alarm or state", () => {
    const drift = {
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: { alarmName: ['taxi-prod-threshold'], state: { value: ['ALARM'] } },
    };
    assert.equal(m(drift), true);
    assert.equal(m(drift, { ...alarmEvent, detail: { ...alarmEvent.detail, alarmName: 'other' } }), false);
    assert.equal(m(drift, { ...alarmEvent, detail: { ...alarmEvent.detail, state: { value: 'OK' } } }), false);
    assert.equal(m(JSON.stringify(drift)), true, 'JSON text works too');
  });

  it('exact values: case-sensitive, typed, null and empty string, arrays are OR', () => {
    assert.equal(m({ source: ['AWS.cloudwatch'] }), false);
    assert.equal(m({ source: ['x', 'aws.cloudwatch'] }), true);
    assert.equal(m({ detail: { count: [7] } }), true);
    assert.equal(m({ detail: { count: ['7'] } }), false);
    assert.equal(m({ detail: { flag: [false] } }), true);
    assert.equal(m({ detail: { nothing: [null] } }), true);
    assert.equal(m({ detail: { missing: [null] } }), false, 'null matches an explicit null, not absence');
    assert.equal(m({ detail: { empty: [''] } }), true);
    assert.equal(m({ detail: { unknown: ['x'] } }), false);
  });

  it('an event array matches when any element matches; arrays of objects match element by element', () => {
    assert.equal(m({ detail: { tags: ['b'] } }), true);
    assert.equal(m({ detail: { tags: ['c'] } }), false);
    assert.equal(m({ resources: [{ suffix: ':alarm:taxi-prod-threshold' }] }), true);
    assert.equal(m({ detail: { items: { name: ['y'], size: [{ numeric: ['>', 10] }] } } }), true);
    assert.equal(m({ detail: { items: { name: ['x'], size: [{ numeric: ['>', 10] }] } } }), false);
  });

  it('prefix, suffix (also ignoring case), equals-ignore-case, wildcard', () => {
    assert.equal(m({ source: [{ prefix: 'aws.' }] }), true);
    assert.equal(m({ source: [{ prefix: 'AWS.' }] }), false);
    assert.equal(m({ source: [{ prefix: { 'equals-ignore-case': 'AWS.' } }] }), true);
    assert.equal(m({ source: [{ suffix: 'watch' }] }), true);
    assert.equal(m({ source: [{ suffix: { 'equals-ignore-case': 'WATCH' } }] }), true);
    assert.equal(m({ 'detail-type': [{ 'equals-ignore-case': 'cloudwatch alarm state change' }] }), true);
    assert.equal(m({ detail: { alarmName: [{ wildcard: 'taxi-*-threshold' }] } }), true);
    assert.equal(m({ detail: { alarmName: [{ wildcard: 'taxi-*-staging' }] } }), false);
    assert.equal(m({ detail: { alarmName: [{ wildcard: '*' }] } }), true);
    assert.equal(m({ detail: { alarmName: [{ wildcard: 'taxi\\*' }] } }), false, 'an escaped star is a star');
    assert.equal(m({ detail: { alarmName: ['taxi*'] } }, { detail: { alarmName: 'taxi*' } }), true);
    assert.equal(m({ detail: { count: [{ prefix: '7' }] } }), false, 'string filters match strings only');
  });

  it('anything-but: values, numbers, lists, nested prefix/suffix/equals-ignore-case/wildcard; never absence', () => {
    assert.equal(m({ detail: { state: { value: [{ 'anything-but': 'OK' }] } } }), true);
    assert.equal(m({ detail: { state: { value: [{ 'anything-but': ['OK', 'ALARM'] }] } } }), false);
    assert.equal(m({ detail: { count: [{ 'anything-but': 7 }] } }), false);
    assert.equal(m({ detail: { count: [{ 'anything-but': 8 }] } }), true);
    assert.equal(m({ detail: { alarmName: [{ 'anything-but': { prefix: 'taxi' } }] } }), false);
    assert.equal(m({ detail: { alarmName: [{ 'anything-but': { suffix: 'staging' } }] } }), true);
    assert.equal(m({ detail: { alarmName: [{ 'anything-but': { 'equals-ignore-case': ['TAXI-PROD-THRESHOLD'] } }] } }), false);
    assert.equal(m({ detail: { alarmName: [{ 'anything-but': { wildcard: '*-staging-*' } }] } }), true);
    assert.equal(m({ detail: { missing: [{ 'anything-but': 'x' }] } }), false);
  });

  it('numeric ranges and equality, numbers only', () => {
    assert.equal(m({ detail: { count: [{ numeric: ['>', 0, '<=', 7] }] } }), true);
    assert.equal(m({ detail: { count: [{ numeric: ['>', 0, '<', 7] }] } }), false);
    assert.equal(m({ detail: { ratio: [{ numeric: ['=', 0.25] }] } }), true);
    assert.equal(m({ detail: { ratio: [{ numeric: ['>=', 0.3] }] } }), false);
    assert.equal(m({ detail: { alarmName: [{ numeric: ['>', 0] }] } }), false);
  });

  it('exists true and false', () => {
    assert.equal(m({ detail: { alarmName: [{ exists: true }] } }), true);
    assert.equal(m({ detail: { missing: [{ exists: true }] } }), false);
    assert.equal(m({ detail: { missing: [{ exists: false }] } }), true);
    assert.equal(m({ detail: { alarmName: [{ exists: false }] } }), false);
    assert.equal(m({ nowhere: { missing: [{ exists: false }] } }), true, 'absence of the parent is absence');
  });

  it('cidr, IPv4 and IPv6', () => {
    assert.equal(m({ detail: { sourceIp: [{ cidr: '10.0.0.0/24' }] } }), true);
    assert.equal(m({ detail: { sourceIp: [{ cidr: '10.0.1.0/24' }] } }), false);
    assert.equal(m({ detail: { sourceIp: [{ cidr: '10.0.0.17' }] } }), true);
    assert.equal(m({ detail: { sourceIp6: [{ cidr: '2001:db8::/32' }] } }), true);
    assert.equal(m({ detail: { sourceIp6: [{ cidr: '2001:db9::/32' }] } }), false);
    assert.equal(m({ detail: { sourceIp: [{ cidr: '2001:db8::/32' }] } }), false);
  });

  it('$or at object level', () => {
    const p = { source: ['aws.cloudwatch'], $or: [{ detail: { count: [{ numeric: ['>', 100] }] } }, { detail: { state: { value: ['ALARM'] } } }] };
    assert.equal(m(p), true);
    assert.equal(m({ ...p, $or: [{ detail: { count: [1] } }, { region: ['x'] }] }), false);
    assert.equal(m({ detail: { $or: [{ count: [7] }, { ratio: [9] }] } }), true);
  });
});

describe('event patterns: validation', () => {
  it('refuses what EventBridge refuses, naming the bad part on one line', () => {
    assert.match(refused('{'), /not valid JSON/);
    assert.match(refused([]), /the pattern: must be a JSON object/);
    assert.match(refused({}), /must name at least one field/);
    assert.match(refused({ source: 'aws.cloudwatch' }), /"source": must be an array/);
    assert.match(refused({ source: [] }), /"source": must not be an empty array/);
    assert.match(refused({ source: [['a']] }), /nested arrays/);
    assert.match(refused({ detail: { x: [{ prefix: 1 }] } }), /"detail"\."x"\."0"\."prefix": must be a string/);
    assert.match(refused({ x: [{ foo: 1 }] }), /unknown operator "foo"/);
    assert.match(refused({ x: [{ prefix: 'a', suffix: 'b' }] }), /exactly one operator/);
    assert.match(refused({ x: [{ numeric: ['<', 5, '>', 1] }] }), /lower bound/);
    assert.match(refused({ x: [{ numeric: ['>', 5, '<', 1] }] }), /below the upper bound/);
    assert.match(refused({ x: [{ numeric: ['>', 6e9] }] }), /outside/);
    assert.match(refused({ x: [{ numeric: ['~', 6] }] }), /unknown numeric operator/);
    assert.match(refused({ x: [{ exists: 'yes' }] }), /true or false/);
    assert.match(refused({ x: [{ cidr: '10.0.0.0/33' }] }), /not a CIDR block/);
    assert.match(refused({ x: [{ cidr: '300.0.0.0/8' }] }), /not a CIDR block/);
    assert.match(refused({ x: [{ wildcard: 'a**b' }] }), /consecutive wildcard/);
    assert.match(refused({ x: [{ 'anything-but': [] }] }), /empty array/);
    assert.match(refused({ x: [{ 'anything-but': { numeric: ['>', 1] } }] }), /one of prefix/);
    assert.match(refused({ $or: [{ x: [1] }] }), /at least two/);
    assert.match(refused({ 'a\nb': 'x' }), /"a\\nb"/);
  });
});

const jsonValue = fc.jsonValue({ maxDepth: 4 });
const scalar = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const keyArb = fc.oneof(fc.constantFrom('source', 'detail', 'a', 'b', 'state', 'value'), fc.string({ maxLength: 5 }));
const eventArb: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(
  keyArb,
  fc.oneof(
    scalar,
    fc.array(scalar, { maxLength: 3 }),
    fc.dictionary(keyArb, fc.oneof(scalar, fc.array(scalar, { minLength: 1, maxLength: 3 })), { maxKeys: 4 }),
  ),
  { minKeys: 1, maxKeys: 5 },
);
const operatorArb = fc.oneof(
  scalar,
  fc.record({ prefix: fc.oneof(fc.string(), fc.record({ 'equals-ignore-case': fc.string() })) }),
  fc.record({ wildcard: fc.string({ maxLength: 6 }) }),
  fc.record({ 'anything-but': fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 2 }), fc.record({ suffix: fc.string() })) }),
  fc.record({ numeric: fc.tuple(fc.constantFrom('>', '>=', '=', '<', 'x'), fc.double()) }),
  fc.record({ exists: fc.oneof(fc.boolean(), fc.string()) }),
  fc.record({ cidr: fc.oneof(fc.ipV4(), fc.ipV6(), fc.string()).map((ip) => `${ip}/${ip.length % 40}`) }),
);
const patternArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.dictionary(keyArb, fc.oneof({ depthSize: 'small' }, fc.array(operatorArb, { maxLength: 3 }), tie('node'), scalar), { maxKeys: 3 }),
})).node;

/** A pattern naming some of the event's fields, each with its own value (an array value: one element). */
function patternFrom(event: Record<string, unknown>, pick: (n: number) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let i = 0;
  for (const [k, v] of Object.entries(event)) {
    if (!pick(i++)) continue;
    if (Array.isArray(v)) {
      if (v.length > 0) out[k] = [v[v.length - 1]];
    } else if (typeof v === 'object' && v !== null) {
      const sub = patternFrom(v as Record<string, unknown>, pick);
      if (Object.keys(sub).length > 0) out[k] = sub;
    } else out[k] = [v];
  }
  return out;
}

describe('event patterns: properties', () => {
  it('any JSON is accepted or refused with one line, and matching never throws', () => {
    fc.assert(
      fc.property(fc.oneof(jsonValue, patternArb), eventArb, (p, e) => {
        const r = resultOrOneLineError(() => parseEventPattern(p), JSON.stringify(p));
        if (r.ok) assert.equal(typeof matchesPattern(r.value, e), 'boolean');
        const t = resultOrOneLineError(() => parseEventPattern(JSON.stringify(p) ?? 'undefined'));
        assert.equal(t.ok, r.ok);
      }),
      fcParams(1201, 400),
    );
  });

  it("a pattern built from an event's own values matches it", () => {
    fc.assert(
      fc.property(eventArb, fc.func(fc.boolean()), (e, pick) => {
        const p = patternFrom(e, pick);
        fc.pre(Object.keys(p).length > 0);
        assert.equal(matchesPattern(parseEventPattern(p), e), true, JSON.stringify(p));
      }),
      fcParams(1202, 300),
    );
  });

  it('anything-but of a value is the negation of matching it (present scalar values)', () => {
    const key = fc.constantFrom('a', 'b');
    const abValue = fc.oneof(fc.string({ maxLength: 3 }), fc.integer({ min: -3, max: 3 }));
    fc.assert(
      fc.property(key, abValue, fc.oneof(abValue, fc.boolean(), fc.constant(null)), (k, x, v) => {
        const e = { [k]: v };
        const exact = matchesPattern(parseEventPattern({ [k]: [x] }), e);
        const but = matchesPattern(parseEventPattern({ [k]: [{ 'anything-but': x }] }), e);
        assert.equal(but, !exact);
      }),
      fcParams(1203, 300),
    );
  });

  it('wildcard matching agrees with the equivalent regular expression', () => {
    const chars = fc.constantFrom('a', 'b', '*');
    fc.assert(
      fc.property(
        fc.string({ unit: chars, maxLength: 8 }).filter((p) => !p.includes('**')),
        fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 12 }),
        (p, text) => {
          const re = new RegExp(`^${p.replace(/\*/g, '.*')}$`, 's');
          assert.equal(matchesPattern(parseEventPattern({ f: [{ wildcard: p }] }), { f: text }), re.test(text), `${p} vs ${text}`);
        },
      ),
      fcParams(1204, 500),
    );
  });
});
