import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { runnerExecArgv } from '../../src/app/pipeline-runtime.js';
import { MemoryDesiredState } from '../../src/serving/index.js';
import { PROJECT_ROOT } from '../support/shared-data.js';
import {
  alive,
  endpointSpec,
  invokeCsv,
  killAll,
  readCaptureRecords,
  startServing,
  trainServingModel,
  until,
  variantSpec,
  type ServingHarness,
  type ServingModel,
} from '../support/serving.js';
import { tmpDir } from '../support/tmp-dir.js';

/**
 * Faults of the data plane: workers and the whole server SIGKILLed under load (every 2xx answer's
 * record is in the capture files: it was written before the answer), a full disk (capture dropped
 * and counted, inference still answered), one endpoint's crash leaving the others alone.
 */

const idOf = (r: Record<string, unknown>) => (r['eventMetadata'] as Record<string, string>)['inferenceId'];

/** Runs `concurrency` loops sending requests until `stop()` is true; returns every answer's status by inference id. */
async function load(
  url: string,
  endpoint: string,
  concurrency: number,
  stop: (sent: number, ok: number) => boolean,
  prefix: string,
): Promise<Map<string, number>> {
  const answers = new Map<string, number>();
  let sent = 0;
  let ok = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, k) => {
      while (!stop(sent, ok)) {
        const id = `${prefix}-${k}-${sent++}`;
        try {
          const r = await invokeCsv(url, endpoint, `${sent % 10},${sent % 13},${sent % 5}`, { 'x-amzn-sagemaker-inference-id': id });
          answers.set(id, r.status);
          if (r.status === 200) ok++;
        } catch {
          answers.set(id, -1);
        }
      }
    }),
  );
  return answers;
}

