import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { UnavailableError } from '../core/errors.js';
import { noopLogger } from '../core/logger.js';
import { createRandom } from '../core/random.js';
import { CaptureWriter, type CaptureFile } from './capture-writer.js';
import type { EndpointSpec, VariantSpec } from './endpoint-spec.js';
import { MemoryDesiredState } from './memory-desired-state.js';
import type { InvocationError } from './serving-errors.js';
import { ServingRuntime } from './serving-runtime.js';
import type { PoolReply, PoolRequest, VariantPool } from './variant-pool.js';

/** A pool answering with its model package name; `gate` holds start, `hold` holds answers. */
class FakePool implements VariantPool {
  started = false;
  stopped = false;
  held: (() => void)[] = [];
  hold = false;
  wanted: number;
  calls = 0;
  constructor(
    readonly variant: VariantSpec,
    private readonly gate: Promise<void> = Promise.resolve(),
    private readonly fail?: string,
  ) {
    this.wanted = variant.instances.initial;
  }
  async start(): Promise<void> {
    await this.gate;
    if (this.fail) throw new UnavailableError(this.fail);
    this.started = true;
  }
  invoke(_r: PoolRequest): Promise<PoolReply> {
    this.calls++;
    const reply: PoolReply = { ok: true, body: Buffer.from(this.variant.modelPackageName) };
    if (!this.hold) return Promise.resolve(reply);
    return new Promise((resolve) => this.held.push(() => resolve(reply)));
  }
  size = () => this.wanted;
  readyCount = () => (this.started ? this.wanted : 0);
  resize(n: number): void {
    this.wanted = n;
  }
  pids = () => [];
  inFlight = () => this.held.length;
  stop(): Promise<void> {
    this.stopped = true;
    return Promise.resolve();
  }
}

const variant = (name: string, model: string, weight = 1, target?: number): VariantSpec => ({
  name,
  modelPackageArn: `arn:aws:sagemaker:us-east-1:000000000000:model-package/${model}`,
  modelPackageName: model,
  modelPath: `/models/${model}.json`,
  modelSha256: '',
  weight,
  instances: {
    initial: 1,
    min: 1,
    max: 3,
    scaleInCooldownSeconds: 300,
    scaleOutCooldownSeconds: 60,
    ...(target ? { targetInvocationsPerInstance: target } : {}),
  },
});
const endpoint = (name: string, generation: number, variants: VariantSpec[], capture = false): EndpointSpec => ({
  name,
  arn: `arn:aws:sagemaker:us-east-1:000000000000:endpoint/${name}`,
  configName: `${name}-config-${generation}`,
  generation,
  variants,
  ...(capture
    ? {
        capture: {
          samplingPercent: 50,
          destinationPath: '/cap',
          destinationUri: 'file:///cap',
          captureInput: true,
          captureOutput: true,
          csvContentTypes: ['text/csv'],
          jsonContentTypes: ['application/json'],
        },
      }
    : {}),
});
const csv = (extra: object = {}) => ({ body: Buffer.from('1,2,3'), contentType: 'text/csv', ...extra });

function setup(options: { gates?: Map<string, Promise<void>>; failing?: Set<string> } = {}) {
  const desired = new MemoryDesiredState();
  const pools: FakePool[] = [];
  const records: string[] = [];
  const clock = new ManualClock(Date.parse('2024-05-01T12:00:00Z'));
  const files = {
    open: (): Promise<CaptureFile> =>
      Promise.resolve({
        write: (d: Buffer) => {
          records.push(...d.toString('utf8').trim().split('\n'));
          return Promise.resolve();
        },
        sync: () => Promise.resolve(),
        close: () => Promise.resolve(),
      }),
  };
  let ids = 0;
  const runtime = new ServingRuntime({
    desired,
    pools: (_e, v) => {
      const p = new FakePool(
        v,
        options.gates?.get(v.modelPackageName),
        options.failing?.has(v.modelPackageName) ? `cannot load ${v.modelPackageName}` : undefined,
      );
      pools.push(p);
      return p;
    },
    capture: (e, v, spec) =>
      new CaptureWriter({ files, destinationPath: spec.destinationPath, endpoint: e, variant: v, uuid: () => `u${++ids}`, logger: noopLogger }),
    clock,
    random: createRandom(7),
    uuid: () => `event-${++ids}`,
    logger: noopLogger,
  });
  return { desired, pools, records, runtime, clock };
}

