import type { Command } from 'commander';
import type { CliContext } from './cli-context.js';

/** A module of CLI commands: the top-level commands (and aliases) it registers, and its register function, imported on demand. */
export interface CommandModule {
  readonly commands: readonly string[];
  readonly load: () => Promise<(program: Command, ctx: CliContext) => void>;
}

/**
 * Every command module, in `--help` order. A command line imports only its command's module (each
 * module imports its domain code: all of them take 60-70 ms of a `driftline train`); the names are
 * checked against what each module registers by command-modules.test.ts.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { commands: ['data'], load: async () => (await import('./commands/data-command.js')).registerDataCommands },
  { commands: ['train', 'predict'], load: async () => (await import('./commands/ml-command.js')).registerMlCommands },
  { commands: ['monitor'], load: async () => (await import('./commands/monitor-command.js')).registerMonitorCommands },
  { commands: ['pipeline'], load: async () => (await import('./commands/pipeline-command.js')).registerPipelineCommands },
  { commands: ['registry'], load: async () => (await import('./commands/registry-command.js')).registerRegistryCommands },
  { commands: ['endpoint'], load: async () => (await import('./commands/endpoint-command.js')).registerEndpointCommands },
  { commands: ['deploy'], load: async () => (await import('./commands/deploy-command.js')).registerDeployCommands },
  { commands: ['metrics', 'alarm'], load: async () => (await import('./commands/alarm-command.js')).registerAlarmCommands },
  { commands: ['schedule'], load: async () => (await import('./commands/schedule-command.js')).registerScheduleCommands },
  { commands: ['ground-truth'], load: async () => (await import('./commands/ground-truth-command.js')).registerGroundTruthCommands },
  { commands: ['events', 'rules'], load: async () => (await import('./commands/events-command.js')).registerEventsCommands },
  { commands: ['project'], load: async () => (await import('./commands/project-command.js')).registerProjectCommands },
  { commands: ['quickstart'], load: async () => (await import('./commands/quickstart-command.js')).registerQuickstartCommand },
  { commands: ['server'], load: async () => (await import('./commands/server-command.js')).registerServerCommand },
];

/** The program's options that take a value (the token after them is not the command). */
const OPTIONS_WITH_VALUES = new Set(['--home', '--log-level']);

/**
 * The modules a command line needs: the one registering its command (the first token that is
 * neither an option nor an option's value), or all of them when the command is none of theirs
 * (`--help`, `help`, a typo: commander lists or suggests every command).
 */
export function commandModulesFor(argv: readonly string[], modules: readonly CommandModule[]): readonly CommandModule[] {
  let name: string | undefined;
  for (let i = 0; i < argv.length && name === undefined; i++) {
    const token = argv[i]!;
    if (OPTIONS_WITH_VALUES.has(token)) i++;
    else if (!token.startsWith('-')) name = token;
  }
  const own = modules.filter((m) => name !== undefined && m.commands.includes(name));
  return own.length === 1 ? own : modules;
}
