import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { noopLogger } from '../core/logger.js';
import { controlPlane } from '../../test/support/control-plane.js';
import { AUTO_PROMOTE_TAG, ChallengerGate, GATE, type ChallengerScorer, type RegressionScores } from './challenger-gate.js';

const T0 = Date.UTC(2024, 2, 15, 12);

async function harness(tags: Record<string, string> = {}) {
  const cp = await controlPlane({ at: T0 });
  await cp.registry.createGroup({ name: 'taxi', tags });
  const calls: { endpoint: string; from: number; to: number; versions: number[] }[] = [];
  let answer: { rows: number; scores: RegressionScores[] } = { rows: 0, scores: [] };
  const scorer: ChallengerScorer = {
    compare: async (endpoint, from, to, models) => {
      calls.push({ endpoint, from, to, versions: models.map((m) => m.version) });
      return answer;
    },
  };
  const gate = new ChallengerGate({ registry: cp.registry, deployments: cp.deployments, scorer, clock: cp.clock, logger: noopLogger, recheckMs: 60_000 });
  /** Version 1 through staging, approval and production. */
  const champion = async () => {
    await cp.registry.register({ group: 'taxi', modelDataUrl: 'file:///m/v1/model.json', modelSha256: 'a'.repeat(64) });
    await cp.registry.approve('taxi', 1, { by: 'alice' });
    await cp.serve();
    const [d] = (await cp.deployments.list({ group: 'taxi' })).items;
    await cp.deployments.approve(d!.id, { by: 'bob' });
    await cp.serve();
  };
  const challenger = (until?: string) =>
    cp.registry.register({
      group: 'taxi',
      modelDataUrl: 'file:///m/v2/model.json',
      modelSha256: 'b'.repeat(64),
      customerMetadata: { InputSource: until ? `capture:taxi-prod until ${until}` : 'Studio' },
    });
  return { ...cp, gate, calls, champion, challenger, answer: (a: typeof answer) => (answer = a) };
}

const scores = (rmse: number): RegressionScores => ({ rmse, mae: rmse * 0.7, r2: 1 - rmse / 10 });

describe('champion/challenger gate', () => {
  it('without a version in production there is nothing to compare, and nothing is written', async () => {
    const h = await harness();
    await h.challenger();
    assert.deepEqual(await h.gate.tick(), []);
    assert.equal((await h.registry.describe('taxi', 1)).customerMetadata[GATE.status], undefined);
    assert.equal(h.calls.length, 0);
  });

  it('compares on production traffic after the end of the training data; waits for enough rows; records the figures; a person decides without the opt-in', async () => {
    const h = await harness();
    await h.champion();
    const until = new Date(T0 - 3600_000).toISOString();
    await h.challenger(until);
    h.answer({ rows: 120, scores: [scores(8), scores(4)] });
    const [waiting] = await h.gate.tick();
    assert.equal(waiting?.status, 'Waiting');
    assert.deepEqual(h.calls[0], { endpoint: 'taxi-prod', from: T0 - 3600_000, to: T0, versions: [1, 2] });
    let pkg = await h.registry.describe('taxi', 2);
    assert.equal(pkg.customerMetadata[GATE.status], 'Waiting');
    assert.equal(pkg.customerMetadata[GATE.rows], '120');
    assert.deepEqual(await h.gate.tick(), [], 'a waiting challenger is looked at again only after a minute');
    h.clock.set(T0 + 3600_000);
    h.answer({ rows: 900, scores: [scores(8), scores(4)] });
    const [compared] = await h.gate.tick();
    assert.equal(compared?.decision, 'Better');
    pkg = await h.registry.describe('taxi', 2);
    assert.equal(pkg.approvalStatus, 'PendingManualApproval', 'no opt-in: a person decides');
    assert.deepEqual(
      [GATE.champion, GATE.rows, GATE.championRmse, GATE.challengerRmse, GATE.improvement, GATE.decision].map((k) => pkg.customerMetadata[k]),
      ['taxi/1', '900', '8', '4', '0.5', 'Better'],
    );
    assert.equal(pkg.customerMetadata[GATE.window], `${until}/${new Date(T0 + 3600_000).toISOString()}`);
    h.clock.set(T0 + 7200_000);
    assert.deepEqual(await h.gate.tick(), [], 'decided once');
  });

  it('with the opt-in, a challenger better by the margin is approved, and the gate gives its deployment the manual approval: it reaches production', async () => {
    const h = await harness({ [AUTO_PROMOTE_TAG]: '0.1' });
    await h.champion();
    await h.challenger(new Date(T0 - 86_400_000).toISOString());
    h.answer({ rows: 5000, scores: [scores(8.3), scores(3.9)] });
    const [o] = await h.gate.tick();
    assert.equal(o?.decision, 'Promote');
    const pkg = await h.registry.describe('taxi', 2);
    assert.equal(pkg.approvalStatus, 'Approved');
    assert.equal(pkg.approval?.by, 'champion-challenger');
    assert.match(pkg.approval?.reason ?? '', /rmse 3\.900 vs 8\.300 \(version 1\) on 5000 labelled rows/);
    await h.serve(); // staging comes InService: the deployment waits for its manual approval
    await h.gate.tick();
    const [d] = (await h.deployments.list({ group: 'taxi' })).items;
    assert.equal(d?.version, 2);
    const approval = d?.stages.find((s) => s.name === 'ManualApproval');
    assert.equal(approval?.status, 'Succeeded');
    assert.equal(approval?.actor, 'champion-challenger');
    await h.serve();
    assert.equal((await h.deployments.list({ group: 'taxi' })).items[0]?.status, 'Succeeded');
  });

  it('a challenger not better than the champion, or better by less than the margin, waits for a person', async () => {
    for (const [rmse, decision] of [
      [8.5, 'NotBetter'],
      [7.9, 'Better'],
    ] as const) {
      const h = await harness({ [AUTO_PROMOTE_TAG]: '0.1' });
      await h.champion();
      await h.challenger();
      h.answer({ rows: 5000, scores: [scores(8), scores(rmse)] });
      const [o] = await h.gate.tick();
      assert.equal(o?.decision, decision);
      assert.equal(h.calls[0]?.from, T0 - 7 * 86_400_000, 'trained on raw files: the last 7 days');
      assert.equal((await h.registry.describe('taxi', 2)).approvalStatus, 'PendingManualApproval');
    }
  });
});
