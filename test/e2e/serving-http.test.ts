import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvokeEndpointCommand, ModelError, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { FsCaptureSource } from '../../src/monitor/adapters/fs-capture-source.js';
import { MemoryDesiredState } from '../../src/serving/index.js';
import { cli } from '../support/cli-runner.js';
import {
  endpointSpec,
  invokeCsv,
  readCaptureRecords,
  startServing,
  trainServingModel,
  variantSpec,
  type ServingHarness,
  type ServingModel,
} from '../support/serving.js';
import { tmpDir } from '../support/tmp-dir.js';

/** The HTTP API with real worker processes: the AWS SDK, SageMaker's headers and errors, capture, SigV4. */

const KEY = { accessKeyId: 'AKIDDRIFTLINE', secretAccessKey: 'secret-of-driftline' };

function client(url: string, credentials = KEY, extra: Record<string, unknown> = {}): SageMakerRuntimeClient {
  return new SageMakerRuntimeClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1, ...extra });
}

describe('serving over HTTP', () => {
  let dir: string;
  let model: ServingModel;
  let harness: ServingHarness | undefined;
  let capture: string;
  const desired = new MemoryDesiredState();

  before(async () => {
    dir = await tmpDir('driftline-serving-http-');
    model = await trainServingModel(dir, 'model');
    capture = path.join(dir, 'capture');
    desired.put(endpointSpec('taxi', 1, [variantSpec('LatestApproved', model), variantSpec('Shadowless', model, { weight: 0 })], capture));
    desired.put(endpointSpec('plain', 1, [variantSpec('AllTraffic', model)]));
    harness = await startServing(desired);
  });

  after(async () => {
    await harness?.close();
  });

  it('answers the AWS SDK: CSV and JSON bodies, InferenceId, TargetVariant, CustomAttributes', async () => {
    const sdk = client(harness!.url);
    try {
      const csv = await sdk.send(
        new InvokeEndpointCommand({
          EndpointName: 'taxi',
          ContentType: 'text/csv',
          Body: Buffer.from('1,2,3'),
          InferenceId: 'inf-1',
          CustomAttributes: 'trace=abc',
        }),
      );
      assert.equal(csv.ContentType, 'text/csv; charset=utf-8');
      assert.equal(csv.InvokedProductionVariant, 'LatestApproved');
      assert.equal(csv.CustomAttributes, 'trace=abc');
      assert.match(csv.$metadata.requestId ?? '', /^[0-9a-f]+-[0-9a-f]+-\d+$/);
      const csvValue = Number(Buffer.from(csv.Body!).toString('utf8'));
      assert.ok(Number.isFinite(csvValue));
      const json = await sdk.send(
        new InvokeEndpointCommand({
          EndpointName: 'taxi',
          ContentType: 'application/json',
          Accept: 'application/json',
          Body: Buffer.from('{"instances":[[1,2,3],{"features":[4,5,6]}]}'),
          TargetVariant: 'Shadowless',
        }),
      );
      assert.equal(json.InvokedProductionVariant, 'Shadowless');
      const scores = (JSON.parse(Buffer.from(json.Body!).toString('utf8')) as { predictions: { score: number }[] }).predictions.map((p) => p.score);
      assert.equal(scores.length, 2);
      assert.equal(scores[0], csvValue);
      const records = await readCaptureRecords(capture);
      const mine = records.find((r) => (r['eventMetadata'] as Record<string, string>)['inferenceId'] === 'inf-1')!;
      assert.deepEqual(Object.keys(mine), ['captureData', 'eventMetadata', 'eventVersion']);
      assert.deepEqual(Object.keys(mine['eventMetadata'] as object), ['eventId', 'inferenceId', 'inferenceTime', 'customAttributes']);
      assert.match((mine['eventMetadata'] as Record<string, string>)['inferenceTime']!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.deepEqual((mine['captureData'] as Record<string, unknown>)['endpointInput'], {
        observedContentType: 'text/csv',
        mode: 'INPUT',
        data: '1,2,3',
        encoding: 'CSV',
      });
    } finally {
      sdk.destroy();
    }
  });

  it("surfaces bad input as the SDK's ModelError with the container's status, and unknown endpoints as its ValidationError", async () => {
    const sdk = client(harness!.url);
    try {
      await assert.rejects(
        sdk.send(new InvokeEndpointCommand({ EndpointName: 'taxi', ContentType: 'text/csv', Body: Buffer.from('1,2') })),
        (err: Error & { $metadata?: { httpStatusCode?: number }; OriginalStatusCode?: number; OriginalMessage?: string; LogStreamArn?: string }) => {
          assert.ok(err instanceof ModelError, err.name);
          assert.equal(err.message, 'Received client error (400) from primary with message "row 1 has 2 columns, the model needs 3".');
          assert.equal(err.OriginalStatusCode, 400);
          assert.equal(err.OriginalMessage, 'row 1 has 2 columns, the model needs 3');
          assert.match(err.LogStreamArn ?? '', /^arn:aws:logs:.*\/aws\/sagemaker\/Endpoints\/taxi$/);
          assert.equal(err.$metadata?.httpStatusCode, 424);
          return true;
        },
      );
      await assert.rejects(sdk.send(new InvokeEndpointCommand({ EndpointName: 'nope', ContentType: 'text/csv', Body: Buffer.from('1,2,3') })), {
        name: 'ValidationError',
        message: 'Endpoint nope of account 000000000000 not found.',
      });
    } finally {
      sdk.destroy();
    }
  });

  it('refuses bad requests with one line and a 4xx, the workers stay up and count them', async () => {
    const pids = harness!.runtime.stats().flatMap((e) => e.variants.flatMap((v) => v.pids));
    const before = harness!.server.counters.badRequests;
    // The container's refusals are ModelErrors (424) with its status inside; the payload limit is the service's own.
    const cases: [string, string, number, string, number | undefined, RegExp][] = [
      ['1,abc,3', 'text/csv', 424, 'ModelError', 400, /column 2: 'abc' is not a number/],
      ['', 'text/csv', 424, 'ModelError', 400, /empty body/],
      ['1,2,3', 'image/png', 424, 'ModelError', 415, /unsupported Content-Type/],
      ['{"instances": 3}', 'application/json', 424, 'ModelError', 400, /not an array/],
      ['[1,2,3]\n[1', 'application/jsonlines', 424, 'ModelError', 400, /line 2 is not valid JSON/],
      ['x'.repeat(7 * 1024 * 1024), 'text/csv', 413, 'ValidationError', undefined, /over the 6291456 bytes limit/],
    ];
    for (const [body, type, status, errorType, original, message] of cases) {
      const r = await invokeCsv(harness!.url, 'plain', body, { 'content-type': type });
      assert.equal(r.status, status, r.text);
      assert.equal(r.headers.get('x-amzn-errortype'), errorType);
      const parsed = JSON.parse(r.text) as { message: string; OriginalStatusCode?: number };
      assert.match(parsed.message, message);
      assert.equal(parsed.OriginalStatusCode, original);
      assert.doesNotMatch(parsed.message, /\n/);
    }
    assert.equal(harness!.server.counters.badRequests - before, cases.length);
    assert.equal((await invokeCsv(harness!.url, 'plain', '1,2,3')).status, 200);
    assert.deepEqual(
      harness!.runtime.stats().flatMap((e) => e.variants.flatMap((v) => v.pids)),
      pids,
    );
    const ping = await fetch(`${harness!.url}/ping`);
    assert.equal(ping.status, 200);
  });

  it('writes capture files that the monitor reads unchanged (FsCaptureSource and monitor analyze --capture)', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 60; i++) {
      const features = `${i % 10},${(i * 7) % 13},${(i * 3) % 5}`;
      const r = await invokeCsv(harness!.url, 'taxi', features, { 'x-amzn-sagemaker-target-variant': 'LatestApproved' });
      assert.equal(r.status, 200);
      rows.push(`${r.text},${features}`);
    }
    const variantDir = path.join(capture, 'taxi', 'LatestApproved');
    const now = Date.now();
    const from = now - 2 * 3_600_000;
    const to = now + 3_600_000;
    let lines = 0;
    for await (const line of new FsCaptureSource().lines(variantDir, from, to)) {
      assert.ok(!('error' in line), JSON.stringify(line));
      lines++;
    }
    assert.ok(lines >= 61, `${lines} lines`);
    await writeFile(path.join(dir, 'baseline.csv'), `fare_amount,a,b,c\n${rows.join('\n')}\n`);
    const home = path.join(dir, 'home');
    const b = await cli(['monitor', 'suggest-baseline', '--dataset', path.join(dir, 'baseline.csv'), '--out', path.join(dir, 'baseline')], { home });
    assert.equal(b.code, 0, b.stderr);
    const iso = (t: number) => new Date(t).toISOString();
    const run = await cli(
      [
        '--json',
        'monitor',
        'analyze',
        '--statistics',
        path.join(dir, 'baseline', 'statistics.json'),
        '--constraints',
        path.join(dir, 'baseline', 'constraints.json'),
        '--capture',
        variantDir,
        '--from',
        iso(from),
        '--to',
        iso(to),
        '--out',
        path.join(dir, 'analysis'),
      ],
      { home },
    );
    assert.equal(run.code, 0, run.stderr);
    const result = run.json<{ status: string; capture: { rows: number; malformed: number } }>();
    assert.equal(result.capture.malformed, 0);
    assert.ok(result.capture.rows >= 61, JSON.stringify(result.capture));
  });
});

