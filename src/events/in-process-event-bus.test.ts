import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import type { LogFields, Logger } from '../core/logger.js';
import type { EventEnvelope } from './event-envelope.js';
import { InProcessEventBus } from './in-process-event-bus.js';
import { makeEvent } from './make-event.js';

function recordingLogger(lines: { level: string; msg: string; fields?: LogFields }[]): Logger {
  const log = (level: string) => (msg: string, fields?: LogFields) => void lines.push({ level, msg, fields });
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}

let n = 0;
const anEvent = (detail: unknown = {}): EventEnvelope =>
  makeEvent('test.source', 'Test Thing Happened', ['arn:x'], detail, new ManualClock(0), (p) => `${p}_${++n}`);

describe('InProcessEventBus', () => {
  it('calls every handler in subscription order, awaiting async ones', async () => {
    const bus = new InProcessEventBus(recordingLogger([]));
    const seen: string[] = [];
    bus.subscribe(async (e) => {
      await new Promise((r) => setTimeout(r, 5));
      seen.push(`a:${e.id}`);
    });
    bus.subscribe((e) => void seen.push(`b:${e.id}`));
    const e = anEvent();
    await bus.publish(e);
    assert.deepEqual(seen, [`a:${e.id}`, `b:${e.id}`]);
  });

  it('logs a throwing or rejecting handler and still runs the others and resolves', async () => {
    const lines: { level: string; msg: string; fields?: LogFields }[] = [];
    const bus = new InProcessEventBus(recordingLogger(lines));
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('boom\nsecond line');
    });
    bus.subscribe(async () => {
      throw new Error('async boom');
    });
    bus.subscribe(() => void seen.push('third'));
    const e = anEvent();
    await bus.publish(e);
    assert.deepEqual(seen, ['third']);
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg, l.fields?.['error'], l.fields?.['eventId']]),
      [
        ['error', 'event handler failed', 'boom', e.id],
        ['error', 'event handler failed', 'async boom', e.id],
      ],
    );
  });

  it('stops calling a handler once unsubscribed; unsubscribing twice is harmless', async () => {
    const bus = new InProcessEventBus(recordingLogger([]));
    const seen: number[] = [];
    const off = bus.subscribe(() => void seen.push(1));
    bus.subscribe(() => void seen.push(2));
    await bus.publish(anEvent());
    off();
    off();
    await bus.publish(anEvent());
    assert.deepEqual(seen, [1, 2, 2]);
  });

  it('does not call a handler subscribed while an event is being published', async () => {
    const bus = new InProcessEventBus(recordingLogger([]));
    const seen: string[] = [];
    bus.subscribe(() => {
      seen.push('first');
      bus.subscribe(() => void seen.push('late'));
    });
    await bus.publish(anEvent());
    assert.deepEqual(seen, ['first']);
  });

  it('publishes with no subscriber', async () => {
    await new InProcessEventBus(recordingLogger([])).publish(anEvent());
  });
});
