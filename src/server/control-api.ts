import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { App } from '../app/create-app.js';
import { InvalidArgumentError, isAppError } from '../core/errors.js';
import { DEPLOYMENT_STATUSES, type DeploymentStatus } from '../deploy/index.js';
import { labelsOf, parseLabelBatch } from '../monitor/index.js';
import { toDescribeEndpoint, toDescribeEndpointConfig, toEndpointSummary } from '../serving/index.js';
import { toHttpError } from './http-errors.js';
import { verifySigV4 } from './sigv4-verifier.js';

/** What the control API needs of the application. */
export type ControlApp = Pick<App, 'endpoints' | 'deployments' | 'groundTruth'>;

const decisionBody = z.strictObject(
  {
    by: z.string({ error: 'must be a string' }).min(1, { error: 'must be a non-empty string' }).max(256, { error: 'must be at most 256 characters' }),
    comment: z.string({ error: 'must be a string' }).max(1024, { error: 'must be at most 1024 characters' }).optional(),
  },
  { error: 'must be a JSON object {"by", "comment"}' },
);

const createEndpointBody = z.union(
  [
    z.strictObject({
      EndpointName: z.string({ error: 'must be a string' }),
      EndpointConfigName: z.string({ error: 'must be a string' }),
      Tags: z
        .array(z.strictObject({ Key: z.string(), Value: z.string() }))
        .max(50)
        .optional(),
    }),
    z.strictObject({
      EndpointName: z.string({ error: 'must be a string' }),
      ModelPackageName: z.string({ error: 'must be a string' }),
      VariantName: z.string().optional(),
      InstanceCount: z.int().min(1).max(16).optional(),
      CaptureSamplingPercentage: z.int().min(0).max(100).optional(),
    }),
  ],
  { error: 'must be {"EndpointName", "EndpointConfigName"} or {"EndpointName", "ModelPackageName", "InstanceCount"?, "CaptureSamplingPercentage"?}' },
);

const updateEndpointBody = z.strictObject({ EndpointConfigName: z.string({ error: 'must be a string' }) }, { error: 'must be {"EndpointConfigName"}' });

/** A batch of labels may be larger than other API bodies (100,000 short labels are about 10 MB). */
const GROUND_TRUTH_BODY_LIMIT = 16 * 1024 * 1024;

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const at = issue.path.map(String).join('.');
  throw new InvalidArgumentError(`invalid ${what}${at ? ` field ${at}` : ''}: ${issue.message.replace(/\s+/g, ' ')}`);
}

/**
 * The control plane over HTTP, under `/api`: endpoints and endpoint configs (DescribeEndpoint
 * shapes) and the deployment pipeline, including the manual approval (approve or reject with a
 * comment). Errors are `{ "error": { code, message } }` with the status of `http-errors.ts`. With
 * `auth`, every request must be SigV4-signed (403 otherwise), as the runtime API.
 */