describe('serving with SigV4 required', () => {
  let harness: ServingHarness | undefined;

  before(async () => {
    const dir = await tmpDir('driftline-serving-auth-');
    const model = await trainServingModel(dir, 'model');
    const desired = new MemoryDesiredState();
    desired.put(endpointSpec('secure', 1, [variantSpec('AllTraffic', model)]));
    harness = await startServing(desired, { auth: { keys: new Map([[KEY.accessKeyId, KEY.secretAccessKey]]) } });
  });

  after(async () => {
    await harness?.close();
  });

  it('accepts the SDK with a known key, refuses a wrong secret, an unknown key, an expired date and an unsigned request with 403', async () => {
    const ok = client(harness!.url);
    const wrong = client(harness!.url, { ...KEY, secretAccessKey: 'not-the-secret' });
    const unknown = client(harness!.url, { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' });
    const late = client(harness!.url, KEY, { systemClockOffset: -10 * 60_000 });
    try {
      const r = await ok.send(new InvokeEndpointCommand({ EndpointName: 'secure', ContentType: 'text/csv', Body: Buffer.from('1,2,3') }));
      assert.equal(r.InvokedProductionVariant, 'AllTraffic');
      const refused = async (c: SageMakerRuntimeClient, name: string, message: RegExp) =>
        assert.rejects(
          c.send(new InvokeEndpointCommand({ EndpointName: 'secure', ContentType: 'text/csv', Body: Buffer.from('1,2,3') })),
          (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
            assert.equal(err.$metadata?.httpStatusCode, 403);
            assert.equal(err.name, name);
            assert.match(err.message, message);
            return true;
          },
        );
      await refused(wrong, 'InvalidSignatureException', /signature we calculated does not match/);
      await refused(unknown, 'UnrecognizedClientException', /security token included in the request is invalid/);
      await refused(late, 'InvalidSignatureException', /Signature expired/);
      const unsigned = await invokeCsv(harness!.url, 'secure', '1,2,3');
      assert.equal(unsigned.status, 403);
      assert.equal(unsigned.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    } finally {
      for (const c of [ok, wrong, unknown, late]) c.destroy();
    }
  });
});
