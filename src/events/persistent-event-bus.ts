import { isAppError, oneLine } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { EventBus, EventHandler } from './event-bus.js';
import type { EventEnvelope } from './event-envelope.js';
import type { EventStore } from './event-store.js';
import { InProcessEventBus } from './in-process-event-bus.js';

export interface PersistentEventBusDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Records the deliveries an event owes to the rules it matches (`RuleService.route`); set once wiring is done. */
  route?: (event: EventEnvelope) => Promise<unknown>;
}

/**
 * The EventBus that forgets nothing: `publish` stores the event, records one pending delivery per
 * matching rule target (delivered at least once by `RuleService.deliverDue`, also after a
 * restart), then runs this process's handlers as `InProcessEventBus` does. A store or routing
 * failure is logged with the event's id and type and does not keep the handlers from running;
 * `publish` never rejects. An event whose id is stored already is not routed a second time.
 */
export class PersistentEventBus implements EventBus {
  private readonly local: InProcessEventBus;

  constructor(private readonly deps: PersistentEventBusDeps) {
    this.local = new InProcessEventBus(deps.logger);
  }

  /** Sets the router (rules are built after the bus, since their targets publish on it). */
  routeWith(route: (event: EventEnvelope) => Promise<unknown>): void {
    this.deps.route = route;
  }

  async publish(event: EventEnvelope): Promise<void> {
    const fields = { eventId: event.id, detailType: event['detail-type'], source: event.source };
    let fresh = true;
    try {
      await this.deps.store.insertEvent(event, this.deps.clock.now());
    } catch (err) {
      fresh = false;
      if (isAppError(err) && err.code === 'already_exists') this.deps.logger.warn('event published twice; stored once', fields);
      else this.deps.logger.error('event not stored', { ...fields, error: oneLine(err) });
    }
    if (fresh && this.deps.route) {
      try {
        await this.deps.route(event);
      } catch (err) {
        this.deps.logger.error('event rules not matched', { ...fields, error: oneLine(err) });
      }
    }
    await this.local.publish(event);
  }

  subscribe(handler: EventHandler): () => void {
    return this.local.subscribe(handler);
  }
}
