import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fastify from 'fastify';
import fc from 'fast-check';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { controlPlane } from '../../test/support/control-plane.js';
import { registerControlApi } from './control-api.js';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { noopLogger } from '../core/logger.js';
import { NodeLocalFiles } from '../data/adapters/node-local-files.js';
import { FsCaptureSource } from '../monitor/adapters/fs-capture-source.js';
import { GroundTruthService } from '../monitor/index.js';

const gtRoot = mkdtempSync(path.join(os.tmpdir(), 'driftline-api-gt-'));
after(() => rmSync(gtRoot, { recursive: true, force: true }));
let harnesses = 0;
let files = 0;

async function harness(auth?: { keys: ReadonlyMap<string, string> }) {
  const { registry, endpoints, deployments } = await controlPlane();
  const server = fastify();
  const gtDir = path.join(gtRoot, String(++harnesses));
  const groundTruth = new GroundTruthService({
    files: new NodeLocalFiles(),
    source: new FsCaptureSource(),
    locations: {
      groundTruthDirOf: async (e) => {
        await endpoints.getEndpoint(e);
        return path.join(gtDir, e);
      },
      captureDirsOf: async (e) => [path.join(gtDir, 'capture', e)],
    },
    clock: new ManualClock(Date.UTC(2026, 11, 3, 9, 30)),
    ids: (p) => `${p}_${harnesses}_${++files}`,
    logger: noopLogger,
  });
  registerControlApi(server, { endpoints, deployments, groundTruth }, auth ? { auth } : {});
  await server.ready();
  await registry.register({ group: 'taxi', modelDataUrl: 'file:///m/model.json', modelSha256: 'a'.repeat(64) });
  return { server, registry, endpoints, deployments, gtDir };
}

describe('control API (/api): endpoints and the deployment approval over HTTP', () => {
  it('an approval waits in the API; POST approve with a comment deploys production; errors are one line with their status', async () => {
    const h = await harness();
    await h.registry.approve('taxi', 1, { by: 'alice' });
    const list = await h.server.inject({ method: 'GET', url: '/api/deployments?group=taxi' });
    assert.equal(list.statusCode, 200);
    const [d] = list.json<{ DeploymentExecutions: { id: string }[] }>().DeploymentExecutions;
    const early = await h.server.inject({ method: 'POST', url: `/api/deployments/${d!.id}/approve`, payload: { by: 'bob' } });
    assert.equal(early.statusCode, 412);
    assert.match(early.json<{ error: { message: string } }>().error.message, /not waiting for approval/);
    const staging = await h.endpoints.getEndpoint('taxi-staging');
    await h.endpoints.report({ kind: 'in_service', name: staging.name, generation: staging.generation, instances: { LatestApproved: 1 } });
    await h.deployments.tick();
    const ok = await h.server.inject({ method: 'POST', url: `/api/deployments/${d!.id}/approve`, payload: { by: 'bob', comment: 'looks right' } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json<{ stages: { name: string; comment?: string }[] }>().stages[1]?.comment, 'looks right');
    const prod = await h.server.inject({ method: 'GET', url: '/api/endpoints/taxi-prod' });
    assert.equal(prod.statusCode, 200);
    assert.equal(prod.json<{ EndpointStatus: string }>().EndpointStatus, 'Creating');
    const missing = await h.server.inject({ method: 'GET', url: '/api/deployments/nope' });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { error: { code: 'not_found', message: "deployment 'nope' not found", details: { entity: 'deployment', key: 'nope' } } });
  });

  it('creates, updates and deletes endpoints; an unapproved version is refused', async () => {
    const h = await harness();
    const refused = await h.server.inject({ method: 'POST', url: '/api/endpoints', payload: { EndpointName: 'ep', ModelPackageName: 'taxi/1' } });
    assert.equal(refused.statusCode, 412);
    await h.registry.createGroup({ name: 'solo', tags: { 'driftline:auto-deploy': 'false' } });
    await h.registry.register({ group: 'solo', modelDataUrl: 'file:///m/solo.json', modelSha256: 'b'.repeat(64), approvalStatus: 'Approved' });
    const created = await h.server.inject({
      method: 'POST',
      url: '/api/endpoints',
      payload: { EndpointName: 'ep', ModelPackageName: 'solo/1', InstanceCount: 2, CaptureSamplingPercentage: 10 },
    });
    assert.equal(created.statusCode, 201, created.body);
    const again = await h.server.inject({ method: 'POST', url: '/api/endpoints', payload: { EndpointName: 'ep', ModelPackageName: 'solo/1' } });
    assert.equal(again.statusCode, 400);
    const config = await h.server.inject({
      method: 'POST',
      url: '/api/endpoint-configs',
      payload: { EndpointConfigName: 'c2', ProductionVariants: [{ VariantName: 'v', ModelPackageName: 'solo/1' }] },
    });
    assert.equal(config.statusCode, 201, config.body);
    const updated = await h.server.inject({ method: 'PUT', url: '/api/endpoints/ep', payload: { EndpointConfigName: 'c2' } });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.equal(updated.json<{ EndpointConfigName: string }>().EndpointConfigName, 'c2');
    assert.equal((await h.server.inject({ method: 'DELETE', url: '/api/endpoints/ep' })).statusCode, 204);
    assert.equal((await h.server.inject({ method: 'GET', url: '/api/endpoints/ep' })).statusCode, 404);
  });

  it('property: any body on any write route gets a 2xx or a 4xx with one error line, never a 500', async () => {
    const h = await harness();
    const routes = [
      ['POST', '/api/endpoints'],
      ['PUT', '/api/endpoints/ep'],
      ['POST', '/api/endpoint-configs'],
      ['POST', '/api/deployments/deploy-1/approve'],
      ['POST', '/api/deployments/deploy-1/reject'],
    ] as const;
    const body = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.string(),
      fc
        .record({ by: fc.oneof(fc.string(), fc.integer()), comment: fc.oneof(fc.string({ maxLength: 1100 }), fc.constant(null)) })
        .map((v) => JSON.stringify(v)),
      fc
        .record({ EndpointName: fc.string(), ModelPackageName: fc.oneof(fc.string(), fc.constant('taxi/1')), InstanceCount: fc.integer() })
        .map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, url], payload) => {
        const res = await h.server.inject({ method, url, payload, headers: { 'content-type': 'application/json' } });
        assert.ok(res.statusCode < 500, `${method} ${url} ${payload} -> ${res.statusCode} ${res.body}`);
        if (res.statusCode >= 400) {
          const msg = res.json<{ error: { message: string } }>().error.message;
          assert.ok(msg.length > 0 && !/[\r\n]/.test(msg), msg);
        }
      }),
      { numRuns: 300, seed: 5 },
    );
  });
});

