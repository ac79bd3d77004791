import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';

/** `driftline quickstart`: walks the loop on embedded defaults. Grows with each stage of the loop. */
export function registerQuickstartCommand(program: Command, ctx: CliContext): void {
  program
    .command('quickstart')
    .description('run the main job on embedded defaults: synthetic NYC taxi trips -> prepared datasets')
    .action(async () => {
      ctx.io.stdout('quickstart: not wired yet\n');
    });
}
