import type { Command } from 'commander';
import type { ProjectRecord, ProjectStatus } from '../../project/index.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { CliContext } from '../cli-context.js';
import { parseInteger } from './data-command.js';
import { emit, table } from '../output.js';

const DEFAULT_SCHEDULE = 'cron(0 12 1 * ? *)';

function createdText(p: ProjectRecord): string {
  return [
    `project ${p.name} created in ${p.folder}`,
    `  model package group  ${p.modelPackageGroupName}`,
    `  build pipeline       ${p.buildPipelineName} (InputDataUrl ${p.inputDataUrl}, InputZonesUrl ${p.inputZonesUrl})`,
    `  build repository     ${p.repositories.build.path} (post-commit hook: upsert ${p.buildPipelineName} and start it; log ${p.hookLog})`,
    `  deploy repository    ${p.repositories.deploy.path} (staging-config.json, prod-config.json)`,
    `  retrain rule         ${p.retrainRuleName}: ${p.retrainSchedule} -> start ${p.buildPipelineName}`,
    `  drift rule           ${p.driftRuleName}: alarm ${p.driftAlarmName} or ${p.modelQualityAlarmName ?? `${p.name}-prod-model-quality`} in ALARM -> start ${p.buildPipelineName}${p.retrainOnCapture ? ` (on the last ${p.retrainOnCapture.days} days of production's labelled traffic when it has ${p.retrainOnCapture.minimumRows} rows)` : ''}`,
  ].join('\n');
}

const str = (v: unknown) => (v === undefined || v === null ? '-' : typeof v === 'string' ? v : JSON.stringify(v));

function describeText(s: ProjectStatus): string {
  const live = s.live as Record<string, Record<string, unknown> | undefined>;
  const group = live['modelPackageGroup'] ?? {};
  const pipeline = live['buildPipeline'] ?? {};
  const exec = pipeline['latestExecution'] as Record<string, unknown> | undefined;
  const deployment = live['deployment'] ?? {};
  const dep = deployment['latestExecution'] as Record<string, unknown> | undefined;
  const endpoints = (deployment['endpoints'] as { stage: string; name: string; status: string }[] | undefined) ?? [];
  const monitoring = live['monitoring'];
  const alarm = live['alarm'];
  const mq = live['modelQuality'];
  const mqAlarm = mq?.['alarm'] as Record<string, unknown> | undefined;
  const rules = (live['rules'] ?? {}) as Record<string, Record<string, unknown>>;
  const commit = (r: ProjectStatus['repositories']['build']) =>
    r.lastCommit ? `${r.lastCommit.sha.slice(0, 10)} ${r.lastCommit.at} ${r.lastCommit.message}` : 'no commit';
  const rows: string[][] = [
    [
      'model package group',
      s.project.modelPackageGroupName,
      group['state'] === 'absent' ? 'absent' : `${str(group['versions'])} version(s), latest approved ${str(group['latestApproved'])}`,
    ],
    [
      'build pipeline',
      s.project.buildPipelineName,
      pipeline['state'] === 'absent'
        ? 'absent'
        : `v${str(pipeline['latestVersion'])}, latest execution ${exec ? `${str(exec['id'])} ${str(exec['status'])}` : 'none'}`,
    ],
    ['deployment', s.project.modelPackageGroupName, dep ? `${str(dep['id'])} v${str(dep['version'])} ${str(dep['status'])}` : 'none yet'],
    ...endpoints.map((e) => [`endpoint (${e.stage})`, e.name, e.status]),
    [
      'monitoring schedule',
      s.project.driftAlarmName,
      monitoring ? `${str(monitoring['status'])}, next ${str(monitoring['nextFireAt'])}` : 'none (no production yet)',
    ],
    ['alarm', s.project.driftAlarmName, alarm ? str(alarm['state']) : 'none (no production yet)'],
    [
      'model quality',
      s.project.modelQualityAlarmName ?? `${s.project.modelPackageGroupName}-prod-model-quality`,
      mq
        ? `schedule ${str(mq['status'])}, alarm ${mqAlarm ? `${str(mqAlarm['state'])} (rmse above ${str(mqAlarm['threshold'])})` : 'none'}`
        : 'none (no production with a model-quality baseline yet)',
    ],
    ...['retrain', 'drift'].map((k) => {
      const r = rules[k] ?? {};
      return [
        `rule (${k})`,
        str(r['name']),
        r['state'] === 'absent' ? 'absent' : `${str(r['state'])}${r['nextFireAt'] ? `, next fire ${str(r['nextFireAt'])}` : ''}`,
      ];
    }),
    ['build repository', s.repositories.build.path, commit(s.repositories.build)],
    ['deploy repository', s.repositories.deploy.path, commit(s.repositories.deploy)],
  ];
  return [`project ${s.project.name} (created ${s.project.createdAt}, folder ${s.project.folder})`, '', table(['part', 'name', 'status'], rows)].join('\n');
}

/** `driftline project …`: the project template (the sample's Service Catalog product). */
export function registerProjectCommands(program: Command, ctx: CliContext): void {
  const project = program
    .command('project')
    .description("projects from the template (the sample's Service Catalog product): repositories, build pipeline, rules");

  project
    .command('create <name>')
    .description(
      'create a project: model package group, build and deploy git repositories (a commit to build upserts and starts the pipeline), build pipeline, retrain and drift rules',
    )
    .option('--retrain-schedule <expression>', 'when to retrain anyway (EventBridge schedule expression, UTC)', DEFAULT_SCHEDULE)
    .option('--input-data <path-or-uri>', "the build pipeline's InputDataUrl (default: the project's input/data folder)")
    .option('--input-zones <path-or-uri>', "the build pipeline's InputZonesUrl (default: the project's input/zones folder)")
    .option('--retrain-days <n>', "retraining reads the production endpoint's labelled traffic of the last n days (0: always the raw input files)", '30')
    .option('--retrain-minimum-rows <n>', 'with fewer labelled rows than this, retraining reads the raw input files', '1000')
    .option(
      '--auto-promote-margin <fraction>',
      "opt in: a retrained version whose rmse beats production's by this fraction (0.05 = 5%) on later labelled traffic is approved and deployed without a person",
    )
    .action(
      async (
        name: string,
        opts: { retrainSchedule: string; inputData?: string; inputZones?: string; retrainDays: string; retrainMinimumRows: string; autoPromoteMargin?: string },
      ) => {
        const app = await ctx.app();
        const record = await app.projects.create({
          name,
          retrainSchedule: opts.retrainSchedule,
          retrainOnCapture: {
            days: parseInteger('--retrain-days', opts.retrainDays, 0),
            minimumRows: parseInteger('--retrain-minimum-rows', opts.retrainMinimumRows, 2),
          },
          ...(opts.autoPromoteMargin === undefined ? {} : { autoPromoteMargin: fraction('--auto-promote-margin', opts.autoPromoteMargin) }),
          ...(opts.inputData === undefined ? {} : { inputDataUrl: opts.inputData }),
          ...(opts.inputZones === undefined ? {} : { inputZonesUrl: opts.inputZones }),
        });
        emit(ctx.io, ctx.json(), record, () => createdText(record));
      },
    );

  project
    .command('describe <name>')
    .description('a project and the live status of its parts: group, pipeline, deployment, endpoints, monitoring, alarm, rules, repositories')
    .action(async (name: string) => {
      const app = await ctx.app();
      const status = await app.projects.describe(name);
      emit(ctx.io, ctx.json(), status, () => describeText(status));
    });

  project
    .command('list')
    .description('the projects in this home')
    .action(async () => {
      const app = await ctx.app();
      const projects = await app.projects.list();
      emit(ctx.io, ctx.json(), { projects }, () =>
        projects.length === 0
          ? 'no projects'
          : table(
              ['name', 'created', 'build pipeline', 'retrain schedule', 'folder'],
              projects.map((p) => [p.name, p.createdAt, p.buildPipelineName, p.retrainSchedule, p.folder]),
            ),
      );
    });
}

function fraction(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === '' || !(v >= 0 && v < 1))
    throw new InvalidArgumentError(`${flag} must be a fraction from 0 to below 1 (0.05 = 5% better), got '${text}'`);
  return v;
}
