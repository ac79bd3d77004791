import type { Command } from 'commander';
import { FailedPreconditionError, InvalidArgumentError } from '../../core/errors.js';
import type { DeploymentRecord, DeploymentStatus, StageConfig } from '../../deploy/index.js';
import { DEPLOYMENT_STATUSES } from '../../deploy/types.js';
import type { CliContext } from '../cli-context.js';
import { emit, table } from '../output.js';
import { parseInteger } from './data-command.js';
import { readJsonFile } from './read-json-file.js';
import { defaultActor } from './registry-command.js';

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' '));

/** `driftline deploy …`: the deployment pipeline (staging → manual approval → production). */
export function registerDeployCommands(program: Command, ctx: CliContext): void {
  const deploy = program
    .command('deploy')
    .description('the deployment pipeline: an Approved version goes to <group>-staging, waits for approval, then to <group>-prod with capture and monitoring');

  deploy
    .command('executions')
    .description('list deployment executions, newest first')
    .option('--group <name>', 'only this model package group')
    .option('--status <status>', `only this status: ${DEPLOYMENT_STATUSES.join(', ')}`)
    .option('--limit <n>', 'how many', '20')
    .option('--page-token <token>', 'the next page, as printed by the previous one')
    .action(async (opts: { group?: string; status?: string; limit: string; pageToken?: string }) => {
      if (opts.status !== undefined && !(DEPLOYMENT_STATUSES as readonly string[]).includes(opts.status))
        throw new InvalidArgumentError(`--status must be one of ${DEPLOYMENT_STATUSES.join(', ')}, got '${opts.status}'`);
      const app = await ctx.app();
      const page = await app.deployments.list({
        ...(opts.group ? { group: opts.group } : {}),
        ...(opts.status ? { status: opts.status as DeploymentStatus } : {}),
        limit: parseInteger('--limit', opts.limit, 1),
        ...(opts.pageToken ? { pageToken: opts.pageToken } : {}),
      });
      emit(ctx.io, ctx.json(), { DeploymentExecutions: page.items, ...(page.nextPageToken ? { NextToken: page.nextPageToken } : {}) }, () =>
        page.items.length === 0
          ? 'no deployments yet: approving a model version starts one (`driftline registry approve <group> <version>`)'
          : [
              table(
                ['ID', 'MODEL', 'STATUS', 'STAGE', 'STARTED (UTC)'],
                page.items.map((d) => [d.id, `${d.group}/${d.version}`, d.status, currentStage(d), iso(d.createdAt)]),
              ),
              ...(page.nextPageToken ? [`more: --page-token ${page.nextPageToken}`] : []),
            ].join('\n'),
      );
    });

  deploy
    .command('describe')
    .description('show one deployment execution with its stage history')
    .argument('<id>', 'deployment id (from `deploy executions`)')
    .action(async (id: string) => {
      const app = await ctx.app();
      const d = await app.deployments.get(id);
      emit(ctx.io, ctx.json(), d, () => describeDeployment(d));
    });

  for (const verb of ['approve', 'reject'] as const) {
    deploy
      .command(verb)
      .description(
        verb === 'approve'
          ? 'approve the staging deployment: the version goes to production (ManualApproval "Approve_Staging")'
          : 'reject the staging deployment: the execution ends Rejected, production is left as it is',
      )
      .argument('<id>', 'deployment id')
      .option('--by <name>', 'who decides (default: your OS user name)')
      .option('--comment <text>', 'why (kept in the stage history)')
      .action(async (id: string, opts: { by?: string; comment?: string }) => {
        const app = await ctx.app();
        const decision = { by: opts.by ?? defaultActor(), ...(opts.comment ? { comment: opts.comment } : {}) };
        if (opts.comment && opts.comment.length > 1024) throw new InvalidArgumentError(`--comment is ${opts.comment.length} characters long: at most 1024`);
        const d = verb === 'approve' ? await app.deployments.approve(id, decision) : await app.deployments.reject(id, decision);
        if (d.status === 'Failed') throw new FailedPreconditionError(`deployment ${d.id} Failed: ${d.failureReason ?? 'no reason given'}`);
        emit(ctx.io, ctx.json(), d, () => `deployment ${d.id} ${verb === 'approve' ? 'approved' : 'rejected'}: ${currentStage(d)}`);
      });
  }

  deploy
    .command('start')
    .description('start a deployment of an Approved version by hand (approvals start one on their own)')
    .argument('<group>', 'model package group')
    .argument('<version>', 'version number')
    .option(
      '--staging-config <file>',
      "the staging stage, in the sample's staging-config.json shape (default: the project's deploy repository, if the group is a project's)",
    )
    .option(
      '--prod-config <file>',
      "the production stage, in the sample's prod-config.json shape (default: the project's deploy repository, if the group is a project's)",
    )
    .option('--approval-timeout <duration>', 'how long the manual approval waits: 30m, 12h, 7d', '7d')
    .action(async (group: string, version: string, opts: { stagingConfig?: string; prodConfig?: string; approvalTimeout: string }) => {
      const app = await ctx.app();
      const { parseStageConfig } = await import('../../deploy/index.js');
      const load = async (file: string | undefined): Promise<StageConfig | undefined> =>
        file === undefined ? undefined : parseStageConfig(await readJsonFile(ctx.io.cwd, file, 'stage config file'), file);
      const project = opts.stagingConfig === undefined || opts.prodConfig === undefined ? await app.projects.findByGroup(group) : undefined;
      const stagingConfig = await load(opts.stagingConfig ?? project?.repositories.deploy.stagingConfig);
      const prodConfig = await load(opts.prodConfig ?? project?.repositories.deploy.prodConfig);
      const d = await app.deployments.start({
        group,
        version: parseInteger('<version>', version, 1),
        ...(stagingConfig ? { stagingConfig } : {}),
        ...(prodConfig ? { prodConfig } : {}),
        approvalTimeoutMs: parseDuration(opts.approvalTimeout),
      });
      emit(ctx.io, ctx.json(), d, () => `deployment ${d.id} started: ${currentStage(d)}`);
    });
}

