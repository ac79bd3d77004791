export type { EventEnvelope } from './event-envelope.js';
export type { EventBus, EventHandler } from './event-bus.js';
export { InProcessEventBus } from './in-process-event-bus.js';
export { makeEvent, eventTime } from './make-event.js';
export { parseEventPattern, matchesPattern, type EventPattern } from './event-pattern.js';
export type {
  EventStore,
  StoredEvent,
  EventQuery,
  DeliveryQuery,
  DeliveryRecord,
  DeliveryStatus,
  RuleRecord,
  RuleState,
  RuleTarget,
  PipelineTarget,
  WebhookTarget,
} from './event-store.js';
