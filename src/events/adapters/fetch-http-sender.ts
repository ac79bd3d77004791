import { UnavailableError, oneLine } from '../../core/errors.js';
import type { HttpSender } from '../webhook.js';

/** HttpSender on Node's global fetch; a request that takes longer than `timeoutMs` fails. Redirects are not followed. */
export class FetchHttpSender implements HttpSender {
  constructor(private readonly timeoutMs = 10_000) {}

  async post(url: string, headers: Readonly<Record<string, string>>, body: string): Promise<{ status: number }> {
    try {
      const res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
      await res.arrayBuffer().catch(() => undefined);
      return { status: res.status };
    } catch (err) {
      const cause = (err as { cause?: unknown }).cause;
      throw new UnavailableError(`POST ${url} failed: ${oneLine(cause ?? err)}`, { cause: err });
    }
  }
}
