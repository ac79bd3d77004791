import { InvalidArgumentError } from '../../core/errors.js';
import type { FeatureArray, NumericTable } from '../matrix-reader.js';
import { decimalToDouble } from './decimal.js';

/** How a numeric CSV is laid out. */
export interface NumericCsvOptions {
  /** The first column is the label (returned apart). */
  readonly labelFirst: boolean;
  /** The first non-blank line names the columns. */
  readonly header: boolean;
  /** Features as float32 (each value rounded from the double `Number()` reads). */
  readonly float32?: boolean;
}

const COMMA = 44;
const NEWLINE = 10;
const utf8 = new TextDecoder();

/** ASCII whitespace as String.prototype.trim sees it: tab, line feed, vertical tab, form feed, carriage return, space. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Parses a numeric CSV from its bytes, straight into typed arrays: one pass over the buffer, numbers
 * converted without strings (`decimalToDouble`; `Number()` on the cell for anything else, such as
 * more than 19 digits or hexadecimal). Same results and errors as `parseNumericCsv` on the decoded
 * text, which it hands the file to whenever something is wrong, for the error naming line and column.
 */
export function parseNumericCsvBytes(bytes: Uint8Array, file: string, options: NumericCsvOptions): NumericTable<FeatureArray> {
  let buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const fail = (): NumericTable<FeatureArray> => parseNumericCsv(utf8.decode(bytes), file, options);
  if (buf.length > 0 && buf[buf.length - 1] !== NEWLINE) {
    // The loop below relies on a line feed after the last line.
    const copy = new Uint8Array(buf.length + 1);
    copy.set(buf);
    copy[buf.length] = NEWLINE;
    buf = copy;
  }
  const layout = firstRow(buf, buf.length, options);
  if (!layout) return fail();
  let lines = 0;
  for (let i = buf.indexOf(NEWLINE, layout.first); i >= 0; i = buf.indexOf(NEWLINE, i + 1)) lines++;
  const table = new TableBuilder(layout.width, options.labelFirst, lines, options.float32 === true);
  if (table.parseLines(buf, layout.first, buf.length) < 0) return fail();
  return table.finish(lines, layout.columns);
}

/** The table of a read without `float32`: its features are float64. */
export function float64Table(table: NumericTable<FeatureArray>): NumericTable {
  const data = table.data;
  if (!(data instanceof Float64Array)) throw new Error('float64Table: the features were read as float32');
  return { ...table, data };
}

/** A file read by position, as `fs.readSync`: bytes into `into[offset..offset+length)` from byte `position` of the file; how many (0 at its end). */
export type ReadAt = (into: Uint8Array, offset: number, length: number, position: number) => number;

/**
 * `parseNumericCsvBytes` over a file read in chunks into one buffer of `chunkBytes` (more for a line
 * longer than that): the same table, or the same error (through `whole()`, the file's bytes). Twice
 * through the file, counting its lines then parsing them, from the page cache: cheaper than the fresh
 * memory a whole file would take (first touches cost about 3 ms per MB on the benchmark VM, 80 ms for
 * a 28 MB file).
 */
