import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a measured child reports: the seconds its work took and its peak resident memory. */
export interface Measured {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly extra: Record<string, unknown>;
  /** Share of the machine's CPU time the hypervisor took (steal) while the child ran; undefined off Linux. */
  readonly steal?: number;
}

/** The CPU time counters of /proc/stat (user, nice, system, idle, iowait, irq, softirq, steal, ...); undefined off Linux. */
function cpuTimes(): number[] | undefined {
  try {
    return readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return undefined;
  }
}

/** Share of CPU time stolen by the hypervisor between two `cpuTimes` readings. */
function stealBetween(before: number[] | undefined, after: number[] | undefined): number | undefined {
  if (!before || !after || after.length < 8) return undefined;
  const d = after.map((x, i) => x - (before[i] ?? 0));
  const total = d.reduce((a, b) => a + b, 0);
  return total > 0 ? d[7]! / total : undefined;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * A new scratch directory for this bench run (`driftline-bench-<name>-XXXXXX` in the temporary
 * directory), removed when the process exits, Ctrl-C included; with `--keep` it stays and its path
 * is printed.
 */
export function benchWorkDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `driftline-bench-${name}-`));
  if (process.argv.includes('--keep')) {
    process.on('exit', () => console.log(`kept ${dir}`));
  } else {
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    process.once('SIGINT', () => process.exit(130));
  }
  return dir;
}

/**
 * Runs `bench/children/<child>.ts` in a fresh process and reads back its measurement; `<child>.py`
 * runs with Debian's python3 and `<child>.mjs` with plain node (for children that use dist/).
 */
export function runChild(child: string, args: readonly string[]): Measured {
  const resultFile = path.join(os.tmpdir(), `driftline-bench-${process.pid}-${child}-${Date.now()}.json`);
  const before = cpuTimes();
  const script = path.join(here, 'children', child);
  const res = child.endsWith('.py')
    ? spawnSync('/usr/bin/python3', [script, resultFile, ...args], { stdio: ['ignore', 'ignore', 'inherit'] })
    : child.endsWith('.mjs')
      ? spawnSync(process.execPath, [script, resultFile, ...args], { stdio: ['ignore', 'ignore', 'inherit'] })
      : spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'children', `${child}.ts`), resultFile, ...args], {
          stdio: ['ignore', 'ignore', 'inherit'],
        });
  const steal = stealBetween(before, cpuTimes());
  try {
    if (res.status !== 0) throw new Error(`${child} failed with exit code ${res.status}`);
    const measured = JSON.parse(readFileSync(resultFile, 'utf8')) as Measured;
    return steal === undefined ? measured : { ...measured, steal };
  } finally {
    rmSync(resultFile, { force: true });
  }
}

/** Writes a child's measurement (call once, at the end of the child). */
export function report(resultFile: string, seconds: number, extra: Record<string, unknown> = {}): void {
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  writeFileSync(resultFile, JSON.stringify({ seconds, peakRssMb, extra }));
}

/** A whole process, timed from spawn to exit by the parent. */
export interface TimedProcess {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly stdout: string;
}

/** Runs `command args` to completion and times it whole (start-up included); peak RSS through GNU time. */
export function timeProcess(command: string, args: readonly string[]): TimedProcess {
  const rssFile = path.join(os.tmpdir(), `driftline-bench-${process.pid}-rss-${Date.now()}`);
  const started = process.hrtime.bigint();
  const res = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  try {
    if (res.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${res.status}`);
    const peakRssMb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024;
    return { seconds, peakRssMb, stdout: res.stdout };
  } finally {
    rmSync(rssFile, { force: true });
  }
}

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
