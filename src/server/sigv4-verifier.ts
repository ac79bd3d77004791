import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

/** What the verifier needs of a received request. */
export interface ReceivedRequest {
  readonly method: string;
  /** The raw URL as received (path and query). */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Why a request was refused (AWS's error types for authentication, all 403). */
export interface AuthFailure {
  readonly errorType: 'MissingAuthenticationTokenException' | 'IncompleteSignatureException' | 'UnrecognizedClientException' | 'InvalidSignatureException';
  readonly message: string;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})$/;
const SKEW_MS = 5 * 60_000;

class Sha256Hash extends Hash {
  constructor(secret?: Parameters<typeof Hash.prototype.update>[0]) {
    super('sha256', secret as never);
  }
}

/**
 * Verifies an AWS Signature Version 4 (service `sagemaker`, any region) by signing the request
 * again with the secret of its access key and the request's own X-Amz-Date, and comparing the
 * signatures in constant time. Dates more than 5 minutes away from `nowMs` are refused.
 */
export async function verifySigV4(req: ReceivedRequest, secrets: ReadonlyMap<string, string>, nowMs: number): Promise<AuthFailure | undefined> {
  const auth = header(req.headers, 'authorization');
  if (auth === undefined) return { errorType: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
  const m = AUTH_RE.exec(auth.trim());
  if (!m)
    return { errorType: 'IncompleteSignatureException', message: 'Authorization header requires Credential, SignedHeaders and Signature (AWS4-HMAC-SHA256).' };
  const [, accessKeyId, scopeDate, region, service, signedList, signature] = m as unknown as [string, string, string, string, string, string, string];
  const amzDate = header(req.headers, 'x-amz-date');
  if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate))
    return { errorType: 'IncompleteSignatureException', message: 'Authorization header requires an X-Amz-Date header.' };
  const signedAt = Date.UTC(
    +amzDate.slice(0, 4),
    +amzDate.slice(4, 6) - 1,
    +amzDate.slice(6, 8),
    +amzDate.slice(9, 11),
    +amzDate.slice(11, 13),
    +amzDate.slice(13, 15),
  );
  if (!Number.isFinite(signedAt) || Math.abs(nowMs - signedAt) > SKEW_MS) {
    const bound = compact(nowMs + (signedAt < nowMs ? -SKEW_MS : SKEW_MS));
    return {
      errorType: 'InvalidSignatureException',
      message: `Signature expired: ${amzDate} is now ${signedAt < nowMs ? 'earlier' : 'later'} than ${bound} (${compact(nowMs)} ${signedAt < nowMs ? '-' : '+'} 5 min.)`,
    };
  }
  if (scopeDate !== amzDate.slice(0, 8))
    return { errorType: 'InvalidSignatureException', message: 'Credential should be scoped to a valid date matching X-Amz-Date.' };
  if (service !== 'sagemaker') return { errorType: 'InvalidSignatureException', message: `Credential should be scoped to correct service: 'sagemaker'.` };
  const secret = secrets.get(accessKeyId);
  if (secret === undefined) return { errorType: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' };
  const contentSha = header(req.headers, 'x-amz-content-sha256');
  if (contentSha !== undefined && contentSha !== createHash('sha256').update(req.body).digest('hex')) {
    return { errorType: 'InvalidSignatureException', message: 'The provided x-amz-content-sha256 header does not match what was computed.' };
  }
  const signed = signedList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const v = header(req.headers, name);
    if (v === undefined) return { errorType: 'InvalidSignatureException', message: `The request signature names header ${name}, which was not sent.` };
    headers[name] = v;
  }
  const q = req.url.indexOf('?');
  const path = q < 0 ? req.url : req.url.slice(0, q);
  const query: Record<string, string | string[]> = {};
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(req.url.slice(q + 1))) {
      const prev = query[k];
      query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
    }
  }
  const signer = new SignatureV4({ credentials: { accessKeyId, secretAccessKey: secret }, region, service, sha256: Sha256Hash, applyChecksum: false });
  const resigned = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: headers['host'] ?? 'localhost', path, query, headers, body: req.body },
    { signingDate: new Date(signedAt), signableHeaders: new Set(signed) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(resigned.headers['authorization'] ?? ''))?.[1] ?? '';
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(signature, 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return {
      errorType: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    };
  }
  return undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(',') : v;
}

function compact(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
