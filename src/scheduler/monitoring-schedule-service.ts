import type { Clock } from '../core/clock.js';
import { AppError, FailedPreconditionError, InvalidArgumentError, isAppError, oneLine } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { MetricDatum } from '../metrics/index.js';
import type { AnalysisOutcome, AnalyzeRequest } from '../monitor/index.js';
import type { MonitoringStore } from './monitoring-store.js';
import type { MonitoringExecutionRecord, MonitoringScheduleRecord } from './monitoring-types.js';
import { nextFireTime, parseScheduleExpression } from './schedule-expression.js';

/** Model Monitor's CloudWatch namespace for endpoint data-quality metrics (reference 4). */
export const DATA_METRICS_NAMESPACE = 'aws/sagemaker/Endpoints/data-metrics';

const NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** Runs are found by catching up at most this many missed slots (then the latest is taken). */
const MAX_CATCH_UP = 100_000;

/** What a schedule needs to know of the world: capture folders, local baselines, where to write. */
export interface MonitoringPorts {
  /** The capture folders (`<destination>/<endpoint>/<variant>`, one per variant) of the endpoint's traffic; `failed_precondition` when it captures nothing. */
  captureDirsOf(endpointName: string): Promise<readonly string[]>;
  /** A baseline file URI as a local path. */
  localPath(uri: string): string;
  /** The folder of a run's output: `<root>/<endpoint>/<schedule>/yyyy/mm/dd/hh[/MM]`. */
  outputFolder(endpointName: string, scheduleName: string, scheduledTime: number, subHourly: boolean): string;
  analyze(req: AnalyzeRequest): Promise<AnalysisOutcome>;
  publish(data: readonly MetricDatum[]): Promise<void>;
}

export interface MonitoringScheduleServiceDeps {
  readonly store: MonitoringStore;
  readonly ports: MonitoringPorts;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/** CreateMonitoringSchedule's input (data quality, on an endpoint). */
export interface ScheduleInput {
  readonly name: string;
  readonly endpointName: string;
  readonly scheduleExpression: string;
  readonly baselineStatisticsUri: string;
  readonly baselineConstraintsUri: string;
  readonly excludeFeatures?: readonly string[];
}

/**
 * Model Monitor schedules on endpoints. `runDue()` (the server calls it every few seconds) starts
 * each schedule whose stored next fire time has come: once, for the latest slot passed (after a
 * downtime, missed slots are not run one by one), after moving the stored next fire time on (a
 * restart neither loses nor repeats a run; two servers never run the same slot: the move is
 * revision-fenced). A run analyses the capture of the interval before its nominal time with the
 * monitor engine, writes Model Monitor's files under the schedule's hourly folder, records an
 * execution (Completed, CompletedWithViolations, or Failed when there is no data) and publishes
 * the analysis metrics (`feature_baseline_drift_<feature>`…) stamped with the nominal time.
 */
export class MonitoringScheduleService {
  constructor(private readonly deps: MonitoringScheduleServiceDeps) {}

  /** Creates a schedule, or replaces the definition of one of the same name (its next run is kept when the expression is unchanged). */
  async putSchedule(input: ScheduleInput): Promise<MonitoringScheduleRecord> {
    if (!NAME.test(input.name)) throw new InvalidArgumentError(`invalid monitoring schedule name '${input.name}': use 1 to 63 letters, digits and hyphens`);
    const expression = parseScheduleExpression(input.scheduleExpression);
    const now = this.deps.clock.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.find(input.name);
      const sameTimes = current && current.scheduleExpression === expression.expression;
      const next: MonitoringScheduleRecord = {
        name: input.name,
        endpointName: input.endpointName,
        scheduleExpression: expression.expression,
        baselineStatisticsUri: input.baselineStatisticsUri,
        baselineConstraintsUri: input.baselineConstraintsUri,
        excludeFeatures: [...(input.excludeFeatures ?? [])],
        status: current?.status ?? 'Scheduled',
        ...(sameTimes && current.nextFireAt !== undefined ? { nextFireAt: current.nextFireAt } : firstFire(expression, now)),
        phaseFrom: sameTimes ? (current.phaseFrom ?? current.createdAt) : now,
        ...(current?.lastScheduledTime === undefined ? {} : { lastScheduledTime: current.lastScheduledTime }),
        createdAt: current?.createdAt ?? now,
        updatedAt: now,
        revision: (current?.revision ?? 0) + 1,
      };
      const saved = await this.deps.store.saveSchedule(next);
      if (saved) return saved;
    }
    throw new AppError('conflict', `monitoring schedule '${input.name}' kept changing while it was being saved: try again`);
  }

