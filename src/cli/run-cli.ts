import { Command, CommanderError } from 'commander';
import type { App } from '../app/create-app.js';
import { createJsonLogger } from '../app/json-logger.js';
import type { ProcessorKit } from '../app/processor-kit.js';
import { isAppError, oneLine } from '../core/errors.js';
import { loadConfig } from '../config/load-config.js';
import type { CliContext } from './cli-context.js';
import type { CliIo } from './cli-io.js';
import { COMMAND_MODULES, commandModulesFor } from './command-modules.js';
import { EXIT_CODES, EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { createTerminalProgress } from './terminal-progress.js';
import { VERSION } from './version.js';

/**
 * Runs one driftline command line and returns its exit code. Errors become one line on stderr
 * (and `{ "error": … }` on stdout with --json); nothing here calls process.exit.
 * @example await runCli(['data', 'prepare', '--help'], io)
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let app: App | undefined;
  let kit: ProcessorKit | undefined;
  const program = new Command('driftline');
  const setup = () => {
    const opts = program.opts() as { home?: string; logLevel?: string };
    const config = loadConfig(io.env, { home: opts.home, logLevel: opts.logLevel }, io.cwd);
    return { config, logger: createJsonLogger({ write: (l) => io.stderr(l) }, config.logLevel, () => Date.now()) };
  };
  // The App and its adapters (DuckDB, Kysely, the GBDT kernels) are imported by the commands that use them only.
  const ctx: CliContext = {
    io,
    json: () => Boolean(program.opts()['json']),
    progress: () => createTerminalProgress(io.progressStream, io.isTTY),
    app: async () => {
      if (!app) {
        const { config, logger } = setup();
        app = await (await import('../app/create-app.js')).createApp(config, { logger, env: io.env });
      }
      return app;
    },
    services: async () => {
      if (!kit) {
        const { config, logger } = setup();
        kit = (await import('../app/processor-kit.js')).createProcessorKit(config, logger);
      }
      return kit;
    },
  };
  program
    .description('driftline: build, deploy, monitor and retrain a model on one machine (SageMaker drift-detection loop)')
    .version(VERSION, '-V, --version')
    .option('--home <dir>', 'home folder for the embedded database and artifacts (env DRIFTLINE_HOME, default ./.driftline)')
    .option('--json', 'print machine-readable JSON on stdout')
    .option('--log-level <level>', 'structured log level on stderr: debug, info, warn, error, silent')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: (s, write) => write(`driftline: ${oneLine(s.replace(/^error: /, ''))} (see --help)\n`),
    });
  // Only the module of the command asked for (every module for --help, help or an unknown command).
  const registers = await Promise.all(commandModulesFor(argv, COMMAND_MODULES).map((m) => m.load()));
  for (const register of registers) register(program, ctx);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT_OK;
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    const code = isAppError(err) ? err.code : 'internal';
    const message = isAppError(err) ? err.message : `internal error: ${oneLine(err)}`;
    io.stderr(`driftline: ${oneLine(message)}\n`);
    if (ctx.json()) io.stdout(`${JSON.stringify({ error: { code, message } })}\n`);
    if (!isAppError(err) && io.env['DRIFTLINE_LOG_LEVEL'] === 'debug') io.stderr(`${(err as Error)?.stack ?? ''}\n`);
    return EXIT_CODES[code];
  } finally {
    await app?.close();
    await kit?.close();
  }
}
