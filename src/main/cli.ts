#!/usr/bin/env node
// `driftline --version` answers before the CLI (commander, every command's module) is even loaded.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const { VERSION } = await import('../core/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  // SIGINT and SIGTERM end the process at once, except while a command runs graceful work (a
  // pipeline execution): that work is told to stop (its jobs are killed, the execution released for
  // `pipeline resume`) and the process then exits with 128 + the signal's number. A second signal
  // ends the process at once; the jobs still die with it, since they watch their parent.
  const shutdown = new AbortController();
  let holders = 0;
  let received: NodeJS.Signals | undefined;
  let normalExit = false;
  let stoppingMessage = 'stopping the running jobs';
  const SIGNAL_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      if (holders === 0 || received) process.exit(SIGNAL_CODES[sig]);
      received = sig;
      process.stderr.write(`driftline: ${sig}: ${stoppingMessage} (send it again to quit at once)\n`);
      shutdown.abort();
    });
  }
  const { runCli } = await import('../cli/run-cli.js');
  const code = await runCli(argv, {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stderr.isTTY),
    progressStream: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    graceful: async (work, options) => {
      holders++;
      if (options?.signalIsNormalExit) normalExit = true;
      if (options?.stoppingMessage) stoppingMessage = options.stoppingMessage;
      try {
        return await work(shutdown.signal);
      } finally {
        holders--;
      }
    },
  });
  process.exitCode = received && !normalExit ? SIGNAL_CODES[received] : code;
}
