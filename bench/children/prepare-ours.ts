// Runs driftline's `data prepare` in process and reports time and peak RSS.
import { performance } from 'node:perf_hooks';
import { runCli } from '../../src/cli/run-cli.js';
import { report } from '../support.js';

const [resultFile, ...argv] = process.argv.slice(2);
let out = '';
const started = performance.now();
const code = await runCli(['--json', ...argv], {
  stdout: (s) => {
    out += s;
  },
  stderr: (s) => process.stderr.write(s),
  isTTY: false,
  env: {},
  cwd: process.cwd(),
});
const seconds = (performance.now() - started) / 1000;
if (code !== 0) process.exit(code);
const parsed = JSON.parse(out) as { report: { rowsRead: number; rowsKept: number } };
report(resultFile!, seconds, { rowsRead: parsed.report.rowsRead, rowsKept: parsed.report.rowsKept });