describe('control API with SigV4 (a server bound beyond loopback)', () => {
  class Sha256 extends Hash {
    constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
      super('sha256', secret as never);
    }
  }
  const sign = async (secret: string, method: string, path: string, body?: unknown) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const signer = new SignatureV4({
      credentials: { accessKeyId: 'AKIDOPS', secretAccessKey: secret },
      region: 'eu-west-1',
      service: 'sagemaker',
      sha256: Sha256,
    });
    const signed = await signer.sign({
      method,
      protocol: 'http:',
      hostname: 'localhost',
      path,
      query: {},
      headers: { host: 'localhost', ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined ? {} : { body: payload }),
    });
    return { headers: signed.headers as Record<string, string>, payload };
  };

  it('answers signed requests with a known key; unsigned, forged or tampered ones get 403 and change nothing', async () => {
    const h = await harness({ keys: new Map([['AKIDOPS', 'ops-secret']]) });
    await h.registry.approve('taxi', 1, { by: 'alice' });
    const id = (await h.deployments.list()).items[0]!.id;
    const staging = await h.endpoints.getEndpoint('taxi-staging');
    await h.endpoints.report({ kind: 'in_service', name: staging.name, generation: staging.generation, instances: { LatestApproved: 1 } });
    await h.deployments.tick();

    const unsigned = await h.server.inject({ method: 'GET', url: '/api/deployments' });
    assert.equal(unsigned.statusCode, 403);
    assert.equal(unsigned.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
    const list = await sign('ops-secret', 'GET', '/api/deployments');
    assert.equal((await h.server.inject({ method: 'GET', url: '/api/deployments', headers: list.headers })).statusCode, 200);

    const forged = await sign('not-the-secret', 'POST', `/api/deployments/${id}/approve`, { by: 'mallory' });
    const refused = await h.server.inject({ method: 'POST', url: `/api/deployments/${id}/approve`, headers: forged.headers, payload: forged.payload });
    assert.equal(refused.statusCode, 403);
    const tampered = await sign('ops-secret', 'POST', `/api/deployments/${id}/approve`, { by: 'bob' });
    const changed = await h.server.inject({
      method: 'POST',
      url: `/api/deployments/${id}/approve`,
      headers: tampered.headers,
      payload: JSON.stringify({ by: 'mallory' }),
    });
    assert.equal(changed.statusCode, 403, 'the body is covered by the signature');
    assert.equal((await h.deployments.get(id)).stages[1]?.status, 'InProgress', 'nothing approved');

    const ok = await sign('ops-secret', 'POST', `/api/deployments/${id}/approve`, { by: 'bob', comment: 'signed' });
    const approved = await h.server.inject({ method: 'POST', url: `/api/deployments/${id}/approve`, headers: ok.headers, payload: ok.payload });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal((await h.deployments.get(id)).stages[1]?.actor, 'bob');
  });

  it('ground truth as JSON Lines is covered by the signature too: signed is stored, tampered is 403 and stores nothing', async () => {
    const h = await harness({ keys: new Map([['AKIDOPS', 'ops-secret']]) });
    await h.registry.createGroup({ name: 'solo', tags: { 'driftline:auto-deploy': 'false' } });
    await h.registry.register({ group: 'solo', modelDataUrl: 'file:///m/solo.json', modelSha256: 'b'.repeat(64), approvalStatus: 'Approved' });
    await h.endpoints.deployModel({ endpointName: 'ep', modelPackage: 'solo/1' });
    const text = '{"inferenceId":"t1","label":12.5}\n{"inferenceId":"t2","label":7}\n';
    const signer = new SignatureV4({
      credentials: { accessKeyId: 'AKIDOPS', secretAccessKey: 'ops-secret' },
      region: 'eu-west-1',
      service: 'sagemaker',
      sha256: Sha256,
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: 'localhost',
      path: '/api/endpoints/ep/ground-truth',
      query: {},
      headers: { host: 'localhost', 'content-type': 'application/jsonlines' },
      body: text,
    });
    const post = (payload: string) =>
      h.server.inject({ method: 'POST', url: '/api/endpoints/ep/ground-truth', headers: signed.headers as Record<string, string>, payload });
    const tampered = await post(text.replace('12.5', '99'));
    assert.equal(tampered.statusCode, 403);
    assert.equal(existsSync(h.gtDir), false, 'nothing stored');
    const ok = await post(text);
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.json<{ accepted: number }>().accepted, 2);
  });

  it('ground truth: POST a JSON batch or JSON Lines, stored whole in the hour folder; a bad label is a one-line 400 and stores nothing', async () => {
    const h = await harness();
    await h.registry.createGroup({ name: 'solo', tags: { 'driftline:auto-deploy': 'false' } });
    await h.registry.register({ group: 'solo', modelDataUrl: 'file:///m/solo.json', modelSha256: 'b'.repeat(64), approvalStatus: 'Approved' });
    await h.server.inject({ method: 'POST', url: '/api/endpoints', payload: { EndpointName: 'ep', ModelPackageName: 'solo/1' } });
    const json = await h.server.inject({ method: 'POST', url: '/api/endpoints/ep/ground-truth', payload: { labels: [{ inferenceId: 't1', label: 12.5 }] } });
    assert.equal(json.statusCode, 201, json.body);
    assert.equal(json.json<{ accepted: number }>().accepted, 1);
    const lines = await h.server.inject({
      method: 'POST',
      url: '/api/endpoints/ep/ground-truth',
      headers: { 'content-type': 'application/jsonlines' },
      payload:
        '{"groundTruthData": {"data": "9.0", "encoding": "CSV"}, "eventMetadata": {"eventId": "58"}, "eventVersion": "0"}\n{"inferenceId":"t2","label":"3"}\n',
    });
    assert.equal(lines.statusCode, 201, lines.body);
    const hour = path.join(h.gtDir, 'ep', '2026', '12', '03', '09');
    const stored = readdirSync(hour).flatMap((f) => readFileSync(path.join(hour, f), 'utf8').trim().split('\n'));
    assert.equal(stored.length, 3);
    for (const [payload, type, pattern] of [
      [[{ inferenceId: 'a', label: 1 }, { inferenceId: 'b' }], 'application/json', /^label 2: label is missing/],
      ['{"inferenceId":"a","label":1}\n{oops', 'application/jsonlines', /^line 2: not JSON/],
      [{ inferenceId: 'a', label: 1 }, 'application/json', /JSON array/],
    ] as const) {
      const bad = await h.server.inject({
        method: 'POST',
        url: '/api/endpoints/ep/ground-truth',
        headers: { 'content-type': type },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.match(bad.json<{ error: { message: string } }>().error.message, pattern);
    }
    assert.equal(readdirSync(hour).length, 2, 'refused batches store nothing');
    const unknown = await h.server.inject({ method: 'POST', url: '/api/endpoints/nope/ground-truth', payload: [{ inferenceId: 'a', label: 1 }] });
    assert.equal(unknown.statusCode, 404);
    const report = await h.server.inject({ method: 'GET', url: '/api/endpoints/ep/ground-truth/reconcile?from=2026-12-03T09:00:00Z&to=2026-12-03T10:00:00Z' });
    assert.equal(report.statusCode, 200, report.body);
    assert.deepEqual(report.json<{ labels: number; labelsWithoutCapture: string[] }>().labels, 3);
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (body) => {
        const r = await h.server.inject({
          method: 'POST',
          url: '/api/endpoints/ep/ground-truth',
          payload: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
        assert.ok(r.statusCode === 201 || r.statusCode === 400, `${r.statusCode} ${r.body}`);
        if (r.statusCode === 400) assert.doesNotMatch(r.json<{ error: { message: string } }>().error.message, /\n/);
      }),
      { numRuns: 200 },
    );
  });
});
