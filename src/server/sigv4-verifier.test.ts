import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { verifySigV4, type ReceivedRequest } from './sigv4-verifier.js';

const KEYS = new Map([['AKID', 'secret']]);
const NOW = Date.parse('2024-05-01T12:00:00Z');

class Sha256 extends Hash {
  constructor(secret?: ConstructorParameters<typeof Hash>[1]) {
    super('sha256', secret);
  }
}

/** Signs a request as the AWS SDK does and returns it as the server receives it. */
async function signed(
  options: { body?: string; path?: string; query?: Record<string, string>; at?: number; secret?: string; region?: string } = {},
): Promise<ReceivedRequest> {
  const body = Buffer.from(options.body ?? '1,2,3');
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'AKID', secretAccessKey: options.secret ?? 'secret' },
    region: options.region ?? 'eu-west-1',
    service: 'sagemaker',
    sha256: Sha256,
  });
  const path = options.path ?? '/endpoints/taxi/invocations';
  const r = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 8080,
      path,
      query: options.query ?? {},
      headers: { host: '127.0.0.1:8080', 'content-type': 'text/csv' },
      body,
    },
    { signingDate: new Date(options.at ?? NOW) },
  );
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
  const qs = new URLSearchParams(options.query ?? {}).toString();
  return { method: 'POST', url: qs ? `${path}?${qs}` : path, headers, body };
}

describe('verifySigV4', () => {
  it('accepts a signed request from any region, with a query string, within 5 minutes', async () => {
    assert.equal(await verifySigV4(await signed(), KEYS, NOW), undefined);
    assert.equal(await verifySigV4(await signed({ region: 'us-east-1', query: { a: 'b c', z: '1' } }), KEYS, NOW + 4 * 60_000), undefined);
  });

  it('refuses tampering, wrong secrets, unknown keys, skew and missing parts, with AWS error types', async () => {
    const ok = await signed();
    const type = async (r: ReceivedRequest, now = NOW) => (await verifySigV4(r, KEYS, now))?.errorType;
    assert.equal(await type({ ...ok, body: Buffer.from('9,9,9') }), 'InvalidSignatureException');
    assert.equal(await type({ ...ok, url: '/endpoints/other/invocations' }), 'InvalidSignatureException');
    assert.equal(await type({ ...ok, headers: { ...ok.headers, 'content-type': 'application/json' } }), 'InvalidSignatureException');
    assert.equal(await type(await signed({ secret: 'wrong' })), 'InvalidSignatureException');
    assert.equal(await type(ok, NOW + 6 * 60_000), 'InvalidSignatureException');
    assert.match((await verifySigV4(ok, KEYS, NOW + 6 * 60_000))!.message, /^Signature expired: 20240501T120000Z is now earlier than/);
    assert.equal(await type(ok, NOW - 6 * 60_000), 'InvalidSignatureException');
    assert.equal(await verifySigV4(ok, new Map([['OTHER', 'x']]), NOW).then((f) => f?.errorType), 'UnrecognizedClientException');
    const { authorization: _a, ...unsigned } = ok.headers;
    assert.equal(await type({ ...ok, headers: unsigned }), 'MissingAuthenticationTokenException');
    assert.equal(await type({ ...ok, headers: { ...ok.headers, authorization: 'Bearer x' } }), 'IncompleteSignatureException');
    const { 'x-amz-date': _d, ...undated } = ok.headers;
    assert.equal(await type({ ...ok, headers: undated }), 'IncompleteSignatureException');
  });
});
