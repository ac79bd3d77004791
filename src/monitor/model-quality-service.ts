import type { LocalFiles, StagedOutput } from '../data/index.js';
import type { CaptureSource } from './capture-source.js';
import { mergeGroundTruth, type MergeRequest, type MergeSummary } from './ground-truth/merge-ground-truth.js';
import type { Clock } from '../core/clock.js';
import { FailedPreconditionError, InvalidArgumentError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AnalysisStatus, EmittedMetric } from './analysis-types.js';
import { writeJson } from './json-text.js';
import { writeAnalysisFiles } from './write-analysis-files.js';
import {
  checkRegressionConstraints,
  fromJsonDouble,
  parseRegressionConstraints,
  parseRegressionStatistics,
  regressionMetrics,
  REGRESSION_METRICS,
  suggestRegressionConstraints,
  toJsonDouble,
  toRegressionStatistics,
  type ModelQualityViolation,
  type RegressionConstraintsFile,
  type RegressionMetricName,
  type RegressionStatisticsFile,
} from './model-quality/index.js';
import { renderModelQualityReport } from './model-quality-report.js';
import { printable, quote } from './one-line.js';
import type { TableReader } from './table-reader.js';

/** What the model-quality service needs. */
export interface ModelQualityDeps {
  readonly reader: TableReader;
  /** Capture and ground-truth files (same hourly layout). */
  readonly capture: CaptureSource;
  readonly files: Pick<LocalFiles, 'stage' | 'readText'>;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** Where the prediction and the ground truth are in a dataset (SageMaker's `inference_attribute` / `ground_truth_attribute`). */
export interface ModelQualityColumns {
  readonly dataset: string;
  /** The CSV has a header (default true); without one columns are `_c0`, `_c1`, … */
  readonly header?: boolean;
  readonly inferenceAttribute: string;
  readonly groundTruthAttribute: string;
}

/** Threshold per metric, replacing the suggested one (baseline) or the constraints file's (analysis). */
export type MetricThresholds = Readonly<Partial<Record<RegressionMetricName, number>>>;

export interface ModelQualityBaselineRequest extends ModelQualityColumns {
  readonly out: string;
  readonly thresholds?: MetricThresholds;
  /** Seed of the standard-deviation subsamples (default 42). */
  readonly seed?: number;
  readonly replace?: boolean;
}

/** A model-quality schedule's run: merge the window's capture with its labels, then analyse. */
export interface ModelQualityCaptureRequest {
  readonly merge: MergeRequest;
  /** The report's title (default "Model quality"). */
  readonly title?: string;
  readonly statistics?: string;
  readonly constraints: string;
  readonly out: string;
  readonly thresholds?: MetricThresholds;
  /** Fewer labelled rows than this: the run fails instead of reporting metrics of a handful of trips (default 1). */
  readonly minimumRecords?: number;
  readonly seed?: number;
  readonly replace?: boolean;
}

export interface ModelQualityAnalyzeRequest extends ModelQualityColumns {
  /** The baseline statistics.json (optional: the service checks constraints only; given, its values are reported beside the window's). */
  readonly statistics?: string;
  readonly constraints: string;
  readonly out: string;
  readonly thresholds?: MetricThresholds;
  readonly seed?: number;
  readonly replace?: boolean;
}

/** What a model-quality analysis produced (analysis-result.json; statistics.json holds `statistics`). */
export interface ModelQualityOutcome {
  readonly problemType: 'Regression';
  readonly status: AnalysisStatus;
  readonly exitMessage: string;
  readonly failureReason?: string;
  readonly statistics?: RegressionStatisticsFile;
  readonly violations: readonly ModelQualityViolation[];
  /** The window's values to publish: `mae`, `mse`, `rmse`, `r2` (finite ones) and `item_count`, the number of records. */
  readonly metrics: readonly EmittedMetric[];
  /** The baseline's values, when its statistics were given. */
  readonly baseline?: Readonly<Partial<Record<RegressionMetricName, number>>>;
  /** For a run on captured data: what the merge with the ground truth found. */
  readonly merge?: MergeSummary;
}

/** The result file a model-quality analysis writes beside the service's files. */
export const MODEL_QUALITY_RESULT_FILE = 'analysis-result.json';

/**
 * Model Monitor's model-quality analyzer for the Regression problem type (sagemaker-reference §13):
 * a baseline (statistics.json with `regression_metrics`, constraints.json with suggested
 * `regression_constraints`) from a table of predictions and ground truth, and analyses of a window
 * against those constraints (constraint_violations.json with `metric_name`).
 */
export class ModelQualityService {
  constructor(private readonly deps: ModelQualityDeps) {}

  /** `suggest-baseline --problem-type Regression`: statistics.json and constraints.json, written together. */
  async suggestBaseline(req: ModelQualityBaselineRequest): Promise<{ statistics: RegressionStatisticsFile; constraints: RegressionConstraintsFile }> {
    checkThresholds(req.thresholds ?? {});
    const { y, p } = await this.readColumns(req);
    if (y.length === 0) throw new FailedPreconditionError(`${req.dataset}: the dataset has no rows to baseline`);
    return this.writeBaseline(y, p, req.out, { ...req, source: req.dataset });
  }

  /**
   * The baseline of predictions `p` against labels `y` held in memory (the build pipeline's
   * evaluation step), written into `out` like `suggestBaseline`.
   */
  async writeBaseline(
    y: ArrayLike<number>,
    p: ArrayLike<number>,
    out: string,
    options: { thresholds?: MetricThresholds; seed?: number; replace?: boolean; source?: string } = {},
  ): Promise<{ statistics: RegressionStatisticsFile; constraints: RegressionConstraintsFile }> {
    if (y.length !== p.length) throw new InvalidArgumentError(`labels and predictions differ in length (${y.length} and ${p.length})`);
    if (y.length === 0) throw new FailedPreconditionError('no rows to baseline');
    const statistics = toRegressionStatistics(
      regressionMetrics(y, p, options.seed === undefined ? {} : { seed: options.seed }),
      y.length,
      this.deps.clock.now(),
    );
    const constraints = suggestRegressionConstraints(statistics, options.thresholds ?? {});
    const staged = await this.deps.files.stage(out, { replace: options.replace ?? false });
    try {
      await writeJson(await staged.open('statistics.json'), statistics);
      await writeJson(await staged.open('constraints.json'), constraints);
      await staged.commit();
    } catch (err) {
      await staged.abort();
      throw err;
    }
    this.deps.logger.info('model-quality baseline suggested', { source: options.source ?? 'values', rows: y.length });
    return { statistics, constraints };
  }

  /**
   * `analyze --problem-type Regression`: the window's statistics.json, constraint_violations.json, a
   * copy of the constraints and analysis-result.json, written together. No rows: Failed, only
   * analysis-result.json is written.
   */
  async analyze(req: ModelQualityAnalyzeRequest): Promise<ModelQualityOutcome> {
    checkThresholds(req.thresholds ?? {});
    const files = await this.baselineFiles(req);
    const { y, p } = await this.readColumns(req);
    return this.evaluate(y, p, files, req, { source: req.dataset, noData: `no rows in ${req.dataset}` });
  }

  /**
   * A model-quality schedule's run (the service's merge job then analysis job): the window's captured
   * records merged with their labels, the merged records written as `merged.jsonl` beside the
   * analysis files, all together. No merged record: Failed, with what the merge found in the reason.
   */
  async analyzeCapture(req: ModelQualityCaptureRequest): Promise<ModelQualityOutcome & { readonly merge: MergeSummary }> {
    checkThresholds(req.thresholds ?? {});
    if (!(req.merge.toMs > req.merge.fromMs)) throw new InvalidArgumentError('the capture window is empty: its end must be after its start');
    const files = await this.baselineFiles(req);
    const merged: string[] = [];
    const { y, p, summary } = await mergeGroundTruth(this.deps.capture, req.merge, async (line) => {
      merged.push(line);
    });
    const minimum = req.minimumRecords ?? 1;
    const tooFew =
      summary.mergedRows === 0
        ? summary.captureRecords === 0
          ? 'no captured data in the window'
          : `none of the window's ${summary.captureRecords} captured records has a label yet (${summary.labels} labels read)`
        : summary.mergedRows < minimum
          ? `only ${summary.mergedRows} labelled rows in the window, fewer than the minimum of ${minimum}`
          : undefined;
    const outcome = await this.evaluate(tooFew ? new Float64Array(0) : y, tooFew ? new Float64Array(0) : p, files, req, {
      source: `merged capture of ${req.merge.captureDirs.join(', ')}`,
      noData: tooFew ?? 'no rows',
      merge: summary,
      more: async (staged) => {
        const sink = await staged.open('merged.jsonl');
        for (let i = 0; i < merged.length; i += 1000) await sink.write(merged.slice(i, i + 1000).join(''));
      },
      report: (outcome, constraints) =>
        renderModelQualityReport({
          title: req.title ?? 'Model quality',
          outcome,
          constraints,
          merge: summary,
          generatedAt: new Date(this.deps.clock.now()).toISOString(),
        }),
    });
    return { ...outcome, merge: summary };
  }

  private async baselineFiles(req: { statistics?: string; constraints: string; thresholds?: MetricThresholds }) {
    const baseline = req.statistics === undefined ? undefined : parseRegressionStatistics(await this.read(req.statistics, 'statistics'), req.statistics);
    const parsed = parseRegressionConstraints(await this.read(req.constraints, 'constraints'), req.constraints);
    return { baseline, constraints: withThresholds(parsed, req.thresholds ?? {}) };
  }

  private async evaluate(
    y: Float64Array,
    p: Float64Array,
    files: { baseline: RegressionStatisticsFile | undefined; constraints: RegressionConstraintsFile },
    req: { out: string; seed?: number; replace?: boolean },
    how: {
      source: string;
      noData: string;
      merge?: MergeSummary;
      more?: (staged: StagedOutput) => Promise<void>;
      /** report.html of the outcome, written with the other files. */
      report?: (outcome: ModelQualityOutcome, constraints: RegressionConstraintsFile) => string;
    },
  ): Promise<ModelQualityOutcome> {
    const baselineValues = files.baseline ? valuesOf(files.baseline) : undefined;
    let outcome: ModelQualityOutcome;
    if (y.length === 0) {
      outcome = {
        problemType: 'Regression',
        status: 'Failed',
        exitMessage: 'Failed: no data to analyse.',
        failureReason: `no data to analyse: ${how.noData}`,
        violations: [],
        metrics: how.merge ? [{ name: 'item_count', value: how.merge.mergedRows }] : [],
        ...(baselineValues ? { baseline: baselineValues } : {}),
        ...(how.merge ? { merge: how.merge } : {}),
      };
    } else {
      const statistics = toRegressionStatistics(regressionMetrics(y, p, req.seed === undefined ? {} : { seed: req.seed }), y.length, this.deps.clock.now());
      const violations = checkRegressionConstraints(statistics, files.constraints);
      const metrics: EmittedMetric[] = [];
      for (const m of ['rmse', 'mae', 'r2', 'mse'] as const) {
        const v = fromJsonDouble(statistics.regression_metrics[m].value);
        if (Number.isFinite(v)) metrics.push({ name: m, value: v });
      }
      metrics.push({ name: 'item_count', value: y.length });
      outcome = {
        problemType: 'Regression',
        status: violations.length > 0 ? 'CompletedWithViolations' : 'Completed',
        exitMessage:
          violations.length > 0
            ? `CompletedWithViolations: Job completed successfully with ${violations.length} violations.`
            : 'Completed: Job completed successfully with no violations.',
        statistics,
        violations,
        metrics,
        ...(baselineValues ? { baseline: baselineValues } : {}),
        ...(how.merge ? { merge: how.merge } : {}),
      };
    }
    await writeAnalysisFiles(
      this.deps.files,
      { dir: req.out, replace: req.replace ?? false, resultFile: MODEL_QUALITY_RESULT_FILE },
      outcome,
      files.constraints,
      async (staged) => {
        await how.more?.(staged);
        if (how.report) await (await staged.open('report.html')).write(how.report(outcome, files.constraints));
      },
    );
    this.deps.logger.info('model-quality analysis finished', { source: how.source, status: outcome.status, violations: outcome.violations.length });
    return outcome;
  }

  private async read(file: string, what: string): Promise<string> {
    const text = await this.deps.files.readText(file);
    if (text === undefined) throw new FailedPreconditionError(`baseline ${what} '${file}' not found`);
    return text;
  }

  /**
   * The ground truth (y) and prediction (p) columns of a CSV or Parquet file, as numbers. Columns are
   * found by header name, `_c<N>` (headerless data, as Spark names them) or a 0-based index like the
   * endpoint input's `InferenceAttribute` "0". A missing or non-numeric value is refused in one line.
   */
  private async readColumns(req: ModelQualityColumns): Promise<{ y: Float64Array; p: Float64Array }> {
    const { columns, batches } = await this.deps.reader.open(req.dataset, { header: req.header ?? true });
    const yCol = resolveColumn(req.dataset, columns, req.groundTruthAttribute, '--ground-truth-attribute');
    const pCol = resolveColumn(req.dataset, columns, req.inferenceAttribute, '--inference-attribute');
    const sinks = [
      { col: yCol, values: new Float64Array(1024), length: 0 },
      { col: pCol, values: new Float64Array(1024), length: 0 },
    ];
    for await (const batch of batches) {
      for (const sink of sinks) {
        const c = sink.col - batch.firstColumn;
        if (c < 0 || c >= batch.columns.length) continue;
        const chunk = batch.columns[c]!;
        if (sink.length + batch.length > sink.values.length) {
          const grown = new Float64Array(Math.max(sink.values.length * 2, sink.length + batch.length));
          grown.set(sink.values.subarray(0, sink.length));
          sink.values = grown;
        }
        for (let i = 0; i < batch.length; i++) {
          const row = sink.length + 1;
          let v: number;
          if (chunk.kind === 'text') {
            const cell = chunk.values[i];
            if (cell === null || cell === undefined || cell.trim() === '') throw badValue(req.dataset, columns[sink.col]!, row, 'is missing');
            v = parseNumber(cell);
            if (Number.isNaN(v)) throw badValue(req.dataset, columns[sink.col]!, row, `is not a number: ${quote(cell)}`);
          } else {
            v = chunk.values[i]!;
            if (Number.isNaN(v)) throw badValue(req.dataset, columns[sink.col]!, row, 'is missing');
          }
          sink.values[sink.length++] = v;
        }
      }
    }
    const [ys, ps] = sinks as [(typeof sinks)[0], (typeof sinks)[0]];
    return { y: ys.values.slice(0, ys.length), p: ps.values.slice(0, ps.length) };
  }
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/** A decimal number as text (no hex, no "Infinity", no empty cell), else NaN. */
function parseNumber(text: string): number {
  if (!NUMBER.test(text)) return NaN;
  const v = Number(text);
  return Number.isFinite(v) ? v : NaN;
}

function badValue(file: string, column: string, row: number, what: string): InvalidArgumentError {
  return new InvalidArgumentError(`${file}: column ${quote(column)}, row ${row}: the value ${what}`);
}

/** The index of a column named by header, `_c<N>` or a 0-based index. */
export function resolveColumn(file: string, columns: readonly string[], attribute: string, flag: string): number {
  const byName = columns.indexOf(attribute);
  if (byName >= 0) return byName;
  const m = /^(?:_c)?(\d+)$/.exec(attribute);
  if (m && Number(m[1]) < columns.length) return Number(m[1]);
  const list =
    columns
      .slice(0, 30)
      .map((c) => printable(c))
      .join(', ') + (columns.length > 30 ? `, … (${columns.length} in all)` : '');
  throw new InvalidArgumentError(`${file}: ${flag} ${quote(attribute)} names no column; the columns are ${list || 'none'}`);
}

function checkThresholds(thresholds: MetricThresholds): void {
  for (const [m, t] of Object.entries(thresholds)) {
    if (!(REGRESSION_METRICS as readonly string[]).includes(m))
      throw new InvalidArgumentError(`threshold: unknown metric ${quote(m)} (regression metrics are ${REGRESSION_METRICS.join(', ')})`);
    if (typeof t !== 'number' || !Number.isFinite(t))
      throw new InvalidArgumentError(`threshold of metric ${quote(m)} must be a finite number, got ${String(t)}`);
  }
}

/** Constraints with some thresholds replaced (a metric the file does not check gets the suggested operator). */
function withThresholds(c: RegressionConstraintsFile, thresholds: MetricThresholds): RegressionConstraintsFile {
  if (Object.keys(thresholds).length === 0) return c;
  const suggested = suggestRegressionConstraints(
    { version: 0, dataset: { item_count: 0 }, regression_metrics: { mae: nan, mse: nan, rmse: nan, r2: nan } },
    thresholds,
  ).regression_constraints;
  const out = { ...c.regression_constraints };
  for (const m of Object.keys(thresholds) as RegressionMetricName[]) out[m] = { ...(out[m] ?? suggested[m]!), threshold: toJsonDouble(thresholds[m]!) };
  return { ...c, regression_constraints: out };
}

const nan = { value: 'NaN', standard_deviation: 'NaN' } as const;

function valuesOf(stats: RegressionStatisticsFile): Partial<Record<RegressionMetricName, number>> {
  const out: Partial<Record<RegressionMetricName, number>> = {};
  for (const m of REGRESSION_METRICS) {
    const v = fromJsonDouble(stats.regression_metrics[m].value);
    if (Number.isFinite(v)) out[m] = v;
  }
  return out;
}
