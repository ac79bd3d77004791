import { z } from 'zod';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../core/arn.js';
import type { Clock } from '../core/clock.js';
import { AppError, InvalidArgumentError, isAppError, oneLine } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import { makeEvent, type EventBus, type EventEnvelope } from '../events/index.js';
import { parseStatistic, type MetricStore } from '../metrics/index.js';
import type { AlarmStore } from './alarm-store.js';
import { COMPARISON_OPERATORS, TREAT_MISSING_DATA, cwTime, evaluateAlarm, evaluationWindow, type AlarmState } from './evaluate-alarm.js';
import type { AlarmHistoryItem, AlarmRecord, MetricAlarmDefinition } from './types.js';

/** EventBridge source and detail-type of alarm state changes (reference 6.5). */
export const CLOUDWATCH_EVENT_SOURCE = 'aws.cloudwatch';
export const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';

/** `arn:aws:cloudwatch:local:000000000000:alarm:<name>`. */
export function alarmArn(name: string): string {
  return `arn:aws:cloudwatch:${LOCAL_REGION}:${LOCAL_ACCOUNT}:alarm:${name}`;
}

const NAME = /^[^\s:][^:]{0,254}$/;
const text = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .min(1, { error: `must be 1 to ${max} characters` })
    .max(max, { error: `must be 1 to ${max} characters` });
const positiveInt = z.int({ error: 'must be a whole number >= 1' }).min(1, { error: 'must be a whole number >= 1' });

const alarmSchema = z
  .strictObject(
    {
      AlarmName: text(255).regex(NAME, { error: 'must not hold a colon or start with a space' }),
      AlarmDescription: z.string({ error: 'must be a string' }).max(1024, { error: 'must be at most 1024 characters' }).optional(),
      Namespace: text(255),
      MetricName: text(255),
      Dimensions: z
        .array(z.strictObject({ Name: text(255), Value: text(1024) }, { error: 'must be {Name, Value}' }), { error: 'must be a list' })
        .max(30, { error: 'must hold at most 30 dimensions' })
        .default([]),
      Statistic: z.string({ error: 'must be a statistic' }).optional(),
      ExtendedStatistic: z.string({ error: 'must be a percentile like p90' }).optional(),
      Period: z.int({ error: 'must be 10, 20, 30 or a multiple of 60 seconds' }).refine((p) => [10, 20, 30].includes(p) || (p > 0 && p % 60 === 0), {
        error: 'must be 10, 20, 30 or a multiple of 60 seconds',
      }),
      EvaluationPeriods: positiveInt,
      DatapointsToAlarm: positiveInt.optional(),
      Threshold: z.number({ error: 'must be a finite number' }),
      ComparisonOperator: z.enum(COMPARISON_OPERATORS, { error: `must be one of ${COMPARISON_OPERATORS.join(', ')}` }),
      TreatMissingData: z.enum(TREAT_MISSING_DATA, { error: `must be one of ${TREAT_MISSING_DATA.join(', ')}` }).default('missing'),
      ActionsEnabled: z.boolean({ error: 'must be true or false' }).default(true),
    },
    { error: 'must be a PutMetricAlarm object' },
  )
  .superRefine((a, ctx) => {
    if ((a.Statistic === undefined) === (a.ExtendedStatistic === undefined))
      ctx.addIssue({ code: 'custom', message: 'give exactly one of Statistic or ExtendedStatistic' });
    if (a.DatapointsToAlarm !== undefined && a.DatapointsToAlarm > a.EvaluationPeriods)
      ctx.addIssue({ code: 'custom', path: ['DatapointsToAlarm'], message: 'must not exceed EvaluationPeriods' });
    if (a.Period * a.EvaluationPeriods > 7 * 86_400)
      ctx.addIssue({ code: 'custom', path: ['EvaluationPeriods'], message: 'Period x EvaluationPeriods must be at most one week' });
  });

