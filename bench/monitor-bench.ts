/**
 * bench:monitor — driftline's suggest-baseline and analyze against DuckDB's SUMMARIZE on the same
 * generated Parquet files: 10M rows x 10 numeric columns, and 100k rows x 1,000 columns.
 * Prints seconds, rows/s, peak RSS and the time ratio.
 *   npm run bench:monitor [-- --rows 10000000 --only tall,wide]
 */
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runChild } from './support.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const tallRows = Number(arg('--rows', '10000000'));
const only = arg('--only', 'tall,wide').split(',');
const work = path.join(os.tmpdir(), 'driftline-bench-monitor');
mkdirSync(work, { recursive: true });

async function generate(file: string, rows: number, cols: number): Promise<void> {
  if (existsSync(file)) return;
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await instance.connect();
  // Mixed shapes: uniform, normal-ish, integer counts, with a few missing values.
  const exprs = Array.from({ length: cols }, (_, c) =>
    c % 3 === 0
      ? `random() * ${c + 1} AS c${c}`
      : c % 3 === 1
        ? `CASE WHEN random() < 0.01 THEN NULL ELSE (random() + random() + random()) * 10 END AS c${c}`
        : `CAST(floor(random() * 7) AS DOUBLE) AS c${c}`,
  );
  await con.run(`SELECT setseed(0.5)`);
  await con.run(`COPY (SELECT ${exprs.join(', ')} FROM range(${rows})) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
  con.closeSync();
  instance.closeSync();
}

console.log(`bench:monitor (${os.cpus().length} cores, Node ${process.version})`);
console.log(
  `${'dataset'.padEnd(22)} ${'step'.padEnd(16)} ${'seconds'.padStart(8)} ${'rows/s'.padStart(12)} ${'peak MB'.padStart(8)} ${'vs DuckDB'.padStart(10)}`,
);
const cases = [
  ['tall', `${tallRows / 1e6}M x 10`, tallRows, 10],
  ['wide', '100k x 1000', 100_000, 1000],
] as const;
for (const [key, name, rows, cols] of cases) {
  if (!only.includes(key)) continue;
  const file = path.join(work, `data-${rows}x${cols}.parquet`);
  await generate(file, rows, cols);
  const ref = runChild('monitor-duckdb', [file]);
  const caseDir = path.join(work, `${rows}x${cols}`);
  mkdirSync(caseDir, { recursive: true });
  const baseline = runChild('monitor-ours.mjs', [file, caseDir, 'baseline']);
  const analysis = runChild('monitor-ours.mjs', [file, caseDir, 'analyze']);
  const line = (step: string, m: { seconds: number; peakRssMb: number }, ratio?: number) =>
    console.log(
      `${name.padEnd(22)} ${step.padEnd(16)} ${m.seconds.toFixed(2).padStart(8)} ${Math.round(rows / m.seconds)
        .toLocaleString('en-US')
        .padStart(12)} ${m.peakRssMb.toFixed(0).padStart(8)} ${ratio === undefined ? ''.padStart(10) : ratio.toFixed(2).padStart(10)}`,
    );
  line('DuckDB SUMMARIZE', ref);
  line('suggest-baseline', baseline, baseline.seconds / ref.seconds);
  line('analyze', analysis, analysis.seconds / ref.seconds);
}
