import { LOCAL_ACCOUNT, LOCAL_REGION } from '../core/arn.js';
import type { Clock } from '../core/clock.js';
import { FailedPreconditionError, InvalidArgumentError, oneLine } from '../core/errors.js';
import type { IdGenerator } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { Page } from '../core/paging.js';
import { nextFireTime, parseScheduleExpression, type ScheduleExpression } from '../scheduler/index.js';
import type { EventEnvelope } from './event-envelope.js';
import { matchesPattern, parseEventPattern, type EventPattern } from './event-pattern.js';
import type {
  CapturedTrainingData,
  DeliveryQuery,
  DeliveryRecord,
  EventQuery,
  EventStore,
  RuleRecord,
  RuleState,
  RuleTarget,
  StoredEvent,
} from './event-store.js';
import { makeEvent } from './make-event.js';

/** Runs one target for one event. Throwing (or rejecting) means "not delivered": the delivery is tried again later. */
export interface RuleTargetRunner {
  run(target: RuleTarget, event: EventEnvelope, rule: RuleRecord): Promise<void>;
}

/** Events and their succeeded deliveries are kept this long (dead letters and pending deliveries keep their events). */
export const DEFAULT_EVENT_RETENTION_MS = 30 * 86_400_000;

export interface RuleServiceDeps {
  readonly store: EventStore;
  /** How long events are kept (default 30 days). */
  readonly retentionMs?: number;
  readonly runner: RuleTargetRunner;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** Publishes on the event bus (`putEvent`); absent: `putEvent` is refused. */
  readonly publish?: (event: EventEnvelope) => Promise<void>;
  /** Attempts before a delivery goes to the dead-letter list (default 5). */
  readonly maxAttempts?: number;
  /** First retry delay, doubled after each failure up to `maxBackoffMs` (defaults 1 s and 5 min). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long a delivery being attempted is hidden from other processes (default 60 s). */
  readonly leaseMs?: number;
  /** Deliveries attempted per `deliverDue` call at most (default 100). */
  readonly batchSize?: number;
}

export interface PutRuleInput {
  readonly name: string;
  /** JSON text or a parsed pattern. */
  readonly eventPattern?: unknown;
  readonly scheduleExpression?: string;
  readonly state?: RuleState;
  readonly description?: string;
}

export type TargetInput =
  | {
      readonly id?: string;
      readonly kind: 'pipeline';
      readonly pipelineName: string;
      readonly parameters?: Readonly<Record<string, string>>;
      readonly trainingData?: CapturedTrainingData;
    }
  | { readonly id?: string; readonly kind: 'webhook'; readonly url: string; readonly secret: string }
  | { readonly id?: string; readonly kind: 'deployment'; readonly group: string };

export interface PutEventInput {
  readonly source: string;
  readonly detailType: string;
  readonly detail?: unknown;
  readonly resources?: readonly string[];
}

/** What one `deliverDue` call did. */
export interface DeliverySummary {
  /** Scheduled rules that fired. */
  readonly fired: number;
  readonly attempted: number;
  readonly succeeded: number;
  /** Failed attempts that will be tried again. */
  readonly retrying: number;
  /** Deliveries that went to the dead-letter list. */
  readonly deadLettered: number;
}

const RULE_NAME_RE = /^[.\-_A-Za-z0-9]{1,64}$/;
const TARGET_ID_RE = /^[.\-_A-Za-z0-9]{1,64}$/;
/** EventBridge's limit of targets per rule. */
export const MAX_TARGETS = 5;
export const SCHEDULED_EVENT_SOURCE = 'aws.events';
export const SCHEDULED_EVENT_DETAIL_TYPE = 'Scheduled Event';

export function ruleArn(name: string): string {
  return `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${name}`;
}

/**
 * EventBridge rules on the persisted bus: PutRule / PutTargets / enable / disable / delete, and
 * at-least-once delivery. `route` (called by `PersistentEventBus.publish` once the event is stored)
 * records a pending delivery per target of every enabled rule whose pattern matches; `deliverDue`
 * fires due schedules and attempts due deliveries: success marks them succeeded, a failure is
 * tried again with exponential backoff, the last failure puts them on the dead-letter list, from
 * which `replay` takes one back. Deliveries live in the store, so a restart loses none.
 */
export class RuleService {
  private readonly patterns = new Map<string, EventPattern>();
  private running = false;

