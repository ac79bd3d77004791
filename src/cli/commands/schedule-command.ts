import type { Command } from 'commander';
import { InvalidArgumentError } from '../../core/errors.js';
import { MONITORING_TYPES, type MonitoringExecutionRecord, type MonitoringScheduleRecord, type MonitoringType } from '../../scheduler/monitoring-types.js';
import type { CliContext } from '../cli-context.js';
import { emit, table } from '../output.js';
import { parseInteger } from './data-command.js';

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' '));

/** DescribeMonitoringSchedule's main fields. */
function describeSchedule(s: MonitoringScheduleRecord) {
  return {
    MonitoringScheduleName: s.name,
    MonitoringScheduleStatus: s.status,
    MonitoringType: s.monitoringType ?? 'DataQuality',
    EndpointName: s.endpointName,
    ScheduleConfig: { ScheduleExpression: s.scheduleExpression },
    Baseline: {
      ...(s.baselineStatisticsUri ? { StatisticsResource: { S3Uri: s.baselineStatisticsUri } } : {}),
      ConstraintsResource: { S3Uri: s.baselineConstraintsUri },
    },
    ...(s.modelQuality
      ? {
          ModelQualityJobInput: {
            EndpointInput: {
              EndpointName: s.endpointName,
              InferenceAttribute: s.modelQuality.inferenceAttribute,
              ...(s.modelQuality.startTimeOffset ? { StartTimeOffset: s.modelQuality.startTimeOffset } : {}),
              ...(s.modelQuality.endTimeOffset ? { EndTimeOffset: s.modelQuality.endTimeOffset } : {}),
            },
            GroundTruthS3Input: { S3Uri: s.modelQuality.groundTruthUri },
          },
          ProblemType: s.modelQuality.problemType,
          ...(s.modelQuality.minimumRecords ? { MinimumRecords: s.modelQuality.minimumRecords } : {}),
        }
      : {}),
    ...(s.excludeFeatures.length ? { ExcludedFeatures: s.excludeFeatures } : {}),
    ...(s.nextFireAt === undefined ? {} : { NextScheduledTime: new Date(s.nextFireAt).toISOString() }),
    ...(s.lastScheduledTime === undefined ? {} : { LastScheduledTime: new Date(s.lastScheduledTime).toISOString() }),
    CreationTime: new Date(s.createdAt).toISOString(),
    LastModifiedTime: new Date(s.updatedAt).toISOString(),
  };
}

/** MonitoringExecutionSummary's fields. */
function executionSummary(e: MonitoringExecutionRecord) {
  return {
    MonitoringScheduleName: e.scheduleName,
    EndpointName: e.endpointName,
    ScheduledTime: new Date(e.scheduledTime).toISOString(),
    MonitoringExecutionStatus: e.status,
    ...(e.failureReason ? { FailureReason: e.failureReason } : {}),
    MonitoringType: e.monitoringType ?? 'DataQuality',
    Driftline: {
      id: e.id,
      window: [new Date(e.windowStart).toISOString(), new Date(e.windowEnd).toISOString()],
      output: e.outputPath,
      violations: e.violations,
      rows: e.rows,
      ...(e.merge ? { merge: e.merge } : {}),
    },
  };
}

