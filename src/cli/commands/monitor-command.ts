import type { Command } from 'commander';
import { FailedPreconditionError, InvalidArgumentError } from '../../core/errors.js';
import type { FeatureSettings, MetricThresholds, RegressionMetricName } from '../../monitor/index.js';
import { REGRESSION_METRICS } from '../../monitor/model-quality/regression-metrics.js';
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
    .option('--problem-type <type>', 'Regression: a model-quality baseline of predictions against ground truth (default: a data-quality baseline)')
    .option('--inference-attribute <column>', 'model quality: the prediction column (header name, _c<N> or 0-based index)')
    .option('--ground-truth-attribute <column>', 'model quality: the ground-truth column (header name, _c<N> or 0-based index)')
    .option('--threshold <metric=value...>', 'model quality: a threshold for one metric instead of the suggested one (e.g. rmse=5.0)', [])
    .option('--seed <n>', 'model quality: seed of the standard-deviation subsamples', '42')
    .action(async (opts: { dataset: string; header: boolean; out: string; force?: boolean } & ModelQualityOptions) => {
      const app = await ctx.app();
      if (opts.problemType !== undefined) {
        const mq = modelQualityOptions(opts);
        const { statistics, constraints } = await app.modelQualityMonitor.suggestBaseline({
          dataset: opts.dataset,
          header: opts.header,
          ...mq,
          out: opts.out,
          replace: Boolean(opts.force),
        });
        emit(ctx.io, ctx.json(), { out: opts.out, statistics, constraints }, () =>
          [
            `model-quality baseline (Regression) of ${num(statistics.dataset.item_count)} rows -> ${opts.out}/statistics.json, ${opts.out}/constraints.json`,
            table(
              ['METRIC', 'VALUE', 'STD', 'THRESHOLD', 'OPERATOR'],
              REGRESSION_METRICS.map((m) => {
                const c = constraints.regression_constraints[m];
                const r = statistics.regression_metrics[m];
                return [m, String(r.value), String(r.standard_deviation), c ? String(c.threshold) : '', c?.comparison_operator ?? ''];
              }),
            ),
          ].join('\n'),
        );
        return;
      }
      rejectModelQualityOptions(opts);
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

  monitor
    .command('merge-statistics')
    .description('combine statistics.json files of shards profiled separately into the baseline of the whole')
    .requiredOption('--in <files...>', 'statistics.json files of the shards (same features, same order)')
    .requiredOption('--out <dir>', 'output folder for statistics.json and constraints.json')
    .option('--force', 'replace a non-empty output folder')
    .action(async (opts: { in: string[]; out: string; force?: boolean }) => {
      const app = await ctx.app();
      const { statistics, constraints } = await app.baselines.mergeShards(opts.in, opts.out, { replace: Boolean(opts.force) });
      emit(
        ctx.io,
        ctx.json(),
        { out: opts.out, statistics, constraints },
        () => `merged ${opts.in.length} shards: ${num(statistics.dataset.item_count)} rows, ${statistics.features.length} features -> ${opts.out}`,
      );
    });

  monitor
    .command('analyze')
    .description('check a dataset against a baseline: statistics.json, constraint_violations.json and drift distances')
    .option('--statistics <file>', 'baseline statistics.json (required for data quality; optional with --problem-type, as the service reads only constraints)')
    .requiredOption('--constraints <file>', 'baseline constraints.json')
    .option('--dataset <file>', 'CSV or Parquet dataset to check (columns matched by name; by position with --no-header)')
    .option('--capture <dirs...>', 'data-capture folder(s) of endpoint variants (<dir>/yyyy/mm/dd/hh/*.jsonl); several: every variant of an endpoint')
    .option('--from <time>', 'start of the capture window (ISO-8601, inclusive)')
    .option('--to <time>', 'end of the capture window (ISO-8601, exclusive)')
    .option('--output-position <START|END>', 'where the endpoint output columns go in a monitored row', 'START')
    .option('--header', 'the CSV has a header row (default)', true)
    .option('--no-header', 'the CSV has no header')
    .requiredOption('--out <dir>', 'output folder (must be absent or empty unless --force)')
    .option('--exclude <features...>', 'measure these baseline features but never flag their drift (e.g. month)', [])
    .option('--threshold <feature=value...>', 'a drift threshold for one feature', [])
    .option('--method <feature=Simple|Robust...>', 'the numeric drift method for one feature', [])
    .option('--report <file.html>', 'also write a self-contained HTML report')
    .option('--force', 'replace a non-empty output folder')
    .option('--problem-type <type>', 'Regression: check model quality (predictions against ground truth) against a model-quality baseline')
    .option('--inference-attribute <column>', 'model quality: the prediction column (header name, _c<N> or 0-based index)')
    .option('--ground-truth-attribute <column>', 'model quality: the ground-truth column (header name, _c<N> or 0-based index)')
    .option('--seed <n>', 'model quality: seed of the standard-deviation subsamples', '42')
    .addHelpText(
      'after',
      '\nPer-feature settings can also live in constraints.json: "monitoringConfigOverrides": {"exclude": true} or\n' +
        '{"comparison_threshold": 0.3, "comparison_method": "Simple"}. The command line wins.\n' +
        'With --problem-type Regression, --threshold takes metric=value (mae, mse, rmse, r2) and the data-quality options\n' +
        '(--capture, --exclude, --method, --report) do not apply.\n' +
        'Exit code 0 for Completed and CompletedWithViolations; 5 when the run Failed (e.g. no data).',
    )
    .action(
      async (
        opts: {
          statistics: string;
          constraints: string;
          dataset?: string;
          capture?: string[];
          from?: string;
          to?: string;
          outputPosition: string;
          header: boolean;
          out: string;
          exclude: string[];
          threshold: string[];
          method: string[];
          report?: string;
          force?: boolean;
        } & Omit<ModelQualityOptions, 'threshold'>,
      ) => {
        if (opts.problemType !== undefined) {
          await analyzeModelQuality(ctx, opts);
          return;
        }
        rejectModelQualityOptions(opts);
        if (opts.statistics === undefined) throw new InvalidArgumentError("required option '--statistics <file>' not specified");
        const statistics = opts.statistics;
        if (Boolean(opts.dataset) === Boolean(opts.capture?.length))
          throw new InvalidArgumentError('give either --dataset or --capture (with --from and --to)');
        let capture: { dir: string; moreDirs: string[]; fromMs: number; toMs: number; outputPosition: 'START' | 'END' } | undefined;
        if (opts.capture?.length) {
          const fromMs = Date.parse(opts.from ?? '');
          const toMs = Date.parse(opts.to ?? '');
          if (Number.isNaN(fromMs) || Number.isNaN(toMs))
            throw new InvalidArgumentError('--capture needs --from and --to as ISO-8601 times, e.g. 2024-05-01T12:00:00Z');
          if (opts.outputPosition !== 'START' && opts.outputPosition !== 'END')
            throw new InvalidArgumentError(`--output-position must be START or END, got '${opts.outputPosition}'`);
          capture = { dir: opts.capture[0]!, moreDirs: opts.capture.slice(1), fromMs, toMs, outputPosition: opts.outputPosition };
        }
        const settings: Record<string, FeatureSettings> = {};
        const set = (feature: string, patch: FeatureSettings) => {
          settings[feature] = { ...settings[feature], ...patch };
        };
        for (const f of opts.exclude) set(f, { exclude: true });
        for (const kv of opts.threshold) {
          const [f, v] = splitSetting('--threshold', kv);
          const t = Number(v);
          if (!Number.isFinite(t) || t < 0) throw new InvalidArgumentError(`--threshold ${kv}: the threshold must be a number >= 0`);
          set(f, { threshold: t });
        }
        for (const kv of opts.method) {
          const [f, v] = splitSetting('--method', kv);
          if (v !== 'Simple' && v !== 'Robust') throw new InvalidArgumentError(`--method ${kv}: the method must be Simple or Robust`);
          set(f, { method: v });
        }
        const app = await ctx.app();
        const outcome = await app.analyses.analyze({
          statistics,
          constraints: opts.constraints,
          ...(opts.dataset ? { dataset: opts.dataset } : {}),
          ...(capture ? { capture } : {}),
          header: opts.header,
          out: opts.out,
          settings,
          ...(opts.report ? { report: opts.report } : {}),
          replace: Boolean(opts.force),
          progress: ctx.progress(),
        });
        const { statistics: _omit, ...result } = outcome;
        emit(ctx.io, ctx.json(), { out: opts.out, ...result }, () =>
          [
            `${outcome.exitMessage} -> ${opts.out}`,
            ...(outcome.capture
              ? [
                  `  capture: ${outcome.capture.files} files, ${outcome.capture.records} records, ${outcome.capture.rows} rows, ${outcome.capture.malformed} malformed, ${outcome.capture.outsideWindow} outside the window`,
                ]
              : []),
            ...outcome.violations.map((v) => `  ${v.constraint_check_type.padEnd(26)} ${v.feature_name}: ${v.description}`),
            ...(outcome.missingColumns.length > 0 ? [`  missing columns: ${outcome.missingColumns.join(', ')}`] : []),
            ...(outcome.extraColumns.length > 0 ? [`  extra columns: ${outcome.extraColumns.join(', ')}`] : []),
            ...outcome.unchecked.map((u) => `  ${'not checked'.padEnd(26)} ${u.feature} (${u.check}): ${u.reason}`),
            table(
              ['FEATURE', 'METHOD', 'DISTANCE', 'THRESHOLD', 'PSI', 'JS', 'W/STD', 'FLAG'],
              outcome.drift.map((d) => [
                d.feature,
                d.method,
                d.distance.toFixed(4),
                String(d.threshold),
                d.psi === undefined ? '' : d.psi.toFixed(4),
                d.jensenShannon === undefined ? '' : d.jensenShannon.toFixed(4),
                d.wassersteinNormalized === undefined ? '' : d.wassersteinNormalized.toFixed(4),
                d.excluded ? 'excluded' : d.exceeded ? 'DRIFT' : '',
              ]),
            ),
          ].join('\n'),
        );
        if (outcome.status === 'Failed') throw new FailedPreconditionError(`analysis failed: ${outcome.failureReason ?? 'unknown reason'}`);
      },
    );
}

function splitSetting(flag: string, kv: string): [string, string] {
  const eq = kv.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`${flag} expects feature=value, got '${kv}'`);
  return [kv.slice(0, eq), kv.slice(eq + 1)];
}

