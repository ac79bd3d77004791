import type { Clock } from '../core/clock.js';
import { AppError, FailedPreconditionError, InvalidArgumentError, isAppError, oneLine } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { MetricDatum } from '../metrics/index.js';
import { parseIsoDuration } from '../core/iso-duration.js';
import type { AnalysisOutcome, AnalyzeRequest, EmittedMetric, MergeSummary, ModelQualityCaptureRequest, ModelQualityOutcome } from '../monitor/index.js';
import type { MonitoringStore } from './monitoring-store.js';
import type { ModelQualitySettings, MonitoringExecutionRecord, MonitoringScheduleRecord, MonitoringType } from './monitoring-types.js';
import { nextFireTime, parseScheduleExpression } from './schedule-expression.js';

/** Model Monitor's CloudWatch namespace for endpoint data-quality metrics (reference 4). */
export const DATA_METRICS_NAMESPACE = 'aws/sagemaker/Endpoints/data-metrics';
/** Model Monitor's CloudWatch namespace for endpoint model-quality metrics (reference 13.9). */
export const MODEL_METRICS_NAMESPACE = 'aws/sagemaker/Endpoints/model-metrics';

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
  /** A ModelQuality run: merge the window's capture with its labels, then analyse. */
  analyzeModelQuality(req: ModelQualityCaptureRequest): Promise<ModelQualityOutcome & { readonly merge: MergeSummary }>;
  publish(data: readonly MetricDatum[]): Promise<void>;
}