  get(name: string): Promise<MonitoringScheduleRecord> {
    return this.deps.store.getSchedule(name);
  }

  list(): Promise<MonitoringScheduleRecord[]> {
    return this.deps.store.listSchedules();
  }

  executions(name: string, limit?: number): Promise<MonitoringExecutionRecord[]> {
    return this.deps.store.listExecutions(name, limit);
  }

  delete(name: string): Promise<void> {
    return this.deps.store.deleteSchedule(name);
  }

  /** StopMonitoringSchedule / StartMonitoringSchedule. A started schedule fires next at its next slot from now. */
  async setStatus(name: string, status: 'Scheduled' | 'Stopped'): Promise<MonitoringScheduleRecord> {
    const current = await this.deps.store.getSchedule(name);
    if (current.status === status) return current;
    const now = this.deps.clock.now();
    const { nextFireAt: _next, ...rest } = current;
    const next: MonitoringScheduleRecord = {
      ...rest,
      status,
      ...(status === 'Scheduled' ? { ...firstFire(parseScheduleExpression(current.scheduleExpression), now), phaseFrom: now } : {}),
      updatedAt: now,
      revision: current.revision + 1,
    };
    return (await this.deps.store.saveSchedule(next)) ?? this.deps.store.getSchedule(name);
  }

  /** Runs every schedule whose time has come; returns the executions it ran. */
  async runDue(): Promise<MonitoringExecutionRecord[]> {
    const out: MonitoringExecutionRecord[] = [];
    const now = this.deps.clock.now();
    for (const s of await this.deps.store.listSchedules()) {
      if (s.status !== 'Scheduled' || s.nextFireAt === undefined || s.nextFireAt > now) continue;
      const expression = parseScheduleExpression(s.scheduleExpression);
      let scheduled = s.nextFireAt;
      for (let i = 0; i < MAX_CATCH_UP; i++) {
        const n = nextFireTime(expression, scheduled, phaseOf(s));
        if (n === undefined || n > now) break;
        scheduled = n;
      }
      const following = nextFireTime(expression, now, phaseOf(s));
      const { nextFireAt: _old, ...rest } = s;
      const claimed = await this.deps.store.saveSchedule({
        ...rest,
        ...(following === undefined ? {} : { nextFireAt: following }),
        lastScheduledTime: scheduled,
        updatedAt: now,
        revision: s.revision + 1,
      });
      if (!claimed) continue; // another process runs this slot
      out.push(await this.execute(claimed, scheduled, expression));
    }
    return out;
  }

  /** Runs a schedule once now, for the interval ending at `scheduledTime` (the CLI's `schedule run`). */
  async runNow(name: string, scheduledTime = this.deps.clock.now()): Promise<MonitoringExecutionRecord> {
    const s = await this.deps.store.getSchedule(name);
    return this.execute(s, scheduledTime, parseScheduleExpression(s.scheduleExpression));
  }

