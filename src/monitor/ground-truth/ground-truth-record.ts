import { printable, quote } from '../one-line.js';

/** One label as stored: SageMaker's ground-truth record (`groundTruthData.data` holds the label as CSV text). */
export interface GroundTruthLabel {
  /** The capture's `inferenceId` when the request had one, else its `eventId`. */
  readonly eventId: string;
  /** The label as CSV text: one number, or one per row of a batch request (`"12.5,8"`). */
  readonly data: string;
}

/** An inference id as SageMaker takes it (`X-Amzn-SageMaker-Inference-Id`): 1 to 64 printable ASCII characters. */
export const EVENT_ID = /^[\x20-\x7e]{1,64}$/;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads one label given to the ingestion API, CLI or a file: SageMaker's record
 * `{"groundTruthData": {"data": "9.0", "encoding": "CSV"}, "eventMetadata": {"eventId": "58"}, "eventVersion": "0"}`,
 * or the short form `{"inferenceId" | "eventId": "58", "label": 9.0}`. Labels are numbers (regression),
 * one per row of the captured request, comma-separated. Returns the label or why it is refused.
 */
export function parseGroundTruthLabel(value: unknown): GroundTruthLabel | { error: string } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'not a JSON object' };
  const o = value as Record<string, unknown>;
  let id: unknown;
  let data: unknown;
  if ('groundTruthData' in o || 'eventMetadata' in o) {
    const gt = o['groundTruthData'] as Record<string, unknown> | undefined;
    const meta = o['eventMetadata'] as Record<string, unknown> | undefined;
    if (!gt || typeof gt !== 'object') return { error: 'groundTruthData is missing' };
    if (!meta || typeof meta !== 'object') return { error: 'eventMetadata is missing' };
    const encoding = gt['encoding'] ?? 'CSV';
    if (encoding !== 'CSV') return { error: `groundTruthData.encoding ${quote(String(encoding))} is not supported (only CSV)` };
    if (o['eventVersion'] !== undefined && o['eventVersion'] !== '0')
      return { error: `eventVersion ${quote(String(o['eventVersion']))} is not supported (only "0")` };
    id = meta['eventId'];
    data = gt['data'];
    if (typeof data !== 'string') return { error: 'groundTruthData.data must be a string' };
  } else {
    id = o['inferenceId'] ?? o['eventId'];
    data = o['label'];
    if (typeof data === 'number') {
      if (!Number.isFinite(data)) return { error: 'label must be a finite number' };
      data = String(data);
    } else if (typeof data !== 'string') return { error: 'label is missing (give "label", or SageMaker\'s groundTruthData)' };
  }
  if (typeof id !== 'string') return { error: 'the inference id is missing (eventMetadata.eventId, inferenceId or eventId)' };
  if (!EVENT_ID.test(id)) return { error: `inference id ${quote(id)} must be 1 to 64 printable ASCII characters` };
  const text = (data as string).trim();
  const cells = text.split(',').map((c) => c.trim());
  if (text === '' || cells.some((c) => !NUMBER.test(c) || !Number.isFinite(Number(c))))
    return { error: `label ${quote(printable(text, 60))} of ${quote(id)} is not a number (or comma-separated numbers)` };
  return { eventId: id, data: cells.join(',') };
}

/** The label's numbers. */
export function labelValues(label: GroundTruthLabel): number[] {
  return label.data.split(',').map(Number);
}

/** The JSON line SageMaker's merge job reads. */
export function groundTruthLine(label: GroundTruthLabel): string {
  return JSON.stringify({ groundTruthData: { data: label.data, encoding: 'CSV' }, eventMetadata: { eventId: label.eventId }, eventVersion: '0' });
}
