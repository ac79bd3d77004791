import type { CaptureLine } from './capture-source.js';
import { printable, quote } from './one-line.js';

/** Where the endpoint's output columns go in a monitored row (Model Monitor's `output_columns_position`). */
export type OutputPosition = 'START' | 'END';

/** What turning capture into rows found. */
export interface CaptureSummary {
  files: number;
  records: number;
  rows: number;
  outsideWindow: number;
  shadowSkipped: number;
  malformed: number;
  /** The first few malformed lines, with the reason. */
  readonly malformedExamples: string[];
}

interface Channel {
  data?: unknown;
  encoding?: unknown;
}

/**
 * Turns one capture record into monitored rows as Model Monitor's analyzer does: output fields
 * first (or last), then input fields, for CSV, JSON and BASE64 payloads. Returns the rows, or a
 * reason when the record cannot be used, or 'outside'/'shadow' for records to skip.
 */
export function recordToRows(record: unknown, fromMs: number, toMs: number, position: OutputPosition): string[][] | 'outside' | 'shadow' | { error: string } {
  const r = record as {
    captureData?: { endpointInput?: Channel; endpointOutput?: Channel };
    eventMetadata?: { inferenceTime?: unknown; invocationSource?: unknown };
  };
  if (!r || typeof r !== 'object' || !r.captureData) return { error: 'no captureData' };
  const meta = r.eventMetadata ?? {};
  if (meta.invocationSource === 'ShadowExperiment') return 'shadow';
  if (typeof meta.inferenceTime === 'string') {
    const t = Date.parse(meta.inferenceTime);
    if (Number.isNaN(t)) return { error: `bad inferenceTime ${quote(meta.inferenceTime)}` };
    if (t < fromMs || t >= toMs) return 'outside';
  }
  const input = r.captureData.endpointInput;
  const output = r.captureData.endpointOutput;
  if (!input && !output) return { error: 'neither endpointInput nor endpointOutput' };
  const inRows = input ? decode(input) : [[]];
  let outRows = output ? decode(output) : [[]];
  if ('error' in inRows) return { error: `endpointInput: ${inRows.error}` };
  if ('error' in outRows) return { error: `endpointOutput: ${outRows.error}` };
  // An empty payload (e.g. "data": "") has no row to pair with the other side's.
  if (inRows.length === 0) return { error: 'endpointInput: empty payload' };
  if (outRows.length === 0) return { error: 'endpointOutput: empty payload' };
  // A batch request answered by one flat list of predictions: one prediction per input row.
  if (inRows.length > 1 && outRows.length === 1 && outRows[0]!.length === inRows.length) outRows = outRows[0]!.map((v) => [v]);
  const n = Math.max(inRows.length, outRows.length);
  if (inRows.length !== outRows.length && inRows.length !== 1 && outRows.length !== 1) {
    return { error: `${inRows.length} input rows but ${outRows.length} output rows` };
  }
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const inp = inRows[inRows.length === 1 ? 0 : i]!;
    const out = outRows[outRows.length === 1 ? 0 : i]!;
    rows.push(position === 'START' ? [...out, ...inp] : [...inp, ...out]);
  }
  return rows;
}

function decode(channel: Channel): string[][] | { error: string } {
  if (typeof channel.data !== 'string') return { error: 'no data' };
  const encoding = String(channel.encoding ?? 'CSV').toUpperCase();
  let text = channel.data;
  if (encoding === 'BASE64') {
    try {
      text = Buffer.from(text, 'base64').toString('utf8');
    } catch {
      return { error: 'bad base64' };
    }
    return csvRows(text);
  }
  if (encoding === 'JSON') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { error: `bad JSON payload (${printable((err as Error).message, 200)})` };
    }
    try {
      return jsonRows(value);
    } catch (err) {
      if (err instanceof RangeError) return { error: 'JSON payload nested too deeply' };
      throw err;
    }
  }
  if (encoding !== 'CSV') return { error: `unknown encoding ${quote(encoding)}` };
  return csvRows(text);
}

function csvRows(text: string): string[][] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(',').map((c) => c.trim()));
}

/** JSON payloads: a value, a flat array (one row), an array of arrays (rows), or objects (values in key order); `instances`/`predictions` unwrap. */
function jsonRows(value: unknown): string[][] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    for (const key of ['instances', 'predictions', 'features']) if (key in o) return jsonRows(o[key]);
    return [flatten(o)];
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => Array.isArray(v) || (v && typeof v === 'object'))) return value.map((v) => flatten(v));
    return [value.map((v) => String(v))];
  }
  return [[String(value)]];
}

function flatten(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => flatten(x));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.keys(o)
      .sort()
      .flatMap((k) => flatten(o[k]));
  }
  return [v === null || v === undefined ? '' : String(v)];
}

/** Counts a capture line's outcome into the summary and returns its rows (none when skipped or malformed). */
export function collectLine(line: CaptureLine, summary: CaptureSummary, fromMs: number, toMs: number, position: OutputPosition): string[][] {
  const note = (why: string) => {
    summary.malformed++;
    if (summary.malformedExamples.length < 5) summary.malformedExamples.push(printable(`${line.file}:${line.line}: ${why}`, 300));
  };
  if ('error' in line) {
    note(line.error);
    return [];
  }
  summary.records++;
  const rows = recordToRows(line.record, fromMs, toMs, position);
  if (rows === 'outside') {
    summary.outsideWindow++;
    return [];
  }
  if (rows === 'shadow') {
    summary.shadowSkipped++;
    return [];
  }
  if ('error' in rows) {
    note(rows.error);
    return [];
  }
  return rows;
}
