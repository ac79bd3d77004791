import { LOCAL_ACCOUNT, LOCAL_REGION } from '../core/arn.js';
import type { Clock } from '../core/clock.js';
import type { IdGenerator } from '../core/ids.js';
import type { EventEnvelope } from './event-envelope.js';

/** EventBridge's time format: ISO-8601 UTC to the second (`2024-05-01T09:30:00Z`). */
export function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Builds an event in EventBridge's envelope, stamped with the clock's time, a fresh `evt_` id and the local region and account. */
export function makeEvent<D>(source: string, detailType: string, resources: readonly string[], detail: D, clock: Clock, ids: IdGenerator): EventEnvelope<D> {
  return {
    version: '0',
    id: ids('evt'),
    'detail-type': detailType,
    source,
    account: LOCAL_ACCOUNT,
    time: eventTime(clock.now()),
    region: LOCAL_REGION,
    resources: [...resources],
    detail,
  };
}
