import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/clock.js';
import { UnavailableError } from '../core/errors.js';
import type { LogFields, Logger } from '../core/logger.js';
import { openMetadataStore } from '../store/index.js';
import type { EventEnvelope } from './event-envelope.js';
import type { EventStore } from './event-store.js';
import { makeEvent } from './make-event.js';
import { PersistentEventBus } from './persistent-event-bus.js';

function recordingLogger(lines: { level: string; msg: string; fields?: LogFields }[]): Logger {
  const log = (level: string) => (msg: string, fields?: LogFields) => void lines.push({ level, msg, fields });
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}

let n = 0;
const clock = new ManualClock(Date.UTC(2026, 0, 1));
const anEvent = (): EventEnvelope => makeEvent('test.source', 'Test Thing Happened', [], { n: ++n }, clock, (p) => `${p}_${n}`);

describe('PersistentEventBus', () => {
  it('stores the event, then routes it, then runs the in-process handlers in order', async () => {
    const store = (await openMetadataStore('memory:')).events;
    const order: string[] = [];
    const bus = new PersistentEventBus({ store, clock, logger: recordingLogger([]) });
    bus.routeWith(async (e) => {
      order.push(`route:${(await store.getEvent(e.id)).event.id}`);
    });
    bus.subscribe((e) => void order.push(`a:${e.id}`));
    const off = bus.subscribe((e) => void order.push(`b:${e.id}`));
    const e = anEvent();
    await bus.publish(e);
    off();
    await bus.publish(e);
    assert.deepEqual(order, [`route:${e.id}`, `a:${e.id}`, `b:${e.id}`, `a:${e.id}`], 'a second publish of the same id is not routed again');
    assert.deepEqual(await store.getEvent(e.id), { event: e, receivedAt: clock.now() });
  });

  it('a store or routing failure is logged and the handlers still run; publish never rejects', async () => {
    const lines: { level: string; msg: string; fields?: LogFields }[] = [];
    const broken = {
      insertEvent: () => Promise.reject(new UnavailableError('metadata store: insert event failed: disk I/O error')),
    } as unknown as EventStore;
    const seen: string[] = [];
    const bus = new PersistentEventBus({ store: broken, clock, logger: recordingLogger(lines) });
    bus.subscribe((e) => void seen.push(e.id));
    const e = anEvent();
    await bus.publish(e);
    assert.deepEqual(seen, [e.id]);
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg, l.fields?.['eventId']]),
      [['error', 'event not stored', e.id]],
    );

    const store = (await openMetadataStore('memory:')).events;
    const routed = new PersistentEventBus({ store, clock, logger: recordingLogger(lines) });
    routed.routeWith(() => Promise.reject(new Error('rules unreadable')));
    routed.subscribe((ev) => void seen.push(ev.id));
    const f = anEvent();
    await routed.publish(f);
    assert.deepEqual(seen, [e.id, f.id]);
    assert.equal(lines.at(-1)!.msg, 'event rules not matched');
  });
});