describe('serving faults', () => {
  let dir: string;
  let model: ServingModel;

  before(async () => {
    dir = await tmpDir('driftline-serving-faults-');
    model = await trainServingModel(dir, 'model');
  });

  it('SIGKILLed workers: answered requests are all captured, the pool restarts, another endpoint is untouched', { timeout: 120_000 }, async () => {
    const desired = new MemoryDesiredState();
    const captureA = path.join(dir, 'capture-a');
    desired.put(endpointSpec('a', 1, [variantSpec('V', model, { instances: 2 })], captureA));
    desired.put(endpointSpec('b', 1, [variantSpec('V', model)]));
    let harness: ServingHarness | undefined;
    try {
      harness = await startServing(desired);
      const h = harness;
      const pidsOf = (name: string) => h.runtime.stats().find((e) => e.name === name)!.variants[0]!.pids;
      const first = pidsOf('a');
      assert.equal(first.length, 2);
      let killed = false;
      let aDone = false;
      const loadA = load(
        h.url,
        'a',
        8,
        (sent, answered) => {
          if (!killed && sent >= 150) {
            killed = true;
            killAll(first);
          }
          // Until 300 answers came back, through the restart (503s meanwhile); bounded.
          return answered >= 300 || sent >= 50_000;
        },
        'a',
      );
      const loadB = load(h.url, 'b', 2, () => aDone, 'b');
      const answersA = await loadA.finally(() => (aDone = true));
      const answersB = await loadB;
      assert.ok(answersB.size > 10, `${answersB.size} requests to b`);
      assert.ok(
        [...answersB.values()].every((s) => s === 200),
        'endpoint b answered every request',
      );
      const statuses = [...answersA.values()];
      assert.ok(
        statuses.every((s) => s === 200 || s === 503),
        `statuses: ${[...new Set(statuses)].join(',')}`,
      );
      await until(() => h.runtime.stats().find((e) => e.name === 'a')!.variants[0]!.ready === 2, 'the workers of a to restart');
      const second = pidsOf('a');
      assert.ok(second.every((p) => !first.includes(p)));
      for (let i = 0; i < 20; i++) assert.equal((await invokeCsv(h.url, 'a', '1,2,3')).status, 200);
      const captured = new Set((await readCaptureRecords(captureA)).map(idOf));
      const answered = [...answersA].filter(([, s]) => s === 200).map(([id]) => id);
      assert.ok(answered.length >= 300, `${answered.length} answered`);
      assert.deepEqual(
        answered.filter((id) => !captured.has(id)),
        [],
      );
    } finally {
      await harness?.close();
    }
  });

  it('a SIGKILLed server: every 2xx answer is in the capture files, and its workers exit', { timeout: 120_000 }, async () => {
    const capture = path.join(dir, 'capture-server');
    const file = path.join(dir, 'endpoints.json');
    await writeFile(file, JSON.stringify({ endpoints: [endpointSpec('taxi', 1, [variantSpec('LatestApproved', model, { instances: 2 })], capture)] }));
    let server: ChildProcess | undefined;
    let workers: number[] = [];
    try {
      server = spawn(
        process.execPath,
        [...runnerExecArgv(), path.join(PROJECT_ROOT, 'src/main/cli.ts'), '--home', path.join(dir, 'home'), 'server', '--port', '0', '--endpoints', file],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      server.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      server.stderr!.on('data', () => undefined);
      await until(() => /listening on (http:\/\/\S+)/.test(out), 'the server to listen', 60_000);
      const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
      const stats = (await (await fetch(`${url}/stats`)).json()) as { endpoints: { variants: { pids: number[] }[] }[] };
      workers = stats.endpoints[0]!.variants[0]!.pids;
      assert.equal(workers.length, 2);
      const s = server;
      const answers = await load(
        url,
        'taxi',
        10,
        (sent, answered) => {
          if (answered >= 200 && !s.killed) s.kill('SIGKILL');
          return s.killed || sent >= 5000;
        },
        'k',
      );
      assert.ok(server.killed, 'the server was killed while requests were in flight');
      const ok = [...answers].filter(([, st]) => st === 200).map(([id]) => id);
      assert.ok(ok.length > 0);
      const captured = new Set((await readCaptureRecords(capture)).map(idOf));
      assert.deepEqual(
        ok.filter((id) => !captured.has(id)),
        [],
      );
      await until(() => workers.every((p) => !alive(p)), 'the workers to exit with their server');
    } finally {
      if (server?.pid !== undefined) killAll([server.pid]);
      killAll(workers);
    }
  });

  it('a hung worker (SIGSTOP) is killed after the invocation timeout and restarted; a scaled variant gets more workers', { timeout: 120_000 }, async () => {
    const desired = new MemoryDesiredState();
    const scaled = variantSpec('V', model);
    desired.put(endpointSpec('hung', 1, [variantSpec('V', model)]));
    desired.put(endpointSpec('scaled', 1, [{ ...scaled, instances: { ...scaled.instances, min: 1, max: 2, targetInvocationsPerInstance: 1 } }]));
    let harness: ServingHarness | undefined;
    try {
      harness = await startServing(desired, { overrides: { invocationTimeoutMs: 300 } });
      const h = harness;
      const variantOf = (name: string) => h.runtime.stats().find((e) => e.name === name)!.variants[0]!;
      const [hung] = variantOf('hung').pids;
      process.kill(hung!, 'SIGSTOP');
      const r = await invokeCsv(h.url, 'hung', '1,2,3');
      assert.equal(r.status, 503);
      assert.equal(r.headers.get('x-amzn-errortype'), 'ServiceUnavailable');
      await until(() => variantOf('hung').ready === 1, 'the hung worker to be replaced');
      assert.notEqual(variantOf('hung').pids[0], hung);
      assert.equal((await invokeCsv(h.url, 'hung', '1,2,3')).status, 200);

      for (let i = 0; i < 3; i++) assert.equal((await invokeCsv(h.url, 'scaled', '1,2,3')).status, 200);
      await h.runtime.reconcile();
      // The server's own reconcile tick may have scaled it (and reported) first: any report counts.
      await until(
        () => desired.reports.some((rep) => rep.kind === 'in_service' && rep.name === 'scaled' && rep.instances['V'] === 2),
        'the scaled variant reported in service with 2 instances',
      );
      await until(() => variantOf('scaled').ready === 2, 'the second worker of the scaled variant');
    } finally {
      await harness?.close();
    }
  });

  it(
    'a full disk: capture records are dropped and counted, every request is still answered',
    { timeout: 120_000, skip: os.platform() !== 'linux' || process.getuid?.() !== 0 ? 'needs root on Linux to mount a small tmpfs' : false },
    async (t) => {
      const capture = path.join(dir, 'capture-full');
      await mkdir(capture, { recursive: true });
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', capture]);
      } catch (err) {
        t.skip(`cannot mount a tmpfs here: ${(err as Error).message.split('\n')[0]}`);
        return;
      }
      let harness: ServingHarness | undefined;
      try {
        const desired = new MemoryDesiredState();
        desired.put(endpointSpec('full', 1, [variantSpec('V', model)], capture));
        harness = await startServing(desired);
        const answers = await load(harness.url, 'full', 8, (sent) => sent >= 600, 'f');
        assert.ok([...answers.values()].every((s) => s === 200));
        const { captured, dropped } = harness.runtime.captureCounters();
        assert.ok(dropped > 0, `dropped ${dropped}`);
        assert.equal(captured + dropped, 600);
        const records = await readCaptureRecords(capture);
        assert.equal(records.length, captured);
      } finally {
        await harness?.close();
        execFileSync('umount', ['-l', capture]);
      }
    },
  );
});