/** Checks a PutMetricAlarm document; one-line `invalid_argument` naming the field. */
export function parseMetricAlarm(doc: unknown): MetricAlarmDefinition {
  const r = alarmSchema.safeParse(doc);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new InvalidArgumentError(`invalid PutMetricAlarm${at ? ` field ${at.replace(/^\./, '')}` : ''}: ${issue.message.replace(/\s+/g, ' ')}`);
  }
  const a = r.data;
  const statistic = a.Statistic ?? a.ExtendedStatistic!;
  try {
    parseStatistic(statistic);
  } catch (err) {
    throw new InvalidArgumentError(`invalid PutMetricAlarm field ${a.Statistic ? 'Statistic' : 'ExtendedStatistic'}: ${(err as Error).message}`);
  }
  return {
    AlarmName: a.AlarmName,
    ...(a.AlarmDescription === undefined ? {} : { AlarmDescription: a.AlarmDescription }),
    Namespace: a.Namespace,
    MetricName: a.MetricName,
    Dimensions: a.Dimensions,
    Statistic: statistic as MetricAlarmDefinition['Statistic'],
    Period: a.Period,
    EvaluationPeriods: a.EvaluationPeriods,
    DatapointsToAlarm: a.DatapointsToAlarm ?? a.EvaluationPeriods,
    Threshold: a.Threshold,
    ComparisonOperator: a.ComparisonOperator,
    TreatMissingData: a.TreatMissingData,
    ActionsEnabled: a.ActionsEnabled,
  };
}

export interface AlarmServiceDeps {
  readonly store: AlarmStore;
  readonly metrics: Pick<MetricStore, 'query'>;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/**
 * CloudWatch alarms: PutMetricAlarm, evaluation with CloudWatch's semantics against the metric
 * store, state history, SetAlarmState, and a "CloudWatch Alarm State Change" event on the bus at
 * every state change (never while the state stays the same), in EventBridge's shape (reference 6.5).
 */
export class AlarmService {
  constructor(private readonly deps: AlarmServiceDeps) {}

  /** Creates or replaces an alarm; a new one starts INSUFFICIENT_DATA, a replaced one keeps its state. */
  async putMetricAlarm(doc: unknown): Promise<AlarmRecord> {
    const definition = parseMetricAlarm(doc);
    const now = this.deps.clock.now();
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.find(definition.AlarmName);
      const next: AlarmRecord = current
        ? { ...current, definition, revision: current.revision + 1 }
        : {
            definition,
            arn: alarmArn(definition.AlarmName),
            state: 'INSUFFICIENT_DATA',
            stateReason: 'Unchecked: Initial alarm creation',
            stateUpdatedAt: now,
            createdAt: now,
            revision: 1,
          };
      const history: AlarmHistoryItem = {
        alarmName: definition.AlarmName,
        timestamp: now,
        type: 'ConfigurationUpdate',
        summary: `Alarm "${definition.AlarmName}" ${current ? 'updated' : 'created'}`,
        data: JSON.stringify({ type: current ? 'Update' : 'Create', version: '1.0', updatedAlarm: definition }),
      };
      const saved = await this.deps.store.saveAlarm(next, history);
      if (saved) return saved;
    }
    throw new AppError('conflict', `alarm '${definition.AlarmName}' kept changing while it was being saved: try again`);
  }

  get(name: string): Promise<AlarmRecord> {
    return this.deps.store.getAlarm(name);
  }

  list(filter?: { state?: string; prefix?: string }): Promise<AlarmRecord[]> {
    return this.deps.store.listAlarms(filter);
  }

  history(name: string, limit?: number): Promise<AlarmHistoryItem[]> {
    return this.deps.store.history(name, limit);
  }

  delete(name: string): Promise<void> {
    return this.deps.store.deleteAlarm(name);
  }

  /** SetAlarmState: forces a state until the next evaluation (CloudWatch's way to test actions and rules). */
  async setAlarmState(name: string, state: AlarmState, reason: string, reasonData?: string): Promise<AlarmRecord> {
    const current = await this.deps.store.getAlarm(name);
    return (await this.transition(current, state, reason, reasonData)) ?? this.deps.store.getAlarm(name);
  }

