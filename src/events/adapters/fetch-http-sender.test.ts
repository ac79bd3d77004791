import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../core/clock.js';
import { makeEvent } from '../make-event.js';
import { SIGNATURE_HEADER, deliverWebhook, signWebhookBody, verifyWebhookSignature } from '../webhook.js';
import { FetchHttpSender } from './fetch-http-sender.js';

describe('webhook delivery over HTTP (FetchHttpSender)', () => {
  let server: Server;
  let base: string;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  let status = 204;

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const event = makeEvent(
    'aws.cloudwatch',
    'CloudWatch Alarm State Change',
    ['arn:a'],
    { alarmName: 'taxi-prod-threshold', note: 'é ✓' },
    new ManualClock(0),
    (p) => `${p}_1`,
  );

  it('POSTs the event JSON signed with HMAC-SHA256 of the exact body', async () => {
    status = 204;
    await deliverWebhook(new FetchHttpSender(5000), { url: `${base}/hook`, secret: 'top-secret' }, event);
    const last = received.at(-1)!;
    assert.deepEqual(JSON.parse(last.body), event);
    assert.equal(last.headers['content-type'], 'application/json');
    const sig = last.headers[SIGNATURE_HEADER.toLowerCase()] as string;
    assert.match(sig, /^sha256=[0-9a-f]{64}$/);
    assert.equal(sig, signWebhookBody('top-secret', last.body));
    assert.ok(verifyWebhookSignature('top-secret', last.body, sig));
    assert.ok(!verifyWebhookSignature('other', last.body, sig));
    assert.ok(!verifyWebhookSignature('top-secret', `${last.body} `, sig));
  });

  it('a non-2xx answer and a refused connection are one-line unavailable errors', async () => {
    status = 500;
    await assert.rejects(deliverWebhook(new FetchHttpSender(5000), { url: `${base}/hook`, secret: 's' }, event), {
      code: 'unavailable',
      message: /answered HTTP 500/,
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(
      deliverWebhook(new FetchHttpSender(5000), { url: `http://127.0.0.1:${port}/`, secret: 's' }, event),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'unavailable');
        assert.doesNotMatch(err.message, /\n/);
        return true;
      },
    );
  });
});
