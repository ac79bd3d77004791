import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../core/clock.js';
import { NotFoundError } from '../core/errors.js';
import { noopLogger } from '../core/logger.js';
import { InProcessEventBus } from '../events/index.js';
import { ModelRegistry } from '../registry/index.js';
import { openMetadataStore } from '../store/index.js';
import { resultOrOneLineError } from '../../test/support/property-checks.js';
import { toDescribeEndpoint } from './describe-endpoint.js';
import { parseEndpointConfigInput } from './endpoint-config-schema.js';
import { EndpointService, configNameFor } from './endpoint-service.js';
import type { ModelArtifacts } from './model-artifacts.js';

async function harness() {
  const meta = await openMetadataStore('memory:');
  const clock = new ManualClock(Date.UTC(2026, 11, 3, 9));
  let n = 0;
  const registry = new ModelRegistry({ store: meta.registry, events: new InProcessEventBus(noopLogger), clock, ids: (p) => `${p}-${++n}`, logger: noopLogger });
  const missing = new Set<string>();
  const models: ModelArtifacts = {
    localModelPath: async (uri) => {
      if (missing.has(uri)) throw new NotFoundError('model artifact', uri);
      return `/models/${uri.split('/').at(-2)}/model.json`;
    },
    localCaptureFolder: (uri) => {
      if (!uri.startsWith('file://')) throw new Error('not a file URI');
      return uri.slice('file://'.length);
    },
  };
  const endpoints = new EndpointService({
    store: meta.endpoints,
    registry,
    models,
    clock,
    logger: noopLogger,
    defaultCaptureUri: 'file:///home/artifacts/datacapture',
  });
  const register = async (version: number, approved = true) => {
    const pkg = await registry.register({ group: 'taxi', modelDataUrl: `file:///a/v${version}/model.json`, modelSha256: 'a'.repeat(64) });
    if (approved) await registry.approve('taxi', pkg.version, { by: 'alice' });
    return pkg;
  };
  return { meta, clock, registry, endpoints, register, missing };
}

