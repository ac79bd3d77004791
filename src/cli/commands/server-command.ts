import path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../core/errors.js';
import type { CliContext } from '../cli-context.js';

/** `driftline server`: the data plane (worker processes per endpoint variant, data capture) behind SageMaker's runtime API. */
export function registerServerCommand(program: Command, ctx: CliContext): void {
  program
    .command('server')
    .description("serve the endpoints over HTTP with SageMaker's runtime API (InvokeEndpoint), worker processes per variant and data capture")
    .option('--host <address>', 'address to listen on (env DRIFTLINE_SERVER_HOST, default 127.0.0.1); beyond loopback, invocations must be SigV4-signed')
    .option('--port <port>', 'port to listen on, 0 for any free one (env DRIFTLINE_SERVER_PORT, default 8080)')
    .option(
      '--endpoints <file>',
      'serve the endpoints of this JSON file ({"endpoints": [EndpointSpec…]}, read again every second) instead of the control plane',
    )
    .option('--require-auth', 'require SigV4-signed invocations on loopback too')
    .addHelpText(
      'after',
      '\nRoutes: POST /endpoints/<name>/invocations (text/csv, application/json, application/jsonlines; headers\n' +
        'X-Amzn-SageMaker-Inference-Id, -Target-Variant, -Custom-Attributes, Accept), GET /ping, GET /stats (loopback), and the\n' +
        'control API under /api (endpoints, deployments; SigV4-signed too where invocations must be).\n' +
        'Point the AWS SDK at it: new SageMakerRuntimeClient({ endpoint: "http://127.0.0.1:8080", region: "us-east-1", credentials }).\n' +
        'Signed requests use service "sagemaker", any region, and a key of DRIFTLINE_ACCESS_KEYS=id:secret,id2:secret2.\n' +
        'Data capture fsync: DRIFTLINE_CAPTURE_FSYNC=none|batch|interval:<ms>. SIGINT/SIGTERM: stop accepting, answer what\n' +
        'is in flight, flush capture, stop the workers, exit 0.',
    )
    .action(async (opts: { host?: string; port?: string; endpoints?: string; requireAuth?: boolean }) => {
      const app = await ctx.app();
      const settings = app.config.serving;
      const host = opts.host ?? settings.host;
      let port = settings.port;
      if (opts.port !== undefined) {
        port = Number(opts.port);
        if (!/^\d+$/.test(opts.port) || port > 65535) throw new InvalidArgumentError(`--port '${opts.port}' is not a port number (0-65535)`);
      }
      const [{ createServer, isLoopback }, { registerControlApi }, { prometheusText }, { createServingRuntime, fileDesiredState }, { createJsonLogger }] =
        await Promise.all([
          import('../../server/create-server.js'),
          import('../../server/control-api.js'),
          import('../../server/prometheus.js'),
          import('../../app/create-serving.js'),
          import('../../app/json-logger.js'),
        ]);
      const keys = new Map(Object.entries(settings.accessKeys));
      const requireAuth = Boolean(opts.requireAuth) || !isLoopback(host);
      if (requireAuth && keys.size === 0) {
        throw new InvalidArgumentError(
          `listening on ${host}${opts.requireAuth ? ' with --require-auth' : ''} needs access keys for SigV4: set DRIFTLINE_ACCESS_KEYS=id:secret`,
        );
      }
      const logger = createJsonLogger({ write: (l) => ctx.io.stderr(l) }, app.config.logLevel, () => Date.now());
      const desired = opts.endpoints ? fileDesiredState(path.resolve(ctx.io.cwd, opts.endpoints), logger) : app.endpoints;
      const runtime = createServingRuntime(settings, desired, logger);
      const server = createServer({
        invoker: runtime,
        logger,
        auth: { required: requireAuth, keys },
        // Worker pids and counters: for operators on this machine only.
        ...(requireAuth ? {} : { stats: () => ({ capture: runtime.captureCounters(), endpoints: runtime.stats() }) }),
      });
      // The control API (/api): SigV4-signed with the same keys wherever invocations must be.
      registerControlApi(server.fastify, app, requireAuth ? { auth: { keys } } : {});
      // Prometheus scrapes the latest value of every metric (loopback, or where no signature is required).
      if (!requireAuth)
        server.fastify.get('/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(prometheusText(await app.metrics.latest())));
      const { endpointMetricData } = await import('../../serving/index.js');
      // The deployment pipeline moves on as endpoints come InService and approvals time out.
      // Every 10 seconds: due monitoring runs, then alarm evaluation.
      let ticks = 0;
      let monitoringBusy = false;
      const deployTicker = setInterval(() => {
        // Every minute: the endpoints' invocation metrics (AWS/SageMaker) of the minute that ended.
        if (ticks % 60 === 59)
          app.metrics
            .publish(endpointMetricData(runtime.drainCounters(), Date.now()))
            .catch((err: unknown) => logger.warn('endpoint metrics failed', { error: (err as Error).message }));
        // Every hour: data points older than the retention go.
        if (ticks % 3600 === 1800) {
          app.metrics.enforceRetention().catch((err: unknown) => logger.warn('metric retention failed', { error: (err as Error).message }));
          app.rules.enforceRetention().catch((err: unknown) => logger.warn('event retention failed', { error: (err as Error).message }));
        }
        app.deployments.tick().catch((err: unknown) => logger.warn('deployment tick failed', { error: (err as Error).message }));
        // Monitoring schedules whose time has come run, then alarms look at what they published, then
        // waiting challengers are compared with production (one round at a time).
        if (ticks++ % 10 === 0 && !monitoringBusy) {
          monitoringBusy = true;
          app.monitoring
            .runDue()
            .then(() => app.alarms.evaluateAll())
            .then(() => app.challengers.tick())
            .catch((err: unknown) => logger.warn('monitoring or alarm evaluation failed', { error: (err as Error).message }))
            .finally(() => {
              monitoringBusy = false;
            });
        }
      }, 1000);
      deployTicker.unref();
      // Rule deliveries (at least once: pending, retried, dead-lettered) every second, never overlapping.
      const ruleLoop = (await import('../../app/rule-delivery-loop.js')).startRuleDeliveryLoop(app.rules, logger);
      const serve = async (signal: AbortSignal) => {
        try {
          await runtime.start();
          const address = await server.listen(host, port);
          const url = `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
          if (ctx.json()) ctx.io.stdout(`${JSON.stringify({ listening: url, auth: requireAuth })}\n`);
          else ctx.io.stdout(`driftline server listening on ${url}${requireAuth ? ' (SigV4 required)' : ''}\n`);
          if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
        } finally {
          clearInterval(deployTicker);
          await ruleLoop.stop();
          await server.close();
          await runtime.stop();
        }
        const { captured, dropped } = runtime.captureCounters();
        const c = server.counters;
        ctx.io.stderr(
          `driftline server stopped: ${c.ok} answered, ${c.badRequests} refused, ${c.failures} failed; capture: ${captured} records, ${dropped} dropped\n`,
        );
      };
      if (ctx.io.graceful)
        await ctx.io.graceful(serve, { signalIsNormalExit: true, stoppingMessage: 'stopping: answering what is in flight, flushing capture' });
      else await serve(new AbortController().signal);
    });
}
