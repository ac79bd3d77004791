import path from 'node:path';
import type { Command } from 'commander';
import { GENERATED_ZONES_FILE } from '../../data/index.js';
import type { CliContext } from '../cli-context.js';
import { emit, num } from '../output.js';
import { describePrepare, parseInteger } from './data-command.js';

/**
 * `driftline quickstart`: the main job on embedded defaults (SQLite and files in the home folder,
 * everything in process). Today: synthetic trips -> prepared datasets; each later stage of the loop
 * (baseline, training, registry, deployment, monitoring, retraining) joins it.
 */
export function registerQuickstartCommand(program: Command, ctx: CliContext): void {
  program
    .command('quickstart')
    .description('run the main job on embedded defaults: generate NYC taxi trips, then prepare the training datasets')
    .option('--rows <n>', 'synthetic trips per month', '50000')
    .option('--seed <n>', 'random seed', '42')
    .action(async (opts: { rows: string; seed: string }) => {
      const rows = parseInteger('--rows', opts.rows, 10);
      const seed = parseInteger('--seed', opts.seed);
      const app = await ctx.app();
      const runDir = path.join(app.config.home, 'quickstart');
      const rawDir = path.join(runDir, 'raw');
      const preparedDir = path.join(runDir, 'prepared');
      const say = (line: string) => {
        if (!ctx.json()) ctx.io.stdout(`${line}\n`);
      };
      say(`driftline quickstart (home: ${app.config.home})`);
      say('1/2 generating two months of synthetic green-taxi trips (calibrated on real TLC data)');
      const generated = await app.generate.generate({
        out: rawDir,
        months: ['2021-01', '2021-02'],
        rows,
        seed,
        drift: 'none',
        replace: true,
        progress: ctx.progress(),
      });
      say(`    ${generated.report.months.map((m) => `${m.file} (${num(m.rows)} trips)`).join(', ')}`);
      say('2/2 preparing train/validation/test/baseline from the January trips');
      const prepared = await app.prepare.prepare({
        trips: [path.join(rawDir, 'green_tripdata_2021-01.parquet')],
        zones: path.join(rawDir, GENERATED_ZONES_FILE),
        out: preparedDir,
        seed,
        replace: true,
        progress: ctx.progress(),
      });
      say(describePrepare(prepared.dataset.id, preparedDir, prepared.report).replace(/^/gm, '    '));
      say('done: `driftline data list` shows the recorded datasets.');
      if (ctx.json()) emit(ctx.io, true, { generated: generated.dataset.id, prepared: prepared.dataset.id, report: prepared.report }, () => '');
    });
}
