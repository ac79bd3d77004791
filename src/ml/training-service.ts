import type { LocalFiles } from '../data/index.js';
import { InvalidArgumentError, NotFoundError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { BinnedMatrix } from './gbdt/binned-matrix.js';
import type { ShardExecutor } from './gbdt/shard-executor.js';
import type { FeatureCuts } from './gbdt/quantile-cuts.js';
import { parseHyperparameters } from './hyperparameters.js';
import type { MatrixReader } from './matrix-reader.js';
import { Predictor } from './predictor.js';
import { replaceLabelColumn } from './replace-label-column.js';
import { train } from './trainer.js';
import type { RoundMetrics, TrainingReport } from './training-report.js';
import type { GbdtModel } from './types.js';
import { modelFromXgboostJson, modelToXgboostJson } from './xgboost-json.js';

/** evaluation.json as the sample's evaluate.py writes it. */
export interface RegressionEvaluation {
  readonly regression_metrics: Readonly<Record<'mae' | 'mse' | 'rmse' | 'r2', { readonly value: number; readonly standard_deviation: number }>>;
}

/** The mean and the population standard deviation of a column of values. */
export interface ColumnSummary {
  readonly mean: number;
  readonly std: number;
}

function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** The mean and the population standard deviation (`np.std`) of `xs`. */
export function meanAndStd(xs: ArrayLike<number>): ColumnSummary {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return { mean: m, std: Math.sqrt(s / xs.length) };
}

/**
 * MAE, MSE, RMSE and R² as the sample's evaluate.py reports them: every entry's standard_deviation is
 * the (population) standard deviation of the residuals y - ŷ, `np.std(y_test - predictions)`
 * (sagemaker-reference §8.2). Model Monitor's own model-quality statistics are monitor/model-quality.
 */
export function regressionMetrics(label: Float64Array, pred: Float64Array): RegressionEvaluation {
  const n = label.length;
  const abs = new Float64Array(n);
  const sq = new Float64Array(n);
  const residual = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    residual[i] = label[i]! - pred[i]!;
    abs[i] = Math.abs(residual[i]!);
    sq[i] = residual[i]! ** 2;
  }
  const mae = mean(abs);
  const mse = mean(sq);
  const yMean = mean(label);
  let ssTot = 0;
  for (let i = 0; i < n; i++) ssTot += (label[i]! - yMean) ** 2;
  const residualStd = meanAndStd(residual).std;
  return {
    regression_metrics: {
      mae: { value: mae, standard_deviation: residualStd },
      mse: { value: mse, standard_deviation: residualStd },
      rmse: { value: Math.sqrt(mse), standard_deviation: residualStd },
      r2: { value: ssTot > 0 ? 1 - (mse * n) / ssTot : NaN, standard_deviation: residualStd },
    },
  };
}

/**
 * Training uses more than one thread only from this many rows (every core with nthread unset, at most
 * nthread otherwise): below it, handing each tree level to the workers costs more than the parallel
 * row work saves (26,918 rows: 0.41-0.63 s with one thread, 0.58-0.87 s with two; see docs/benchmarks.md).
 */
export const PARALLEL_MIN_ROWS = 100_000;

/** What the training service needs from the outside. */
export interface TrainingDeps {
  readonly reader: MatrixReader;
  readonly files: Pick<LocalFiles, 'readText' | 'writeText'>;
  readonly logger: Logger;
  /** The machine's cores: `nthread` 0 (the default) uses them all on data large enough to gain from it. */
  readonly threads: number;
  /** Starts `threads - 1` workers ahead, so that their start-up overlaps reading the data. */
  readonly prestartWorkers?: (threads: number) => void;
  /** Makes a multi-threaded shard executor (one row shard per thread); absent: serial. */
  readonly shardExecutor?: (matrix: BinnedMatrix, cuts: FeatureCuts, threads: number) => ShardExecutor;
}

/** One training request, as `driftline train` takes it. */
export interface TrainRequest {
  readonly train: string;
  readonly validation?: string;
  /** The model file (XGBoost JSON); the report goes beside it as `<name>.report.json` unless given. */
  readonly out: string;
  readonly report?: string;
  readonly hyperparameters: Readonly<Record<string, string>>;
  readonly onRound?: (metrics: RoundMetrics, total: number) => void;
}