  /** Deletes events older than the retention whose deliveries are all done, with those deliveries (the server calls it hourly). */
  enforceRetention(): Promise<{ events: number; deliveries: number }> {
    return this.deps.store.purgeBefore(this.deps.clock.now() - (this.deps.retentionMs ?? DEFAULT_EVENT_RETENTION_MS));
  }

  constructor(private readonly deps: RuleServiceDeps) {}

  private get maxAttempts(): number {
    return this.deps.maxAttempts ?? 5;
  }

  async putRule(input: PutRuleInput): Promise<RuleRecord> {
    if (!RULE_NAME_RE.test(input.name)) throw new InvalidArgumentError(`rule name ${JSON.stringify(input.name)} must be 1-64 letters, digits, '.', '-' or '_'`);
    if (input.eventPattern === undefined && input.scheduleExpression === undefined)
      throw new InvalidArgumentError(`rule '${input.name}' needs an event pattern, a schedule expression or both`);
    const pattern = input.eventPattern === undefined ? undefined : parseEventPattern(input.eventPattern);
    const schedule = input.scheduleExpression === undefined ? undefined : parseScheduleExpression(input.scheduleExpression);
    const state = input.state ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED') throw new InvalidArgumentError(`rule state must be ENABLED or DISABLED, not ${JSON.stringify(state)}`);
    if (input.description !== undefined && input.description.length > 512) throw new InvalidArgumentError('rule description is longer than 512 characters');
    const now = this.deps.clock.now();
    const existing = await this.deps.store.getRule(input.name).catch((err: unknown) => {
      if ((err as { code?: string }).code === 'not_found') return undefined;
      throw err;
    });
    const keepPhase = existing !== undefined && existing.state === 'ENABLED' && existing.scheduleExpression === input.scheduleExpression;
    const rule: RuleRecord = {
      name: input.name,
      arn: ruleArn(input.name),
      ...(pattern === undefined ? {} : { eventPattern: JSON.stringify(pattern.json) }),
      ...(input.scheduleExpression === undefined ? {} : { scheduleExpression: input.scheduleExpression }),
      state,
      ...(input.description === undefined ? {} : { description: input.description }),
      targets: existing?.targets ?? [],
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      ...this.schedulePhase(schedule, state, now, keepPhase ? existing : undefined),
    };
    await this.deps.store.putRule(rule);
    this.deps.logger.info('rule put', { rule: rule.name, state });
    return rule;
  }

  private schedulePhase(
    schedule: ScheduleExpression | undefined,
    state: RuleState,
    now: number,
    keep: RuleRecord | undefined,
  ): Pick<RuleRecord, 'nextFireAt' | 'scheduleAnchor'> {
    if (schedule === undefined || state === 'DISABLED') return {};
    if (keep?.scheduleAnchor !== undefined)
      return { scheduleAnchor: keep.scheduleAnchor, ...(keep.nextFireAt === undefined ? {} : { nextFireAt: keep.nextFireAt }) };
    const next = nextFireTime(schedule, now, now);
    return { scheduleAnchor: now, ...(next === undefined ? {} : { nextFireAt: next }) };
  }

  /** Adds or replaces targets by id (ids default to `target-<n>`); at most 5 per rule. */
  async putTargets(name: string, inputs: readonly TargetInput[]): Promise<RuleRecord> {
    const rule = await this.deps.store.getRule(name);
    if (inputs.length === 0) throw new InvalidArgumentError('put targets needs at least one target');
    const targets = [...rule.targets];
    for (const input of inputs) {
      const target = this.checkTarget(input, targets);
      const i = targets.findIndex((t) => t.id === target.id);
      if (i >= 0) targets[i] = target;
      else targets.push(target);
    }
    if (targets.length > MAX_TARGETS) throw new InvalidArgumentError(`rule '${name}' would have ${targets.length} targets; at most ${MAX_TARGETS} are allowed`);
    const updated: RuleRecord = { ...rule, targets, updatedAt: this.deps.clock.now() };
    await this.deps.store.putRule(updated);
    return updated;
  }

