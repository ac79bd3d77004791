import { readFile } from 'node:fs/promises';

/** Reads a numeric CSV into rows of numbers; `header` says whether the first line is a header. */
export async function readNumericCsv(file: string, header: boolean): Promise<{ columns: string[]; rows: number[][] }> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
  const columns = header ? lines.shift()!.split(',') : [];
  return { columns, rows: lines.map((l) => l.split(',').map(Number)) };
}

/** The mean of column `c`. */
export function columnMean(rows: number[][], c: number): number {
  return rows.reduce((s, r) => s + r[c]!, 0) / rows.length;
}
