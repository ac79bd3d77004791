import type { Command } from 'commander';
import { InvalidArgumentError } from '../../core/errors.js';
import { HYPERPARAMETER_NAMES } from '../../ml/hyperparameters.js';
import type { CliContext } from '../cli-context.js';
import { emit, num } from '../output.js';

/** `driftline train` and `driftline predict`: the built-in XGBoost algorithm, natively. */
export function registerMlCommands(program: Command, ctx: CliContext): void {
  program
    .command('train')
    .description("train gradient-boosted trees (XGBoost hist) from CSVs in SageMaker's layout (label first, no header) or Parquet files (label first)")
    .requiredOption('--train <file>', 'training data (.csv or .parquet)')
    .option('--validation <file>', 'validation data (needed for early stopping)')
    .requiredOption('--out <model.json>', 'model file to write (XGBoost JSON format)')
    .option('--report <file>', 'training report (default: <out>.report.json)')
    .option('--hp <name=value...>', 'hyperparameters with XGBoost names, e.g. --hp max_depth=9 eta=0.2 num_round=100', [])
    .addHelpText('after', `\nHyperparameters: ${HYPERPARAMETER_NAMES.join(', ')}`)
    .action(async (opts: { train: string; validation?: string; out: string; report?: string; hp: string[] }) => {
      const hyperparameters: Record<string, string> = {};
      for (const setting of opts.hp) {
        const eq = setting.indexOf('=');
        if (eq <= 0) throw new InvalidArgumentError(`--hp expects name=value, got '${setting}'`);
        hyperparameters[setting.slice(0, eq).trim()] = setting.slice(eq + 1).trim();
      }
      const training = await (await ctx.services()).training();
      const progress = ctx.progress();
      let started = false;
      const result = await training.train({
        train: opts.train,
        ...(opts.validation ? { validation: opts.validation } : {}),
        out: opts.out,
        ...(opts.report ? { report: opts.report } : {}),
        hyperparameters,
        onRound: (m, total) => {
          if (!started) {
            progress.start('boosting', total);
            started = true;
          }
          progress.tick(1, `train ${m.train.toFixed(4)}${m.validation === undefined ? '' : ` validation ${m.validation.toFixed(4)}`}`);
        },
      });
      progress.stop();
      const r = result.report;
      emit(ctx.io, ctx.json(), { model: result.modelFile, report: result.reportFile, summary: { ...r, rounds: r.rounds.length } }, () =>
        [
          `trained ${r.numTrees} trees on ${num(r.rows.train)} rows x ${r.features} features in ${(r.timings.total / 1000).toFixed(2)} s -> ${result.modelFile}`,
          ...r.rounds
            .filter((_, i, all) => i % Math.max(1, Math.ceil(all.length / 10)) === 0 || i === all.length - 1)
            .map(
              (m) =>
                `  [${m.round}] train-${r.metric} ${m.train.toFixed(5)}${m.validation === undefined ? '' : `  validation-${r.metric} ${m.validation.toFixed(5)}`}`,
            ),
          `  best iteration ${r.bestIteration} (${r.metric} ${r.bestScore.toFixed(5)})${r.stoppedEarly ? ', stopped early' : ''}`,
          `  report: ${result.reportFile}`,
        ].join('\n'),
      );
    });

  program
    .command('predict')
    .description("predict with a model file (driftline's or XGBoost's JSON) for every row of a CSV")
    .requiredOption('--model <model.json>', 'model file')
    .requiredOption('--input <file>', "rows to score (.csv or .parquet): the model's features (a leading label column is dropped)")
    .option('--header', 'the input has a header row (columns are then matched by feature name when possible)')
    .option('--out <csv>', 'write predictions here, one per line (default: stdout)')
    .addHelpText(
      'after',
      '\nEvery data row gets one prediction, in order. With --header, a first line that looks like a data row\n' +
        "(only numbers or empty cells, as many as the model's features or one more) stops predict with an\n" +
        'error instead of being read as a header and dropped: run without --header to score it. Column\n' +
        "numbers 0,1,2,... (pandas' default header) are read as a header.",
    )
    .action(async (opts: { model: string; input: string; header?: boolean; out?: string }) => {
      const services = await ctx.services();
      const { predictions, rows } = await (await services.training()).predict(opts.model, opts.input, Boolean(opts.header));
      const text = `${Array.from(predictions, (p) => String(p)).join('\n')}\n`;
      if (opts.out) {
        await services.writeText(opts.out, text);
        emit(ctx.io, ctx.json(), { out: opts.out, rows }, () => `wrote ${num(rows)} predictions to ${opts.out}`);
      } else if (ctx.json()) emit(ctx.io, true, { rows, predictions: Array.from(predictions) }, () => '');
      else ctx.io.stdout(text);
    });
}
