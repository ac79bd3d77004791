import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../core/random.js';
import { recordingLogger, type LoggedLine } from '../../../test/ml-support/recording-logger.js';
import { binMatrix } from '../gbdt/binned-matrix.js';
import { SerialHistogramBuilder, type HistogramBuilder } from '../gbdt/histogram-builder.js';
import { histogramOffsets } from '../gbdt/histogram-layout.js';
import { computeCuts } from '../gbdt/quantile-cuts.js';
import { KernelMemory } from '../gbdt/kernel-memory.js';
import { parseHyperparameters } from '../hyperparameters.js';
import { train } from '../trainer.js';
import { WorkerHistogramBuilder, type WorkerBuilderOptions } from './worker-histogram-builder.js';

function dataset(rows: number, cols: number) {
  const r = createRandom(11);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = r.next() < 0.05 ? NaN : Math.floor(r.next() * 1000) / 7;
  const label = Float64Array.from({ length: rows }, (_, i) => (data[i * cols]! || 0) * 0.3 + r.next());
  return { data, rows, cols, label };
}

describe('WorkerHistogramBuilder', () => {
  it('builds the same histograms as the serial builder (WebAssembly and JavaScript kernels), with tasks big and small', async () => {
    const set = dataset(100_000, 6);
    const cuts = computeCuts(set.data, set.rows, set.cols, 64);
    const matrix = binMatrix(set.data, set.rows, set.cols, cuts);
    const histLength = 2 * histogramOffsets(cuts)[set.cols]!;
    const features = Int32Array.of(0, 1, 2, 3, 4, 5);
    const results = [];
    const builders: [HistogramBuilder, boolean][] = [
      [new SerialHistogramBuilder(cuts), true],
      [new SerialHistogramBuilder(cuts), false],
      [new WorkerHistogramBuilder(matrix, cuts, 2), true],
    ];
    for (const [builder, wasm] of builders) {
      const memory = KernelMemory.create(matrix, histLength, builder.sharedMemory, wasm, builder.histogramsNeeded);
      assert.equal(memory.wasm, wasm);
      builder.attach(memory);
      if (builder instanceof WorkerHistogramBuilder) assert.equal(await builder.whenReady(), true);
      const { gpair, rowIndex } = memory;
      const r = createRandom(3);
      for (let i = 0; i < gpair.length; i++) gpair[i] = r.next() - 0.3;
      for (let i = 0; i < set.rows; i++) rowIndex[i] = set.rows - 1 - i;
      const outs = [0, 1, 2].map(() => builder.createHistogram(histLength));
      builder.build(
        [
          { begin: 0, end: 70_000, out: outs[0]! },
          { begin: 70_000, end: 70_100, out: outs[1]! },
          { begin: 70_100, end: 100_000, out: outs[2]! },
        ],
        features,
      );
      results.push(outs.map((o) => Array.from(o)));
      await builder.close();
    }
    const a = results[0]!;
    assert.deepEqual(results[1], a); // WebAssembly and JavaScript sum in the same order: identical
    const b = results[2]!; // slices added in order: close
    for (let t = 0; t < 3; t++) {
      for (let k = 0; k < a[t]!.length; k++) assert.ok(Math.abs(a[t]![k]! - b[t]![k]!) <= 1e-9 * Math.max(1, Math.abs(a[t]![k]!)), `task ${t} bin ${k}`);
    }
  });

  it('trains with two threads to the same quality, deterministically (whenever the workers start)', async () => {
    const set = dataset(100_000, 4);
    const hp = parseHyperparameters({ num_round: '15', max_depth: '5', subsample: '0.8', nthread: '2' });
    const run = () => train(set, hp, { threads: 2, histogramBuilder: (m, c) => new WorkerHistogramBuilder(m, c, 2) });
    const first = await run();
    const second = await run();
    const serial = await train(set, hp);
    assert.deepEqual(first.report.rounds, second.report.rounds);
    assert.deepEqual(first.model.trees, second.model.trees);
    const last = (r: typeof first) => r.report.rounds.at(-1)!.train;
    assert.ok(Math.abs(last(first) - last(serial)) / last(serial) < 1e-3);
  });

  it('takes workers started ahead (prestart), with the same histograms', async () => {
    const set = dataset(100_000, 4);
    const cuts = computeCuts(set.data, set.rows, set.cols, 64);
    const matrix = binMatrix(set.data, set.rows, set.cols, cuts);
    const histLength = 2 * histogramOffsets(cuts)[set.cols]!;
    const features = Int32Array.of(0, 1, 2, 3);
    const results = [];
    for (const ahead of [false, true]) {
      if (ahead) WorkerHistogramBuilder.prestart(2);
      assert.equal(WorkerHistogramBuilder.prestarted, ahead ? 1 : 0);
      const builder = new WorkerHistogramBuilder(matrix, cuts, 2);
      const memory = KernelMemory.create(matrix, histLength, true, true, builder.histogramsNeeded);
      builder.attach(memory);
      assert.equal(WorkerHistogramBuilder.prestarted, 0);
      assert.equal(await builder.whenReady(), true); // the worker taken got its memory and started
      const r = createRandom(5);
      for (let i = 0; i < memory.gpair.length; i++) memory.gpair[i] = r.next() - 0.3;
      for (let i = 0; i < set.rows; i++) memory.rowIndex[i] = i;
      const out = builder.createHistogram(histLength);
      builder.build([{ begin: 0, end: 90_000, out }], features);
      results.push(Array.from(out));
      await builder.close();
    }
    assert.deepEqual(results[1], results[0]);
  });

  for (const kind of ['exit', 'hang'] as const) {
    it(`finishes training with the same model when a worker ${kind === 'exit' ? 'dies' : 'hangs'} in the middle of a slice`, async () => {
      const set = dataset(100_000, 4);
      const hp = parseHyperparameters({ num_round: '8', max_depth: '5', subsample: '0.8', nthread: '2' });
      const run = async (options: WorkerBuilderOptions) => {
        // A worker started ahead and booted is ready within the first levels: the fault is reached.
        WorkerHistogramBuilder.prestart(2);
        assert.equal(await WorkerHistogramBuilder.whenPrestarted(), true);
        let builder: WorkerHistogramBuilder | undefined;
        const result = await train(set, hp, { threads: 2, histogramBuilder: (m, c) => (builder = new WorkerHistogramBuilder(m, c, 2, options)) });
        return { ...result, builder: builder! };
      };
      const undisturbed = await run({});
      assert.equal(undisturbed.builder.workersLost, 0);
      const lines: LoggedLine[] = [];
      const disturbed = await run({ stallTimeoutMs: 200, logger: recordingLogger(lines), fault: { afterClaims: 3, kind } });
      assert.equal(disturbed.builder.workersLost, 1);
      assert.equal(disturbed.report.workersLost, 1);
      assert.ok(
        lines.some((l) => l.level === 'warn' && l.msg === 'histogram worker lost, building its slices in this thread'),
        JSON.stringify(lines),
      );
      // The slices it held are built here and added in the same order: the same sums, the same trees.
      assert.deepEqual(disturbed.model.trees, undisturbed.model.trees);
      assert.deepEqual(disturbed.report.rounds, undisturbed.report.rounds);
    });
  }

  it('builds histograms over more than 4096 features', async () => {
    const rows = 1500;
    const cols = 4100;
    const r = createRandom(17);
    const data = Float64Array.from({ length: rows * cols }, () => Math.floor(r.next() * 8));
    const cuts = computeCuts(data, rows, cols, 16);
    const matrix = binMatrix(data, rows, cols, cuts);
    const histLength = 2 * histogramOffsets(cuts)[cols]!;
    const features = Int32Array.from({ length: cols }, (_, i) => i);
    const results: number[][] = [];
    const builders: HistogramBuilder[] = [
      new SerialHistogramBuilder(cuts),
      new WorkerHistogramBuilder(matrix, cuts, 2, { minSharedRows: 256, minHandOffRows: 512 }),
    ];
    for (const builder of builders) {
      const memory = KernelMemory.create(matrix, histLength, builder.sharedMemory, true, builder.histogramsNeeded);
      builder.attach(memory);
      if (builder instanceof WorkerHistogramBuilder) assert.equal(await builder.whenReady(), true);
      const g = createRandom(5);
      for (let i = 0; i < memory.gpair.length; i++) memory.gpair[i] = g.next() - 0.3;
      for (let i = 0; i < rows; i++) memory.rowIndex[i] = i;
      const out = builder.createHistogram(histLength);
      builder.build([{ begin: 0, end: rows, out }], features);
      results.push(Array.from(out));
      await builder.close();
    }
    const [a, b] = results as [number[], number[]];
    for (let k = 0; k < a.length; k++) assert.ok(Math.abs(a[k]! - b[k]!) <= 1e-9 * Math.max(1, Math.abs(a[k]!)), `bin ${k}`);
  });
});
