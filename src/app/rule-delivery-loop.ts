import { oneLine } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { DeliverySummary } from '../events/index.js';

/** What the loop needs of the rules (`app.rules`). */
export interface DueDeliveries {
  deliverDue(): Promise<DeliverySummary>;
}

/** Timers, injectable for tests. */
export interface LoopTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const nodeTimers: LoopTimers = {
  setInterval: (fn, ms) => {
    const t = setInterval(fn, ms);
    t.unref();
    return t;
  },
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/**
 * Calls `rules.deliverDue()` every `everyMs` (the server's tick for EventBridge rules): never two
 * at once, a failing tick logged and the next one tried. `stop()` ends the loop and waits for the
 * tick in progress. Usage in the server: `const loop = startRuleDeliveryLoop(app.rules, logger)`,
 * then `await loop.stop()` before `app.close()`.
 */
export function startRuleDeliveryLoop(rules: DueDeliveries, logger: Logger, everyMs = 1000, timers: LoopTimers = nodeTimers): { stop(): Promise<void> } {
  let current: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped || current) return;
    current = rules
      .deliverDue()
      .then((s) => {
        if (s.attempted > 0 || s.fired > 0) logger.debug('rule deliveries', { ...s });
      })
      .catch((err: unknown) => logger.error('rule delivery tick failed', { error: oneLine(err) }))
      .finally(() => {
        current = undefined;
      });
  };
  const handle = timers.setInterval(tick, everyMs);
  return {
    stop: async () => {
      stopped = true;
      timers.clearInterval(handle);
      await current;
    },
  };
}
