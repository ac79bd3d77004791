import type { CliIo } from './cli-io.js';

/** Writes a result: as pretty JSON with --json, else as the human text. */
export function emit(io: CliIo, json: boolean, value: unknown, human: () => string): void {
  if (json) io.stdout(`${JSON.stringify(value, null, 2)}\n`);
  else io.stdout(`${human()}\n`);
}

/** Formats an integer with thousands separators. */
export function num(n: number): string {
  // toLocaleString loads ICU's locale data on its first call (15 ms of a `driftline train`).
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  return (n < 0 ? '-' : '') + String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** Renders rows as an aligned text table with a header line. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
