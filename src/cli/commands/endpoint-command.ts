import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { AppError, InvalidArgumentError, NotFoundError, UnavailableError, type ErrorCode } from '../../core/errors.js';
import type { DescribeEndpointJson, EndpointRecord } from '../../serving/index.js';
import type { CliContext } from '../cli-context.js';
import { emit, table } from '../output.js';
import { parseInteger } from './data-command.js';
import { readJsonFile } from './read-json-file.js';

const iso = (ms: number) => new Date(ms).toISOString();

interface DeployOptions {
  modelPackage?: string;
  config?: string;
  variantName?: string;
  instances?: string;
  instanceType?: string;
  minInstances?: string;
  maxInstances?: string;
  targetInvocations?: string;
  capturePercent?: string;
  captureUri?: string;
}

/** `driftline endpoint …`: SageMaker endpoints and endpoint configs, and InvokeEndpoint through the server. */
export function registerEndpointCommands(program: Command, ctx: CliContext): void {
  const endpoint = program
    .command('endpoint')
    .description('real-time endpoints: create, update (blue/green), describe, invoke and delete (served by `driftline server`)');

  const deployOptions = (c: Command) =>
    c
      .option('--model-package <group/version>', 'the model version to serve (must be Approved), e.g. taxi/3')
      .option('--config <name>', 'an endpoint config made with `endpoint create-config` (several variants and weights)')
      .option('--variant-name <name>', 'the variant name (with --model-package)', 'AllTraffic')
      .option('--instances <n>', 'worker processes serving the model (InitialInstanceCount)')
      .option('--instance-type <type>', 'recorded as InstanceType', 'ml.m5.large')
      .option('--min-instances <n>', 'autoscaling lower bound (with --max-instances)')
      .option('--max-instances <n>', 'autoscaling upper bound: scales on invocations per instance')
      .option('--target-invocations <n>', 'autoscaling target, invocations per instance per minute (default 750)')
      .option('--capture-percent <p>', 'capture this share of requests and responses (0-100); no capture if absent')
      .option('--capture-uri <uri>', 'where capture files go (default: <artifacts>/datacapture)');

  const deploy = async (name: string, opts: DeployOptions, update: boolean) => {
    if (Boolean(opts.modelPackage) === Boolean(opts.config))
      throw new InvalidArgumentError('give exactly one of --model-package <group/version> or --config <name>');
    const app = await ctx.app();
    if (opts.config) {
      const e = update ? await app.endpoints.updateEndpoint(name, opts.config) : await app.endpoints.createEndpoint({ name, configName: opts.config });
      return e;
    }
    const min = opts.minInstances === undefined ? undefined : parseInteger('--min-instances', opts.minInstances, 1);
    const max = opts.maxInstances === undefined ? undefined : parseInteger('--max-instances', opts.maxInstances, 1);
    if ((min === undefined) !== (max === undefined)) throw new InvalidArgumentError('give both --min-instances and --max-instances, or neither');
    const { endpoint: e, created } = await app.endpoints.deployModel({
      endpointName: name,
      modelPackage: opts.modelPackage!,
      ...(opts.variantName ? { variantName: opts.variantName } : {}),
      ...(opts.instances === undefined ? {} : { instances: parseInteger('--instances', opts.instances, 1) }),
      ...(opts.instanceType ? { instanceType: opts.instanceType } : {}),
      ...(min !== undefined && max !== undefined
        ? {
            autoScaling: {
              MinCapacity: min,
              MaxCapacity: max,
              ...(opts.targetInvocations === undefined ? {} : { TargetValue: parseInteger('--target-invocations', opts.targetInvocations, 1) }),
            },
          }
        : {}),
      ...(opts.capturePercent === undefined ? {} : { capturePercent: parsePercent(opts.capturePercent) }),
      ...(opts.captureUri ? { captureUri: opts.captureUri } : {}),
    });
    if (update && created) throw new NotFoundError('endpoint', name);
    return e;
  };

  deployOptions(
    endpoint
      .command('create')
      .description('create an endpoint serving an Approved model version (or an endpoint config); it is InService once the server has started its workers')
      .argument('<name>', 'endpoint name: 1 to 63 letters, digits and hyphens'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  driftline endpoint create taxi-prod --model-package taxi/3 --instances 2 --capture-percent 100\n  driftline endpoint create taxi-ab --config taxi-ab-config',
    )
    .action(async (name: string, opts: DeployOptions) => {
      const app = await ctx.app();
      if (opts.modelPackage)
        await app.endpoints
          .getEndpoint(name)
          .then(() => Promise.reject(new AppError('already_exists', `endpoint '${name}' already exists: use endpoint update`)), ignoreNotFound);
      const e = await deploy(name, opts, false);
      await show(e, `endpoint ${e.name} ${e.status} (config ${e.configName}); \`driftline endpoint wait ${e.name}\` waits until it serves`);
    });

  deployOptions(
    endpoint
      .command('update')
      .description('move an endpoint to another model version or config, blue/green: the old workers serve until the new ones are ready')
      .argument('<name>', 'endpoint name'),
  ).action(async (name: string, opts: DeployOptions) => {
    const app = await ctx.app();
    await app.endpoints.getEndpoint(name);
    const e = await deploy(name, opts, true);
    await show(e, `endpoint ${e.name} ${e.status} to config ${e.configName} (generation ${e.generation})`);
  });

  endpoint
    .command('list')
    .description('list the endpoints, by name')
    .option('--limit <n>', 'how many', '50')
    .option('--page-token <token>', 'the next page, as printed by the previous one')
    .action(async (opts: { limit: string; pageToken?: string }) => {
      const app = await ctx.app();
      const page = await app.endpoints.listEndpoints({
        limit: parseInteger('--limit', opts.limit, 1),
        ...(opts.pageToken ? { pageToken: opts.pageToken } : {}),
      });
      const { toEndpointSummary } = await import('../../serving/index.js');
      emit(ctx.io, ctx.json(), { Endpoints: page.items.map(toEndpointSummary), ...(page.nextPageToken ? { NextToken: page.nextPageToken } : {}) }, () =>
        page.items.length === 0
          ? 'no endpoints yet: `driftline endpoint create <name> --model-package <group>/<version>`'
          : [
              table(
                ['NAME', 'STATUS', 'CONFIG', 'INSTANCES', 'MODIFIED (UTC)'],
                page.items.map((e) => [e.name, e.status, e.configName, instancesOf(e), iso(e.lastModifiedAt).slice(0, 19).replace('T', ' ')]),
              ),
              ...(page.nextPageToken ? [`more: --page-token ${page.nextPageToken}`] : []),
            ].join('\n'),
      );
    });

  endpoint
    .command('describe')
    .description('show an endpoint as DescribeEndpoint does: status, variants, instances, data capture')
    .argument('<name>', 'endpoint name')
    .action(async (name: string) => {
      const app = await ctx.app();
      await show(await app.endpoints.getEndpoint(name));
    });

  endpoint
    .command('wait')
    .description('wait until the endpoint is InService (exit 0) or Failed (exit 5), like the SDK waiter endpoint_in_service')
    .argument('<name>', 'endpoint name')
    .option('--timeout <seconds>', 'give up after this long (exit 7)', '300')
    .action(async (name: string, opts: { timeout: string }) => {
      const app = await ctx.app();
      const deadline = Date.now() + parseInteger('--timeout', opts.timeout, 1) * 1000;
      for (;;) {
        const e = await app.endpoints.getEndpoint(name);
        if (e.status === 'InService' && e.servedGeneration === e.generation) return show(e, `endpoint ${e.name} InService (${instancesOf(e)})`);
        if (e.status === 'Failed') throw new AppError('failed_precondition', `endpoint ${name} Failed: ${e.failureReason ?? 'no reason given'}`);
        if (Date.now() > deadline)
          throw new UnavailableError(`endpoint ${name} is still ${e.status} after ${opts.timeout} s: is \`driftline server\` running for this home?`);
        await new Promise((r) => setTimeout(r, 250));
      }
    });

  endpoint
    .command('delete')
    .description('delete an endpoint (the server stops its workers); its configs stay until `endpoint delete-config`')
    .argument('<name>', 'endpoint name')
    .action(async (name: string) => {
      const app = await ctx.app();
      await app.endpoints.deleteEndpoint(name);
      emit(ctx.io, ctx.json(), { EndpointName: name, Deleted: true }, () => `deleted endpoint ${name}`);
    });

  endpoint
    .command('invoke')
    .description('send one request to an endpoint through the running server (InvokeEndpoint) and print the answer')
    .argument('<name>', 'endpoint name')
    .option('--body <text>', "the request body, e.g. '1,-73.98,40.68,-73.93,40.71,5.3,7,0,2'")
    .option('--body-file <file>', 'read the request body from a file')
    .option('--content-type <type>', 'text/csv, application/json or application/jsonlines', 'text/csv')
    .option('--accept <type>', 'the answer content type wanted')
    .option('--inference-id <id>', 'recorded in the captured record (X-Amzn-SageMaker-Inference-Id)')
    .option('--target-variant <name>', 'send to this variant (X-Amzn-SageMaker-Target-Variant)')
    .option('--custom-attributes <text>', 'passed to the model and echoed back (X-Amzn-SageMaker-Custom-Attributes)')
    .option('--url <url>', 'the server (default: DRIFTLINE_SERVER_URL or http://127.0.0.1:8080)')
    .action(
      async (
        name: string,
        opts: {
          body?: string;
          bodyFile?: string;
          contentType: string;
          accept?: string;
          inferenceId?: string;
          targetVariant?: string;
          customAttributes?: string;
          url?: string;
        },
      ) => {
        if ((opts.body === undefined) === (opts.bodyFile === undefined))
          throw new InvalidArgumentError('give exactly one of --body <text> or --body-file <file>');
        const body =
          opts.body ??
          (await fs.readFile(path.resolve(ctx.io.cwd, opts.bodyFile!)).catch((err: NodeJS.ErrnoException) => {
            throw err.code === 'ENOENT'
              ? new NotFoundError('body file', opts.bodyFile!)
              : new InvalidArgumentError(`cannot read body file: ${err.code ?? err.message}`);
          }));
        const base = (opts.url ?? (await ctx.app()).config.serverUrl).replace(/\/+$/, '');
        const url = `${base}/endpoints/${encodeURIComponent(name)}/invocations`;
        const headers: Record<string, string> = { 'content-type': opts.contentType };
        if (opts.accept) headers['accept'] = opts.accept;
        if (opts.inferenceId) headers['x-amzn-sagemaker-inference-id'] = opts.inferenceId;
        if (opts.targetVariant) headers['x-amzn-sagemaker-target-variant'] = opts.targetVariant;
        if (opts.customAttributes) headers['x-amzn-sagemaker-custom-attributes'] = opts.customAttributes;
        let res: Response;
        try {
          res = await fetch(url, { method: 'POST', headers, body });
        } catch (err) {
          throw new UnavailableError(`no driftline server answers at ${base} (${causeOf(err)}): start one with \`driftline server\``);
        }
        const text = await res.text();
        if (!res.ok) throw invocationError(res, text);
        const out = {
          Body: text,
          ContentType: res.headers.get('content-type') ?? '',
          InvokedProductionVariant: res.headers.get('x-amzn-invoked-production-variant') ?? '',
          ...(res.headers.get('x-amzn-sagemaker-custom-attributes') ? { CustomAttributes: res.headers.get('x-amzn-sagemaker-custom-attributes') } : {}),
        };
        emit(ctx.io, ctx.json(), out, () => text.replace(/\n$/, ''));
      },
    );

  endpoint
    .command('create-config')
    .description('create an endpoint config from a CreateEndpointConfig JSON file (several variants with weights, data capture)')
    .requiredOption('--file <file>', 'the JSON document: {"EndpointConfigName", "ProductionVariants": [...], "DataCaptureConfig": {...}}')
    .addHelpText(
      'after',
      `\nA variant names a model version: {"VariantName": "A", "ModelPackageName": "taxi/3", "InitialInstanceCount": 1, "InitialVariantWeight": 0.5}`,
    )
    .action(async (opts: { file: string }) => {
      const app = await ctx.app();
      const doc = await readJsonFile(ctx.io.cwd, opts.file, 'endpoint config file');
      const c = await app.endpoints.createEndpointConfig(doc);
      const { toDescribeEndpointConfig } = await import('../../serving/index.js');
      emit(
        ctx.io,
        ctx.json(),
        toDescribeEndpointConfig(c),
        () => `created endpoint config ${c.EndpointConfigName} (${c.ProductionVariants.length} variant(s))`,
      );
    });

  endpoint
    .command('describe-config')
    .description('show an endpoint config as DescribeEndpointConfig does')
    .argument('<name>', 'endpoint config name')
    .action(async (name: string) => {
      const app = await ctx.app();
      const { toDescribeEndpointConfig } = await import('../../serving/index.js');
      const c = toDescribeEndpointConfig(await app.endpoints.describeEndpointConfig(name));
      emit(ctx.io, ctx.json(), c, () => JSON.stringify(c, null, 2));
    });

  endpoint
    .command('list-configs')
    .description('list the endpoint configs, by name')
    .option('--limit <n>', 'how many', '50')
    .option('--page-token <token>', 'the next page, as printed by the previous one')
    .action(async (opts: { limit: string; pageToken?: string }) => {
      const app = await ctx.app();
      const page = await app.endpoints.listEndpointConfigs({
        limit: parseInteger('--limit', opts.limit, 1),
        ...(opts.pageToken ? { pageToken: opts.pageToken } : {}),
      });
      emit(
        ctx.io,
        ctx.json(),
        {
          EndpointConfigs: page.items.map((c) => ({
            EndpointConfigName: c.EndpointConfigName,
            EndpointConfigArn: c.EndpointConfigArn,
            CreationTime: iso(c.CreationTime),
          })),
          ...(page.nextPageToken ? { NextToken: page.nextPageToken } : {}),
        },
        () =>
          page.items.length === 0
            ? 'no endpoint configs yet'
            : table(
                ['NAME', 'VARIANTS', 'CAPTURE', 'CREATED (UTC)'],
                page.items.map((c) => [
                  c.EndpointConfigName,
                  c.ProductionVariants.map((v) => `${v.VariantName}=${v.ModelPackageName}x${v.InitialInstanceCount}`).join(' '),
                  c.DataCaptureConfig?.EnableCapture ? `${c.DataCaptureConfig.InitialSamplingPercentage}%` : '-',
                  iso(c.CreationTime).slice(0, 19).replace('T', ' '),
                ]),
              ),
      );
    });

  endpoint
    .command('delete-config')
    .description('delete an endpoint config no endpoint uses')
    .argument('<name>', 'endpoint config name')
    .action(async (name: string) => {
      const app = await ctx.app();
      await app.endpoints.deleteEndpointConfig(name);
      emit(ctx.io, ctx.json(), { EndpointConfigName: name, Deleted: true }, () => `deleted endpoint config ${name}`);
    });

  async function show(e: EndpointRecord, human?: string): Promise<void> {
    const app = await ctx.app();
    const { toDescribeEndpoint } = await import('../../serving/index.js');
    const d = toDescribeEndpoint(e, await app.endpoints.describeEndpointConfig(e.configName));
    emit(ctx.io, ctx.json(), d, () => human ?? describeText(d));
  }
}

function describeText(d: DescribeEndpointJson): string {
  const field = (label: string, value: string) => `  ${label.padEnd(12)} ${value}`;
  return [
    `${d.EndpointName}  ${d.EndpointStatus}`,
    field('arn', d.EndpointArn),
    field('config', d.EndpointConfigName),
    ...(d.FailureReason ? [field('failure', d.FailureReason)] : []),
    field('created', d.CreationTime),
    field('modified', d.LastModifiedTime),
    d.DataCaptureConfig
      ? field('capture', `${d.DataCaptureConfig.CaptureStatus}, ${d.DataCaptureConfig.CurrentSamplingPercentage}% to ${d.DataCaptureConfig.DestinationS3Uri}`)
      : field('capture', 'off'),
    '',
    table(
      ['VARIANT', 'MODEL', 'WEIGHT', 'INSTANCES (CURRENT/DESIRED)'],
      d.ProductionVariants.map((v) => [v.VariantName, v.ModelPackageName, String(v.CurrentWeight), `${v.CurrentInstanceCount}/${v.DesiredInstanceCount}`]),
    ),
  ].join('\n');
}

function instancesOf(e: EndpointRecord): string {
  const parts = Object.entries(e.instances).map(([v, n]) => `${v}:${n}`);
  return parts.length ? parts.join(' ') : '-';
}

function parsePercent(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new InvalidArgumentError(`--capture-percent must be an integer from 0 to 100, got '${text}'`);
  return n;
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof AppError && err.code === 'not_found')) throw err;
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

/** The server's SageMaker-shaped error (`x-amzn-ErrorType` + `{"message"}`) as a domain error. */
function invocationError(res: Response, text: string): AppError {
  let message = text.trim();
  try {
    const doc = JSON.parse(text) as { message?: unknown; Message?: unknown };
    const m = doc.message ?? doc.Message;
    if (typeof m === 'string') message = m;
  } catch {
    // not JSON: the text as it is
  }
  const type = (res.headers.get('x-amzn-errortype') ?? '').split(':')[0] ?? '';
  const code: ErrorCode =
    res.status === 404
      ? 'not_found'
      : res.status === 424
        ? 'failed_precondition'
        : res.status >= 500
          ? 'unavailable'
          : res.status === 409
            ? 'conflict'
            : 'invalid_argument';
  return new AppError(code, `${type || `HTTP ${res.status}`}: ${message.replace(/\s+/g, ' ').slice(0, 500)}`);
}