/** The model-quality options shared by `suggest-baseline` and `analyze`. */
interface ModelQualityOptions {
  problemType?: string;
  inferenceAttribute?: string;
  groundTruthAttribute?: string;
  threshold: string[];
  seed: string;
}

const PROBLEM_TYPES = ['Regression', 'BinaryClassification', 'MulticlassClassification'];

/** The checked model-quality options: the problem type (Regression only for now), both attributes, thresholds and seed. */
function modelQualityOptions(opts: ModelQualityOptions): {
  inferenceAttribute: string;
  groundTruthAttribute: string;
  thresholds: MetricThresholds;
  seed: number;
} {
  if (!PROBLEM_TYPES.includes(opts.problemType ?? ''))
    throw new InvalidArgumentError(`--problem-type must be one of ${PROBLEM_TYPES.join(', ')}, got '${opts.problemType}'`);
  if (opts.problemType !== 'Regression')
    throw new InvalidArgumentError(`--problem-type ${opts.problemType} is not supported yet: driftline computes Regression model quality only`);
  if (!opts.inferenceAttribute || !opts.groundTruthAttribute)
    throw new InvalidArgumentError('--problem-type Regression needs --inference-attribute <prediction column> and --ground-truth-attribute <label column>');
  const thresholds: Partial<Record<RegressionMetricName, number>> = {};
  for (const kv of opts.threshold) {
    const [m, v] = splitSetting('--threshold', kv);
    if (!(REGRESSION_METRICS as readonly string[]).includes(m))
      throw new InvalidArgumentError(`--threshold ${kv}: unknown metric '${m}' (regression metrics are ${REGRESSION_METRICS.join(', ')})`);
    const t = v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(t)) throw new InvalidArgumentError(`--threshold ${kv}: the threshold must be a finite number`);
    thresholds[m as RegressionMetricName] = t;
  }
  const seed = Number(opts.seed);
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError(`--seed must be an integer, got '${opts.seed}'`);
  return { inferenceAttribute: opts.inferenceAttribute, groundTruthAttribute: opts.groundTruthAttribute, thresholds, seed };
}

