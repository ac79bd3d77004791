import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LogFields, Logger } from '../core/logger.js';
import type { DeliverySummary } from '../events/index.js';
import { startRuleDeliveryLoop, type LoopTimers } from './rule-delivery-loop.js';

const EMPTY: DeliverySummary = { fired: 0, attempted: 0, succeeded: 0, retrying: 0, deadLettered: 0 };

function manualTimers(): LoopTimers & { fire(): void; cleared: boolean; every?: number } {
  let fn: (() => void) | undefined;
  const t = {
    cleared: false,
    every: undefined as number | undefined,
    setInterval: (f: () => void, ms: number) => {
      fn = f;
      t.every = ms;
      return 1;
    },
    clearInterval: () => {
      t.cleared = true;
    },
    fire: () => fn?.(),
  };
  return t;
}

function recordingLogger(lines: { msg: string; fields?: LogFields }[]): Logger {
  const log = (msg: string, fields?: LogFields) => void lines.push({ msg, fields });
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

describe('startRuleDeliveryLoop', () => {
  it('ticks deliverDue, never two at once; a failing tick is logged; stop waits for the tick in progress', async () => {
    const timers = manualTimers();
    const lines: { msg: string; fields?: LogFields }[] = [];
    let calls = 0;
    let release: (() => void) | undefined;
    const rules = {
      deliverDue: async () => {
        calls++;
        if (calls === 1) throw new Error('database is locked');
        await new Promise<void>((r) => (release = r));
        return EMPTY;
      },
    };
    const loop = startRuleDeliveryLoop(rules, recordingLogger(lines), 1000, timers);
    assert.equal(timers.every, 1000);
    timers.fire();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(
      lines.map((l) => [l.msg, l.fields?.['error']]),
      [['rule delivery tick failed', 'database is locked']],
    );
    timers.fire();
    timers.fire();
    assert.equal(calls, 2, 'no tick while one runs');
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(stopped, false);
    release!();
    await stopping;
    assert.equal(timers.cleared, true);
    timers.fire();
    assert.equal(calls, 2, 'no tick after stop');
  });
});
