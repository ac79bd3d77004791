import type { Command } from 'commander';
import { InvalidArgumentError } from '../../core/errors.js';
import type { Fleet, DriftPreset, PrepareReport } from '../../data/index.js';
// Constants from their modules: data/index would load every data service for `--help`.
import { PREPARED_FILES } from '../../data/data-files.js';
import { TLC_BASE_URL } from '../../data/fetch/nyc-fetch-service.js';
import { DRIFT_DESCRIPTIONS, DRIFT_PRESETS } from '../../data/generate/drift-presets.js';
import { CLEANING_RULES } from '../../data/types.js';
import type { CliContext } from '../cli-context.js';
import { emit, num, table } from '../output.js';

/** `driftline data …`: prepare, generate and fetch NYC taxi data; list recorded datasets. */
export function registerDataCommands(program: Command, ctx: CliContext): void {
  const data = program.command('data').description('prepare, generate and fetch NYC taxi trip data');

  data
    .command('prepare')
    .description("turn TLC trip files into train/validation/test/baseline CSVs (the sample's preprocessing step)")
    .requiredOption('--trips <files...>', 'TLC trip files (Parquet or CSV, green or yellow), folders or quoted * patterns')
    .requiredOption('--zones <file>', 'taxi_zones.zip (TLC shapefile) or a LocationID,latitude,longitude CSV')
    .requiredOption('--out <dir>', 'output folder (must be absent or empty unless --force)')
    .option('--seed <n>', 'seed of the shuffle that makes the splits', '42')
    .option('--force', 'replace a non-empty output folder')
    .addHelpText(
      'after',
      `\nWrites ${PREPARED_FILES.train} and ${PREPARED_FILES.validation} (no header, label first),\n` +
        `${PREPARED_FILES.test} and ${PREPARED_FILES.baseline} (with header) and ${PREPARED_FILES.report}.\n` +
        'Kept rows are written as recorded; a row is dropped under the first rule it fails, counted in the report:\n' +
        `  ${CLEANING_RULES.slice(0, 4).join(', ')},\n  ${CLEANING_RULES.slice(4).join(', ')}.`,
    )
    .action(async (opts: { trips: string[]; zones: string; out: string; seed: string; force?: boolean }) => {
      const seed = parseInteger('--seed', opts.seed);
      const app = await ctx.app();
      const { dataset, report } = await app.prepare.prepare({
        trips: opts.trips,
        zones: opts.zones,
        out: opts.out,
        seed,
        replace: Boolean(opts.force),
        progress: ctx.progress(),
      });
      emit(ctx.io, ctx.json(), { datasetId: dataset.id, out: dataset.uri, report }, () => describePrepare(dataset.id, opts.out, report));
    });

  data
    .command('generate')
    .description('write synthetic trips in the TLC green schema plus a zones file (no network, no real data needed)')
    .requiredOption('--out <dir>', 'output folder (must be absent or empty unless --force)')
    .requiredOption('--months <list>', 'comma-separated YYYY-MM months, e.g. 2021-01,2021-02')
    .option('--rows <n>', 'trips per month', '50000')
    .option('--seed <n>', 'random seed', '42')
    .option('--drift <preset>', `drift to inject: ${DRIFT_PRESETS.join(', ')}`, 'none')
    .option('--format <format>', 'parquet or csv', 'parquet')
    .option('--force', 'replace a non-empty output folder')
    .addHelpText('after', `\nDrift presets:\n${DRIFT_PRESETS.map((p) => `  ${p.padEnd(14)} ${DRIFT_DESCRIPTIONS[p]}`).join('\n')}`)
    .action(async (opts: { out: string; months: string; rows: string; seed: string; drift: string; format: string; force?: boolean }) => {
      if (!(DRIFT_PRESETS as readonly string[]).includes(opts.drift)) {
        throw new InvalidArgumentError(`unknown --drift '${opts.drift}': use one of ${DRIFT_PRESETS.join(', ')}`);
      }
      if (opts.format !== 'parquet' && opts.format !== 'csv') {
        throw new InvalidArgumentError(`--format must be parquet or csv, got '${opts.format}'`);
      }
      const rows = parseInteger('--rows', opts.rows, 1);
      const seed = parseInteger('--seed', opts.seed);
      const app = await ctx.app();
      const { dataset, report } = await app.generate.generate({
        out: opts.out,
        months: opts.months.split(',').filter((m) => m.trim() !== ''),
        rows,
        seed,
        drift: opts.drift as DriftPreset,
        format: opts.format,
        replace: Boolean(opts.force),
        progress: ctx.progress(),
      });
      emit(ctx.io, ctx.json(), { datasetId: dataset.id, out: dataset.uri, report }, () =>
        [
          `generated dataset ${dataset.id} in ${report.seconds.toFixed(1)} s -> ${opts.out} (drift: ${report.drift})`,
          ...report.months.map((m) => `  ${m.file}  ${num(m.rows)} trips`),
          `  ${report.zonesFile}`,
        ].join('\n'),
      );
    });

  data
    .command('fetch-nyc')
    .description('download TLC monthly trip files and taxi_zones.zip (skips files already complete)')
    .requiredOption('--months <list>', 'comma-separated YYYY-MM months, e.g. 2021-01,2021-02')
    .requiredOption('--out <dir>', 'download folder')
    .option('--fleet <fleet>', 'green or yellow', 'green')
    .option('--base-url <url>', 'download location (a mirror)', TLC_BASE_URL)
    .action(async (opts: { months: string; out: string; fleet: string; baseUrl: string }) => {
      const app = await ctx.app();
      const { dataset, files } = await app.fetchNyc.fetch({
        months: opts.months.split(','),
        fleet: opts.fleet as Fleet,
        out: opts.out,
        baseUrl: opts.baseUrl,
        progress: ctx.progress(),
      });
      emit(ctx.io, ctx.json(), { datasetId: dataset.id, out: opts.out, files }, () =>
        [
          `fetched into ${opts.out} (dataset ${dataset.id})`,
          table(
            ['FILE', 'BYTES', 'SHA256', 'STATUS'],
            files.map((f) => [f.name, num(f.bytes), f.sha256.slice(0, 12), f.skipped ? 'already complete' : 'downloaded']),
          ),
        ].join('\n'),
      );
    });

  data
    .command('list')
    .description('list the datasets recorded in the metadata store, newest first')
    .option('--limit <n>', 'how many', '20')
    .action(async (opts: { limit: string }) => {
      const app = await ctx.app();
      const page = await app.datasets.list({ limit: parseInteger('--limit', opts.limit) });
      emit(ctx.io, ctx.json(), page, () =>
        page.items.length === 0
          ? 'no datasets yet: run `driftline data prepare` or `driftline quickstart`'
          : table(
              ['ID', 'KIND', 'ROWS', 'CREATED', 'LOCATION'],
              page.items.map((d) => [d.id, d.kind, num(d.rowCount), new Date(d.createdAt).toISOString(), d.uri]),
            ),
      );
    });

  data
    .command('show')
    .description('show one recorded dataset with its input and output files and their hashes')
    .argument('<id>', 'dataset id')
    .action(async (id: string) => {
      const app = await ctx.app();
      const d = await app.datasets.get(id);
      emit(ctx.io, ctx.json(), d, () =>
        [
          `${d.id}  ${d.kind}  ${num(d.rowCount)} rows  ${new Date(d.createdAt).toISOString()}`,
          `location ${d.uri}`,
          table(
            ['ROLE', 'ROWS', 'BYTES', 'SHA256', 'URI'],
            d.files.map((f) => [f.role, f.rows === undefined ? '' : num(f.rows), num(f.sizeBytes), f.sha256.slice(0, 12), f.uri]),
          ),
        ].join('\n'),
      );
    });
}

/** Human summary of a prepare run. */
export function describePrepare(id: string, out: string, r: PrepareReport): string {
  const dropped = CLEANING_RULES.filter((rule) => r.rowsDropped[rule] > 0).map((rule) => `    ${rule.padEnd(30)} ${num(r.rowsDropped[rule])}`);
  return [
    `prepared dataset ${id} in ${r.seconds.toFixed(1)} s -> ${out}`,
    `  files read ${r.inputs.length}, rows read ${num(r.rowsRead)}, kept ${num(r.rowsKept)}, dropped ${num(r.rowsRead - r.rowsKept)}`,
    ...dropped,
    `  train ${num(r.splits.train)} | validation ${num(r.splits.validation)} | test ${num(r.splits.test)} | baseline ${num(r.splits.baseline)}`,
  ].join('\n');
}

/** Parses an integer flag or throws a one-line usage error. */
export function parseInteger(flag: string, value: string, min = Number.MIN_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min)
    throw new InvalidArgumentError(`${flag} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : ''}, got '${value}'`);
  return n;
}