export function parseNumericCsvChunked(
  readAt: ReadAt,
  whole: () => Uint8Array,
  file: string,
  options: NumericCsvOptions,
  chunkBytes = 4 << 20,
): NumericTable<FeatureArray> {
  let buf: Uint8Array = new Uint8Array(Math.max(16, chunkBytes));
  const fail = (): NumericTable<FeatureArray> => parseNumericCsvBytes(whole(), file, options);
  // The lines, for the arrays' size: at most one row each.
  let lines = 0;
  let size = 0;
  let reads = 0;
  let lastByte = NEWLINE;
  for (let n = readAt(buf, 0, buf.length, 0); n > 0; n = readAt(buf, 0, buf.length, size)) {
    for (let i = buf.indexOf(NEWLINE); i >= 0 && i < n; i = buf.indexOf(NEWLINE, i + 1)) lines++;
    size += n;
    reads++;
    lastByte = buf[n - 1]!;
  }
  // A file read in one go is still in the buffer.
  if (reads <= 1) return parseNumericCsvBytes(buf.subarray(0, size), file, options);
  if (lastByte !== NEWLINE) lines++;
  let filled = 0;
  let position = 0;
  let ended = false;
  /** Reads on until the buffer is full or the file ends (then with a line feed after its last line). */
  const fill = () => {
    while (!ended && filled < buf.length) {
      const n = readAt(buf, filled, buf.length - filled, position);
      if (n === 0) {
        ended = true;
        if (filled > 0 && buf[filled - 1] !== NEWLINE) {
          if (filled === buf.length) buf = grown(buf, filled);
          buf[filled++] = NEWLINE;
        }
      }
      filled += n;
      position += n;
    }
  };
  /** The end of the last whole line in the buffer (reading on, with a larger buffer, while there is none). */
  const wholeLines = () => {
    // (lastIndexOf from -1 would look from the end of the buffer.)
    const lastEnd = () => (filled === 0 ? 0 : buf.lastIndexOf(NEWLINE, filled - 1) + 1);
    fill();
    let end = lastEnd();
    while (end === 0 && !ended) {
      buf = grown(buf, filled);
      fill();
      end = lastEnd();
    }
    return end;
  };
  let end = wholeLines();
  const layout = firstRow(buf, end, options);
  if (!layout) return fail();
  const table = new TableBuilder(layout.width, options.labelFirst, lines, options.float32 === true);
  let from = layout.first;
  while (end > 0) {
    if (table.parseLines(buf, from, end) < 0) return fail();
    buf.copyWithin(0, end, filled);
    filled -= end;
    from = 0;
    end = wholeLines();
  }
  return table.finish(lines, layout.columns);
}

/** `buf` in a buffer twice its size, its first `filled` bytes kept. */
function grown(buf: Uint8Array, filled: number): Uint8Array {
  const bigger = new Uint8Array(2 * buf.length);
  bigger.set(buf.subarray(0, filled));
  return bigger;
}

/**
 * Where the data rows of `buf[0..n)` (whole lines) start, their width, and the header's column names:
 * undefined when there is no data row (or the header and rows disagree): the text parser says why.
 */
function firstRow(buf: Uint8Array, n: number, options: NumericCsvOptions): { first: number; width: number; columns: string[] | undefined } | undefined {
  let pos = 0;
  let columns: string[] | undefined;
  if (options.header) {
    let end = lineEnd(buf, pos, n);
    while (pos < n && isBlank(buf, pos, end)) {
      pos = end + 1;
      end = lineEnd(buf, pos, n);
    }
    if (pos >= n) return undefined;
    columns = utf8
      .decode(buf.subarray(pos, end))
      .replace(/\r$/, '')
      .split(',')
      .map((c) => c.trim());
    pos = end + 1;
  }
  // The first data row gives the width.
  let first = pos;
  let firstEnd = lineEnd(buf, first, n);
  while (first < n && isBlank(buf, first, firstEnd)) {
    first = firstEnd + 1;
    firstEnd = lineEnd(buf, first, n);
  }
  if (first >= n) return undefined;
  let width = 1;
  for (let i = first; i < firstEnd; i++) if (buf[i] === COMMA) width++;
  if ((columns && columns.length !== width) || (options.labelFirst && width < 2)) return undefined;
  return { first, width, columns };
}

/** The table's arrays, filled line by line (`parseLines`), sized for `lines` rows at most. */
class TableBuilder {
  data: FeatureArray;
  label: Float64Array | undefined;
  rows = 0;
  out = 0;
  readonly cols: number;

  constructor(
    readonly width: number,
    readonly labelFirst: boolean,
    lines: number,
    float32: boolean,
  ) {
    this.cols = labelFirst ? width - 1 : width;
    this.data = float32 ? new Float32Array(lines * this.cols) : new Float64Array(lines * this.cols);
    this.label = labelFirst ? new Float64Array(lines) : undefined;
  }