/** Trains models from CSV files in SageMaker's built-in XGBoost layout and predicts with saved models. */
export class TrainingService {
  constructor(private readonly deps: TrainingDeps) {}

  async train(req: TrainRequest): Promise<{ model: GbdtModel; report: TrainingReport; modelFile: string; reportFile: string }> {
    const hp = parseHyperparameters(req.hyperparameters);
    // Features as float32 when the reader can: binning compares float32 values (the same bins, half the memory).
    const readForTraining = (file: string) =>
      (this.deps.reader.readFeatures32 ?? this.deps.reader.read).call(this.deps.reader, file, { labelFirst: true, header: false });
    const trainSet = await readForTraining(req.train);
    const threads = trainSet.rows < PARALLEL_MIN_ROWS ? 1 : hp.nthread > 0 ? hp.nthread : this.deps.threads;
    // Workers start once the training set is known to be large enough for them (starting one takes
    // 0.1-0.2 s of a core, for nothing on small data): their start-up overlaps reading the validation
    // set and binning (XGBoost's thread pool is likewise up before training starts).
    if (threads > 1 && this.deps.shardExecutor) this.deps.prestartWorkers?.(threads);
    const validation = req.validation ? await readForTraining(req.validation) : undefined;
    if (hp.early_stopping_rounds > 0 && !validation) {
      throw new InvalidArgumentError('early_stopping_rounds needs a validation set (--validation)');
    }
    const factory = this.deps.shardExecutor;
    const { model, report } = await train({ data: trainSet.data, rows: trainSet.rows, cols: trainSet.cols, label: trainSet.label! }, hp, {
      ...(validation ? { validation: { data: validation.data, rows: validation.rows, cols: validation.cols, label: validation.label! } } : {}),
      ...(req.onRound ? { onRound: req.onRound } : {}),
      ...(factory && threads > 1 ? { shardExecutor: (m: BinnedMatrix, c: FeatureCuts) => factory(m, c, threads) } : {}),
      threads: factory && threads > 1 ? threads : 1,
      logger: this.deps.logger,
    });
    const reportFile = req.report ?? req.out.replace(/(\.json)?$/, '.report.json');
    await this.deps.files.writeText(req.out, modelToXgboostJson(model));
    await this.deps.files.writeText(reportFile, `${JSON.stringify({ hyperparameters: hp, ...report }, null, 2)}\n`);
    this.deps.logger.info('model trained', { out: req.out, trees: report.numTrees, metric: report.metric, bestScore: report.bestScore });
    return { model, report, modelFile: req.out, reportFile };
  }

  /**
   * The sample's EvaluateModel step: predicts a labelled CSV (label first, with a header, like
   * test.csv) and returns evaluation.json's `regression_metrics` (mae, mse, rmse, r2, each with its
   * value and the standard deviation of the residual measure).
   */
  async evaluate(modelFile: string, input: string): Promise<RegressionEvaluation> {
    const { labels, predictions } = await this.score(modelFile, input);
    return regressionMetrics(labels, predictions);
  }

  /**
   * The labels (first column) and the model's predictions of a labelled CSV, row by row: with a header
   * by default (the test split), `header: false` for the headerless train and validation splits.
   */
  async score(modelFile: string, input: string, options: { header?: boolean } = {}): Promise<{ labels: Float64Array; predictions: Float64Array }> {
    const model = await this.loadModel(modelFile);
    const table = await this.deps.reader.read(input, { labelFirst: true, header: options.header ?? true });
    if (table.cols !== model.numFeature) {
      throw new InvalidArgumentError(`${input}: rows have ${table.cols} features after the label but the model expects ${model.numFeature}`);
    }
    const predictions = new Predictor(model).predictBatch(table.data, table.rows, table.cols);
    return { labels: table.label!, predictions };
  }

