import type { Page, PageRequest } from '../core/paging.js';
import type { EventEnvelope } from './event-envelope.js';

/** An event as stored: the envelope as published and when this process received it (epoch ms). */
export interface StoredEvent {
  readonly event: EventEnvelope;
  readonly receivedAt: number;
}

export type RuleState = 'ENABLED' | 'DISABLED';

/** Start an execution of a pipeline (EventBridge's SageMaker pipeline target), with parameters. */
export interface PipelineTarget {
  readonly id: string;
  readonly kind: 'pipeline';
  readonly pipelineName: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** driftline: train on what an endpoint saw (its captured inputs joined with their ground truth) when it has enough labelled rows. */
  readonly trainingData?: CapturedTrainingData;
}

/** Where a retraining gets its data from: the last `days` of an endpoint's labelled traffic, given to the pipeline as `InputDataUrl`. */
export interface CapturedTrainingData {
  readonly endpointName: string;
  readonly days: number;
  /** Fewer labelled rows than this and the pipeline runs on its own InputDataUrl (the raw files) instead. */
  readonly minimumRows: number;
}

/** POST the event JSON to a URL, signed with HMAC-SHA256 of the body under `secret` (`X-Driftline-Signature: sha256=<hex>`). */
export interface WebhookTarget {
  readonly id: string;
  readonly kind: 'webhook';
  readonly url: string;
  readonly secret: string;
}

/** Start the deployment pipeline of a model package group's latest Approved version (the sample's deploy CodePipeline). */
export interface DeploymentTarget {
  readonly id: string;
  readonly kind: 'deployment';
  readonly group: string;
}

export type RuleTarget = PipelineTarget | WebhookTarget | DeploymentTarget;

/** An EventBridge rule (PutRule + PutTargets): an event pattern, a schedule expression, or both. */
export interface RuleRecord {
  readonly name: string;
  readonly arn: string;
  /** The pattern as JSON text, as given. */
  readonly eventPattern?: string;
  readonly scheduleExpression?: string;
  readonly state: RuleState;
  readonly description?: string;
  readonly targets: readonly RuleTarget[];
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Schedules: the next fire time (epoch ms); absent when the rule has no schedule, is disabled or never fires again. */
  readonly nextFireAt?: number;
  /** Schedules: the phase of a rate() (when the rule was created or last enabled). */
  readonly scheduleAnchor?: number;
}

/** pending: to be tried at `nextAttemptAt`; succeeded; failed: given up after the last attempt (the dead-letter list). */
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event to one target of one rule. Unique per (eventId, ruleName, targetId). */
export interface DeliveryRecord {
  readonly id: string;
  readonly eventId: string;
  readonly ruleName: string;
  readonly targetId: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly lastError?: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface EventQuery extends PageRequest {
  readonly source?: string;
  readonly detailType?: string;
}

export interface DeliveryQuery extends PageRequest {
  readonly status?: DeliveryStatus;
  readonly eventId?: string;
  readonly ruleName?: string;
}

/**
 * Events, rules and deliveries. Adapters: `store/sql/sql-event-store` (SQLite file and memory).
 * - `insertEvent` refuses an id stored already (`already_exists`);
 * - listings are newest first (events by time received, deliveries by creation);
 * - `insertDeliveries` skips a delivery whose (event, rule, target) exists and returns how many it inserted;
 * - `updateDelivery` and `advanceSchedule` are compare-and-set: false when another writer got there first.
 */
export interface EventStore {
  insertEvent(event: EventEnvelope, receivedAt: number): Promise<void>;
  getEvent(id: string): Promise<StoredEvent>;
  listEvents(query?: EventQuery): Promise<Page<StoredEvent>>;

  /** Creates or replaces the rule of that name (`nextFireAt` included). */
  putRule(rule: RuleRecord): Promise<void>;
  getRule(name: string): Promise<RuleRecord>;
  /** Every rule, by name. */
  listRules(): Promise<RuleRecord[]>;
  deleteRule(name: string): Promise<void>;
  /** Moves a schedule on from `expected` to `next` (undefined: never again). */
  advanceSchedule(name: string, expected: number, next: number | undefined): Promise<boolean>;

  insertDeliveries(deliveries: readonly DeliveryRecord[]): Promise<number>;
  getDelivery(id: string): Promise<DeliveryRecord>;
  listDeliveries(query?: DeliveryQuery): Promise<Page<DeliveryRecord>>;
  /** Pending deliveries due at `now`, oldest due first. */
  dueDeliveries(now: number, limit: number): Promise<DeliveryRecord[]>;
  /** Replaces the delivery when its stored status, attempts and next attempt time are still `expect`'s. */
  updateDelivery(next: DeliveryRecord, expect: Pick<DeliveryRecord, 'status' | 'attempts' | 'nextAttemptAt'>): Promise<boolean>;
  /**
   * Retention: deletes the succeeded deliveries last updated before `cutoff`, then the events received
   * before it that have no delivery left (pending deliveries and dead letters keep their events).
   */
  purgeBefore(cutoff: number): Promise<{ events: number; deliveries: number }>;
}
