import type { CaptureSpec } from './endpoint-spec.js';
import { mediaType } from './payload-codecs.js';

/** How a payload is stored in a capture record. */
export type CaptureEncoding = 'CSV' | 'JSON' | 'BASE64';

/** One side of an invocation as captured. */
export interface CapturedPayload {
  /** The Content-Type as observed (request) or answered (response). */
  readonly contentType: string;
  readonly data: Uint8Array;
}

export interface CaptureEvent {
  readonly eventId: string;
  /** Only when the caller passed X-Amzn-SageMaker-Inference-Id. */
  readonly inferenceId?: string;
  /** Milliseconds since the epoch. */
  readonly inferenceTimeMs: number;
  readonly customAttributes?: string;
}

/** CSV or JSON when the content type (or its media type) is listed in the capture config, else BASE64. */
export function captureEncoding(contentType: string, spec: Pick<CaptureSpec, 'csvContentTypes' | 'jsonContentTypes'>): CaptureEncoding {
  const lower = contentType.trim().toLowerCase();
  const media = mediaType(contentType);
  const listed = (list: readonly string[]) => list.some((t) => t.toLowerCase() === lower || mediaType(t) === media);
  if (listed(spec.csvContentTypes)) return 'CSV';
  if (listed(spec.jsonContentTypes)) return 'JSON';
  return 'BASE64';
}

/** ISO-8601 UTC to the second with `Z`, as SageMaker writes inferenceTime. */
export function inferenceTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function channel(payload: CapturedPayload, mode: 'INPUT' | 'OUTPUT', spec: CaptureSpec) {
  const encoding = captureEncoding(payload.contentType, spec);
  const data = encoding === 'BASE64' ? Buffer.from(payload.data).toString('base64') : Buffer.from(payload.data).toString('utf8');
  return { observedContentType: payload.contentType, mode, data, encoding };
}

/**
 * One capture record as one JSON line (no newline), in SageMaker's key order: captureData
 * (endpointInput, endpointOutput), eventMetadata (eventId, inferenceId, inferenceTime,
 * customAttributes), eventVersion "0".
 */
export function captureRecordLine(input: CapturedPayload, output: CapturedPayload, event: CaptureEvent, spec: CaptureSpec): string {
  const captureData: Record<string, unknown> = {};
  if (spec.captureInput) captureData['endpointInput'] = channel(input, 'INPUT', spec);
  if (spec.captureOutput) captureData['endpointOutput'] = channel(output, 'OUTPUT', spec);
  const eventMetadata: Record<string, string> = { eventId: event.eventId };
  if (event.inferenceId !== undefined) eventMetadata['inferenceId'] = event.inferenceId;
  eventMetadata['inferenceTime'] = inferenceTime(event.inferenceTimeMs);
  if (event.customAttributes !== undefined) eventMetadata['customAttributes'] = event.customAttributes;
  return JSON.stringify({ captureData, eventMetadata, eventVersion: '0' });
}

/** `<destination>/<endpoint>/<variant>/yyyy/mm/dd/hh/MM-SS-mmm-<uuid>.jsonl` for a file created at `createdMs` (UTC). */
export function captureFilePath(destinationPath: string, endpoint: string, variant: string, createdMs: number, uuid: string): string {
  const d = new Date(createdMs);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const folder = [
    destinationPath.replace(/\/+$/, ''),
    endpoint,
    variant,
    String(d.getUTCFullYear()),
    p2(d.getUTCMonth() + 1),
    p2(d.getUTCDate()),
    p2(d.getUTCHours()),
  ].join('/');
  return `${folder}/${p2(d.getUTCMinutes())}-${p2(d.getUTCSeconds())}-${String(d.getUTCMilliseconds()).padStart(3, '0')}-${uuid}.jsonl`;
}
