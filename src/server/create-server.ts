import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { oneLine } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { invocationErrorOf, type InvocationErrorType, type Invoker } from '../serving/index.js';
import { verifySigV4 } from './sigv4-verifier.js';

/** SageMaker's limit on an InvokeEndpoint payload. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface ServerOptions {
  readonly invoker: Invoker;
  readonly logger: Logger;
  /** SigV4 on the runtime path: `required` (forced on when bound beyond loopback by the caller) and the known keys. */
  readonly auth?: { readonly required: boolean; readonly keys: ReadonlyMap<string, string>; readonly now?: () => number };
  readonly bodyLimitBytes?: number;
  /** What GET /stats shows besides the HTTP counters (capture, endpoints); no /stats route when absent. */
  readonly stats?: () => Record<string, unknown>;
}

/** Counters of the HTTP layer. */
export interface ServerCounters {
  invocations: number;
  ok: number;
  /** Answers 4xx (bad input, unknown endpoint, refused signature, too large). */
  badRequests: number;
  /** Answers 5xx. */
  failures: number;
}

export interface ServingServer {
  readonly fastify: FastifyInstance;
  readonly counters: ServerCounters;
  /** Listens; resolves with the bound address. */
  listen(host: string, port: number): Promise<{ host: string; port: number }>;
  /** Stops accepting, waits for the requests being answered, closes idle connections. */
  close(): Promise<void>;
}

const STATUS: Readonly<Record<InvocationErrorType, number>> = { ValidationError: 400, ModelError: 424, ServiceUnavailable: 503, InternalFailure: 500 };
const INVOKE_RE = /^\/endpoints\/([^/?]+)\/invocations(?:\?.*)?$/;

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

/**
 * The HTTP API: `POST /endpoints/:name/invocations` with SageMaker runtime semantics (answered by
 * a plain node:http handler in front of fastify: the hot path skips the framework), `GET /ping`,
 * `GET /stats`. Errors are what the AWS SDK decodes: `x-amzn-ErrorType` and `{"message": …}`.
 */
export function createServer(options: ServerOptions): ServingServer {
  const counters: ServerCounters = { invocations: 0, ok: 0, badRequests: 0, failures: 0 };
  const limit = options.bodyLimitBytes ?? MAX_PAYLOAD_BYTES;
  const auth = options.auth;
  const now = auth?.now ?? (() => Date.now());
  // Request ids (the SDK's $metadata.requestId): unique per server process.
  const requestPrefix = `${process.pid.toString(16)}-${Date.now().toString(16)}`;
  let requestSeq = 0;

  const sendError = (res: ServerResponse, status: number, type: string, message: string, close = false, extra: Record<string, unknown> = {}) => {
    if (status >= 500) counters.failures++;
    else counters.badRequests++;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ message: oneLine(message), ...extra });
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-amzn-errortype': type,
      'x-amzn-requestid': `${requestPrefix}-${++requestSeq}`,
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(body);
  };

  const invoke = (req: IncomingMessage, res: ServerResponse, name: string) => {
    counters.invocations++;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      sendError(res, 413, 'ValidationError', `Request payload of ${declared} bytes is over the ${limit} bytes limit.`, true);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        sendError(res, 413, 'ValidationError', `Request payload is over the ${limit} bytes limit.`, true);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (over) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      void answer(req, res, name, body);
    });
  };

  const answer = async (req: IncomingMessage, res: ServerResponse, name: string, body: Buffer) => {
    try {
      if (auth?.required) {
        const failure = await verifySigV4({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body }, auth.keys, now());
        if (failure) {
          sendError(res, 403, failure.errorType, failure.message);
          return;
        }
      }
      const h = req.headers;
      // Absent headers are undefined properties (one object, no spreads: this is the hot path).
      const result = await options.invoker.invoke(name.includes('%') ? safeDecode(name) : name, {
        body,
        contentType: h['content-type'],
        accept: h['accept'],
        inferenceId: single(h['x-amzn-sagemaker-inference-id']),
        targetVariant: single(h['x-amzn-sagemaker-target-variant']),
        customAttributes: single(h['x-amzn-sagemaker-custom-attributes']),
      });
      counters.ok++;
      const headers: Record<string, string | number> = {
        'content-type': result.contentType,
        'content-length': result.body.length,
        'x-amzn-invoked-production-variant': result.variant,
        'x-amzn-requestid': `${requestPrefix}-${++requestSeq}`,
      };
      if (result.customAttributes !== undefined) headers['x-amzn-sagemaker-custom-attributes'] = result.customAttributes;
      res.writeHead(200, headers);
      // A small body as a latin1 string (the same bytes): node then sends headers and body in one write.
      if (result.body.length <= 16384) res.end(result.body.toString('latin1'), 'latin1');
      else res.end(result.body);
    } catch (err) {
      const e = invocationErrorOf(err);
      if (e.errorType === 'InternalFailure') options.logger.error('invocation failed', { endpoint: name, reason: oneLine(err) });
      sendError(
        res,
        STATUS[e.errorType],
        e.errorType,
        e.message,
        false,
        // ModelError carries the container's answer, as SageMaker's does (the SDKs decode these fields).
        e.original ? { OriginalStatusCode: e.original.status, OriginalMessage: e.original.message, LogStreamArn: logStreamArn(name) } : {},
      );
    }
  };

  const fastify = Fastify({
    logger: false,
    serverFactory: (handler) =>
      http.createServer((req, res) => {
        if (req.method === 'POST' && req.url !== undefined) {
          const m = INVOKE_RE.exec(req.url);
          if (m) {
            invoke(req, res, m[1]!);
            return;
          }
        }
        handler(req, res);
      }),
  });
  fastify.get('/ping', async (_req, reply) => reply.type('text/plain').send(''));
  const stats = options.stats;
  if (stats) fastify.get('/stats', async () => ({ http: counters, ...stats() }));
  fastify.setNotFoundHandler((req, reply) => {
    counters.badRequests++;
    void reply
      .code(404)
      .header('x-amzn-errortype', 'UnknownOperationException')
      .send({ message: `No route for ${req.method} ${req.url.split('?')[0] ?? ''}` });
  });

  return {
    fastify,
    counters,
    async listen(host, port) {
      await fastify.listen({ host, port });
      const address = fastify.server.address() as AddressInfo;
      return { host: address.address, port: address.port };
    },
    async close() {
      await fastify.close();
    },
  };
}

function single(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function safeDecode(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Where SageMaker would point for the container's logs (driftline's are the server's own JSON lines). */
function logStreamArn(endpoint: string): string {
  return `arn:aws:logs:local:000000000000:log-group:/aws/sagemaker/Endpoints/${endpoint}`;
}