export interface MonitoringScheduleServiceDeps {
  readonly store: MonitoringStore;
  readonly ports: MonitoringPorts;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/** CreateMonitoringSchedule's input (on an endpoint; data quality unless `monitoringType` says ModelQuality). */
export interface ScheduleInput {
  readonly name: string;
  readonly monitoringType?: MonitoringType;
  /** Required with ModelQuality. */
  readonly modelQuality?: ModelQualitySettings;
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
    const type = input.monitoringType ?? 'DataQuality';
    if (type === 'ModelQuality') checkModelQuality(input.modelQuality);
    else if (input.modelQuality) throw new InvalidArgumentError('model-quality settings (ground truth, inference attribute) need --type ModelQuality');
    const now = this.deps.clock.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.find(input.name);
      const sameTimes = current && current.scheduleExpression === expression.expression;
      const next: MonitoringScheduleRecord = {
        name: input.name,
        ...(type === 'ModelQuality' ? { monitoringType: type, modelQuality: input.modelQuality! } : {}),
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
    const mq = s.monitoringType === 'ModelQuality' ? s.modelQuality : undefined;
    const windowStart = mq?.startTimeOffset ? scheduled + parseTimeOffset(mq.startTimeOffset) : scheduled - interval;
    const windowEnd = mq?.endTimeOffset ? scheduled + parseTimeOffset(mq.endTimeOffset) : scheduled;
    const outputPath = ports.outputFolder(s.endpointName, s.name, scheduled, interval < 3_600_000);
    const base: MonitoringExecutionRecord = {
      id: this.deps.ids('mon'),
      scheduleName: s.name,
      endpointName: s.endpointName,
      ...(mq ? { monitoringType: 'ModelQuality' as const } : {}),
      scheduledTime: scheduled,
      windowStart,
      windowEnd,
      status: 'InProgress',
      outputPath,
      violations: 0,
      startedAt: this.deps.clock.now(),
    };
    await this.deps.store.putExecution(base);
    let done: MonitoringExecutionRecord;
    try {
      const { dir, moreDirs } = await captureDirs(ports, s.endpointName);
      let outcome: { status: AnalysisOutcome['status']; failureReason?: string; violations: readonly unknown[]; metrics: readonly EmittedMetric[] };
      let extra: Partial<MonitoringExecutionRecord>;
      if (mq) {
        const result = await ports.analyzeModelQuality({
          title: `Model quality of ${s.endpointName} (${s.name}), ${new Date(windowStart).toISOString()} to ${new Date(windowEnd).toISOString()}`,
          merge: {
            captureDirs: [dir, ...moreDirs],
            groundTruthDir: ports.localPath(mq.groundTruthUri),
            fromMs: windowStart,
            toMs: windowEnd,
            // Labels are filed by the hour they were collected, after their predictions: read from the
            // window's start up to the run.
            labelsFromMs: windowStart,
            labelsToMs: Math.max(windowEnd, scheduled),
            inferenceAttribute: mq.inferenceAttribute,
          },
          ...(s.baselineStatisticsUri ? { statistics: ports.localPath(s.baselineStatisticsUri) } : {}),
          constraints: ports.localPath(s.baselineConstraintsUri),
          out: outputPath,
          ...(mq.minimumRecords === undefined ? {} : { minimumRecords: mq.minimumRecords }),
          replace: true,
        });
        outcome = result;
        const m = result.merge;
        extra = {
          rows: m.mergedRows,
          merge: {
            captureRecords: m.captureRecords,
            mergedRecords: m.mergedRecords,
            unlabelledRecords: m.unlabelledRecords,
            labelsNotMatched: m.labelsNotMatched,
          },
        };
      } else {
        const result = await ports.analyze({
          statistics: ports.localPath(s.baselineStatisticsUri),
          constraints: ports.localPath(s.baselineConstraintsUri),
          capture: { dir, moreDirs, fromMs: windowStart, toMs: scheduled, outputPosition: 'START' },
          out: outputPath,
          settings: Object.fromEntries(s.excludeFeatures.map((f) => [f, { exclude: true }])),
          report: `${outputPath}/report.html`,
          replace: true,
        });
        outcome = result;
        extra = result.capture ? { rows: result.capture.rows } : {};
      }
      done = {
        ...base,
        ...extra,
        status: outcome.status === 'Failed' ? 'Failed' : outcome.status,
        ...(outcome.failureReason ? { failureReason: outcome.failureReason } : {}),
        violations: outcome.violations.length,
        endedAt: this.deps.clock.now(),
      };
      // A failed model-quality run still publishes how many labelled records it found (item_count).
      if (outcome.status !== 'Failed' || mq) {
        const dimensions = { Endpoint: s.endpointName, MonitoringSchedule: s.name };
        await ports.publish(
          outcome.metrics.map((m) => ({
            namespace: mq ? MODEL_METRICS_NAMESPACE : DATA_METRICS_NAMESPACE,
            name: m.name,
            dimensions,
            // Model quality is stamped with the window's start (the analyzer's metric_time), data quality with the run's time.
            timestamp: mq ? windowStart : scheduled,
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

/** A window offset (`StartTimeOffset` / `EndTimeOffset`): `-P1D`, `-PT1H`, `-P1DT12H`, or zero; in milliseconds, never positive. */
export function parseTimeOffset(text: string): number {
  const m = /^(-)?(P.*)$/.exec(text);
  if (!m) throw new InvalidArgumentError(`time offset '${text}' is not a negative ISO-8601 duration such as -PT1H or -P1D`);
  const ms = parseIsoDuration(m[2]!);
  if (ms !== 0 && !m[1]) throw new InvalidArgumentError(`time offset '${text}' must be negative (e.g. -${text}): windows lie before the run`);
  return -ms;
}

function checkModelQuality(mq: ModelQualitySettings | undefined): void {
  if (!mq) throw new InvalidArgumentError('a ModelQuality schedule needs its ground truth (--ground-truth) and inference attribute');
  if (mq.problemType !== 'Regression') throw new InvalidArgumentError(`problem type '${String(mq.problemType)}' is not supported (Regression)`);
  if (!/^\d+$/.test(mq.inferenceAttribute))
    throw new InvalidArgumentError(`inference attribute '${mq.inferenceAttribute}' must be a column index of the endpoint's output, such as 0`);
  if (!mq.groundTruthUri) throw new InvalidArgumentError('the ground truth location is empty');
  const start = mq.startTimeOffset === undefined ? undefined : parseTimeOffset(mq.startTimeOffset);
  const end = mq.endTimeOffset === undefined ? undefined : parseTimeOffset(mq.endTimeOffset);
  if (start !== undefined && end !== undefined && !(end > start))
    throw new InvalidArgumentError(`the window is empty: end offset ${mq.endTimeOffset} must be after start offset ${mq.startTimeOffset}`);
  if (mq.minimumRecords !== undefined && !(Number.isInteger(mq.minimumRecords) && mq.minimumRecords >= 1))
    throw new InvalidArgumentError(`minimum records must be a whole number of at least 1, got ${mq.minimumRecords}`);
}

function phaseOf(s: MonitoringScheduleRecord): number {
  return s.phaseFrom ?? s.createdAt;
}

function firstFire(expression: ReturnType<typeof parseScheduleExpression>, now: number): { nextFireAt?: number } {
  const t = nextFireTime(expression, now, now);
  return t === undefined ? {} : { nextFireAt: t };
}