  private async execute(
    s: MonitoringScheduleRecord,
    scheduled: number,
    expression: ReturnType<typeof parseScheduleExpression>,
  ): Promise<MonitoringExecutionRecord> {
    const { ports } = this.deps;
    // The window is one period of the schedule before the nominal time (an hour for the sample's
    // hourly schedule), the period measured between its next two slots so that a run at any time
    // (`runNow`) covers the same length as a scheduled one.
    const n1 = nextFireTime(expression, scheduled, phaseOf(s));
    const n2 = n1 === undefined ? undefined : nextFireTime(expression, n1, phaseOf(s));
    const interval = Math.max(60_000, n1 !== undefined && n2 !== undefined ? n2 - n1 : 3_600_000);
    const windowStart = scheduled - interval;
    const outputPath = ports.outputFolder(s.endpointName, s.name, scheduled, interval < 3_600_000);
    const base: MonitoringExecutionRecord = {
      id: this.deps.ids('mon'),
      scheduleName: s.name,
      endpointName: s.endpointName,
      scheduledTime: scheduled,
      windowStart,
      windowEnd: scheduled,
      status: 'InProgress',
      outputPath,
      violations: 0,
      startedAt: this.deps.clock.now(),
    };
    await this.deps.store.putExecution(base);
    let done: MonitoringExecutionRecord;
    try {
      const outcome = await ports.analyze({
        statistics: ports.localPath(s.baselineStatisticsUri),
        constraints: ports.localPath(s.baselineConstraintsUri),
        capture: { ...(await captureDirs(ports, s.endpointName)), fromMs: windowStart, toMs: scheduled, outputPosition: 'START' },
        out: outputPath,
        settings: Object.fromEntries(s.excludeFeatures.map((f) => [f, { exclude: true }])),
        report: `${outputPath}/report.html`,
        replace: true,
      });
      done = {
        ...base,
        status: outcome.status === 'Failed' ? 'Failed' : outcome.status,
        ...(outcome.failureReason ? { failureReason: outcome.failureReason } : {}),
        violations: outcome.violations.length,
        ...(outcome.capture ? { rows: outcome.capture.rows } : {}),
        endedAt: this.deps.clock.now(),
      };
      if (outcome.status !== 'Failed') {
        const dimensions = { Endpoint: s.endpointName, MonitoringSchedule: s.name };
        await ports.publish(
          outcome.metrics.map((m) => ({
            namespace: DATA_METRICS_NAMESPACE,
            name: m.name,
            dimensions,
            timestamp: scheduled,
            value: m.value,
            unit: 'None' as const,
          })),
        );
      }
    } catch (err) {
      if (isAppError(err) && err.code === 'unavailable') this.deps.logger.warn('monitoring run failed', { schedule: s.name, error: oneLine(err) });
      done = { ...base, status: 'Failed', failureReason: oneLine(err), endedAt: this.deps.clock.now() };
    }
    await this.deps.store.putExecution(done);
    this.deps.logger.info('monitoring run', { schedule: s.name, status: done.status, violations: done.violations });
    return done;
  }

  private async find(name: string): Promise<MonitoringScheduleRecord | undefined> {
    try {
      return await this.deps.store.getSchedule(name);
    } catch (err) {
      if (isAppError(err) && err.code === 'not_found') return undefined;
      throw err;
    }
  }
}

/** Every variant's capture folder: the first as `dir`, the others as `moreDirs` (an endpoint's variants are monitored as one). */
async function captureDirs(ports: MonitoringPorts, endpointName: string): Promise<{ dir: string; moreDirs: readonly string[] }> {
  const [dir, ...moreDirs] = await ports.captureDirsOf(endpointName);
  if (dir === undefined) throw new FailedPreconditionError(`endpoint ${endpointName} has no variant to monitor`);
  return { dir, moreDirs };
}

function phaseOf(s: MonitoringScheduleRecord): number {
  return s.phaseFrom ?? s.createdAt;
}

function firstFire(expression: ReturnType<typeof parseScheduleExpression>, now: number): { nextFireAt?: number } {
  const t = nextFireTime(expression, now, now);
  return t === undefined ? {} : { nextFireAt: t };
}
