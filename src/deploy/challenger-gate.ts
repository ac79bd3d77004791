import type { Clock } from '../core/clock.js';
import { isAppError, oneLine } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { ModelPackage, ModelRegistry } from '../registry/index.js';
import type { DeploymentService } from './deployment-service.js';

/** Group tag: a challenger whose rmse beats the champion's by at least this fraction (e.g. `0.05`) is approved and deployed without a person. */
export const AUTO_PROMOTE_TAG = 'driftline:auto-promote-margin';

/** The customer metadata properties the gate writes on a challenger (the registry shows them; the dashboard will). */
export const GATE = {
  status: 'ChallengerGate.Status',
  champion: 'ChallengerGate.Champion',
  window: 'ChallengerGate.Window',
  rows: 'ChallengerGate.Rows',
  championRmse: 'ChallengerGate.ChampionRmse',
  challengerRmse: 'ChallengerGate.ChallengerRmse',
  championMae: 'ChallengerGate.ChampionMae',
  challengerMae: 'ChallengerGate.ChallengerMae',
  championR2: 'ChallengerGate.ChampionR2',
  challengerR2: 'ChallengerGate.ChallengerR2',
  improvement: 'ChallengerGate.RmseImprovement',
  decision: 'ChallengerGate.Decision',
} as const;

/** What the gate decided: Promote (auto-approved), Better or NotBetter (a person decides). */
export type GateDecision = 'Promote' | 'Better' | 'NotBetter';

export interface RegressionScores {
  readonly rmse: number;
  readonly mae: number;
  readonly r2: number;
}

/** Scores models side by side on the labelled traffic an endpoint captured. */
export interface ChallengerScorer {
  /** The rows captured by `endpointName` in [fromMs, toMs) that have their ground truth, and each model's scores on them (none below 1 row). */
  compare(endpointName: string, fromMs: number, toMs: number, models: readonly ModelPackage[]): Promise<{ rows: number; scores: RegressionScores[] }>;
}

export interface ChallengerGateDeps {
  readonly registry: Pick<ModelRegistry, 'listGroups' | 'listVersions' | 'getGroup' | 'describe' | 'updateCustomerMetadata' | 'approve'>;
  readonly deployments: Pick<DeploymentService, 'list' | 'approve'>;
  readonly scorer: ChallengerScorer;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The comparison window reaches back at most this many days (default 7). */
  readonly windowDays?: number;
  /** A comparison needs this many labelled rows (default 500); until then the challenger is Waiting. */
  readonly minimumRows?: number;
  /** A Waiting challenger is looked at again after this long (default 60 s). */
  readonly recheckMs?: number;
}

/** One look at a challenger. */
export interface GateOutcome {
  readonly group: string;
  readonly version: number;
  readonly champion?: number;
  readonly status: 'Waiting' | 'Compared' | 'NoChampion';
  readonly rows: number;
  readonly decision?: GateDecision;
  readonly challenger?: RegressionScores;
  readonly championScores?: RegressionScores;
  readonly window?: readonly [string, string];
}

const DAY = 86_400_000;

/**
 * The champion/challenger gate: before a new version waiting for approval may be approved, it is
 * scored side by side with the version in production (the champion) on the most recent labelled
 * traffic of the production endpoint that it was not trained on (after the end of its captured
 * training data, within the last `windowDays`). The figures go into the challenger's customer
 * metadata. With the group's opt-in `driftline:auto-promote-margin`, a challenger whose rmse beats
 * the champion's by that fraction is approved, and its deployment's manual approval is given, by
 * `champion-challenger`; otherwise it waits for a person, figures in hand.
 */
export class ChallengerGate {
  private readonly looked = new Map<string, number>();

  constructor(private readonly deps: ChallengerGateDeps) {}

  /** Looks at every waiting challenger (the server calls it with the monitoring runs), then gives promoted ones their deployment's approval. */
  async tick(): Promise<GateOutcome[]> {
    const out: GateOutcome[] = [];
    const groups = await this.deps.registry.listGroups({ limit: 1000 });
    for (const group of groups.items) {
      const pending = await this.deps.registry.listVersions(group.name, { approvalStatus: 'PendingManualApproval', order: 'desc', limit: 20 });
      for (const pkg of pending.items) {
        if (pkg.customerMetadata[GATE.decision] !== undefined) continue;
        const key = `${pkg.group}/${pkg.version}`;
        const last = this.looked.get(key);
        if (last !== undefined && this.deps.clock.now() - last < (this.deps.recheckMs ?? 60_000)) continue;
        try {
          const outcome = await this.evaluate(pkg.group, pkg.version);
          if (outcome.status !== 'NoChampion') out.push(outcome);
        } catch (err) {
          this.deps.logger.warn('champion/challenger comparison failed', { version: key, error: oneLine(err) });
        }
      }
      await this.approvePromotedDeployments(group.name);
    }
    return out;
  }