  /**
   * Parses the lines of `buf[from..to)`, each ending in a line feed: blank ones skipped, the others
   * `width` cells each. Returns `to`, or -1 at anything the text parser must decide (an error, or a
   * form read only by `Number()` on the decoded text).
   */
  parseLines(buf: Uint8Array, from: number, to: number): number {
    const labelFirst = this.labelFirst;
    const last = this.width - 1;
    const data = this.data;
    const label = this.label;
    let rows = this.rows;
    let out = this.out;
    let i = from;
    while (i < to) {
      // A line: blank (skipped), or `width` cells.
      const lineStart = i;
      let ch = buf[i]!;
      while (ch === 32 || ch === 9 || ch === 13 || ch === 11 || ch === 12) ch = buf[++i]!;
      if (ch === NEWLINE) {
        i++;
        continue;
      }
      if (ch >= 0x80) {
        const end = lineEnd(buf, lineStart);
        if (isBlank(buf, lineStart, end)) {
          i = end + 1;
          continue;
        }
      }
      i = lineStart; // the first cell is read whole, spaces included
      for (let c = 0; c <= last; c++) {
        // One cell: [spaces] [sign] digits [. digits] [e [sign] digits] [spaces], then a comma (or the
        // line feed after the last cell); anything else goes to cellValue.
        const start = i;
        ch = buf[i]!;
        while (ch === 32 || ch === 9 || ch === 13 || ch === 11 || ch === 12) ch = buf[++i]!;
        let v: number;
        if (ch === COMMA || ch === NEWLINE) {
          v = NaN; // empty: missing
        } else {
          let negative = false;
          if (ch === 45 || ch === 43) {
            negative = ch === 45;
            ch = buf[++i]!;
          }
          let hi = 0;
          let lo = 0;
          let loDigits = 0;
          let significant = 0;
          let digits = 0;
          let exp10 = 0;
          while (ch >= 48 && ch <= 57) {
            if (significant < 15) {
              hi = hi * 10 + (ch - 48);
              if (hi > 0) significant++;
            } else if (significant < 19) {
              lo = lo * 10 + (ch - 48);
              loDigits++;
              significant++;
            } else {
              significant = 99; // too many digits: Number()
            }
            digits++;
            ch = buf[++i]!;
          }
          if (ch === 46) {
            ch = buf[++i]!;
            while (ch >= 48 && ch <= 57) {
              if (significant < 15) {
                hi = hi * 10 + (ch - 48);
                if (hi > 0) significant++;
              } else if (significant < 19) {
                lo = lo * 10 + (ch - 48);
                loDigits++;
                significant++;
              } else {
                significant = 99;
              }
              exp10--;
              digits++;
              ch = buf[++i]!;
            }
          }
          if ((ch === 101 || ch === 69) && digits > 0) {
            ch = buf[++i]!;
            let expNegative = false;
            if (ch === 45 || ch === 43) {
              expNegative = ch === 45;
              ch = buf[++i]!;
            }
            let e = 0;
            let expDigits = 0;
            while (ch >= 48 && ch <= 57) {
              if (e < 100000) e = e * 10 + (ch - 48);
              expDigits++;
              ch = buf[++i]!;
            }
            if (expDigits === 0) digits = 0; // '1e': not a number
            exp10 += expNegative ? -e : e;
          }
          while (ch === 32 || ch === 9 || ch === 13 || ch === 11 || ch === 12) ch = buf[++i]!;
          v = digits > 0 && significant <= 19 && (ch === COMMA || ch === NEWLINE) ? decimalToDouble(hi, lo, loDigits, exp10) : NaN;
          if (v === v) {
            if (negative) v = -v;
          } else {
            // Not the plain form, or not decidable here: the cell's text through Number(), as parseNumericCsv does.
            while (ch !== COMMA && ch !== NEWLINE) ch = buf[++i]!;
            const value = cellValue(buf, start, i);
            if (value === undefined) return -1;
            v = value;
          }
        }
        // A comma after every cell but the last, a line feed after the last: else the row is ragged.
        if (ch !== (c === last ? NEWLINE : COMMA)) return -1;
        i++;
        if (labelFirst && c === 0) {
          if (v !== v) return -1; // the label is missing
          label![rows] = v;
        } else {
          data[out++] = v;
        }
      }
      rows++;
    }
    this.rows = rows;
    this.out = out;
    return to;
  }