/** `driftline schedule …`: Model Monitor schedules on endpoints (the production stage creates the sample's hourly one). */
export function registerScheduleCommands(program: Command, ctx: CliContext): void {
  const schedule = program
    .command('schedule')
    .description("Model Monitor schedules on endpoints: each run checks the last interval's captured traffic against the baseline");
  schedule
    .command('list')
    .description('every monitoring schedule with its next run')
    .action(async () => {
      const app = await ctx.app();
      const list = await app.monitoring.list();
      emit(ctx.io, ctx.json(), { MonitoringScheduleSummaries: list.map(describeSchedule) }, () =>
        list.length === 0
          ? 'no monitoring schedules yet (the deployment pipeline creates one with production)'
          : table(
              ['NAME', 'STATUS', 'ENDPOINT', 'EXPRESSION', 'NEXT RUN (UTC)'],
              list.map((s) => [s.name, s.status, s.endpointName, s.scheduleExpression, iso(s.nextFireAt)]),
            ),
      );
    });
  schedule
    .command('create')
    .description(
      'create or replace a schedule on an endpoint: DataQuality (captured traffic against a baseline) or ModelQuality (predictions merged with ground truth)',
    )
    .argument('<name>', 'monitoring schedule name')
    .requiredOption('--endpoint <name>', 'the endpoint whose captured traffic is monitored')
    .requiredOption('--constraints <uri>', 'baseline constraints.json (model quality: regression_constraints)')
    .option('--statistics <uri>', 'baseline statistics.json (required for DataQuality)')
    .option('--type <type>', `${MONITORING_TYPES.join(' or ')}`, 'DataQuality')
    .option('--expression <expr>', 'schedule expression: cron(...) or rate(...)', 'cron(0 * ? * * *)')
    .option('--ground-truth <uri>', "ModelQuality: where the labels are (default: the endpoint's ground-truth folder, where `ground-truth put` writes)")
    .option('--inference-attribute <index>', "ModelQuality: the prediction's column in the endpoint's output", '0')
    .option('--start-offset <duration>', 'ModelQuality: window start before the run, e.g. -PT3H (default: one period)')
    .option('--end-offset <duration>', 'ModelQuality: window end before the run, e.g. -PT1H (labels arrive late)')
    .option('--minimum-records <n>', 'ModelQuality: fewer labelled rows than this fail the run instead of publishing noisy metrics')
    .option('--exclude <features>', 'DataQuality: comma-separated features not checked')
    .action(
      async (
        name: string,
        opts: {
          endpoint: string;
          constraints: string;
          statistics?: string;
          type: string;
          expression: string;
          groundTruth?: string;
          inferenceAttribute: string;
          startOffset?: string;
          endOffset?: string;
          minimumRecords?: string;
          exclude?: string;
        },
      ) => {
        if (!(MONITORING_TYPES as readonly string[]).includes(opts.type))
          throw new InvalidArgumentError(`--type must be ${MONITORING_TYPES.join(' or ')}, got '${opts.type}'`);
        const type = opts.type as MonitoringType;
        if (type === 'DataQuality' && !opts.statistics) throw new InvalidArgumentError('a DataQuality schedule needs --statistics');
        const app = await ctx.app();
        const s = await app.monitoring.putSchedule({
          name,
          endpointName: opts.endpoint,
          scheduleExpression: opts.expression,
          baselineStatisticsUri: opts.statistics ?? '',
          baselineConstraintsUri: opts.constraints,
          ...(opts.exclude ? { excludeFeatures: opts.exclude.split(',').map((f) => f.trim()) } : {}),
          monitoringType: type,
          ...(type === 'ModelQuality'
            ? {
                modelQuality: {
                  problemType: 'Regression' as const,
                  inferenceAttribute: opts.inferenceAttribute,
                  groundTruthUri: opts.groundTruth ?? app.groundTruthUriOf(opts.endpoint),
                  ...(opts.startOffset ? { startTimeOffset: opts.startOffset } : {}),
                  ...(opts.endOffset ? { endTimeOffset: opts.endOffset } : {}),
                  ...(opts.minimumRecords ? { minimumRecords: parseInteger('--minimum-records', opts.minimumRecords, 1) } : {}),
                },
              }
            : {}),
        });
        emit(
          ctx.io,
          ctx.json(),
          describeSchedule(s),
          () => `${s.name} (${s.monitoringType ?? 'DataQuality'}) on ${s.endpointName}: next run ${iso(s.nextFireAt)}`,
        );
      },
    );
  schedule
    .command('describe')
    .description('one schedule: endpoint, expression, baseline, next and last runs')
    .argument('<name>', 'monitoring schedule name')
    .action(async (name: string) => {
      const app = await ctx.app();
      const d = describeSchedule(await app.monitoring.get(name));
      emit(ctx.io, ctx.json(), d, () => JSON.stringify(d, null, 2));
    });
  schedule
    .command('executions')
    .description('the runs of a schedule, newest first (Studio shows CompletedWithViolations as "Issue found")')
    .argument('<name>', 'monitoring schedule name')
    .option('--limit <n>', 'how many', '24')
    .action(async (name: string, opts: { limit: string }) => {
      const app = await ctx.app();
      const runs = await app.monitoring.executions(name, parseInteger('--limit', opts.limit, 1));
      emit(ctx.io, ctx.json(), { MonitoringExecutionSummaries: runs.map(executionSummary) }, () =>
        runs.length === 0
          ? `no runs of ${name} yet`
          : table(
              ['SCHEDULED (UTC)', 'STATUS', 'VIOLATIONS', 'ROWS', 'OUTPUT / REASON'],
              runs.map((r) => [
                iso(r.scheduledTime),
                r.status,
                String(r.violations),
                r.rows === undefined ? '-' : r.merge ? `${r.rows} (${r.merge.unlabelledRecords} unlabelled)` : String(r.rows),
                r.failureReason ?? r.outputPath,
              ]),
            ),
      );
    });
  schedule
    .command('run')
    .description('run a schedule now, on the interval before --at (default: now), without waiting for its time')
    .argument('<name>', 'monitoring schedule name')
    .option('--at <time>', 'the nominal time of the run (ISO-8601)')
    .action(async (name: string, opts: { at?: string }) => {
      const at = opts.at === undefined ? undefined : Date.parse(opts.at);
      if (at !== undefined && Number.isNaN(at)) throw new InvalidArgumentError(`--at must be an ISO-8601 time, got '${opts.at}'`);
      const app = await ctx.app();
      const run = await app.monitoring.runNow(name, at);
      emit(
        ctx.io,
        ctx.json(),
        executionSummary(run),
        () =>
          `${run.status}: ${run.violations} violation(s), ${run.rows ?? 0} rows between ${iso(run.windowStart)} and ${iso(run.windowEnd)}${run.failureReason ? ` (${run.failureReason})` : ''} -> ${run.outputPath}`,
      );
    });
  for (const [verb, status] of [
    ['stop', 'Stopped'],
    ['start', 'Scheduled'],
  ] as const) {
    schedule
      .command(verb)
      .description(verb === 'stop' ? 'stop a schedule (StopMonitoringSchedule)' : 'start a stopped schedule again: it runs at its next slot from now')
      .argument('<name>', 'monitoring schedule name')
      .action(async (name: string) => {
        const app = await ctx.app();
        const s = await app.monitoring.setStatus(name, status);
        emit(ctx.io, ctx.json(), describeSchedule(s), () => `${s.name} ${s.status}${s.nextFireAt ? `, next run ${iso(s.nextFireAt)}` : ''}`);
      });
  }
  schedule
    .command('delete')
    .description('delete a schedule (its runs and their files stay)')
    .argument('<name>', 'monitoring schedule name')
    .action(async (name: string) => {
      const app = await ctx.app();
      await app.monitoring.delete(name);
      emit(ctx.io, ctx.json(), { MonitoringScheduleName: name, Deleted: true }, () => `deleted monitoring schedule ${name}`);
    });
}