  /** Compares a challenger with the champion now (`registry compare`); records the figures unless there is no champion. */
  async evaluate(group: string, version: number): Promise<GateOutcome> {
    const { registry, clock } = this.deps;
    const pkg = await registry.describe(group, version);
    this.looked.set(`${group}/${version}`, clock.now());
    const champion = await this.champion(group);
    if (!champion || champion.version === pkg.version) return { group, version, status: 'NoChampion', rows: 0 };
    const now = clock.now();
    const trainedUntil = trainedUntilOf(pkg);
    const from = Math.max(trainedUntil ?? -Infinity, now - (this.deps.windowDays ?? 7) * DAY);
    if (!(now > from)) return { group, version, champion: champion.version, status: 'Waiting', rows: 0 };
    const window = [new Date(from).toISOString(), new Date(now).toISOString()] as const;
    const championPkg = await registry.describe(group, champion.version);
    const { rows, scores } = await this.deps.scorer.compare(champion.endpointName, from, now, [championPkg, pkg]);
    const minimum = this.deps.minimumRows ?? 500;
    if (rows < minimum) {
      if (pkg.customerMetadata[GATE.rows] !== String(rows))
        await registry.updateCustomerMetadata(group, version, {
          [GATE.status]: 'Waiting',
          [GATE.champion]: `${group}/${champion.version}`,
          [GATE.window]: `${window[0]}/${window[1]}`,
          [GATE.rows]: String(rows),
        });
      return { group, version, champion: champion.version, status: 'Waiting', rows, window };
    }
    const [championScores, challenger] = scores as [RegressionScores, RegressionScores];
    const improvement = championScores.rmse > 0 ? (championScores.rmse - challenger.rmse) / championScores.rmse : 0;
    const margin = marginOf((await registry.getGroup(group)).tags[AUTO_PROMOTE_TAG]);
    const decision: GateDecision = margin !== undefined && improvement >= margin ? 'Promote' : improvement > 0 ? 'Better' : 'NotBetter';
    await registry.updateCustomerMetadata(group, version, {
      [GATE.status]: 'Compared',
      [GATE.champion]: `${group}/${champion.version}`,
      [GATE.window]: `${window[0]}/${window[1]}`,
      [GATE.rows]: String(rows),
      [GATE.championRmse]: String(championScores.rmse),
      [GATE.challengerRmse]: String(challenger.rmse),
      [GATE.championMae]: String(championScores.mae),
      [GATE.challengerMae]: String(challenger.mae),
      [GATE.championR2]: String(championScores.r2),
      [GATE.challengerR2]: String(challenger.r2),
      [GATE.improvement]: String(improvement),
      [GATE.decision]: decision,
    });
    this.deps.logger.info('champion/challenger compared', { group, version, champion: champion.version, rows, decision, improvement });
    if (decision === 'Promote')
      await registry.approve(group, version, { by: 'champion-challenger', reason: summary(champion.version, championScores, challenger, rows, margin!) });
    return { group, version, champion: champion.version, status: 'Compared', rows, decision, challenger, championScores, window };
  }

  /** The version in production: the newest Succeeded deployment's, with its production endpoint. */
  private async champion(group: string): Promise<{ version: number; endpointName: string } | undefined> {
    const [last] = (await this.deps.deployments.list({ group, status: 'Succeeded', limit: 1 })).items;
    const endpointName = last?.stages.find((s) => s.name === 'DeployProd')?.endpointName;
    return last && endpointName ? { version: last.version, endpointName } : undefined;
  }

  /** A promoted challenger's deployment waits at the manual approval: the gate gives it, with the figures as the comment. */
  private async approvePromotedDeployments(group: string): Promise<void> {
    const running = (await this.deps.deployments.list({ group, status: 'InProgress', limit: 20 })).items;
    for (const d of running) {
      if (d.stages.find((s) => s.name === 'ManualApproval')?.status !== 'InProgress') continue;
      const pkg = await this.deps.registry.describe(group, d.version);
      if (pkg.customerMetadata[GATE.decision] !== 'Promote') continue;
      const m = pkg.customerMetadata;
      try {
        await this.deps.deployments.approve(d.id, {
          by: 'champion-challenger',
          comment: `rmse ${Number(m[GATE.challengerRmse]).toFixed(3)} vs ${Number(m[GATE.championRmse]).toFixed(3)} (${m[GATE.champion]}) on ${m[GATE.rows]} labelled rows`,
        });
      } catch (err) {
        if (!(isAppError(err) && err.code === 'failed_precondition')) throw err; // someone decided first
      }
    }
  }
}

/** When a version's captured training data ends: its InputSource `capture:<endpoint> until <ISO time>`. */
export function trainedUntilOf(pkg: ModelPackage): number | undefined {
  const m = / until (\S+)$/.exec(pkg.customerMetadata['InputSource'] ?? '');
  const t = m ? Date.parse(m[1]!) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

function marginOf(tag: string | undefined): number | undefined {
  if (tag === undefined) return undefined;
  const v = Number(tag);
  return Number.isFinite(v) && v >= 0 && v < 1 ? v : undefined;
}

function summary(champion: number, c: RegressionScores, n: RegressionScores, rows: number, margin: number): string {
  return `champion/challenger: rmse ${n.rmse.toFixed(3)} vs ${c.rmse.toFixed(3)} (version ${champion}) on ${rows} labelled rows, better by more than ${(margin * 100).toFixed(1)}%`;
}
