#!/usr/bin/env node
import { runCli } from '../cli/run-cli.js';

const code = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stderr.isTTY),
  progressStream: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
process.exitCode = code;