  /** The table, its arrays cut to the rows read (copied when much smaller than `lines`). */
  finish(lines: number, columns: string[] | undefined): NumericTable<FeatureArray> {
    const { rows, cols, labelFirst } = this;
    let data = this.data;
    let label = this.label;
    if (rows < lines) {
      // Blank lines: keep only the rows read (copied when much smaller).
      data = rows * 8 < lines * 7 ? data.slice(0, rows * cols) : data.subarray(0, rows * cols);
      label = label && (rows * 8 < lines * 7 ? label.slice(0, rows) : label.subarray(0, rows));
    }
    const featureColumns = columns ? (labelFirst ? columns.slice(1) : columns) : undefined;
    return { data, rows, cols, ...(label ? { label } : {}), ...(featureColumns ? { columns: featureColumns } : {}) };
  }
}

/** The index of the line feed ending the line that starts at `pos` (or `n`, the end of the bytes looked at). */
function lineEnd(buf: Uint8Array, pos: number, n: number = buf.length): number {
  const at = buf.indexOf(NEWLINE, pos);
  return at < 0 || at > n ? n : at;
}

/** True when bytes [start, end) are whitespace only (as `trim() === ''` finds). */
function isBlank(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (isSpace(c)) continue;
    return c >= 0x80 ? utf8.decode(buf.subarray(start, end)).trim() === '' : false;
  }
  return true;
}

/** A cell's value as parseNumericCsv reads it (trimmed; '', NaN, nan: missing); undefined when it is not a number. */
function cellValue(buf: Uint8Array, start: number, end: number): number | undefined {
  const cell = utf8.decode(buf.subarray(start, end)).trim();
  if (cell === '' || cell === 'NaN' || cell === 'nan') return NaN;
  const v = Number(cell);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Parses numeric CSV text: the reference for `parseNumericCsvBytes` (which hands it any file with a
 * problem), and the source of its errors, which name the file, line and column.
 */
export function parseNumericCsv(text: string, file: string, options: NumericCsvOptions): NumericTable {
  const lines = text.split('\n');
  let first = 0;
  let columns: string[] | undefined;
  if (options.header) {
    while (first < lines.length && lines[first]!.trim() === '') first++;
    if (first >= lines.length) throw new InvalidArgumentError(`${file}: the file is empty`);
    columns = lines[first]!.replace(/\r$/, '')
      .split(',')
      .map((c) => c.trim());
    first++;
  }
  let width = -1;
  const rowsText: { line: number; cells: string[] }[] = [];
  for (let i = first; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const cells = raw.split(',');
    if (width === -1) width = cells.length;
    else if (cells.length !== width) {
      throw new InvalidArgumentError(`${file}: line ${i + 1} has ${cells.length} columns, expected ${width} like the first row`);
    }
    rowsText.push({ line: i + 1, cells });
  }
  if (rowsText.length === 0) throw new InvalidArgumentError(`${file}: the file has no data rows`);
  if (columns && columns.length !== width) {
    throw new InvalidArgumentError(`${file}: the header has ${columns.length} columns but the rows have ${width}`);
  }
  const cols = options.labelFirst ? width - 1 : width;
  if (cols < 1) throw new InvalidArgumentError(`${file}: no feature columns (a label-first file needs at least 2 columns)`);
  const rows = rowsText.length;
  const data = new Float64Array(rows * cols);
  const label = options.labelFirst ? new Float64Array(rows) : undefined;
  for (let r = 0; r < rows; r++) {
    const { line, cells } = rowsText[r]!;
    for (let c = 0; c < width; c++) {
      const cell = cells[c]!.trim();
      let v: number;
      if (cell === '' || cell === 'NaN' || cell === 'nan') v = NaN;
      else {
        v = Number(cell);
        if (!Number.isFinite(v)) {
          // A cell holding a carriage return (or another line break) must not break the message over lines.
          const shown = cell.replace(/[\r\n\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
          throw new InvalidArgumentError(`${file}: line ${line}, column ${c + 1}: '${shown}' is not a number`);
        }
      }
      if (label && c === 0) {
        if (Number.isNaN(v)) throw new InvalidArgumentError(`${file}: line ${line}: the label (first column) is missing`);
        label[r] = v;
      } else data[r * cols + c - (label ? 1 : 0)] = v;
    }
  }
  const featureColumns = columns ? (options.labelFirst ? columns.slice(1) : columns) : undefined;
  return { data, rows, cols, ...(label ? { label } : {}), ...(featureColumns ? { columns: featureColumns } : {}) };
}