  /**
   * Writes `input` (a labelled CSV, label first) to `out` with the label column replaced by the
   * model's predictions: same header, same rows in the same order, the features as they were
   * written. This is what a deployed model's monitored rows look like (its output first, then its
   * inputs), so a data-quality baseline of `out` is the one to check them against. `out` is written
   * in one piece once every row is scored: on any error nothing is written.
   */
  async writePredictionsAsLabels(
    modelFile: string,
    input: string,
    out: string,
    options: { header?: boolean } = {},
  ): Promise<{ rows: number; labels: ColumnSummary; predictions: ColumnSummary }> {
    const header = options.header ?? true;
    const { labels, predictions } = await this.score(modelFile, input, { header });
    const text = await this.deps.files.readText(input);
    if (text === undefined) throw new NotFoundError('CSV file', input);
    await this.deps.files.writeText(out, replaceLabelColumn(text, predictions, { header, file: input }));
    return { rows: predictions.length, labels: meanAndStd(labels), predictions: meanAndStd(predictions) };
  }

  /** Loads an XGBoost JSON model (driftline's or XGBoost's). */
  async loadModel(file: string): Promise<GbdtModel> {
    const text = await this.deps.files.readText(file);
    if (text === undefined) throw new InvalidArgumentError(`model file '${file}' does not exist`);
    return modelFromXgboostJson(text);
  }

  /**
   * Predicts every row of a CSV. Columns: exactly the model's features, or one more (a label first,
   * dropped); with a header that names the model's features, columns are picked by name.
   */
  async predict(modelFile: string, input: string, header: boolean): Promise<{ predictions: Float64Array; rows: number; droppedLabel: boolean }> {
    const model = await this.loadModel(modelFile);
    const table = await this.deps.reader.read(input, { labelFirst: false, header });
    if (table.columns && isDataRow(table.columns, model.numFeature)) {
      throw new InvalidArgumentError(
        `${input}: --header was given but the first line (${table.columns.slice(0, 3).join(',')}${table.columns.length > 3 ? ',…' : ''}) is a row of numbers, as many as the model's features${table.columns.length === model.numFeature ? '' : ' plus a label'}; run without --header to score it`,
      );
    }
    const { data, droppedLabel } = selectFeatures(table.data, table.rows, table.cols, table.columns, model, input);
    const predictions = new Predictor(model).predictBatch(data, table.rows, model.numFeature);
    return { predictions, rows: table.rows, droppedLabel };
  }
}

/**
 * True when a "header" is really a data row: as many cells as the model's features (or one more, a
 * label), each a number or empty (a missing value), at least one a number. Column numbers 0, 1, 2…
 * (pandas' default header, after an empty index name or not) are a header.
 */
function isDataRow(columns: readonly string[], features: number): boolean {
  if (columns.length !== features && columns.length !== features + 1) return false;
  if (!columns.every((c) => c === '' || Number.isFinite(Number(c))) || columns.every((c) => c === '')) return false;
  const named = columns[0] === '' ? columns.slice(1) : columns;
  return !named.every((c, i) => c === String(i));
}

function selectFeatures(
  data: Float64Array,
  rows: number,
  cols: number,
  columns: readonly string[] | undefined,
  model: GbdtModel,
  file: string,
): { data: Float64Array; droppedLabel: boolean } {
  const want = model.numFeature;
  const names = model.featureNames;
  let pick: number[] | undefined;
  if (columns && names && names.every((n) => columns.includes(n)) && !names.every((n, i) => n === `f${i}`)) {
    pick = names.map((n) => columns.indexOf(n));
  } else if (cols === want) {
    return { data, droppedLabel: false };
  } else if (cols === want + 1) {
    pick = Array.from({ length: want }, (_, i) => i + 1);
  } else {
    throw new InvalidArgumentError(`${file}: rows have ${cols} columns but the model expects ${want} features (or ${want + 1} with a label first)`);
  }
  const out = new Float64Array(rows * want);
  for (let r = 0; r < rows; r++) for (let c = 0; c < want; c++) out[r * want + c] = data[r * cols + pick[c]!]!;
  return { data: out, droppedLabel: cols === want + 1 && pick.length === want };
}
