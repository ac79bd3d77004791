import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MemoryDesiredState } from '../../src/serving/index.js';
import { endpointSpec, readCaptureRecords, startServing, trainServingModel, variantSpec, type ServingHarness } from '../support/serving.js';
import { tmpDir } from '../support/tmp-dir.js';

/** Python's boto3 (Debian's python3-boto3) against the server, unsigned on loopback and SigV4-signed when required. */

const PYTHON = '/usr/bin/python3';
const hasBoto3 = spawnSync(PYTHON, ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
const KEY = { id: 'AKIDPYTHON', secret: 'python-secret' };

const SCRIPT = `
import json, sys, boto3, botocore
url, key, secret, endpoint, body, ctype = sys.argv[1:7]
rt = boto3.client('sagemaker-runtime', endpoint_url=url, region_name='eu-west-1', aws_access_key_id=key, aws_secret_access_key=secret,
                  config=botocore.config.Config(retries={'max_attempts': 1}))
try:
    r = rt.invoke_endpoint(EndpointName=endpoint, ContentType=ctype, Body=body.encode(), InferenceId='py-1', CustomAttributes='trace=1')
    print(json.dumps({'body': r['Body'].read().decode(), 'contentType': r['ContentType'], 'variant': r['InvokedProductionVariant'], 'custom': r.get('CustomAttributes')}))
except botocore.exceptions.ClientError as e:
    print(json.dumps({'error': e.response['Error']['Code'], 'message': e.response['Error']['Message'], 'status': e.response['ResponseMetadata']['HTTPStatusCode'],
                      'original': e.response.get('OriginalStatusCode'), 'originalMessage': e.response.get('OriginalMessage'), 'modelError': isinstance(e, rt.exceptions.ModelError)}))
`;

/** Runs boto3 in a child process (asynchronously: the server under test lives in this process's event loop). */
async function boto3Invoke(
  url: string,
  key: { id: string; secret: string },
  endpoint: string,
  body: string,
  contentType = 'text/csv',
): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(PYTHON, ['-c', SCRIPT, url, key.id, key.secret, endpoint, body, contentType], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

for (const signed of [false, true]) {
  describe(
    `boto3 (Python) against driftline server, ${signed ? 'SigV4 required' : 'loopback, unsigned'}`,
    { skip: hasBoto3 ? false : 'needs /usr/bin/python3 with boto3 (apt-get install python3-boto3)' },
    () => {
      let harness: ServingHarness | undefined;
      let capture: string;
      before(async () => {
        const dir = await tmpDir('driftline-boto3-');
        const model = await trainServingModel(dir, 'model');
        capture = path.join(dir, 'capture');
        const desired = new MemoryDesiredState();
        desired.put(endpointSpec('taxi', 1, [variantSpec('LatestApproved', model)], capture));
        harness = await startServing(desired, signed ? { auth: { keys: new Map([[KEY.id, KEY.secret]]) } } : {});
      });
      after(async () => {
        await harness?.close();
      });

      it('invoke_endpoint answers CSV and JSON, names the variant, echoes custom attributes, and the request is captured with its InferenceId', async () => {
        const csv = await boto3Invoke(harness!.url, KEY, 'taxi', '1,2,3');
        assert.equal(csv['variant'], 'LatestApproved');
        assert.equal(csv['custom'], 'trace=1');
        assert.match(String(csv['contentType']), /^text\/csv/);
        assert.ok(Number.isFinite(Number(String(csv['body']).trim())), String(csv['body']));
        const json = await boto3Invoke(harness!.url, KEY, 'taxi', '{"instances": [[1, 2, 3], [4, 5, 6]]}', 'application/json');
        assert.equal((JSON.parse(String(json['body'])) as { predictions: unknown[] }).predictions.length, 2);
        const records = await readCaptureRecords(path.join(capture, 'taxi'));
        assert.ok(records.some((r) => (r['eventMetadata'] as Record<string, string>)['inferenceId'] === 'py-1'));
      });

      it("bad input is boto3's ModelError with the container's 400 (as SageMaker's XGBoost answers); an unknown endpoint a ValidationError", async () => {
        const bad = await boto3Invoke(harness!.url, KEY, 'taxi', '1,two,3');
        assert.equal(bad['status'], 424);
        assert.equal(bad['error'], 'ModelError');
        assert.equal(bad['modelError'], true, 'rt.exceptions.ModelError catches it');
        assert.equal(bad['original'], 400);
        assert.match(String(bad['originalMessage']), /'two' is not a number/);
        assert.match(String(bad['message']), /^Received client error \(400\) from primary with message ".*two.*"\.$/);
        const unknown = await boto3Invoke(harness!.url, KEY, 'nope', '1,2,3');
        assert.equal(unknown['error'], 'ValidationError');
        assert.match(String(unknown['message']), /Endpoint nope .*not found/);
        if (signed) {
          const forged = await boto3Invoke(harness!.url, { id: KEY.id, secret: 'wrong' }, 'taxi', '1,2,3');
          assert.equal(forged['status'], 403);
        }
      });
    },
  );
}
