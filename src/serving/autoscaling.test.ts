import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fcParams } from '../../test/support/property-checks.js';
import { decideInstances, InvocationRate } from './autoscaling.js';
import type { InstanceScaling } from './endpoint-spec.js';

const SPEC: InstanceScaling = { initial: 1, min: 1, max: 4, targetInvocationsPerInstance: 100, scaleInCooldownSeconds: 300, scaleOutCooldownSeconds: 60 };
const NOW = 1_000_000_000;

describe('decideInstances', () => {
  it('scales out to ceil(rate / target) within max, after the scale-out cooldown', () => {
    assert.equal(decideInstances(SPEC, { current: 1 }, 250, NOW), 3);
    assert.equal(decideInstances(SPEC, { current: 1 }, 10_000, NOW), 4);
    assert.equal(decideInstances(SPEC, { current: 1, lastScaleOutMs: NOW - 30_000 }, 250, NOW), 1);
    assert.equal(decideInstances(SPEC, { current: 1, lastScaleOutMs: NOW - 60_000 }, 250, NOW), 3);
  });

  it('scales in one at a time after the scale-in cooldown since any scaling', () => {
    assert.equal(decideInstances(SPEC, { current: 4 }, 0, NOW), 3);
    assert.equal(decideInstances(SPEC, { current: 4, lastScaleOutMs: NOW - 100_000 }, 0, NOW), 4);
    assert.equal(decideInstances(SPEC, { current: 4, lastScaleInMs: NOW - 299_000 }, 0, NOW), 4);
    assert.equal(decideInstances(SPEC, { current: 4, lastScaleInMs: NOW - 300_000 }, 0, NOW), 3);
    assert.equal(decideInstances(SPEC, { current: 1 }, 0, NOW), 1);
  });

  it('keeps the count without a target, and always stays within [min, max]', () => {
    assert.equal(decideInstances({ ...SPEC, targetInvocationsPerInstance: undefined } as InstanceScaling, { current: 2 }, 1e9, NOW), 2);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 12 }),
        fc.double({ min: -10, max: 1e6, noNaN: true }),
        fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: undefined }),
        (min, extra, current, rate, ago) => {
          const spec = { ...SPEC, min, max: min + extra };
          const n = decideInstances(spec, { current, ...(ago !== undefined ? { lastScaleOutMs: NOW - ago, lastScaleInMs: NOW - ago } : {}) }, rate, NOW);
          assert.ok(Number.isInteger(n) && n >= spec.min && n <= spec.max, `${n}`);
        },
      ),
      fcParams(1301, 300),
    );
  });
});

describe('InvocationRate', () => {
  it('counts the invocations of the last 60 seconds', () => {
    let t = NOW;
    const r = new InvocationRate(() => t);
    r.add(10);
    t += 30_000;
    r.add(5);
    assert.equal(r.perMinute(), 15);
    t += 31_000;
    assert.equal(r.perMinute(), 5);
    t += 120_000;
    assert.equal(r.perMinute(), 0);
  });
});
