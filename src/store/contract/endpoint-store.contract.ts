import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointArn, endpointConfigArn } from '../../core/arn.js';
import type { DeploymentRecord, DeploymentStore } from '../../deploy/index.js';
import type { EndpointConfig, EndpointRecord, EndpointStore } from '../../serving/index.js';

function aConfig(name: string, at = 1000): EndpointConfig {
  return {
    EndpointConfigName: name,
    EndpointConfigArn: endpointConfigArn(name),
    CreationTime: at,
    ProductionVariants: [{ VariantName: 'AllTraffic', ModelPackageName: 'g/1', InitialInstanceCount: 2, InitialVariantWeight: 1, InstanceType: 'ml.m5.large' }],
    DataCaptureConfig: {
      EnableCapture: true,
      InitialSamplingPercentage: 100,
      DestinationS3Uri: 'file:///tmp/capture',
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
    },
  };
}

function anEndpoint(name: string, config: string, generation = 1): EndpointRecord {
  return {
    name,
    arn: endpointArn(name),
    configName: config,
    status: 'Creating',
    generation,
    servedGeneration: 0,
    instances: {},
    tags: { stage: 'prod' },
    createdAt: 2000,
    lastModifiedAt: 2000,
  };
}

function aDeployment(id: string, group: string, createdAt: number): DeploymentRecord {
  const stage = { stage_name: 'staging', instance_count: 1, instance_type: 'ml.t2.medium' };
  return {
    id,
    group,
    version: 1,
    modelPackageArn: `arn:aws:sagemaker:local:000000000000:model-package/${group}/1`,
    status: 'InProgress',
    stages: [
      { name: 'DeployStaging', status: 'InProgress', startedAt: createdAt },
      { name: 'ManualApproval', status: 'Pending' },
      { name: 'DeployProd', status: 'Pending' },
    ],
    trigger: 'manual',
    revision: 1,
    createdAt,
    updatedAt: createdAt,
    stagingConfig: stage,
    prodConfig: { ...stage, stage_name: 'prod', instance_count: 2 },
    approvalTimeoutMs: 60_000,
  };
}

/** The contract every EndpointStore and DeploymentStore adapter passes. */
export function describeEndpointStoreContract(name: string, makeStores: () => Promise<{ endpoints: EndpointStore; deployments: DeploymentStore }>): void {
  describe(`EndpointStore and DeploymentStore contract: ${name}`, () => {
    it('keeps configs as given, refuses a second config of the same name, lists by name', async () => {
      const { endpoints: s } = await makeStores();
      await s.insertConfig(aConfig('b'));
      await s.insertConfig(aConfig('a'));
      assert.deepEqual(await s.getConfig('b'), aConfig('b'));
      await assert.rejects(s.insertConfig(aConfig('a', 5)), { code: 'already_exists' });
      assert.deepEqual(
        (await s.listConfigs()).items.map((c) => c.EndpointConfigName),
        ['a', 'b'],
      );
      const first = await s.listConfigs({ limit: 1 });
      assert.equal(first.items.length, 1);
      assert.deepEqual(
        (await s.listConfigs({ limit: 1, pageToken: first.nextPageToken! })).items.map((c) => c.EndpointConfigName),
        ['b'],
      );
      await assert.rejects(s.getConfig('zzz'), { code: 'not_found' });
    });

    it('an endpoint round-trips; replace is fenced by generation; a config in use cannot be deleted', async () => {
      const { endpoints: s } = await makeStores();
      await s.insertConfig(aConfig('c1'));
      await s.insertConfig(aConfig('c2'));
      const e = await s.insertEndpoint(anEndpoint('ep', 'c1'));
      assert.deepEqual(await s.getEndpoint('ep'), e);
      await assert.rejects(s.insertEndpoint(anEndpoint('ep', 'c1')), { code: 'already_exists' });
      const next: EndpointRecord = {
        ...e,
        configName: 'c2',
        previousConfigName: 'c1',
        status: 'Updating',
        generation: 2,
        failureReason: 'x',
        instances: { AllTraffic: 2 },
      };
      assert.deepEqual(await s.replaceEndpoint(next, 1), next);
      assert.deepEqual(await s.getEndpoint('ep'), next);
      assert.equal(await s.replaceEndpoint({ ...next, status: 'Failed' }, 1), undefined, 'a stale generation writes nothing');
      assert.equal((await s.getEndpoint('ep')).status, 'Updating');
      await assert.rejects(s.deleteConfig('c1'), { code: 'failed_precondition' });
      await assert.rejects(s.deleteConfig('c2'), { code: 'failed_precondition' });
      await s.deleteEndpoint('ep');
      await assert.rejects(s.getEndpoint('ep'), { code: 'not_found' });
      await assert.rejects(s.replaceEndpoint(next, 2), { code: 'not_found' });
      await assert.rejects(s.deleteEndpoint('ep'), { code: 'not_found' });
      await s.deleteConfig('c1');
      await assert.rejects(s.getConfig('c1'), { code: 'not_found' });
    });

    it('deployments: newest first, filtered by group and status, replaced only at the next revision', async () => {
      const { deployments: s } = await makeStores();
      await s.insertDeployment(aDeployment('d1', 'g', 1));
      await s.insertDeployment(aDeployment('d2', 'h', 2));
      await s.insertDeployment(aDeployment('d3', 'g', 3));
      await assert.rejects(s.insertDeployment(aDeployment('d1', 'g', 9)), { code: 'already_exists' });
      assert.deepEqual(
        (await s.listDeployments()).items.map((d) => d.id),
        ['d3', 'd2', 'd1'],
      );
      assert.deepEqual(
        (await s.listDeployments({ group: 'g' })).items.map((d) => d.id),
        ['d3', 'd1'],
      );
      const d1 = await s.getDeployment('d1');
      const done: DeploymentRecord = { ...d1, status: 'Succeeded', revision: 2, updatedAt: 10 };
      assert.deepEqual(await s.replaceDeployment(done), done);
      assert.equal(await s.replaceDeployment({ ...d1, status: 'Failed', revision: 2 }), undefined, 'a writer that read revision 1 loses');
      assert.deepEqual(await s.getDeployment('d1'), done);
      assert.deepEqual(
        (await s.listDeployments({ status: 'Succeeded' })).items.map((d) => d.id),
        ['d1'],
      );
      const page = await s.listDeployments({ limit: 2 });
      assert.deepEqual(
        (await s.listDeployments({ limit: 2, pageToken: page.nextPageToken! })).items.map((d) => d.id),
        ['d1'],
      );
      await assert.rejects(s.getDeployment('nope'), { code: 'not_found' });
      await assert.rejects(s.replaceDeployment({ ...done, id: 'nope', revision: 3 }), { code: 'not_found' });
    });
  });
}
