#!/usr/bin/env node
// `driftline --version` answers before the CLI (commander, every command's module) is even loaded.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { VERSION } = await import('../core/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  const { runCli } = await import('../cli/run-cli.js');
  process.exitCode = await runCli(argv, {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stderr.isTTY),
    progressStream: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  });
}
