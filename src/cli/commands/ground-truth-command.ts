import path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../core/errors.js';
import { parseLabelBatch } from '../../monitor/ground-truth/label-batch.js';
import type { CliContext } from '../cli-context.js';
import { emit } from '../output.js';
import { parseInteger } from './data-command.js';
import { readTextFile } from './read-json-file.js';

const FORMATS = ['jsonl', 'json', 'csv'] as const;

function time(value: string, flag: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new InvalidArgumentError(`${flag} must be an ISO-8601 time, got '${value}'`);
  return t;
}

/** `driftline ground-truth …`: labels of an endpoint's predictions, for model-quality schedules. */
export function registerGroundTruthCommands(program: Command, ctx: CliContext): void {
  const gt = program
    .command('ground-truth')
    .description("labels of an endpoint's predictions by inference id (SageMaker's ground truth), merged with captured traffic by model-quality schedules");
  gt.command('put')
    .description("store a batch of labels for an endpoint: whole or not at all, in SageMaker's hourly layout (also POST /api/endpoints/{name}/ground-truth)")
    .argument('<endpoint>', 'endpoint name')
    .requiredOption('--file <path>', 'the labels: JSON Lines (SageMaker records or {"inferenceId","label"}), a JSON array, or CSV inference_id,label')
    .option('--format <format>', `${FORMATS.join(', ')} (default: from the file's extension)`)
    .action(async (endpoint: string, opts: { file: string; format?: string }) => {
      const format = opts.format ?? (/\.csv$/i.test(opts.file) ? 'csv' : /\.json$/i.test(opts.file) ? 'json' : 'jsonl');
      if (!(FORMATS as readonly string[]).includes(format)) throw new InvalidArgumentError(`--format must be one of ${FORMATS.join(', ')}, got '${format}'`);
      const items = parseLabelBatch(await readTextFile(ctx.io.cwd, opts.file, 'labels file'), format as (typeof FORMATS)[number]);
      const app = await ctx.app();
      const r = await app.groundTruth.ingest(endpoint, items);
      emit(
        ctx.io,
        ctx.json(),
        r,
        () =>
          `stored ${r.accepted} label(s) for ${r.endpointName}${r.duplicatesInBatch ? ` (${r.duplicatesInBatch} repeated in the batch, last kept)` : ''} -> ${r.file}`,
      );
    });
  gt.command('export')
    .description(
      "what production saw, as training data: the endpoint's captured inputs joined with their labels, as a features CSV `pipeline start --param InputDataUrl=<folder>` trains on",
    )
    .argument('<endpoint>', 'endpoint name')
    .requiredOption('--out <file>', 'the CSV to write (header fare_amount,passenger_count,…)')
    .option('--days <n>', 'the last n days of traffic', '30')
    .option('--to <time>', 'end of the period (ISO-8601; default: now)')
    .action(async (endpoint: string, opts: { out: string; days: string; to?: string }) => {
      const to = opts.to === undefined ? Date.now() : time(opts.to, '--to');
      const from = to - parseInteger('--days', opts.days, 1) * 86_400_000;
      const [app, { FEATURE_COLUMNS }] = await Promise.all([ctx.app(), import('../../data/types.js')]);
      const r = await app.groundTruth.exportTrainingData(endpoint, {
        fromMs: from,
        toMs: to,
        file: path.resolve(ctx.io.cwd, opts.out),
        header: FEATURE_COLUMNS,
      });
      emit(
        ctx.io,
        ctx.json(),
        r,
        () =>
          `wrote ${r.rows} labelled row(s) captured by ${r.endpointName} between ${r.from} and ${r.to} -> ${r.file} (${r.merge.unlabelledRecords} record(s) without a label${r.wrongWidth ? `, ${r.wrongWidth} row(s) of another width left out` : ''})`,
      );
    });
  gt.command('reconcile')
    .description('account for every label collected in a period: matched to a captured record, or not (and which ids); records still waiting for a label')
    .argument('<endpoint>', 'endpoint name')
    .option('--from <time>', 'start of the period (ISO-8601; default: 24 hours ago)')
    .option('--to <time>', 'end of the period (ISO-8601; default: now)')
    .option('--lookback-days <n>', 'captured records are searched from this many days before --from', '7')
    .action(async (endpoint: string, opts: { from?: string; to?: string; lookbackDays: string }) => {
      const to = opts.to === undefined ? Date.now() : time(opts.to, '--to');
      const from = opts.from === undefined ? to - 86_400_000 : time(opts.from, '--from');
      const app = await ctx.app();
      const r = await app.groundTruth.reconcile(endpoint, from, to, parseInteger('--lookback-days', opts.lookbackDays, 0));
      emit(ctx.io, ctx.json(), r, () =>
        [
          `${r.endpointName}, labels collected ${r.from} .. ${r.to}:`,
          `  labels: ${r.labels} distinct (${r.duplicateLabels} sent again with the same value, ${r.conflictingLabels} with another value: last kept; ${r.malformedLabels} unreadable)`,
          `  matched to a captured record: ${r.mergedRecords} (${r.mergedRows} rows; ${r.unusableRecords} unusable)`,
          `  labels with no captured record: ${r.labelsNotMatched}${r.labelsWithoutCapture.length ? ` (e.g. ${r.labelsWithoutCapture.join(', ')})` : ''}`,
          `  captured records with no label yet: ${r.unlabelledRecords} of ${r.captureRecords}`,
          ...r.examples.map((e) => `  ! ${e}`),
        ].join('\n'),
      );
    });
}
