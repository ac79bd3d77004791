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
  CapturedTrainingData,
  WebhookTarget,
  DeploymentTarget,
} from './event-store.js';
export { publicRule } from './public-rule.js';
export { PersistentEventBus, type PersistentEventBusDeps } from './persistent-event-bus.js';
export {
  RuleService,
  ruleArn,
  MAX_TARGETS,
  SCHEDULED_EVENT_SOURCE,
  SCHEDULED_EVENT_DETAIL_TYPE,
  type RuleServiceDeps,
  type RuleTargetRunner,
  type PutRuleInput,
  type TargetInput,
  type PutEventInput,
  type DeliverySummary,
} from './rule-service.js';
export { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature, deliverWebhook, type HttpSender } from './webhook.js';
