import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { emit, num, table } from '../output.js';

/** `driftline monitor …`: Model Monitor data-quality baselines. */
export function registerMonitorCommands(program: Command, ctx: CliContext): void {
  const monitor = program.command('monitor').description('data-quality baselines and drift analysis, in SageMaker Model Monitor formats');

  monitor
    .command('suggest-baseline')
    .description('profile a dataset in one pass and write statistics.json and constraints.json')
    .requiredOption('--dataset <file>', 'CSV or Parquet dataset')
    .option('--header', 'the CSV has a header row (default)', true)
    .option('--no-header', 'the CSV has no header: columns are named _c0, _c1, …')
    .requiredOption('--out <dir>', 'output folder (must be absent or empty unless --force)')
    .option('--force', 'replace a non-empty output folder')
    .action(async (opts: { dataset: string; header: boolean; out: string; force?: boolean }) => {
      const app = await ctx.app();
      const { statistics, constraints } = await app.baselines.suggestBaseline(opts.dataset, opts.out, {
        header: opts.header,
        replace: Boolean(opts.force),
        progress: ctx.progress(),
      });
      emit(ctx.io, ctx.json(), { out: opts.out, statistics, constraints }, () =>
        [
          `baseline of ${num(statistics.dataset.item_count)} rows -> ${opts.out}/statistics.json, ${opts.out}/constraints.json`,
          table(
            ['FEATURE', 'TYPE', 'COMPLETE', 'MEAN', 'STD', 'MIN', 'MAX'],
            statistics.features.map((f, i) => {
              const n = f.numerical_statistics;
              const fmt = (x: number | undefined) => (x === undefined ? '' : Number(x.toPrecision(6)).toString());
              return [f.name, f.inferred_type, constraints.features[i]!.completeness.toFixed(3), fmt(n?.mean), fmt(n?.std_dev), fmt(n?.min), fmt(n?.max)];
            }),
          ),
        ].join('\n'),
      );
    });
}
