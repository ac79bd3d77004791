import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryDesiredState } from '../../src/serving/index.js';
import { endpointSpec, invokeCsv, startServing, trainServingModel, until, variantSpec, type ServingHarness } from '../support/serving.js';
import { tmpDir } from '../support/tmp-dir.js';

/**
 * Blue/green under load: while clients keep invoking, the endpoint moves to a new model version
 * (new workers start, routing switches once they are ready, the old workers finish what they hold
 * and stop). No request fails, and the answers switch to the new model.
 */
describe('serving blue/green update', () => {
  it('updates to another model version under load with zero non-2xx answers', { timeout: 180_000 }, async () => {
    const dir = await tmpDir('driftline-serving-bg-');
    const v1 = await trainServingModel(dir, 'v1', 0);
    const v2 = await trainServingModel(dir, 'v2', 1000);
    const desired = new MemoryDesiredState();
    desired.put(endpointSpec('taxi', 1, [variantSpec('LatestApproved', v1, { instances: 2, packageName: 'g/1' })]));
    let harness: ServingHarness | undefined;
    try {
      harness = await startServing(desired);
      const h = harness;
      const oldPids = h.runtime.stats()[0]!.variants[0]!.pids;
      const answers: { status: number; value: number; phase: number }[] = [];
      let phase = 0;
      let done = false;
      const loops = Array.from({ length: 8 }, async () => {
        while (!done) {
          const r = await invokeCsv(h.url, 'taxi', '1,2,3');
          answers.push({ status: r.status, value: Number(r.text), phase });
        }
      });
      await until(() => answers.length >= 200, 'answers from the first version');
      phase = 1;
      desired.put(endpointSpec('taxi', 2, [variantSpec('LatestApproved', v2, { instances: 2, packageName: 'g/2' })]));
      const inService = desired.waitFor((r) => r.kind === 'in_service' && r.generation === 2);
      await h.runtime.reconcile();
      await inService;
      phase = 2;
      const switchedAt = answers.length;
      await until(() => answers.length >= switchedAt + 300, 'answers after the switch');
      await until(() => oldPids.every((p) => !h.runtime.stats()[0]!.variants[0]!.pids.includes(p)), 'the old workers to leave');
      done = true;
      await Promise.all(loops);
      const failed = answers.filter((a) => a.status !== 200);
      assert.deepEqual(failed, []);
      const before = answers.filter((a) => a.phase === 0);
      const after = answers.filter((a) => a.phase === 2).slice(50);
      assert.ok(
        before.every((a) => a.value < 100),
        'version 1 answers small fares',
      );
      assert.ok(after.length > 100 && after.every((a) => a.value > 900), 'version 2 answers 1000 more');
      assert.equal(h.runtime.stats()[0]!.generation, 2);
    } finally {
      await harness?.close();
    }
  });
});
