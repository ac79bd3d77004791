import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../core/random.js';
import { recordingLogger, type LoggedLine } from '../../test/ml-support/recording-logger.js';
import { evaluate } from './eval-metrics.js';
import { SerialShardExecutor } from './gbdt/shard-executor.js';
import { parseHyperparameters } from './hyperparameters.js';
import { objectiveFor } from './objectives.js';
import { Predictor } from './predictor.js';
import { train, type TrainingSet } from './trainer.js';
import { modelToXgboostJson } from './xgboost-json.js';

/** y = 10 when x0 >= 5 else 2 (plus noise when asked); x1 is noise; some x0 values missing. */
function steps(rows: number, seed: number, noise = 0, missingHigh = false): TrainingSet {
  const r = createRandom(seed);
  const data = new Float64Array(rows * 2);
  const label = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const x0 = Math.floor(r.next() * 10);
    data[i * 2] = missingHigh && i % 10 === 0 ? NaN : x0;
    data[i * 2 + 1] = r.next();
    label[i] = (missingHigh && i % 10 === 0 ? 10 : x0 >= 5 ? 10 : 2) + noise * (r.next() - 0.5);
  }
  return { data, rows, cols: 2, label };
}

describe('train', () => {
  it('fits a stump to the group means (eta 1, lambda 0): hand-computed', async () => {
    const set: TrainingSet = { data: Float64Array.of(1, 2, 3, 4), rows: 4, cols: 1, label: Float64Array.of(1, 1, 5, 7) };
    const hp = parseHyperparameters({ num_round: '1', max_depth: '1', eta: '1', lambda: '0', min_child_weight: '0', base_score: '0' });
    const { model } = await train(set, hp);
    const tree = model.trees[0]!;
    assert.equal(tree.splitIndices[0], 0);
    assert.equal(tree.splitConditions[0], 3); // x < 3 goes left
    const p = new Predictor(model);
    assert.deepEqual(
      [1, 2, 3, 4].map((x) => p.predictRow([x])),
      [1, 1, 6, 6],
    );
    // loss_chg = G_L^2/H_L + G_R^2/H_R - G^2/H with g = -y: 4/2 + 144/2 - 196/4
    assert.ok(Math.abs(tree.lossChanges[0]! - 25) < 1e-6);
    assert.deepEqual([...tree.sumHessian], [4, 2, 2]);
  });

  it('learns where missing values go', async () => {
    const set = steps(2000, 1, 0, true);
    const hp = parseHyperparameters({ num_round: '20', max_depth: '2', eta: '0.5' });
    const { model } = await train(set, hp);
    const p = new Predictor(model);
    assert.ok(Math.abs(p.predictRow([NaN, 0.5]) - 10) < 0.2, `missing -> ${p.predictRow([NaN, 0.5])}`);
    assert.ok(Math.abs(p.predictRow([1, 0.5]) - 2) < 0.2);
    assert.ok(Math.abs(p.predictRow([8, 0.5]) - 10) < 0.2);
  });

  it('regularises: a large gamma or min_child_weight leaves only the root', async () => {
    const set = steps(500, 2);
    for (const hp of [{ gamma: '1e9' }, { min_child_weight: '1000' }] as Record<string, string>[]) {
      const { model } = await train(set, parseHyperparameters({ num_round: '2', ...hp }));
      assert.ok(
        model.trees.every((t) => t.leftChildren.length === 1),
        JSON.stringify(hp),
      );
    }
  });

  it('stops early on the validation set and keeps the best iteration', async () => {
    const trainSet = steps(300, 3, 8);
    const validation = steps(300, 4, 8);
    const hp = parseHyperparameters({ num_round: '300', eta: '1', max_depth: '6', min_child_weight: '0', lambda: '0', early_stopping_rounds: '5' });
    const { model, report } = await train(trainSet, hp, { validation });
    assert.equal(report.stoppedEarly, true);
    assert.ok(report.rounds.length < 300);
    assert.equal(report.rounds.length, report.bestIteration + 1 + 5);
    assert.equal(model.trees.length, report.bestIteration + 1);
    const best = Math.min(...report.rounds.map((r) => r.validation!));
    assert.equal(report.bestScore, best);
  });

  it('is deterministic for a seed, and the seed matters with subsampling', async () => {
    const set = steps(1000, 5, 2);
    const hp = (seed: string) => parseHyperparameters({ num_round: '10', subsample: '0.7', colsample_bytree: '0.5', seed });
    const a = modelToXgboostJson((await train(set, hp('1'))).model);
    const b = modelToXgboostJson((await train(set, hp('1'))).model);
    const c = modelToXgboostJson((await train(set, hp('2'))).model);
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('trains every objective to a sensible fit', async () => {
    const reg = steps(1000, 6, 1);
    for (const objective of ['reg:squarederror', 'reg:absoluteerror', 'reg:pseudohubererror']) {
      const { report } = await train(reg, parseHyperparameters({ objective, num_round: '50', eta: '0.3' }));
      assert.ok(report.rounds.at(-1)!.train < (objective === 'reg:squarederror' ? 0.5 : 0.5), `${objective}: ${report.rounds.at(-1)!.train}`);
    }
    const binary: TrainingSet = { ...reg, label: reg.label.map((y) => (y > 6 ? 1 : 0)) };
    const logistic = await train(binary, parseHyperparameters({ objective: 'binary:logistic', num_round: '20', eval_metric: 'auc' }));
    assert.ok(logistic.report.rounds.at(-1)!.train > 0.99);
    const counts: TrainingSet = { ...reg, label: reg.label.map((y) => Math.round(y)) };
    const poisson = await train(counts, parseHyperparameters({ objective: 'count:poisson', num_round: '50' }));
    const p = new Predictor(poisson.model);
    assert.ok(Math.abs(p.predictRow([8, 0.5]) - 10) < 1, `poisson ${p.predictRow([8, 0.5])}`);
  });

  it('makes reg:absoluteerror leaves the median residual, robust to outliers', async () => {
    const set: TrainingSet = { data: Float64Array.of(1, 1, 1, 1, 1), rows: 5, cols: 1, label: Float64Array.of(1, 2, 3, 4, 1000) };
    const { model } = await train(set, parseHyperparameters({ objective: 'reg:absoluteerror', num_round: '1', eta: '1', base_score: '0' }));
    assert.equal(new Predictor(model).predictRow([1]), 3);
  });

  it('records which kernels ran; a kernel that fails to compile is logged and falls back to JavaScript, with the same model', async () => {
    const set = steps(3000, 8, 1);
    const hp = parseHyperparameters({ num_round: '5', max_depth: '4', subsample: '0.8' });
    const normal = await train(set, hp);
    assert.deepEqual(normal.report.kernels, { histogram: { simd: 1, webassembly: 0, javascript: 0 }, rowPartitioner: 'webassembly', compileFailures: 0 });
    const wasm = (globalThis as unknown as { WebAssembly: { Module: unknown } }).WebAssembly;
    const real = wasm.Module;
    wasm.Module = function Module() {
      throw new Error('injected compile failure');
    };
    const lines: LoggedLine[] = [];
    let failed;
    try {
      failed = await train(set, hp, { logger: recordingLogger(lines) });
    } finally {
      wasm.Module = real;
    }
    assert.deepEqual(failed.report.kernels, { histogram: { simd: 0, webassembly: 0, javascript: 1 }, rowPartitioner: 'javascript', compileFailures: 3 });
    const warned = lines.filter((l) => l.level === 'warn' && l.msg === 'kernel failed to compile, falling back');
    assert.deepEqual(warned.map((l) => l.fields['kernel']).sort(), ['histogram', 'histogram (SIMD)', 'row partitioner']);
    assert.ok(warned.every((l) => l.fields['error'] === 'injected compile failure'));
    assert.equal(modelToXgboostJson(failed.model), modelToXgboostJson(normal.model));
  });

  it('rejects labels an objective cannot take', async () => {
    const set = steps(10, 7);
    await assert.rejects(train(set, parseHyperparameters({ objective: 'binary:logistic' })), { code: 'invalid_argument', message: /labels in \[0, 1\]/ });
  });
});

describe('parseHyperparameters', () => {
  it('uses XGBoost defaults and names, with aliases', () => {
    const hp = parseHyperparameters({ learning_rate: '0.1', tree_method: 'hist' });
    assert.equal(hp.eta, 0.1);
    assert.equal(hp.max_depth, 6);
    assert.equal(hp.max_bin, 256);
    assert.equal(hp.objective, 'reg:squarederror');
  });

  it('rejects unknown names, non-numbers and out-of-range values with one line', () => {
    assert.throws(() => parseHyperparameters({ max_dept: '3' }), { code: 'invalid_argument', message: /unknown hyperparameter 'max_dept'/ });
    assert.throws(() => parseHyperparameters({ eta: 'fast' }), { message: /eta must be a number, got 'fast'/ });
    assert.throws(() => parseHyperparameters({ max_depth: '2.5' }), { message: /max_depth must be an integer/ });
    assert.throws(() => parseHyperparameters({ subsample: '0' }), { message: /subsample=0 is out of range \(0, 1\]/ });
    assert.throws(() => parseHyperparameters({ objective: 'multi:softmax' }), { message: /not one of reg:squarederror/ });
  });
});

describe('regressionMetrics', () => {
  it('computes MAE, MSE, RMSE and R2 as evaluate.py does', async () => {
    const { regressionMetrics } = await import('./training-service.js');
    const m = regressionMetrics(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 3, 3, 2)).regression_metrics;
    assert.equal(m.mae.value, 0.75); // |0| + |1| + |0| + |2| over 4
    assert.equal(m.mse.value, 1.25); // (0 + 1 + 0 + 4) / 4
    assert.equal(m.rmse.value, Math.sqrt(1.25));
    assert.equal(m.r2.value, 1 - 5 / 5); // SS_res 5, SS_tot 5
    // np.std(y - p) of residuals [0, -1, 0, 2] (mean 0.25), repeated in every entry as evaluate.py does.
    const residualStd = Math.sqrt((0.0625 + 1.5625 + 0.0625 + 3.0625) / 4);
    for (const k of ['mae', 'mse', 'rmse', 'r2'] as const) assert.equal(m[k].standard_deviation, residualStd, k);
  });

  it("reports each round's training and validation metrics as the model's own predictions score them, with one shard and with several", async () => {
    const trainSet = steps(3000, 21, 3, true);
    const validation = steps(700, 22, 3, true);
    const cases = [
      { objective: 'reg:squarederror', eval_metric: 'rmse' },
      { objective: 'reg:squarederror', eval_metric: 'mae' },
      { objective: 'reg:absoluteerror', eval_metric: 'mae' },
      { objective: 'binary:logistic', eval_metric: 'logloss' },
      { objective: 'binary:logistic', eval_metric: 'error' },
      { objective: 'binary:logistic', eval_metric: 'auc' },
    ] as const;
    for (const c of cases) {
      const binary = c.objective === 'binary:logistic';
      const relabel = (set: TrainingSet): TrainingSet => (binary ? { ...set, label: set.label.map((y) => (y > 6 ? 1 : 0)) } : set);
      const tr = relabel(trainSet);
      const va = relabel(validation);
      const hp = parseHyperparameters({ num_round: '6', max_depth: '4', subsample: '0.8', ...c });
      for (const shards of [1, 3]) {
        const { model, report } = await train(tr, hp, { validation: va, shardExecutor: (m, cuts) => new SerialShardExecutor(cuts, m.missing, shards) });
        // Margins in float64, tree after tree from the base margin, as training sums them.
        const objective = objectiveFor(c.objective, hp.huber_slope, 0);
        const score = (set: TrainingSet) => {
          const pred = Float64Array.from({ length: set.rows }, (_, i) => {
            let m = objective.baseMargin(model.baseScore);
            for (const t of model.trees) {
              let node = 0;
              while (t.leftChildren[node] !== -1) {
                const x = set.data[i * 2 + t.splitIndices[node]!]!;
                const left = Number.isNaN(x) ? t.defaultLeft[node] === 1 : Math.fround(x) < t.splitConditions[node]!;
                node = left ? t.leftChildren[node]! : t.rightChildren[node]!;
              }
              m += t.splitConditions[node]!;
            }
            return objective.transform(m);
          });
          return evaluate(c.eval_metric, pred, set.label);
        };
        const last = report.rounds.at(-1)!;
        const label = `${c.objective} ${c.eval_metric}, ${shards} shard(s)`;
        assert.equal(report.rounds.length, 6, label);
        // One shard sums the rows in the same order: the same numbers; more shards add their sums in shard order.
        const tolerance = shards === 1 ? 0 : 1e-12;
        assert.ok(Math.abs(last.train - score(tr)) <= tolerance * last.train, `${label}: train ${last.train} vs ${score(tr)}`);
        assert.ok(Math.abs(last.validation! - score(va)) <= tolerance * last.validation!, `${label}: validation ${last.validation} vs ${score(va)}`);
      }
    }
  });
});
