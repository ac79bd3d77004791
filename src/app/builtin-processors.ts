import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError, NotFoundError } from '../core/errors.js';
import type { FolderLocation } from '../data/index.js';
import { defaultMetric, parseHyperparameters } from '../ml/index.js';
import { JOB_FOLDERS_ENV, type JobFolders } from '../pipeline/index.js';
import type { ProcessorKit } from './processor-kit.js';

/** What a built-in job hands back to the engine (written to its result file). */
export type ProcessorResult = Record<string, unknown>;

/** `--name value` pairs (and bare `--flag`s) of a processor's arguments. */
export function parseFlags(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new InvalidArgumentError(`unexpected argument '${a}' (arguments are --name value pairs)`);
    const eq = a.indexOf('=');
    if (eq > 0) out.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < args.length && !args[i + 1]!.startsWith('--')) out.set(a.slice(2), args[++i]!);
    else out.set(a.slice(2), 'true');
  }
  return out;
}

/** The one file in `p` with one of `exts` (or `p` itself when it is a file). */
export async function singleFile(p: string, exts: readonly string[], what: string): Promise<string> {
  const st = await fs.stat(p).catch(() => undefined);
  if (!st) throw new NotFoundError(what, p);
  if (st.isFile()) return p;
  const found: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) await walk(abs);
      else if (exts.some((x) => e.name.toLowerCase().endsWith(x))) found.push(abs);
    }
  };
  await walk(p);
  if (found.length !== 1) throw new InvalidArgumentError(`${what}: expected one ${exts.join('/')} file in ${p}, found ${found.length}`);
  return found[0]!;
}

/** The job's input and output folders with their URIs (JOB_FOLDERS_ENV), or undefined outside a pipeline job. */
export function jobLocations(env: NodeJS.ProcessEnv): { inputs: FolderLocation[]; outputs: FolderLocation[] } | undefined {
  const text = env[JOB_FOLDERS_ENV];
  if (!text) return undefined;
  let folders: JobFolders;
  try {
    folders = JSON.parse(text) as JobFolders;
  } catch (err) {
    throw new InvalidArgumentError(`${JOB_FOLDERS_ENV} is not JSON: ${(err as Error).message}`);
  }
  // A source given as a plain path is recorded as a file:// URI, like every other dataset file.
  const asUri = (uri: string) => (/^[a-z][a-z0-9+.-]*:/i.test(uri) ? uri : pathToFileURL(path.resolve(uri)).href);
  const located = (list: JobFolders['inputs'] | undefined) => (list ?? []).map((f) => ({ dir: f.localPath, uri: asUri(f.uri) }));
  return { inputs: located(folders.inputs), outputs: located(folders.outputs) };
}

/**
 * The built-in processors the pipeline engine runs in a child process (`driftline:<name>` images,
 * plus `train` for Training steps). `dir` is the job folder (SageMaker's /opt/ml/processing, or
 * /opt/ml for training); paths in `args` and `env` already point into it.
 */
export const BUILTIN_PROCESSOR_RUNNERS: Readonly<
  Record<string, (kit: ProcessorKit, dir: string, args: readonly string[], env: NodeJS.ProcessEnv) => Promise<ProcessorResult>>
