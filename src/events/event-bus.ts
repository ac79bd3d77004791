import type { EventEnvelope } from './event-envelope.js';

/** Reacts to one event. May be async; a handler that throws or rejects affects no other handler. */
export type EventHandler = (event: EventEnvelope) => void | Promise<void>;

/**
 * Publishes events to subscribers. Adapters: `InProcessEventBus` (handlers in this process, in
 * subscription order). Rules matching EventBridge patterns come later, on top of `subscribe`.
 * - `publish` resolves once every handler subscribed at the time of the call has run (and its
 *   promise settled); it never rejects because of a handler;
 * - `subscribe` returns a function that removes the handler (calling it twice is harmless).
 */
export interface EventBus {
  publish(event: EventEnvelope): Promise<void>;
  subscribe(handler: EventHandler): () => void;
}
