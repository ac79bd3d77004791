import { InvalidArgumentError } from '../core/errors.js';

/**
 * A labelled CSV's text (label first) with each data row's first cell replaced by `values[i]`,
 * written as the endpoint writes a prediction in a CSV answer (`String(v)`, NaN empty). Rows are
 * found as the numeric CSV reader finds them: the header (when `header`) is the first non-blank line
 * and is kept as it is; every later non-blank line is a row. The rest of each row is kept byte for
 * byte, so the features read (and profile) exactly as in the original. Blank lines and carriage
 * returns are dropped; the result ends with a line feed. Throws `InvalidArgumentError` when the rows
 * and the values are not as many.
 */
export function replaceLabelColumn(text: string, values: ArrayLike<number>, options: { readonly header: boolean; readonly file: string }): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let i = 0;
  if (options.header) {
    while (i < lines.length && lines[i]!.trim() === '') i++;
    if (i >= lines.length) throw new InvalidArgumentError(`${options.file}: the file is empty`);
    out.push(lines[i++]!.replace(/\r$/, ''));
  }
  let row = 0;
  for (; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    if (row >= values.length) break;
    const comma = line.indexOf(',');
    const v = values[row++]!;
    out.push(`${Number.isNaN(v) ? '' : String(v)}${comma < 0 ? '' : line.slice(comma)}`);
  }
  const rows = out.length - (options.header ? 1 : 0);
  const more = lines.slice(i).filter((l) => l.trim() !== '').length;
  if (rows !== values.length || more > 0) {
    throw new InvalidArgumentError(`${options.file}: ${rows + more} data rows but ${values.length} values to put in the label column`);
  }
  return `${out.join('\n')}\n`;
}