export function registerControlApi(
  server: FastifyInstance,
  app: ControlApp,
  options: { auth?: { readonly keys: ReadonlyMap<string, string>; readonly now?: () => number } } = {},
): void {
  const auth = options.auth;
  server.register(
    async (api) => {
      // JSON bodies are kept as received too: a SigV4 signature covers the bytes.
      api.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
        (req as { rawBody?: Buffer }).rawBody = body;
        if (body.length === 0) return done(null, undefined);
        try {
          done(null, JSON.parse(body.toString('utf8')) as unknown);
        } catch (err) {
          done(Object.assign(new Error(`the body is not JSON: ${(err as Error).message}`), { statusCode: 400 }), undefined);
        }
      });
      // Ground-truth files' JSON Lines, as text.
      for (const type of ['application/jsonlines', 'application/x-ndjson', 'application/jsonl'])
        api.addContentTypeParser(type, { parseAs: 'buffer' }, (req, body: Buffer, done) => {
          (req as { rawBody?: Buffer }).rawBody = body;
          done(null, { jsonLines: body.toString('utf8') });
        });
      if (auth) {
        // Signed like the runtime API (service sagemaker, any region), with the same keys.
        api.addHook('preHandler', async (req, reply) => {
          const failure = await verifySigV4(
            { method: req.method, url: req.raw.url ?? req.url, headers: req.headers, body: (req as { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0) },
            auth.keys,
            (auth.now ?? Date.now)(),
          );
          if (failure)
            return reply
              .status(403)
              .header('x-amzn-ErrorType', failure.errorType)
              .send({ error: { code: 'invalid_argument', message: failure.message } });
          return undefined;
        });
      }
      api.setErrorHandler((err, _req, reply) => {
        // Fastify's own errors (bad JSON, wrong content type, body too large) carry a status code.
        const e = err as { statusCode?: unknown; message?: unknown };
        if (!isAppError(err) && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
          return reply.status(e.statusCode).send({ error: { code: 'invalid_argument', message: String(e.message).replace(/\s+/g, ' ') } });
        }
        const { status: s, body } = toHttpError(err);
        return reply.status(s).send(body);
      });

      api.get('/endpoints', async () => {
        const page = await app.endpoints.listEndpoints({ limit: 1000 });
        return { Endpoints: page.items.map(toEndpointSummary) };
      });
      api.get<{ Params: { name: string } }>('/endpoints/:name', async (req) => {
        const e = await app.endpoints.getEndpoint(req.params.name);
        return toDescribeEndpoint(e, await app.endpoints.describeEndpointConfig(e.configName));
      });
      api.post('/endpoints', async (req, reply) => {
        const body = parse(createEndpointBody, req.body, 'CreateEndpoint body');
        let e;
        if ('EndpointConfigName' in body) {
          e = await app.endpoints.createEndpoint({
            name: body.EndpointName,
            configName: body.EndpointConfigName,
            ...(body.Tags ? { tags: Object.fromEntries(body.Tags.map((t) => [t.Key, t.Value])) } : {}),
          });
        } else {
          await app.endpoints.getEndpoint(body.EndpointName).then(
            () => {
              throw new InvalidArgumentError(`endpoint '${body.EndpointName}' already exists: PUT /api/endpoints/${body.EndpointName} updates it`);
            },
            (err: unknown) => {
              if ((err as { code?: string }).code !== 'not_found') throw err;
            },
          );
          e = (
            await app.endpoints.deployModel({
              endpointName: body.EndpointName,
              modelPackage: body.ModelPackageName,
              ...(body.VariantName ? { variantName: body.VariantName } : {}),
              ...(body.InstanceCount ? { instances: body.InstanceCount } : {}),
              ...(body.CaptureSamplingPercentage === undefined ? {} : { capturePercent: body.CaptureSamplingPercentage }),
            })
          ).endpoint;
        }
        return reply.status(201).send(toDescribeEndpoint(e, await app.endpoints.describeEndpointConfig(e.configName)));
      });
      api.put<{ Params: { name: string } }>('/endpoints/:name', async (req) => {
        const body = parse(updateEndpointBody, req.body, 'UpdateEndpoint body');
        const e = await app.endpoints.updateEndpoint(req.params.name, body.EndpointConfigName);
        return toDescribeEndpoint(e, await app.endpoints.describeEndpointConfig(e.configName));
      });
      api.delete<{ Params: { name: string } }>('/endpoints/:name', async (req, reply) => {
        await app.endpoints.deleteEndpoint(req.params.name);
        return reply.status(204).send();
      });
      api.post('/endpoint-configs', async (req, reply) => reply.status(201).send(toDescribeEndpointConfig(await app.endpoints.createEndpointConfig(req.body))));
      api.get<{ Params: { name: string } }>('/endpoint-configs/:name', async (req) =>
        toDescribeEndpointConfig(await app.endpoints.describeEndpointConfig(req.params.name)),
      );

      // Ground truth: labels of an endpoint's predictions by inference id (a batch is stored whole or not at all).
      api.post<{ Params: { name: string } }>('/endpoints/:name/ground-truth', { bodyLimit: GROUND_TRUTH_BODY_LIMIT }, async (req, reply) => {
        const body = req.body as { jsonLines?: string } | undefined;
        if (body === undefined) throw new InvalidArgumentError('no labels: send a JSON array, {"labels": [...]} or JSON Lines');
        const items =
          typeof body === 'object' && body !== null && typeof body.jsonLines === 'string' ? parseLabelBatch(body.jsonLines, 'jsonl') : labelsOf(body);
        return reply.status(201).send(await app.groundTruth.ingest(req.params.name, items));
      });
      api.get<{ Params: { name: string }; Querystring: { from?: string; to?: string } }>('/endpoints/:name/ground-truth/reconcile', async (req) => {
        const time = (v: string | undefined, name: string) => {
          const t = v === undefined ? NaN : Date.parse(v);
          if (Number.isNaN(t)) throw new InvalidArgumentError(`query parameter ${name} must be an ISO-8601 time`);
          return t;
        };
        return app.groundTruth.reconcile(req.params.name, time(req.query.from, 'from'), time(req.query.to, 'to'));
      });

      api.get<{ Querystring: { group?: string; status?: string } }>('/deployments', async (req) => {
        const { group, status } = req.query;
        if (status !== undefined && !(DEPLOYMENT_STATUSES as readonly string[]).includes(status))
          throw new InvalidArgumentError(`status must be one of ${DEPLOYMENT_STATUSES.join(', ')}`);
        const page = await app.deployments.list({ ...(group ? { group } : {}), ...(status ? { status: status as DeploymentStatus } : {}), limit: 1000 });
        return { DeploymentExecutions: page.items };
      });
      api.get<{ Params: { id: string } }>('/deployments/:id', async (req) => app.deployments.get(req.params.id));
      api.post<{ Params: { id: string } }>('/deployments/:id/approve', async (req) => {
        const d = parse(decisionBody, req.body, 'approval body');
        return app.deployments.approve(req.params.id, { by: d.by, ...(d.comment ? { comment: d.comment } : {}) });
      });
      api.post<{ Params: { id: string } }>('/deployments/:id/reject', async (req) => {
        const d = parse(decisionBody, req.body, 'rejection body');
        return app.deployments.reject(req.params.id, { by: d.by, ...(d.comment ? { comment: d.comment } : {}) });
      });
    },
    { prefix: '/api' },
  );
}
