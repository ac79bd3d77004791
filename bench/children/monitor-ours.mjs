// driftline's compiled build: suggest-baseline, then analyze the same file against that baseline.
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runCli } from '../../dist/cli/run-cli.js';

const [resultFile, dataset, work, step] = process.argv.slice(2);
const io = { stdout: () => {}, stderr: (s) => process.stderr.write(s), isTTY: false, env: {}, cwd: process.cwd() };
const home = ['--home', `${work}/home-${step}`];
const started = performance.now();
let code;
if (step === 'baseline') {
  rmSync(`${work}/baseline`, { recursive: true, force: true });
  code = await runCli([...home, 'monitor', 'suggest-baseline', '--dataset', dataset, '--out', `${work}/baseline`], io);
} else {
  rmSync(`${work}/analysis`, { recursive: true, force: true });
  code = await runCli(
    [
      ...home,
      'monitor',
      'analyze',
      '--statistics',
      `${work}/baseline/statistics.json`,
      '--constraints',
      `${work}/baseline/constraints.json`,
      '--dataset',
      dataset,
      '--out',
      `${work}/analysis`,
    ],
    io,
  );
}
if (code !== 0) process.exit(code);
const seconds = (performance.now() - started) / 1000;
const { writeFileSync } = await import('node:fs');
writeFileSync(resultFile, JSON.stringify({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, extra: {} }));
