import { UnavailableError } from '../core/errors.js';
import type { EventEnvelope } from './event-envelope.js';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying a webhook body's signature: `sha256=<hex of HMAC-SHA256(secret, body)>`. */
export const SIGNATURE_HEADER = 'X-Driftline-Signature';

/** The header value signing `body` (UTF-8) with `secret`. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** True when `header` is the signature of `body` under `secret` (constant-time; for receivers and tests). */
export function verifyWebhookSignature(secret: string, body: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signWebhookBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** One HTTP POST. Adapters: `adapters/fetch-http-sender` (Node's fetch, with a timeout); tests pass fakes. */
export interface HttpSender {
  post(url: string, headers: Readonly<Record<string, string>>, body: string): Promise<{ status: number }>;
}

/** POSTs the event JSON to the webhook, signed; anything but a 2xx answer is a failure (tried again later). */
export async function deliverWebhook(sender: HttpSender, target: { readonly url: string; readonly secret: string }, event: EventEnvelope): Promise<void> {
  const body = JSON.stringify(event);
  const res = await sender.post(
    target.url,
    {
      'content-type': 'application/json',
      'user-agent': 'driftline-events',
      'x-driftline-event-id': event.id,
      [SIGNATURE_HEADER]: signWebhookBody(target.secret, body),
    },
    body,
  );
  if (res.status < 200 || res.status > 299) throw new UnavailableError(`webhook ${target.url} answered HTTP ${res.status}`);
}
