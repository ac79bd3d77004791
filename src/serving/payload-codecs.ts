import { InvalidArgumentError } from '../core/errors.js';

/**
 * The payload formats an endpoint speaks, as SageMaker's built-in XGBoost container does:
 * `text/csv` (one row per line), `application/json` (`{"instances": [[…], …]}` or
 * `{"instances": [{"features": […]}]}`) and JSON Lines (`[…]` or `{"features": […]}` per line).
 * Every parser is pure and refuses bad input with one `invalid_argument` line.
 */
export type PayloadFormat = 'csv' | 'json' | 'jsonlines';

/** The numeric format codes used on the wire between the server and its workers. */
export const FORMAT_CODES: Readonly<Record<PayloadFormat, number>> = { csv: 0, json: 1, jsonlines: 2 };
export const FORMATS_BY_CODE: readonly PayloadFormat[] = ['csv', 'json', 'jsonlines'];

/** The content type each format answers with. */
export const OUTPUT_CONTENT_TYPES: Readonly<Record<PayloadFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  jsonlines: 'application/jsonlines',
};

const MEDIA_TYPES: Readonly<Record<string, PayloadFormat>> = {
  'text/csv': 'csv',
  'application/json': 'json',
  'application/jsonlines': 'jsonlines',
  'application/jsonl': 'jsonlines',
  'application/x-jsonlines': 'jsonlines',
};

/** The media type of a Content-Type value, lower-cased and without parameters (`text/csv; charset=utf-8` -> `text/csv`). */
export function mediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** The format of a request's Content-Type; unsupported or absent types are refused. */
export function requestFormat(contentType: string | undefined): PayloadFormat {
  if (contentType === undefined || contentType.trim() === '')
    throw new InvalidArgumentError('no Content-Type: send text/csv, application/json or application/jsonlines');
  const format = MEDIA_TYPES[mediaType(contentType)];
  if (!format) throw new InvalidArgumentError(`unsupported Content-Type ${shown(contentType)}: send text/csv, application/json or application/jsonlines`);
  return format;
}

/** The format of the answer: the Accept header's first supported type, else the request's format. */
export function responseFormat(accept: string | undefined, request: PayloadFormat): PayloadFormat {
  if (accept === undefined || accept.trim() === '') return request;
  let wildcard = false;
  for (const part of accept.split(',')) {
    const type = mediaType(part);
    const format = MEDIA_TYPES[type];
    if (format) return format;
    if (type === '*/*' || type === 'text/*' || type === 'application/*') wildcard = true;
  }
  if (wildcard) return request;
  throw new InvalidArgumentError(`unsupported Accept ${shown(accept)}: accept text/csv, application/json or application/jsonlines`);
}

/** Rows of features, row-major. */
export interface FeatureRows {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Parses a request body into rows of exactly `numFeature` numbers; empty CSV cells and JSON nulls are missing values (NaN). */
export function decodeRows(format: PayloadFormat, body: string, numFeature: number): FeatureRows {
  if (body.trim() === '') throw new InvalidArgumentError('empty body: send at least one row of features');
  switch (format) {
    case 'csv':
      return decodeCsv(body, numFeature);
    case 'json':
      return decodeJson(body, numFeature);
    case 'jsonlines':
      return decodeJsonLines(body, numFeature);
  }
}

function decodeCsv(body: string, numFeature: number): FeatureRows {
  const lines = body.split('\n');
  const values: number[] = [];
  let rows = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    rows++;
    const cells = line.split(',');
    if (cells.length !== numFeature) throw new InvalidArgumentError(`row ${rows} has ${cells.length} columns, the model needs ${numFeature}`);
    for (let c = 0; c < cells.length; c++) values.push(parseCell(cells[c]!, rows, c));
  }
  return { rows, cols: numFeature, data: Float64Array.from(values) };
}

function parseCell(cell: string, row: number, col: number): number {
  const t = cell.trim();
  if (t === '') return NaN;
  if (!NUMBER_RE.test(t)) throw new InvalidArgumentError(`row ${row} column ${col + 1}: ${shown(t)} is not a number`);
  const v = Number(t);
  if (!Number.isFinite(v)) throw new InvalidArgumentError(`row ${row} column ${col + 1}: ${shown(t)} is out of range`);
  return v;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidArgumentError(`${what} is not valid JSON (${shown((err as Error).message, 120)})`);
  }
}

function decodeJson(body: string, numFeature: number): FeatureRows {
  const value = parseJson(body, 'body');
  let instances: unknown = value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    if (!('instances' in value)) throw new InvalidArgumentError('JSON body has no "instances": send {"instances": [[…], …]}');
    instances = (value as { instances: unknown }).instances;
  }
  if (!Array.isArray(instances)) throw new InvalidArgumentError('"instances" is not an array of rows');
  if (instances.length === 0) throw new InvalidArgumentError('"instances" is empty: send at least one row');
  // A flat array of numbers is one row.
  const rowsIn = instances.every((v) => typeof v === 'number' || v === null) ? [instances] : instances;
  const data = new Float64Array(rowsIn.length * numFeature);
  rowsIn.forEach((row, r) => fillRow(row, r, numFeature, data));
  return { rows: rowsIn.length, cols: numFeature, data };
}

