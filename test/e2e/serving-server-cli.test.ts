import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { cli } from '../support/cli-runner.js';
import { openApp } from '../support/pipeline-app.js';
import { alive, endpointSpec, invokeCsv, killAll, readCaptureRecords, trainServingModel, until, variantSpec } from '../support/serving.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { tmpDir } from '../support/tmp-dir.js';

/** `driftline server` as a process: with the control plane (endpoint create → InService → invoke), and its graceful SIGTERM. */

async function workerPids(url: string, endpoint: string): Promise<number[]> {
  const stats = (await (await fetch(`${url}/stats`)).json()) as { endpoints: { name: string; variants: { pids: number[] }[] }[] };
  return stats.endpoints.filter((e) => e.name === endpoint).flatMap((e) => e.variants.flatMap((v) => v.pids));
}

describe('driftline server', () => {
  it('explains itself in --help', async () => {
    const run = await cli(['server', '--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /POST \/endpoints\/<name>\/invocations/);
    assert.match(run.stdout, /DRIFTLINE_ACCESS_KEYS/);
    const bad = await cli(['server', '--host', '0.0.0.0', '--port', '0'], { home: await tmpDir() });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /needs access keys for SigV4: set DRIFTLINE_ACCESS_KEYS/);
  });

  it('serves what the control plane creates: endpoint create → InService → invoke (CLI and SDK) → delete', { timeout: 180_000 }, async () => {
    const home = await tmpDir('driftline-server-cp-');
    const model = await trainServingModel(home, 'model');
    const app = await openApp(home);
    let server: ServerProcess | undefined;
    let pids: number[] = [];
    try {
      await app.registry.register({ group: 'taxi', modelDataUrl: `file://${model.path}`, modelSha256: model.sha256 });
      // Approving also starts the deployment pipeline (endpoint taxi-staging): the server serves both.
      await app.registry.approve('taxi', 1, { by: 'alice' });
      server = await startServerProcess(home);
      const create = await cli(['endpoint', 'create', 'direct', '--model-package', 'taxi/1', '--instances', '2', '--capture-percent', '100'], { home });
      assert.equal(create.code, 0, create.stderr);
      await until(
        async () => (await cli(['endpoint', 'describe', 'direct', '--json'], { home })).json<{ EndpointStatus: string }>().EndpointStatus === 'InService',
        'InService',
        60_000,
      );
      pids = await workerPids(server.url, 'direct');
      assert.equal(pids.length, 2);
      const invoked = await cli(['--json', 'endpoint', 'invoke', 'direct', '--body', '1,2,3', '--url', server.url, '--inference-id', 'cli-1'], { home });
      assert.equal(invoked.code, 0, invoked.stderr);
      assert.equal(invoked.json<{ InvokedProductionVariant: string }>().InvokedProductionVariant, 'AllTraffic');
      const sdk = new SageMakerRuntimeClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        maxAttempts: 1,
      });
      try {
        const r = await sdk.send(
          new InvokeEndpointCommand({ EndpointName: 'direct', ContentType: 'text/csv', Body: Buffer.from('1,2,3'), InferenceId: 'sdk-1' }),
        );
        assert.equal(Buffer.from(r.Body!).toString(), invoked.json<{ Body: string }>().Body);
      } finally {
        sdk.destroy();
      }
      const describe = (await cli(['endpoint', 'describe', 'direct', '--json'], { home })).json<{ DataCaptureConfig: { DestinationS3Uri: string } }>();
      const records = await readCaptureRecords(new URL(describe.DataCaptureConfig.DestinationS3Uri).pathname);
      assert.deepEqual(records.map((r) => (r['eventMetadata'] as Record<string, string>)['inferenceId']).sort(), ['cli-1', 'sdk-1']);
      const del = await cli(['endpoint', 'delete', 'direct'], { home });
      assert.equal(del.code, 0, del.stderr);
      await until(() => pids.every((p) => !alive(p)), 'the workers of the deleted endpoint to stop', 60_000);
      assert.equal((await invokeCsv(server.url, 'direct', '1,2,3')).status, 400);
    } finally {
      if (server?.child.pid !== undefined) killAll([server.child.pid]);
      killAll(pids);
      await app.close();
    }
  });

  it('SIGTERM to its process group under load: answers what is in flight, flushes capture, stops the workers, exits 0', { timeout: 180_000 }, async () => {
    const dir = await tmpDir('driftline-server-term-');
    const model = await trainServingModel(dir, 'model');
    const capture = path.join(dir, 'capture');
    const file = path.join(dir, 'endpoints.json');
    await writeFile(file, JSON.stringify({ endpoints: [endpointSpec('taxi', 1, [variantSpec('LatestApproved', model)], capture)] }));
    let server: ServerProcess | undefined;
    let pids: number[] = [];
    try {
      // Its own process group, as under a terminal or a service manager: the signal reaches the workers too.
      server = await startServerProcess(path.join(dir, 'home'), ['--endpoints', file], true);
      const s = server;
      pids = await workerPids(s.url, 'taxi');
      const ok: string[] = [];
      let sent = 0;
      const loops = Array.from({ length: 6 }, async (_, k) => {
        while (s.child.exitCode === null) {
          const id = `t-${k}-${sent++}`;
          try {
            const r = await invokeCsv(s.url, 'taxi', '1,2,3', { 'x-amzn-sagemaker-inference-id': id });
            if (r.status === 200) ok.push(id);
            else assert.fail(`status ${r.status}: ${r.text}`);
          } catch (err) {
            if (err instanceof assert.AssertionError) throw err;
            return; // refused: the server stopped accepting
          }
          if (ok.length === 300) process.kill(-s.child.pid!, 'SIGTERM');
        }
      });
      await Promise.all(loops);
      assert.equal(await s.exited, 0, s.stderr());
      assert.match(s.stderr(), /driftline server stopped: \d+ answered, 0 refused, 0 failed; capture: \d+ records, 0 dropped/);
      const captured = new Set((await readCaptureRecords(capture)).map((r) => (r['eventMetadata'] as Record<string, string>)['inferenceId']));
      assert.ok(ok.length >= 300);
      assert.deepEqual(
        ok.filter((id) => !captured.has(id)),
        [],
      );
      await until(() => pids.every((p) => !alive(p)), 'the workers to stop');
    } finally {
      if (server?.child.pid !== undefined) killAll([server.child.pid]);
      killAll(pids);
    }
  });
});
