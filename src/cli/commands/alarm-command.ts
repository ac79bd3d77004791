import type { Command } from 'commander';
import { InvalidArgumentError } from '../../core/errors.js';
import type { AlarmRecord, AlarmState } from '../../alarms/index.js';
import { ALARM_STATES } from '../../alarms/alarm-states.js';
import type { CliContext } from '../cli-context.js';
import { emit, table } from '../output.js';
import { parseInteger } from './data-command.js';
import { readJsonFile } from './read-json-file.js';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

/** `name=value` pairs of repeated options into dimensions. */
function dimensions(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of pairs) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`--dimension expects Name=Value, got '${kv}'`);
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return out;
}

const collect = (v: string, all: string[]) => [...all, v];

function parseTime(flag: string, text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`${flag} must be an ISO-8601 time like 2024-05-01T12:00:00Z, got '${text}'`);
  return ms;
}

/** DescribeAlarms' fields of one alarm. */
function describeAlarm(a: AlarmRecord) {
  return {
    ...a.definition,
    AlarmArn: a.arn,
    StateValue: a.state,
    StateReason: a.stateReason,
    ...(a.stateReasonData ? { StateReasonData: a.stateReasonData } : {}),
    StateUpdatedTimestamp: new Date(a.stateUpdatedAt).toISOString(),
  };
}