/** `30s`, `15m`, `12h`, `7d` in milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d{1,6})(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new InvalidArgumentError(`invalid duration '${text}': use a number and s, m, h or d (e.g. 30m, 7d)`);
  const n = Number(m[1]);
  if (n === 0) throw new InvalidArgumentError(`invalid duration '${text}': must be above 0`);
  return n * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

function currentStage(d: DeploymentRecord): string {
  const active = d.stages.find((s) => s.status === 'InProgress');
  if (active) return `${active.name}: ${active.message ?? 'in progress'}`;
  const last = [...d.stages].reverse().find((s) => s.status !== 'Pending' && s.status !== 'Abandoned');
  return last ? `${last.name} ${last.status}` : '-';
}

function describeDeployment(d: DeploymentRecord): string {
  const field = (label: string, value: string) => `  ${label.padEnd(10)} ${value}`;
  const prod = d.stages.find((s) => s.name === 'DeployProd');
  return [
    `${d.id}  ${d.group}/${d.version}  ${d.status}`,
    field('model', d.modelPackageArn),
    field('trigger', d.trigger),
    field('started', iso(d.createdAt)),
    field('updated', iso(d.updatedAt)),
    ...(d.failureReason ? [field('reason', d.failureReason)] : []),
    '',
    table(
      ['STAGE', 'STATUS', 'STARTED (UTC)', 'ENDED (UTC)', 'DETAILS'],
      d.stages.map((s) => [
        s.name,
        s.status,
        iso(s.startedAt),
        iso(s.endedAt),
        [s.message, s.comment ? `"${s.comment}"` : undefined, s.deadline && s.status === 'InProgress' ? `until ${iso(s.deadline)}` : undefined]
          .filter(Boolean)
          .join(' '),
      ]),
    ),
    ...(prod?.monitoringSchedule
      ? [
          '',
          `monitoring: schedule ${prod.monitoringSchedule.MonitoringScheduleName} ${prod.monitoringSchedule.ScheduleExpression}; alarm ${prod.alarm?.AlarmName} when ${prod.alarm?.MetricName} > ${prod.alarm?.Threshold} (${prod.alarm?.Period} s average)`,
        ]
      : []),
  ].join('\n');
}
