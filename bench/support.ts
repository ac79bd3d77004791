import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a measured child reports: the seconds its work took and its peak resident memory. */
export interface Measured {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly extra: Record<string, unknown>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Runs `bench/children/<child>.ts` in a fresh process and reads back its measurement; `<child>.py`
 * runs with Debian's python3 and `<child>.mjs` with plain node (for children that use dist/).
 */
export function runChild(child: string, args: readonly string[]): Measured {
  const resultFile = path.join(os.tmpdir(), `driftline-bench-${process.pid}-${child}-${Date.now()}.json`);
  const script = path.join(here, 'children', child);
  const res = child.endsWith('.py')
    ? spawnSync('/usr/bin/python3', [script, resultFile, ...args], { stdio: ['ignore', 'ignore', 'inherit'] })
    : child.endsWith('.mjs')
      ? spawnSync(process.execPath, [script, resultFile, ...args], { stdio: ['ignore', 'ignore', 'inherit'] })
      : spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'children', `${child}.ts`), resultFile, ...args], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
  if (res.status !== 0) throw new Error(`${child} failed with exit code ${res.status}`);
  return JSON.parse(readFileSync(resultFile, 'utf8')) as Measured;
}

/** Writes a child's measurement (call once, at the end of the child). */
export function report(resultFile: string, seconds: number, extra: Record<string, unknown> = {}): void {
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  writeFileSync(resultFile, JSON.stringify({ seconds, peakRssMb, extra }));
}
