/**
 * One event in Amazon EventBridge's envelope, so that rules written for EventBridge (and the
 * sample's patterns) read driftline's events unchanged. `time` is ISO-8601 in UTC, to the second,
 * as EventBridge writes it; `region` and `account` are driftline's local ones (core/arn.ts).
 */
export interface EventEnvelope<D = unknown> {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: D;
}
