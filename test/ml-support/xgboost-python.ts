import { execFile, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The Python that has XGBoost (the Debian package); plain `python3` may not see it. */
export const PYTHON = '/usr/bin/python3';

const TOOL = path.join(path.dirname(fileURLToPath(import.meta.url)), 'xgb_tool.py');
const run = promisify(execFile);
const ENV = { ...process.env, OMP_NUM_THREADS: '1' };

/** `false` when `import xgboost` works in {@link PYTHON}, else the visible reason to skip (node:test's `skip`). */
export const SKIP_WITHOUT_XGBOOST: string | false = (() => {
  const res = spawnSync(PYTHON, ['-c', 'import xgboost'], { stdio: 'ignore', env: ENV });
  return res.status === 0 ? false : `XGBoost is not importable by ${PYTHON} (interop tests are skipped)`;
})();

/** Writes `rows` x `cols` row-major values as a header-less CSV ('nan' for NaN), with `labels` as a first column when given. */
export async function writeMatrixCsv(file: string, data: Float64Array, rows: number, cols: number, labels?: Float64Array): Promise<void> {
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    const values = Array.from(data.subarray(r * cols, (r + 1) * cols), (v) => (Number.isNaN(v) ? 'nan' : String(v)));
    lines.push((labels ? [String(labels[r]), ...values] : values).join(','));
  }
  await writeFile(file, lines.join('\n') + '\n');
}

async function tool(args: string[]): Promise<string> {
  try {
    const { stdout } = await run(PYTHON, [TOOL, ...args], { env: ENV, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`xgb_tool.py ${args[0]} failed: ${stderr.trim().split('\n').slice(-3).join(' | ') || String(err)}`);
  }
}

/** Trains with XGBoost on a CSV (label first) and saves the JSON model to `modelOut`. */
export async function xgbTrain(
  csv: string,
  spec: { params: Record<string, unknown>; num_boost_round: number; early_stopping_rounds?: number },
  modelOut: string,
  validCsv?: string,
): Promise<{ bestIteration: number | null; numTrees: number }> {
  const specFile = `${modelOut}.params.json`;
  await writeFile(specFile, JSON.stringify(spec));
  const out = await tool(['train', csv, specFile, modelOut, ...(validCsv ? [validCsv] : [])]);
  const parsed = JSON.parse(out) as { best_iteration: number | null; num_trees: number };
  return { bestIteration: parsed.best_iteration, numTrees: parsed.num_trees };
}

/** XGBoost's predictions and margins for a features-only CSV, with trees [0, best_iteration] when set. */
export async function xgbPredict(model: string, csv: string): Promise<{ predictions: Float64Array; margins: Float64Array }> {
  const out = `${csv}.${path.basename(model)}.out.csv`;
  await tool(['predict', model, csv, out]);
  const rows = (await readFile(out, 'utf8'))
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split(',').map(Number));
  return { predictions: Float64Array.from(rows, (r) => r[0]!), margins: Float64Array.from(rows, (r) => r[1]!) };
}

/** Loads `model` in XGBoost and saves it again as JSON to `out`. */
export async function xgbResave(model: string, out: string): Promise<void> {
  await tool(['resave', model, out]);
}