describe('ServingRuntime', () => {
  it('serves an endpoint once its pools are ready, reports in service, and refuses unknown endpoints and variants as SageMaker does', async () => {
    const { desired, runtime } = setup();
    desired.put(endpoint('ep', 1, [variant('A', 'g/1'), variant('B', 'g/2', 3)]));
    await runtime.reconcile();
    assert.deepEqual(desired.last('ep'), { kind: 'in_service', name: 'ep', generation: 1, instances: { A: 1, B: 1 } });
    const counts: Record<string, number> = { A: 0, B: 0 };
    for (let i = 0; i < 400; i++) counts[(await runtime.invoke('ep', csv())).variant]!++;
    assert.ok(counts['B']! > 2 * counts['A']! && counts['A']! > 50, JSON.stringify(counts));
    const r = await runtime.invoke('ep', csv({ targetVariant: 'A', customAttributes: 'c=1' }));
    assert.equal(r.variant, 'A');
    assert.equal(r.body.toString(), 'g/1');
    assert.equal(r.contentType, 'text/csv; charset=utf-8');
    assert.equal(r.customAttributes, 'c=1');
    await assert.rejects(
      runtime.invoke('nope', csv()),
      (e: InvocationError) => e.errorType === 'ValidationError' && e.message === 'Endpoint nope of account 000000000000 not found.',
    );
    await assert.rejects(
      runtime.invoke('ep', csv({ targetVariant: 'C' })),
      (e: InvocationError) => e.errorType === 'ValidationError' && /Variant C/.test(e.message),
    );
    await assert.rejects(
      runtime.invoke('ep', csv({ contentType: 'image/png' })),
      (e: InvocationError) => e.errorType === 'ModelError' && e.original?.status === 415,
    );
    await assert.rejects(runtime.invoke('ep', csv({ inferenceId: 'x'.repeat(65) })), /InferenceId must be 1 to 64/);
    await assert.rejects(runtime.invoke('ep', csv({ customAttributes: 'a\u0001' })), /CustomAttributes must be/);
    await runtime.stop();
  });

  it('blue/green: keeps the old generation until the new one is ready, switches, drains, then stops the old pools', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((r) => (open = r));
    const { desired, runtime, pools } = setup({ gates: new Map([['g/2', gate]]) });
    desired.put(endpoint('ep', 1, [variant('V', 'g/1')]));
    await runtime.reconcile();
    desired.put(endpoint('ep', 2, [variant('V', 'g/2')]));
    const updating = runtime.reconcile();
    assert.equal((await runtime.invoke('ep', csv())).body.toString(), 'g/1');
    pools[0]!.hold = true;
    const inFlight = runtime.invoke('ep', csv());
    await new Promise((r) => setImmediate(r));
    open();
    await updating;
    assert.equal((await runtime.invoke('ep', csv())).body.toString(), 'g/2');
    assert.equal(pools[0]!.stopped, false, 'the old pool stops only after its request');
    pools[0]!.held.forEach((f) => f());
    assert.equal((await inFlight).body.toString(), 'g/1');
    await new Promise((r) => setImmediate(r));
    assert.equal(pools[0]!.stopped, true);
    assert.deepEqual(desired.last('ep'), { kind: 'in_service', name: 'ep', generation: 2, instances: { V: 1 } });
    await runtime.stop();
  });

  it('a generation that cannot start is reported failed once, the previous one keeps serving; delete stops and reports', async () => {
    const { desired, runtime, pools } = setup({ failing: new Set(['g/bad']) });
    desired.put(endpoint('ep', 1, [variant('V', 'g/1')]));
    await runtime.reconcile();
    desired.put(endpoint('ep', 2, [variant('V', 'g/bad')]));
    await runtime.reconcile();
    await runtime.reconcile();
    assert.deepEqual(desired.last('ep'), { kind: 'failed', name: 'ep', generation: 2, reason: 'cannot load g/bad' });
    assert.equal(desired.reports.filter((r) => r.kind === 'failed').length, 1);
    assert.equal(pools.length, 2);
    assert.equal((await runtime.invoke('ep', csv())).body.toString(), 'g/1');
    desired.delete('ep');
    await runtime.reconcile();
    assert.deepEqual(desired.last('ep'), { kind: 'deleted', name: 'ep' });
    assert.equal(pools[0]!.stopped, true);
    await assert.rejects(runtime.invoke('ep', csv()), /not found/);
    await runtime.stop();
  });

  it('captures the sampled share, each record written before its answer', async () => {
    const { desired, runtime, records } = setup();
    desired.put(endpoint('ep', 1, [variant('V', 'g/1')], true));
    await runtime.reconcile();
    let answered = 0;
    for (let i = 0; i < 200; i++) {
      const before = records.length;
      await runtime.invoke('ep', csv({ inferenceId: `i${i}` }));
      answered++;
      if (records.length > before) assert.match(records.at(-1)!, new RegExp(`"inferenceId":"i${i}"`));
    }
    assert.ok(records.length > 70 && records.length < 130, `${records.length} of ${answered}`);
    assert.deepEqual(runtime.captureCounters(), { captured: records.length, dropped: 0, late: 0 });
    await runtime.stop();
  });

  it('scales a variant on invocations per instance', async () => {
    const { desired, runtime, pools, clock } = setup();
    desired.put(endpoint('ep', 1, [variant('V', 'g/1', 1, 10)]));
    await runtime.reconcile();
    for (let i = 0; i < 25; i++) await runtime.invoke('ep', csv());
    await runtime.reconcile();
    assert.equal(pools[0]!.size(), 3);
    assert.deepEqual(desired.last('ep'), { kind: 'in_service', name: 'ep', generation: 1, instances: { V: 3 } });
    clock.advance(301_000);
    await runtime.reconcile();
    assert.equal(pools[0]!.size(), 2);
    await runtime.stop();
  });
  it('counts, per variant and per minute, what CloudWatch publishes: invocations, 4xx and 5xx answers, latency', async () => {
    const { desired, runtime, pools, clock } = setup();
    desired.put(endpoint('ep', 1, [variant('A', 'g/1')]));
    await runtime.reconcile();
    const pool = pools[0]!;
    await runtime.invoke('ep', csv());
    pool.hold = true;
    const held = runtime.invoke('ep', csv());
    clock.advance(40);
    pool.held.shift()!();
    await held;
    pool.hold = false;
    pool.invoke = () => Promise.resolve({ ok: false, kind: 'input', message: 'expected 3 columns' } as PoolReply);
    await assert.rejects(runtime.invoke('ep', csv()));
    pool.invoke = () => Promise.reject(new UnavailableError('worker died'));
    await assert.rejects(runtime.invoke('ep', csv()));
    const [c] = runtime.drainCounters();
    assert.deepEqual(c, {
      endpoint: 'ep',
      variant: 'A',
      instances: 1,
      invocations: 4,
      errors4xx: 1,
      errors5xx: 1,
      latencyMsSum: 40,
      latencyMsMax: 40,
      captured: 0,
      captureDropped: 0,
    });
    assert.equal(runtime.drainCounters()[0]?.invocations, 0, 'counted again from zero');
    await runtime.stop();
  });
});
