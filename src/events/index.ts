export type { EventEnvelope } from './event-envelope.js';
export type { EventBus, EventHandler } from './event-bus.js';
export { InProcessEventBus } from './in-process-event-bus.js';
export { makeEvent, eventTime } from './make-event.js';