/** The attribute options belong to model quality: refused without --problem-type rather than ignored. */
function rejectModelQualityOptions(opts: Partial<ModelQualityOptions>): void {
  if (opts.inferenceAttribute !== undefined || opts.groundTruthAttribute !== undefined)
    throw new InvalidArgumentError('--inference-attribute and --ground-truth-attribute need --problem-type Regression (model quality)');
}

/** `monitor analyze --problem-type Regression`. */
async function analyzeModelQuality(
  ctx: CliContext,
  opts: Omit<ModelQualityOptions, 'threshold'> & {
    threshold: string[];
    statistics?: string;
    constraints: string;
    dataset?: string;
    capture?: string[];
    header: boolean;
    out: string;
    exclude: string[];
    method: string[];
    report?: string;
    force?: boolean;
  },
): Promise<void> {
  const mq = modelQualityOptions(opts);
  if (opts.capture !== undefined)
    throw new InvalidArgumentError(
      '--problem-type Regression analyses a --dataset of predictions and ground truth; captured data needs ground truth merged first',
    );
  if (!opts.dataset) throw new InvalidArgumentError('--problem-type Regression needs --dataset <file> with the prediction and ground-truth columns');
  if (opts.exclude.length > 0 || opts.method.length > 0 || opts.report !== undefined)
    throw new InvalidArgumentError('--exclude, --method and --report are data-quality options: they do not apply with --problem-type Regression');
  const app = await ctx.app();
  const outcome = await app.modelQualityMonitor.analyze({
    ...(opts.statistics !== undefined ? { statistics: opts.statistics } : {}),
    constraints: opts.constraints,
    dataset: opts.dataset,
    header: opts.header,
    ...mq,
    out: opts.out,
    replace: Boolean(opts.force),
  });
  const { statistics, ...result } = outcome;
  emit(ctx.io, ctx.json(), { out: opts.out, ...result }, () =>
    [
      `${outcome.exitMessage} -> ${opts.out}`,
      ...outcome.violations.map((v) => `  ${v.constraint_check_type.padEnd(30)} ${v.metric_name}: ${v.description}`),
      ...(statistics
        ? [
            table(
              ['METRIC', 'VALUE', 'STD', 'BASELINE'],
              REGRESSION_METRICS.map((m) => [
                m,
                String(statistics.regression_metrics[m].value),
                String(statistics.regression_metrics[m].standard_deviation),
                outcome.baseline?.[m] === undefined ? '' : String(outcome.baseline[m]),
              ]),
            ),
            `records: ${num(statistics.dataset.item_count)}`,
          ]
        : []),
    ].join('\n'),
  );
  if (outcome.status === 'Failed') throw new FailedPreconditionError(`analysis failed: ${outcome.failureReason ?? 'unknown reason'}`);
}