  private checkTarget(input: TargetInput, existing: readonly RuleTarget[]): RuleTarget {
    let id = input.id;
    if (id === undefined) {
      let n = existing.length + 1;
      while (existing.some((t) => t.id === `target-${n}`)) n++;
      id = `target-${n}`;
    }
    if (!TARGET_ID_RE.test(id)) throw new InvalidArgumentError(`target id ${JSON.stringify(id)} must be 1-64 letters, digits, '.', '-' or '_'`);
    if (input.kind === 'pipeline') {
      if (typeof input.pipelineName !== 'string' || input.pipelineName === '') throw new InvalidArgumentError('a pipeline target needs a pipeline name');
      const parameters = { ...(input.parameters ?? {}) };
      for (const [k, v] of Object.entries(parameters)) {
        if (k === '' || typeof v !== 'string')
          throw new InvalidArgumentError(`pipeline target parameter ${JSON.stringify(k)} must be a name with a string value`);
      }
      const t = input.trainingData;
      if (t !== undefined) {
        if (typeof t.endpointName !== 'string' || t.endpointName === '') throw new InvalidArgumentError('training data: the endpoint name is empty');
        if (!(Number.isInteger(t.days) && t.days >= 1 && t.days <= 366))
          throw new InvalidArgumentError(`training data: days must be a whole number from 1 to 366, got ${t.days}`);
        if (!(Number.isInteger(t.minimumRows) && t.minimumRows >= 2))
          throw new InvalidArgumentError(`training data: the minimum of rows must be a whole number >= 2, got ${t.minimumRows}`);
      }
      return {
        id,
        kind: 'pipeline',
        pipelineName: input.pipelineName,
        parameters,
        ...(t ? { trainingData: { endpointName: t.endpointName, days: t.days, minimumRows: t.minimumRows } } : {}),
      };
    }
    if (input.kind === 'webhook') {
      let url: URL;
      try {
        url = new URL(input.url);
      } catch {
        throw new InvalidArgumentError(`webhook URL ${JSON.stringify(String(input.url)).slice(0, 200)} is not a URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`webhook URL must be http or https, not ${url.protocol}`);
      if (typeof input.secret !== 'string' || input.secret.length === 0) throw new InvalidArgumentError('a webhook target needs a non-empty secret');
      return { id, kind: 'webhook', url: url.href, secret: input.secret };
    }
    if (input.kind === 'deployment') {
      if (typeof input.group !== 'string' || input.group === '') throw new InvalidArgumentError('a deployment target needs a model package group');
      return { id, kind: 'deployment', group: input.group };
    }
    throw new InvalidArgumentError(`unknown target kind ${JSON.stringify((input as { kind?: unknown }).kind)}`);
  }

  async removeTargets(name: string, ids: readonly string[]): Promise<RuleRecord> {
    const rule = await this.deps.store.getRule(name);
    for (const id of ids) if (!rule.targets.some((t) => t.id === id)) throw new InvalidArgumentError(`rule '${name}' has no target '${id}'`);
    const updated: RuleRecord = { ...rule, targets: rule.targets.filter((t) => !ids.includes(t.id)), updatedAt: this.deps.clock.now() };
    await this.deps.store.putRule(updated);
    return updated;
  }

  describeRule(name: string): Promise<RuleRecord> {
    return this.deps.store.getRule(name);
  }

  listRules(): Promise<RuleRecord[]> {
    return this.deps.store.listRules();
  }

  enableRule(name: string): Promise<RuleRecord> {
    return this.setState(name, 'ENABLED');
  }

  disableRule(name: string): Promise<RuleRecord> {
    return this.setState(name, 'DISABLED');
  }

  private async setState(name: string, state: RuleState): Promise<RuleRecord> {
    const rule = await this.deps.store.getRule(name);
    if (rule.state === state) return rule;
    const now = this.deps.clock.now();
    const schedule = rule.scheduleExpression === undefined ? undefined : parseScheduleExpression(rule.scheduleExpression);
    const { nextFireAt: _n, scheduleAnchor: _a, ...rest } = rule;
    const updated: RuleRecord = { ...rest, state, updatedAt: now, ...this.schedulePhase(schedule, state, now, undefined) };
    await this.deps.store.putRule(updated);
    this.deps.logger.info(state === 'ENABLED' ? 'rule enabled' : 'rule disabled', { rule: name });
    return updated;
  }

  /** Deletes a rule; as EventBridge, refuses while it has targets unless `force`. Its pending deliveries then fail on their next attempt. */
  async deleteRule(name: string, force = false): Promise<void> {
    const rule = await this.deps.store.getRule(name);
    if (rule.targets.length > 0 && !force)
      throw new FailedPreconditionError(`rule '${name}' still has ${rule.targets.length} target(s); remove them first or force`);
    await this.deps.store.deleteRule(name);
    this.deps.logger.info('rule deleted', { rule: name });
  }

  /** TestEventPattern: whether `event` (a JSON object, text or parsed) matches `pattern`. */
  testPattern(pattern: unknown, event: unknown): boolean {
    const parsed = parseEventPattern(pattern);
    let value = event;
    if (typeof event === 'string') {
      try {
        value = JSON.parse(event) as unknown;
      } catch (err) {
        throw new InvalidArgumentError(`event is not valid JSON: ${oneLine(err)}`);
      }
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError('event must be a JSON object');
    return matchesPattern(parsed, value);
  }

  /** PutEvents for one event: stamps it (id, time, account, region) and publishes it on the bus. */
  async putEvent(input: PutEventInput): Promise<EventEnvelope> {
    if (!this.deps.publish) throw new FailedPreconditionError('this service publishes no events');
    if (typeof input.source !== 'string' || input.source === '') throw new InvalidArgumentError('an event needs a source');
    if (typeof input.detailType !== 'string' || input.detailType === '') throw new InvalidArgumentError('an event needs a detail-type');
    const detail = input.detail ?? {};
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) throw new InvalidArgumentError('event detail must be a JSON object');
    const event = makeEvent(input.source, input.detailType, input.resources ?? [], detail, this.deps.clock, this.deps.ids);
    await this.deps.publish(event);
    return event;
  }

  listEvents(query?: EventQuery): Promise<Page<StoredEvent>> {
    return this.deps.store.listEvents(query);
  }

  getEvent(id: string): Promise<StoredEvent> {
    return this.deps.store.getEvent(id);
  }

  listDeliveries(query?: DeliveryQuery): Promise<Page<DeliveryRecord>> {
    return this.deps.store.listDeliveries(query);
  }

  /** The dead-letter list: deliveries given up after their last attempt, newest first. */
  deadLetters(query: Omit<DeliveryQuery, 'status'> = {}): Promise<Page<DeliveryRecord>> {
    return this.deps.store.listDeliveries({ ...query, status: 'failed' });
  }

  private pattern(text: string): EventPattern {
    let p = this.patterns.get(text);
    if (!p) {
      p = parseEventPattern(text);
      if (this.patterns.size > 1000) this.patterns.clear();
      this.patterns.set(text, p);
    }
    return p;
  }

  /** Records a pending delivery for each target of each enabled rule the event matches; returns how many were new. */
  async route(event: EventEnvelope): Promise<number> {
    const rules = await this.deps.store.listRules();
    const matching = rules.filter((r) => r.state === 'ENABLED' && r.eventPattern !== undefined && matchesPattern(this.pattern(r.eventPattern), event));
    return this.enqueue(event, matching);
  }

  private async enqueue(event: EventEnvelope, rules: readonly RuleRecord[]): Promise<number> {
    const now = this.deps.clock.now();
    const deliveries: DeliveryRecord[] = [];
    for (const rule of rules) {
      for (const target of rule.targets) {
        deliveries.push({
          id: this.deps.ids('dlv'),
          eventId: event.id,
          ruleName: rule.name,
          targetId: target.id,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        });
      }
    }
    return deliveries.length === 0 ? 0 : this.deps.store.insertDeliveries(deliveries);
  }

  /**
   * Fires the schedules due at `now` and attempts the deliveries due at `now` (at most `batchSize`),
   * one after the other. A call made while another is running in this process returns at once
   * with nothing done. Meant to be called every second by the server.
   */
  async deliverDue(now = this.deps.clock.now()): Promise<DeliverySummary> {
    const summary = { fired: 0, attempted: 0, succeeded: 0, retrying: 0, deadLettered: 0 };
    if (this.running) return summary;
    this.running = true;
    try {
      summary.fired = await this.fireSchedules(now);
      for (const d of await this.deps.store.dueDeliveries(now, this.deps.batchSize ?? 100)) {
        const after = await this.attempt(d, now);
        if (!after) continue;
        summary.attempted++;
        if (after.status === 'succeeded') summary.succeeded++;
        else if (after.status === 'failed') summary.deadLettered++;
        else summary.retrying++;
      }
      return summary;
    } finally {
      this.running = false;
    }
  }

  private async fireSchedules(now: number): Promise<number> {
    let fired = 0;
    for (const rule of await this.deps.store.listRules()) {
      if (rule.state !== 'ENABLED' || rule.scheduleExpression === undefined || rule.nextFireAt === undefined || rule.nextFireAt > now) continue;
      let next: number | undefined;
      try {
        next = nextFireTime(parseScheduleExpression(rule.scheduleExpression), now, rule.scheduleAnchor ?? rule.createdAt);
      } catch (err) {
        this.deps.logger.error('rule schedule unreadable', { rule: rule.name, error: oneLine(err) });
        continue;
      }
      // Missed fire times (this process was down) fire once, as EventBridge does not catch up either.
      if (!(await this.deps.store.advanceSchedule(rule.name, rule.nextFireAt, next))) continue;
      const event = makeEvent(SCHEDULED_EVENT_SOURCE, SCHEDULED_EVENT_DETAIL_TYPE, [rule.arn], {}, { now: () => rule.nextFireAt! }, this.deps.ids);
      await this.deps.store.insertEvent(event, now);
      await this.enqueue(event, [rule]);
      fired++;
    }
    return fired;
  }

  /** Claims the delivery, runs its target once and records the outcome; undefined when another worker claimed it first. */
  private async attempt(d: DeliveryRecord, now: number): Promise<DeliveryRecord | undefined> {
    const leaseUntil = now + (this.deps.leaseMs ?? 60_000);
    const claimed: DeliveryRecord = { ...d, nextAttemptAt: leaseUntil, updatedAt: now };
    if (!(await this.deps.store.updateDelivery(claimed, d))) return undefined;
    const attempts = d.attempts + 1;
    let error: string | undefined;
    let final = false;
    try {
      const rule = await this.deps.store.getRule(d.ruleName).catch(() => undefined);
      const target = rule?.targets.find((t) => t.id === d.targetId);
      if (!rule || !target) {
        error = rule ? `rule '${d.ruleName}' has no target '${d.targetId}' any more` : `rule '${d.ruleName}' no longer exists`;
        final = true;
      } else {
        const { event } = await this.deps.store.getEvent(d.eventId);
        await this.deps.runner.run(target, event, rule);
      }
    } catch (err) {
      error = oneLine(err);
    }
    const fields = { delivery: d.id, eventId: d.eventId, rule: d.ruleName, target: d.targetId, attempts };
    let next: DeliveryRecord;
    if (error === undefined) {
      const { lastError: _e, ...rest } = d;
      next = { ...rest, status: 'succeeded', attempts, nextAttemptAt: now, updatedAt: now };
      this.deps.logger.info('event delivered', fields);
    } else if (final || attempts >= this.maxAttempts) {
      next = { ...d, status: 'failed', attempts, nextAttemptAt: now, lastError: error, updatedAt: now };
      this.deps.logger.error('event delivery given up (dead letter)', { ...fields, error });
    } else {
      const delay = Math.min(this.deps.maxBackoffMs ?? 300_000, (this.deps.backoffMs ?? 1000) * 2 ** (attempts - 1));
      next = { ...d, status: 'pending', attempts, nextAttemptAt: now + delay, lastError: error, updatedAt: now };
      this.deps.logger.warn('event delivery failed; will retry', { ...fields, error, retryInMs: delay });
    }
    if (!(await this.deps.store.updateDelivery(next, claimed))) {
      this.deps.logger.warn('event delivery outcome not recorded: the delivery changed meanwhile', fields);
      return undefined;
    }
    return next;
  }

  /** Takes a dead letter back: pending again with a fresh attempt count, attempted at once. Returns the delivery after that attempt. */
  async replay(deliveryId: string): Promise<DeliveryRecord> {
    const d = await this.deps.store.getDelivery(deliveryId);
    if (d.status !== 'failed') throw new FailedPreconditionError(`delivery ${deliveryId} is ${d.status}, not a dead letter`);
    const now = this.deps.clock.now();
    const pending: DeliveryRecord = { ...d, status: 'pending', attempts: 0, nextAttemptAt: now, updatedAt: now };
    if (!(await this.deps.store.updateDelivery(pending, d))) throw new FailedPreconditionError(`delivery ${deliveryId} changed meanwhile; try again`);
    this.deps.logger.info('dead letter replayed', { delivery: deliveryId });
    return (await this.attempt(pending, now)) ?? (await this.deps.store.getDelivery(deliveryId));
  }
}
