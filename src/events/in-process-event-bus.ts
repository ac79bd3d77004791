import { oneLine } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { EventBus, EventHandler } from './event-bus.js';
import type { EventEnvelope } from './event-envelope.js';

/**
 * The EventBus of one process: handlers run one after the other, in the order they subscribed.
 * A handler that throws (or rejects) is logged with the event's id and type; publishing carries on
 * with the next handler and still resolves. Delivery is at most once and nothing is persisted.
 */
export class InProcessEventBus implements EventBus {
  private handlers: readonly EventHandler[] = [];

  constructor(private readonly logger: Logger) {}

  async publish(event: EventEnvelope): Promise<void> {
    // A snapshot: handlers added or removed while publishing take effect from the next event.
    for (const handler of this.handlers) {
      try {
        await handler(event);
      } catch (err) {
        this.logger.error('event handler failed', {
          eventId: event.id,
          detailType: event['detail-type'],
          source: event.source,
          error: oneLine(err),
        });
      }
    }
  }

  subscribe(handler: EventHandler): () => void {
    this.handlers = [...this.handlers, handler];
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const i = this.handlers.indexOf(handler);
      if (i >= 0) this.handlers = [...this.handlers.slice(0, i), ...this.handlers.slice(i + 1)];
    };
  }
}