  /** Evaluates every alarm at the clock's time; returns the alarms whose state changed. A failing alarm does not stop the others. */
  async evaluateAll(): Promise<AlarmRecord[]> {
    const changed: AlarmRecord[] = [];
    for (const alarm of await this.deps.store.listAlarms()) {
      try {
        const next = await this.evaluate(alarm);
        if (next) changed.push(next);
      } catch (err) {
        if (isAppError(err) && err.code === 'unavailable') throw err;
        this.deps.logger.warn('alarm evaluation failed', { alarm: alarm.definition.AlarmName, error: oneLine(err) });
      }
    }
    return changed;
  }

  private async evaluate(alarm: AlarmRecord): Promise<AlarmRecord | undefined> {
    const d = alarm.definition;
    const now = this.deps.clock.now();
    const rule = {
      statistic: d.Statistic,
      period: d.Period,
      evaluationPeriods: d.EvaluationPeriods,
      datapointsToAlarm: d.DatapointsToAlarm,
      threshold: d.Threshold,
      comparisonOperator: d.ComparisonOperator,
      treatMissingData: d.TreatMissingData,
    };
    const window = evaluationWindow(rule, now);
    const data = await this.deps.metrics.query(
      { namespace: d.Namespace, name: d.MetricName, dimensions: Object.fromEntries(d.Dimensions.map((x) => [x.Name, x.Value])) },
      window.from,
      window.to,
    );
    const e = evaluateAlarm(rule, data, now, alarm.state);
    if (e.state === alarm.state) return undefined;
    return this.transition(alarm, e.state, e.reason, e.reasonData);
  }

  private async transition(current: AlarmRecord, state: AlarmState, reason: string, reasonData?: string): Promise<AlarmRecord | undefined> {
    const now = this.deps.clock.now();
    const name = current.definition.AlarmName;
    const next: AlarmRecord = {
      ...current,
      state,
      stateReason: reason,
      ...(reasonData === undefined ? {} : { stateReasonData: reasonData }),
      stateUpdatedAt: now,
      evaluatedAt: now,
      revision: current.revision + 1,
    };
    const oldState = { stateValue: current.state, stateReason: current.stateReason };
    const newState = { stateValue: state, stateReason: reason };
    const saved = await this.deps.store.saveAlarm(next, {
      alarmName: name,
      timestamp: now,
      type: 'StateUpdate',
      summary: `Alarm updated from ${current.state} to ${state}`,
      data: JSON.stringify({ version: '1.0', oldState, newState }),
    });
    if (!saved) return undefined; // another evaluator got there first: its event is the one
    this.deps.logger.info('alarm state changed', { alarm: name, from: current.state, to: state });
    await this.deps.events.publish(this.stateChangeEvent(current, saved));
    return saved;
  }

  private stateChangeEvent(previous: AlarmRecord, current: AlarmRecord): EventEnvelope {
    const d = current.definition;
    const state = (a: AlarmRecord) => ({
      value: a.state,
      reason: a.stateReason,
      ...(a.stateReasonData ? { reasonData: a.stateReasonData } : {}),
      timestamp: cwTime(a.stateUpdatedAt),
    });
    return makeEvent(
      CLOUDWATCH_EVENT_SOURCE,
      ALARM_STATE_CHANGE,
      [current.arn],
      {
        alarmName: d.AlarmName,
        state: state(current),
        previousState: state(previous),
        configuration: {
          ...(d.AlarmDescription ? { description: d.AlarmDescription } : {}),
          metrics: [
            {
              id: 'm1',
              metricStat: {
                metric: { namespace: d.Namespace, name: d.MetricName, dimensions: Object.fromEntries(d.Dimensions.map((x) => [x.Name, x.Value])) },
                period: d.Period,
                stat: d.Statistic,
              },
              returnData: true,
            },
          ],
        },
      },
      this.deps.clock,
      this.deps.ids,
    );
  }

  private async find(name: string): Promise<AlarmRecord | undefined> {
    try {
      return await this.deps.store.getAlarm(name);
    } catch (err) {
      if (isAppError(err) && err.code === 'not_found') return undefined;
      throw err;
    }
  }
}
