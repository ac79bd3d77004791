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
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastText = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
  }
  return lastText;
}

// Every record of one second has the same time: formatted once.
let lastSecond = NaN;
let lastText = '';

function channel(payload: CapturedPayload, mode: 'INPUT' | 'OUTPUT', spec: CaptureSpec): string {
  const encoding = captureEncoding(payload.contentType, spec);
  const bytes = Buffer.isBuffer(payload.data) ? payload.data : Buffer.from(payload.data);
  const data = encoding === 'BASE64' ? bytes.toString('base64') : bytes.toString('utf8');
  return `{"observedContentType":${JSON.stringify(payload.contentType)},"mode":"${mode}","data":${JSON.stringify(data)},"encoding":"${encoding}"}`;
}

/**
 * One capture record as one JSON line (no newline), in SageMaker's key order: captureData
 * (endpointInput, endpointOutput), eventMetadata (eventId, inferenceId, inferenceTime,
 * customAttributes), eventVersion "0". Written as text (the hot path), every string through JSON.stringify.
 */
export function captureRecordLine(input: CapturedPayload, output: CapturedPayload, event: CaptureEvent, spec: CaptureSpec): string {
  let data = '';
  if (spec.captureInput) data = `"endpointInput":${channel(input, 'INPUT', spec)}`;
  if (spec.captureOutput) data += `${data === '' ? '' : ','}"endpointOutput":${channel(output, 'OUTPUT', spec)}`;
  let meta = `"eventId":${JSON.stringify(event.eventId)}`;
  if (event.inferenceId !== undefined) meta += `,"inferenceId":${JSON.stringify(event.inferenceId)}`;
  meta += `,"inferenceTime":"${inferenceTime(event.inferenceTimeMs)}"`;
  if (event.customAttributes !== undefined) meta += `,"customAttributes":${JSON.stringify(event.customAttributes)}`;
  return `{"captureData":{${data}},"eventMetadata":{${meta}},"eventVersion":"0"}`;
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