describe('EndpointService (control plane)', () => {
  it('deploys only Approved versions; an endpoint starts Creating and its spec names the model file, capture and scaling', async () => {
    const h = await harness();
    await h.register(1, false);
    await assert.rejects(
      h.endpoints.deployModel({ endpointName: 'taxi-prod', modelPackage: 'taxi/1', capturePercent: 100 }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'failed_precondition');
        assert.match(err.message, /taxi\/1 is PendingManualApproval: only Approved versions can be deployed/);
        return true;
      },
    );
    await assert.rejects(h.endpoints.getEndpoint('taxi-prod'), { code: 'not_found' }, 'nothing was created');
    await h.registry.approve('taxi', 1, { by: 'alice' });
    const { endpoint, config, created } = await h.endpoints.deployModel({
      endpointName: 'taxi-prod',
      modelPackage: 'taxi/1',
      variantName: 'LatestApproved',
      instances: 2,
      autoScaling: { MinCapacity: 2, MaxCapacity: 4 },
      capturePercent: 100,
    });
    assert.equal(created, true);
    assert.equal(endpoint.status, 'Creating');
    assert.equal(config.EndpointConfigName, 'taxi-prod-20261203090000000');
    const { specs } = await h.endpoints.desired();
    assert.deepEqual(specs, [
      {
        name: 'taxi-prod',
        arn: 'arn:aws:sagemaker:local:000000000000:endpoint/taxi-prod',
        configName: 'taxi-prod-20261203090000000',
        generation: 1,
        variants: [
          {
            name: 'LatestApproved',
            modelPackageArn: 'arn:aws:sagemaker:local:000000000000:model-package/taxi/1',
            modelPackageName: 'taxi/1',
            modelPath: '/models/v1/model.json',
            modelSha256: 'a'.repeat(64),
            weight: 1,
            instances: { initial: 2, min: 2, max: 4, targetInvocationsPerInstance: 750, scaleInCooldownSeconds: 60, scaleOutCooldownSeconds: 60 },
          },
        ],
        capture: {
          samplingPercent: 100,
          destinationUri: 'file:///home/artifacts/datacapture',
          destinationPath: '/home/artifacts/datacapture',
          captureInput: true,
          captureOutput: true,
          csvContentTypes: ['text/csv'],
          jsonContentTypes: ['application/json'],
        },
      },
    ]);
  });

  it('InService once the data plane reports it; DescribeEndpoint shows instances and capture Started', async () => {
    const h = await harness();
    await h.register(1);
    await h.endpoints.deployModel({ endpointName: 'ep', modelPackage: 'taxi/1', instances: 2, capturePercent: 50 });
    await h.endpoints.report({ kind: 'in_service', name: 'ep', generation: 1, instances: { AllTraffic: 2 } });
    const e = await h.endpoints.getEndpoint('ep');
    assert.equal(e.status, 'InService');
    const d = toDescribeEndpoint(e, await h.endpoints.describeEndpointConfig(e.configName));
    assert.equal(d.EndpointStatus, 'InService');
    assert.deepEqual(d.DataCaptureConfig, {
      EnableCapture: true,
      CaptureStatus: 'Started',
      CurrentSamplingPercentage: 50,
      DestinationS3Uri: 'file:///home/artifacts/datacapture',
    });
    assert.equal(d.ProductionVariants[0]?.CurrentInstanceCount, 2);
    assert.equal(d.ProductionVariants[0]?.ModelPackageName, 'taxi/1');
  });

  it('an update is a new generation; a failed update rolls back to the config that served, keeping the reason; stale reports are ignored', async () => {
    const h = await harness();
    await h.register(1);
    await h.register(2);
    const first = await h.endpoints.deployModel({ endpointName: 'ep', modelPackage: 'taxi/1' });
    await h.endpoints.report({ kind: 'in_service', name: 'ep', generation: 1, instances: { AllTraffic: 1 } });
    h.clock.advance(1000);
    const second = await h.endpoints.deployModel({ endpointName: 'ep', modelPackage: 'taxi/2' });
    assert.equal(second.created, false);
    assert.equal(second.endpoint.status, 'Updating');
    assert.equal(second.endpoint.generation, 2);
    assert.equal(second.endpoint.previousConfigName, first.config.EndpointConfigName);
    await h.endpoints.report({ kind: 'in_service', name: 'ep', generation: 1, instances: { AllTraffic: 1 } });
    assert.equal((await h.endpoints.getEndpoint('ep')).status, 'Updating', 'a report about generation 1 changes nothing');
    await h.endpoints.report({ kind: 'failed', name: 'ep', generation: 2, reason: 'worker exited with code 1' });
    const rolledBack = await h.endpoints.getEndpoint('ep');
    assert.equal(rolledBack.configName, first.config.EndpointConfigName);
    assert.equal(rolledBack.generation, 3);
    assert.match(rolledBack.failureReason ?? '', /^update to endpoint config 'ep-\d+' failed: worker exited with code 1$/);
    assert.equal((await h.endpoints.desired()).specs[0]?.variants[0]?.modelPackageName, 'taxi/1');
    await h.endpoints.report({ kind: 'in_service', name: 'ep', generation: 3, instances: { AllTraffic: 1 } });
    const after = await h.endpoints.getEndpoint('ep');
    assert.equal(after.status, 'InService');
    assert.match(after.failureReason ?? '', /failed: worker exited/, 'the reason of the failed update stays visible');
  });

  it('a failed create ends Failed and is no longer served; a missing model marks only its endpoint Failed', async () => {
    const h = await harness();
    await h.register(1);
    await h.register(2);
    await h.endpoints.deployModel({ endpointName: 'a', modelPackage: 'taxi/1' });
    await h.endpoints.deployModel({ endpointName: 'b', modelPackage: 'taxi/2' });
    await h.endpoints.report({ kind: 'failed', name: 'a', generation: 1, reason: 'model file is not XGBoost JSON' });
    assert.equal((await h.endpoints.getEndpoint('a')).status, 'Failed');
    h.missing.add('file:///a/v2/model.json');
    h.clock.advance(5);
    await h.endpoints.deployModel({ endpointName: 'c', modelPackage: 'taxi/1' });
    const { specs } = await h.endpoints.desired();
    assert.deepEqual(
      specs.map((s) => s.name),
      ['c'],
    );
    const b = await h.endpoints.getEndpoint('b');
    assert.equal(b.status, 'Failed');
    assert.match(b.failureReason ?? '', /model artifact 'file:\/\/\/a\/v2\/model.json' not found/);
  });

  it('deleting an endpoint removes it from what the data plane serves; its config can then be deleted', async () => {
    const h = await harness();
    await h.register(1);
    const { config } = await h.endpoints.deployModel({ endpointName: 'ep', modelPackage: 'taxi/1' });
    await assert.rejects(h.endpoints.deleteEndpointConfig(config.EndpointConfigName), { code: 'failed_precondition' });
    await h.endpoints.deleteEndpoint('ep');
    assert.deepEqual((await h.endpoints.desired()).specs, []);
    await h.endpoints.deleteEndpointConfig(config.EndpointConfigName);
    await assert.rejects(h.endpoints.deleteEndpoint('ep'), { code: 'not_found' });
  });

  it('two deployments in the same millisecond get distinct config names', async () => {
    const h = await harness();
    await h.register(1);
    const a = await h.endpoints.deployModel({ endpointName: 'ep', modelPackage: 'taxi/1' });
    const b = await h.endpoints.deployModel({ endpointName: 'ep', modelPackage: 'taxi/1' });
    assert.notEqual(a.config.EndpointConfigName, b.config.EndpointConfigName);
    assert.equal(configNameFor('x'.repeat(63), 0).length, 63);
  });

  it('CreateEndpointConfig documents: SageMaker defaults filled, each problem one line naming the field', async () => {
    const h = await harness();
    await h.register(1);
    const c = await h.endpoints.createEndpointConfig({ EndpointConfigName: 'cfg', ProductionVariants: [{ VariantName: 'v', ModelPackageName: 'taxi/1' }] });
    assert.deepEqual(c.ProductionVariants, [
      { VariantName: 'v', ModelPackageName: 'taxi/1', InitialInstanceCount: 1, InitialVariantWeight: 1, InstanceType: 'ml.m5.large' },
    ]);
    const bad = (doc: unknown) => resultOrOneLineError(() => parseEndpointConfigInput(doc));
    const cases: [unknown, RegExp][] = [
      [{ EndpointConfigName: 'x', ProductionVariants: [] }, /field ProductionVariants: must hold 1 to 10 variants/],
      [
        {
          EndpointConfigName: 'x',
          ProductionVariants: [{ VariantName: 'v', ModelPackageName: 'taxi/1' }],
          DataCaptureConfig: { EnableCapture: true, InitialSamplingPercentage: 101, DestinationS3Uri: 'file:///c', CaptureOptions: [{ CaptureMode: 'Input' }] },
        },
        /field DataCaptureConfig\.InitialSamplingPercentage: must be an integer from 0 to 100/,
      ],
      [
        { EndpointConfigName: 'x', ProductionVariants: [{ VariantName: 'v', ModelPackageName: 'taxi/1', InitialInstanceCount: 0 }] },
        /ProductionVariants\[0\]\.InitialInstanceCount/,
      ],
      [
        {
          EndpointConfigName: 'x',
          ProductionVariants: [
            { VariantName: 'v', ModelPackageName: 'taxi/1' },
            { VariantName: 'v', ModelPackageName: 'taxi/1' },
          ],
        },
        /'v' is used twice/,
      ],
      [
        {
          EndpointConfigName: 'x',
          ProductionVariants: [
            { VariantName: 'v', ModelPackageName: 'taxi/1', InitialInstanceCount: 5, AutoScaling: { MinCapacity: 2, MaxCapacity: 4, TargetValue: 750 } },
          ],
        },
        /must be within AutoScaling's 2 to 4/,
      ],
      [{ EndpointConfigName: 'bad name', ProductionVariants: [{ VariantName: 'v', ModelPackageName: 'taxi/1' }] }, /field EndpointConfigName/],
    ];
    for (const [doc, message] of cases) {
      const r = bad(doc);
      assert.equal(r.ok, false, JSON.stringify(doc));
      if (!r.ok) assert.match(r.error.message, message);
    }
    await assert.rejects(
      h.endpoints.createEndpointConfig({ EndpointConfigName: 'x', ProductionVariants: [{ VariantName: 'v', ModelPackageName: 'taxi/9' }] }),
      { code: 'not_found' },
    );
  });

  it('property: any JSON value as a CreateEndpointConfig document is accepted or refused with one line, never an internal error', () => {
    const variantish = fc.record(
      {
        VariantName: fc.oneof(fc.string(), fc.constantFrom('AllTraffic', 'LatestApproved')),
        ModelPackageName: fc.oneof(fc.string(), fc.constant('taxi/1')),
        InitialInstanceCount: fc.oneof(fc.integer({ min: -2, max: 20 }), fc.double(), fc.string()),
        InitialVariantWeight: fc.oneof(fc.double(), fc.integer()),
        AutoScaling: fc.record(
          { MinCapacity: fc.integer({ min: -1, max: 20 }), MaxCapacity: fc.integer({ min: -1, max: 20 }), TargetValue: fc.double() },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    const doc = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          EndpointConfigName: fc.oneof(fc.string(), fc.constant('cfg')),
          ProductionVariants: fc.oneof(fc.array(variantish, { maxLength: 12 }), fc.jsonValue()),
          DataCaptureConfig: fc.oneof(fc.jsonValue(), fc.record({ EnableCapture: fc.boolean(), InitialSamplingPercentage: fc.integer({ min: -5, max: 105 }) })),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(doc, (d) => {
        resultOrOneLineError(() => parseEndpointConfigInput(d), JSON.stringify(d));
      }),
      { numRuns: 400, seed: 11 },
    );
  });
});