> = {
  /**
   * The sample's PreprocessData: `--trips <dir> --zones <file|dir> --out <dir> [--seed 42]`. The
   * dataset records where the step's inputs came from and where its outputs are stored (JOB_FOLDERS_ENV),
   * not the job folder, which is removed after the step.
   */
  prepare: async (kit, dir, args, env) => {
    const f = parseFlags(args);
    const trips = f.get('trips') ?? path.join(dir, 'input', 'data');
    const zonesArg = f.get('zones') ?? path.join(dir, 'input', 'zones');
    const zones = await singleFile(zonesArg, ['.zip', '.csv'], 'zones');
    const out = f.get('out') ?? path.join(dir, 'output');
    const seed = Number(f.get('seed') ?? '42');
    if (!Number.isInteger(seed)) throw new InvalidArgumentError(`--seed must be an integer (got '${f.get('seed')}')`);
    const locations = jobLocations(env);
    const { dataset, report } = await (await kit.prepare()).prepare({ trips: [trips], zones, out, seed, replace: true, ...(locations ? { locations } : {}) });
    return { datasets: [dataset.id], rowsRead: report.rowsRead, rowsKept: report.rowsKept };
  },
  /**
   * The sample's EvaluateModel: `--model <dir> --test <dir> --out <dir>` writes evaluation.json. With
   * `--validation <dir> --model-quality-out <dir>` it also writes the model-quality baseline of the
   * validation split (Model Monitor's statistics.json + constraints.json, Regression: the model's
   * predictions against the labels), which RegisterModel records as the version's ModelQuality.
   */
  evaluate: async (kit, dir, args) => {
    const f = parseFlags(args);
    const model = await singleFile(f.get('model') ?? path.join(dir, 'model'), ['.json'], 'model');
    const test = await singleFile(f.get('test') ?? path.join(dir, 'test'), ['.csv'], 'test data');
    const out = f.get('out') ?? path.join(dir, 'evaluation');
    const training = await kit.training();
    const evaluation = await training.evaluate(model, test);
    await kit.writeText(path.join(out, 'evaluation.json'), `${JSON.stringify(evaluation, null, 2)}\n`);
    const result: ProcessorResult = { regression_metrics: evaluation.regression_metrics };
    const validationDir = f.get('validation');
    const modelQualityOut = f.get('model-quality-out');
    if ((validationDir === undefined) !== (modelQualityOut === undefined))
      throw new InvalidArgumentError('--validation and --model-quality-out go together (the model-quality baseline of the validation split)');
    if (validationDir !== undefined && modelQualityOut !== undefined) {
      const validation = await singleFile(validationDir, ['.csv'], 'validation data');
      // The sample's validation split has no header (train and validation do not; test does).
      const { labels, predictions } = await training.score(model, validation, { header: false });
      const { statistics } = await (await kit.modelQuality()).writeBaseline(labels, predictions, modelQualityOut, { replace: true, source: validation });
      result['model_quality_baseline'] = statistics.regression_metrics;
    }
    return result;
  },
  /**
   * The build pipeline's ScoreBaseline: `--model <dir> --dataset <dir> --out <dir> [--header true|false]`
   * writes the dataset (the labelled baseline CSV, label first, with a header by default) to `out`
   * under the same file name with its label column replaced by the model's predictions. The
   * data-quality baseline of that file profiles what a monitoring run sees in the output column.
   */
  'score-baseline': async (kit, dir, args) => {
    const f = parseFlags(args);
    const model = await singleFile(f.get('model') ?? path.join(dir, 'model'), ['.json'], 'model');
    const dataset = await singleFile(f.get('dataset') ?? path.join(dir, 'input', 'baseline'), ['.csv'], 'baseline dataset');
    const out = path.join(f.get('out') ?? path.join(dir, 'output', 'baseline'), path.basename(dataset));
    const header = f.get('header') ?? 'true';
    if (header !== 'true' && header !== 'false') throw new InvalidArgumentError(`--header must be true or false (got '${header}')`);
    const { rows, labels, predictions } = await (await kit.training()).writePredictionsAsLabels(model, dataset, out, { header: header === 'true' });
    return { rows, labels, predictions };
  },
  /** Model Monitor's analyzer as a QualityCheck: env dataset_source, dataset_format, output_path; `--check <dir>` also checks against a baseline. */
  'suggest-baseline': async (kit, dir, args, env) => {
    const f = parseFlags(args);
    const source = await singleFile(env['dataset_source'] ?? path.join(dir, 'input', 'baseline_dataset_input'), ['.csv'], 'baseline dataset');
    const format = JSON.parse(env['dataset_format'] ?? '{"csv":{"header":true}}') as { csv?: { header?: boolean } };
    const header = format.csv?.header ?? true;
    const out = env['output_path'] ?? path.join(dir, 'output');
    const { statistics } = await (await kit.baselines()).suggestBaseline(source, out, { header, replace: true });
    const result: ProcessorResult = { features: statistics.features.length, rows: statistics.dataset.item_count };
    const check = f.get('check');
    if (check) {
      const scratch = path.join(dir, '.driftline', 'check');
      const outcome = await (
        await kit.analyses()
      ).analyze({
        statistics: await singleFile(path.join(check, 'statistics'), ['.json'], 'baseline statistics'),
        constraints: await singleFile(path.join(check, 'constraints'), ['.json'], 'baseline constraints'),
        dataset: source,
        header,
        out: scratch,
        replace: true,
      });
      await fs.copyFile(path.join(scratch, 'constraint_violations.json'), path.join(out, 'constraint_violations.json'));
      result['violations'] = outcome.violations.length;
    }
    return result;
  },
  /** Training (SageMaker layout under /opt/ml): channels in input/data/<channel>, the model to model/model.json. */
  train: async (kit, dir, args) => {
    const hyperparameters = JSON.parse(args[0] ?? '{}') as Record<string, string>;
    const channel = async (name: string) => {
      const p = path.join(dir, 'input', 'data', name);
      return (await fs.stat(p).catch(() => undefined)) ? singleFile(p, ['.csv'], `${name} channel`) : undefined;
    };
    const train = await channel('train');
    if (!train) throw new InvalidArgumentError("the 'train' channel is empty");
    const validation = await channel('validation');
    const hp = parseHyperparameters(hyperparameters);
    const metricName = hp.eval_metric ?? defaultMetric(hp.objective);
    const { report, modelFile } = await (
      await kit.training()
    ).train({
      train,
      ...(validation ? { validation } : {}),
      out: path.join(dir, 'model', 'model.json'),
      report: path.join(dir, 'model', 'training-report.json'),
      hyperparameters,
      // XGBoost's training log lines, as SageMaker's training job logs show them.
      onRound: (r) =>
        process.stdout.write(
          `[${r.round}]\ttrain-${metricName}:${r.train.toFixed(5)}${r.validation !== undefined ? `\tvalidation-${metricName}:${r.validation.toFixed(5)}` : ''}\n`,
        ),
    });
    const finalMetrics = [{ MetricName: `${validation ? 'validation' : 'train'}:${report.metric}`, Value: report.bestScore }];
    return { finalMetrics, bestIteration: report.bestIteration, numTrees: report.numTrees, model: path.basename(modelFile) };
  },
};