/** `driftline metrics …` and `driftline alarm …`: CloudWatch's metrics and alarms on this machine. */
export function registerAlarmCommands(program: Command, ctx: CliContext): void {
  const metrics = program.command('metrics').description('CloudWatch-style metrics: put data points, read statistics (endpoints and monitors publish here)');
  metrics
    .command('put')
    .description('PutMetricData: one data point (as the deployment notebook does to test the alarm)')
    .requiredOption('--namespace <ns>', 'e.g. aws/sagemaker/Endpoints/data-metrics')
    .requiredOption('--name <metric>', 'e.g. feature_baseline_drift_fare_amount')
    .requiredOption('--value <number>', 'the value')
    .option('--dimension <Name=Value>', 'a dimension (repeat)', collect, [])
    .option('--unit <unit>', 'a CloudWatch unit', 'None')
    .option('--timestamp <time>', 'ISO-8601 (default: now)')
    .action(async (opts: { namespace: string; name: string; value: string; dimension: string[]; unit: string; timestamp?: string }) => {
      const app = await ctx.app();
      const value = Number(opts.value);
      if (opts.value.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError(`--value must be a finite number, got '${opts.value}'`);
      const stored = await app.metrics.putMetricData({
        Namespace: opts.namespace,
        MetricData: [
          {
            MetricName: opts.name,
            Dimensions: Object.entries(dimensions(opts.dimension)).map(([Name, Value]) => ({ Name, Value })),
            Value: value,
            Unit: opts.unit,
            ...(opts.timestamp ? { Timestamp: parseTime('--timestamp', opts.timestamp) } : {}),
          },
        ],
      });
      emit(ctx.io, ctx.json(), { stored: stored.length }, () => `stored ${opts.name} = ${value} at ${new Date(stored[0]!.timestamp).toISOString()}`);
    });
  metrics
    .command('get')
    .description('GetMetricStatistics: statistics per period of one metric')
    .requiredOption('--namespace <ns>', 'namespace')
    .requiredOption('--name <metric>', 'metric name')
    .option('--dimension <Name=Value>', 'a dimension (repeat; all of the metric’s dimensions)', collect, [])
    .option('--period <seconds>', '1, 5, 10, 30 or a multiple of 60', '3600')
    .option('--statistics <list>', 'Average,Sum,Minimum,Maximum,SampleCount or percentiles like p90', 'Average,Maximum,SampleCount')
    .option('--from <time>', 'ISO-8601 (default: 24 hours ago)')
    .option('--to <time>', 'ISO-8601 (default: now)')
    .action(async (opts: { namespace: string; name: string; dimension: string[]; period: string; statistics: string; from?: string; to?: string }) => {
      const app = await ctx.app();
      const to = opts.to ? parseTime('--to', opts.to) : Date.now() + 1;
      const from = opts.from ? parseTime('--from', opts.from) : to - 86_400_000;
      const stats = opts.statistics.split(',').map((s) => s.trim());
      const r = await app.metrics.getMetricStatistics({
        namespace: opts.namespace,
        name: opts.name,
        dimensions: dimensions(opts.dimension),
        from,
        to,
        period: parseInteger('--period', opts.period, 1),
        statistics: stats,
      });
      emit(ctx.io, ctx.json(), r, () =>
        r.Datapoints.length === 0
          ? `no data points for ${opts.name} in that time`
          : table(
              ['PERIOD (UTC)', ...stats],
              r.Datapoints.map((d) => [
                String(d['Timestamp']).slice(0, 19).replace('T', ' '),
                ...stats.map((s) => String(d[s] ?? d[`ExtendedStatistics.${s}`] ?? '')),
              ]),
            ),
      );
    });
  metrics
    .command('list')
    .description('ListMetrics: every metric with its dimensions')
    .option('--namespace <ns>', 'only this namespace')
    .option('--name <metric>', 'only this metric name')
    .action(async (opts: { namespace?: string; name?: string }) => {
      const app = await ctx.app();
      const list = await app.metrics.listMetrics({ ...(opts.namespace ? { namespace: opts.namespace } : {}), ...(opts.name ? { name: opts.name } : {}) });
      emit(
        ctx.io,
        ctx.json(),
        {
          Metrics: list.map((m) => ({
            Namespace: m.namespace,
            MetricName: m.name,
            Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({ Name, Value })),
          })),
        },
        () =>
          list.length === 0
            ? 'no metrics yet'
            : table(
                ['NAMESPACE', 'METRIC', 'DIMENSIONS'],
                list.map((m) => [
                  m.namespace,
                  m.name,
                  Object.entries(m.dimensions)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(' '),
                ]),
              ),
      );
    });

  const alarm = program
    .command('alarm')
    .description('CloudWatch-style alarms: a metric against a threshold; each state change is an event (rules can start retraining)');
  alarm
    .command('put')
    .description('PutMetricAlarm from a JSON file (CloudWatch field names)')
    .requiredOption(
      '--file <file>',
      '{"AlarmName", "Namespace", "MetricName", "Dimensions", "Statistic", "Period", "EvaluationPeriods", "Threshold", "ComparisonOperator"}',
    )
    .action(async (opts: { file: string }) => {
      const app = await ctx.app();
      const a = await app.alarms.putMetricAlarm(await readJsonFile(ctx.io.cwd, opts.file, 'alarm file'));
      emit(ctx.io, ctx.json(), describeAlarm(a), () => `alarm ${a.definition.AlarmName} ${a.state}`);
    });
  alarm
    .command('list')
    .description('DescribeAlarms: every alarm with its state')
    .option('--state <state>', `only ${ALARM_STATES.join(', ')}`)
    .action(async (opts: { state?: string }) => {
      if (opts.state !== undefined && !(ALARM_STATES as readonly string[]).includes(opts.state))
        throw new InvalidArgumentError(`--state must be one of ${ALARM_STATES.join(', ')}, got '${opts.state}'`);
      const app = await ctx.app();
      const list = await app.alarms.list(opts.state ? { state: opts.state } : {});
      emit(ctx.io, ctx.json(), { MetricAlarms: list.map(describeAlarm) }, () =>
        list.length === 0
          ? 'no alarms yet (the deployment pipeline creates one with production)'
          : table(
              ['NAME', 'STATE', 'SINCE (UTC)', 'CONDITION'],
              list.map((a) => [
                a.definition.AlarmName,
                a.state,
                iso(a.stateUpdatedAt),
                `${a.definition.Statistic}(${a.definition.MetricName}) ${a.definition.ComparisonOperator.replace('Threshold', '')} ${a.definition.Threshold} over ${a.definition.Period} s`,
              ]),
            ),
      );
    });
  alarm
    .command('describe')
    .description('one alarm: definition, state, reason, and its history')
    .argument('<name>', 'alarm name')
    .action(async (name: string) => {
      const app = await ctx.app();
      const a = await app.alarms.get(name);
      const history = await app.alarms.history(name, 20);
      emit(ctx.io, ctx.json(), { ...describeAlarm(a), AlarmHistoryItems: history.map((h) => ({ ...h, timestamp: new Date(h.timestamp).toISOString() })) }, () =>
        [
          `${a.definition.AlarmName}  ${a.state} since ${iso(a.stateUpdatedAt)}`,
          `  reason     ${a.stateReason}`,
          `  metric     ${a.definition.Namespace} ${a.definition.MetricName} ${a.definition.Dimensions.map((d) => `${d.Name}=${d.Value}`).join(' ')}`,
          `  condition  ${a.definition.Statistic} ${a.definition.ComparisonOperator} ${a.definition.Threshold}, ${a.definition.DatapointsToAlarm} of ${a.definition.EvaluationPeriods} periods of ${a.definition.Period} s, missing data: ${a.definition.TreatMissingData}`,
          '',
          table(
            ['WHEN (UTC)', 'TYPE', 'SUMMARY'],
            history.map((h) => [iso(h.timestamp), h.type, h.summary]),
          ),
        ].join('\n'),
      );
    });
  alarm
    .command('set-state')
    .description('SetAlarmState: force a state until the next evaluation (to test what a state change triggers)')
    .argument('<name>', 'alarm name')
    .requiredOption('--state <state>', ALARM_STATES.join(', '))
    .requiredOption('--reason <text>', 'why')
    .action(async (name: string, opts: { state: string; reason: string }) => {
      if (!(ALARM_STATES as readonly string[]).includes(opts.state))
        throw new InvalidArgumentError(`--state must be one of ${ALARM_STATES.join(', ')}, got '${opts.state}'`);
      const app = await ctx.app();
      const a = await app.alarms.setAlarmState(name, opts.state as AlarmState, opts.reason);
      emit(ctx.io, ctx.json(), describeAlarm(a), () => `alarm ${name} ${a.state}: ${a.stateReason}`);
    });
  alarm
    .command('evaluate')
    .description('evaluate every alarm now (the server does it every 10 seconds) and print the changes')
    .action(async () => {
      const app = await ctx.app();
      const changed = await app.alarms.evaluateAll();
      emit(ctx.io, ctx.json(), { Changed: changed.map(describeAlarm) }, () =>
        changed.length === 0 ? 'no alarm changed state' : changed.map((a) => `${a.definition.AlarmName} -> ${a.state}: ${a.stateReason}`).join('\n'),
      );
    });
  alarm
    .command('delete')
    .description('delete an alarm and its history')
    .argument('<name>', 'alarm name')
    .action(async (name: string) => {
      const app = await ctx.app();
      await app.alarms.delete(name);
      emit(ctx.io, ctx.json(), { AlarmName: name, Deleted: true }, () => `deleted alarm ${name}`);
    });
}