function decodeJsonLines(body: string, numFeature: number): FeatureRows {
  const rowsIn: unknown[] = [];
  let lineNo = 0;
  for (const raw of body.split('\n')) {
    lineNo++;
    if (raw.trim() === '') continue;
    rowsIn.push(parseJson(raw, `line ${lineNo}`));
  }
  const data = new Float64Array(rowsIn.length * numFeature);
  rowsIn.forEach((row, r) => fillRow(row, r, numFeature, data));
  return { rows: rowsIn.length, cols: numFeature, data };
}

function fillRow(row: unknown, r: number, numFeature: number, out: Float64Array): void {
  let cells = row;
  if (cells !== null && typeof cells === 'object' && !Array.isArray(cells)) {
    if (!('features' in cells)) throw new InvalidArgumentError(`row ${r + 1} is an object without "features"`);
    cells = (cells as { features: unknown }).features;
  }
  if (!Array.isArray(cells)) throw new InvalidArgumentError(`row ${r + 1} is not an array of numbers`);
  if (cells.length !== numFeature) throw new InvalidArgumentError(`row ${r + 1} has ${cells.length} columns, the model needs ${numFeature}`);
  for (let c = 0; c < numFeature; c++) {
    const v: unknown = cells[c];
    if (v === null) out[r * numFeature + c] = NaN;
    else if (typeof v === 'number' && Number.isFinite(v)) out[r * numFeature + c] = v;
    else throw new InvalidArgumentError(`row ${r + 1} column ${c + 1}: ${describe(v)} is not a number`);
  }
}

/** Writes rows as a request body of `format` (clients, tests and benchmarks); NaN is an empty cell / null. */
export function encodeRows(format: PayloadFormat, rows: readonly (readonly number[])[]): string {
  const cell = (v: number) => (Number.isNaN(v) ? '' : numText(v));
  const json = (row: readonly number[]) => `[${row.map((v) => (Number.isNaN(v) ? 'null' : numText(v))).join(',')}]`;
  switch (format) {
    case 'csv':
      return rows.map((r) => r.map(cell).join(',')).join('\n');
    case 'json':
      return `{"instances":[${rows.map(json).join(',')}]}`;
    case 'jsonlines':
      return rows.map(json).join('\n');
  }
}

/** The answer body: CSV one prediction per line, JSON `{"predictions":[{"score":…}]}`, JSON Lines `{"score":…}` per line. */
export function encodePredictions(format: PayloadFormat, predictions: ArrayLike<number>): string {
  const n = predictions.length;
  let out = '';
  switch (format) {
    case 'csv':
      for (let i = 0; i < n; i++) out += i === 0 ? num(predictions[i]!) : `\n${num(predictions[i]!)}`;
      return out;
    case 'json':
      for (let i = 0; i < n; i++) out += `${i === 0 ? '' : ','}{"score":${jsonNum(predictions[i]!)}}`;
      return `{"predictions":[${out}]}`;
    case 'jsonlines':
      for (let i = 0; i < n; i++) out += `${i === 0 ? '' : '\n'}{"score":${jsonNum(predictions[i]!)}}`;
      return out;
  }
}

/** Reads predictions back from an answer body (clients and tests). */
export function decodePredictions(format: PayloadFormat, body: string): number[] {
  if (format === 'csv')
    return body
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => (l.trim() === '' ? NaN : Number(l)));
  const scores = (v: unknown): number[] => {
    if (!Array.isArray(v)) throw new InvalidArgumentError('predictions are not an array');
    return v.map((p: unknown) => {
      const s = (p as { score?: unknown } | null)?.score;
      return s === null ? NaN : Number(s);
    });
  };
  if (format === 'json') return scores((parseJson(body, 'answer') as { predictions?: unknown } | null)?.predictions);
  return scores(
    body
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => parseJson(l, 'answer line')),
  );
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v !== null && typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${shown(v)}`;
  return shown(String(v));
}

/** A number as text, keeping the sign of -0. */
function numText(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function num(v: number): string {
  return Number.isNaN(v) ? '' : numText(v);
}

function jsonNum(v: number): string {
  return Number.isFinite(v) ? numText(v) : 'null';
}

function shown(value: string, max = 60): string {
  let out = '';
  for (const ch of value) {
    const c = ch.charCodeAt(0);
    out += c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029 ? `\\u${c.toString(16).padStart(4, '0')}` : ch;
    if (out.length >= max) return `'${out.slice(0, max - 1)}…'`;
  }
  return `'${out}'`;
}
