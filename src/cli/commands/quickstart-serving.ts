import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { FailedPreconditionError, UnavailableError } from '../../core/errors.js';
import type { DeploymentRecord } from '../../deploy/index.js';
import type { CliContext } from '../cli-context.js';
import { num } from '../output.js';

/** One phase of production traffic: the rows of a label-first CSV (the label becomes its ground truth), sent with inference ids `<prefix>-<n>`. */
export interface TrafficPhase {
  readonly label: string;
  readonly file: string;
  readonly prefix: string;
}

/** What the quickstart's serving part did: the deployment, the endpoints, and each phase's capture window. */
export interface QuickstartTraffic {
  readonly deployment: string;
  readonly endpoints: readonly string[];
  readonly endpointName: string;
  readonly captureDir: string;
  readonly windows: readonly { from: number; to: number }[];
  /** The model-quality alarm's rmse threshold DeployProd set, if it did. */
  readonly rmseThreshold?: number;
  readonly analyses?: readonly { status: string; violations: number; driftedFeatures: string[] }[];
}

/** The sample notebook's staging smoke-test payload (1 passenger, 5.3 km, 07:00, Monday, February: "approximately a $20 fare"). */
export const SMOKE_TEST_PAYLOAD = '1,-73.986114,40.685634,-73.936794,40.715370,5.318025,7,0,2';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The local file of a ProcessingStep output (`properties.ProcessingOutputConfig.Outputs[name]`) and a file name inside it. */
export function outputFile(properties: Record<string, unknown> | undefined, output: string, file: string): string {
  const outputs = (properties?.['ProcessingOutputConfig'] as { Outputs: { OutputName: string; S3Output: { S3Uri: string } }[] } | undefined)?.Outputs ?? [];
  const uri = outputs.find((o) => o.OutputName === output)?.S3Output.S3Uri;
  if (!uri) throw new FailedPreconditionError(`the build pipeline has no '${output}' output`);
  const dir = uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  return `${dir.replace(/\/+$/, '')}/${file}`;
}

/** A monitoring outcome in a few fields, for --json. */
export function summary(o: { status: string; violations: readonly unknown[]; drift: readonly { feature: string; exceeded: boolean; excluded: boolean }[] }) {
  return { status: o.status, violations: o.violations.length, driftedFeatures: o.drift.filter((d) => d.exceeded && !d.excluded).map((d) => d.feature) };
}

/**
 * The sample's deployment notebook, in process: a server (the real data plane: worker processes,
 * capture) on a free loopback port; waits for the staging endpoint, smoke-tests it, approves the
 * deployment, waits for production (2 workers, capture 100%), then sends `requests` rows of
 * January and, in the next second, of the drifted February. Stops the server before returning.
 */
export async function serveAndCapture(
  ctx: CliContext,
  input: { group: string; requests: number; phases: readonly TrafficPhase[]; say: (line: string) => void },
): Promise<QuickstartTraffic> {
  const { say } = input;
  const app = await ctx.app();
  const [{ createServingRuntime }, { createServer }, { createJsonLogger }] = await Promise.all([
    import('../../app/create-serving.js'),
    import('../../server/create-server.js'),
    import('../../app/json-logger.js'),
  ]);
  const logger = createJsonLogger({ write: (l) => ctx.io.stderr(l) }, app.config.logLevel, () => Date.now());
  const runtime = createServingRuntime(app.config.serving, app.endpoints, logger);
  const server = createServer({ invoker: runtime, logger });
  try {
    await runtime.start();
    const { port } = await server.listen('127.0.0.1', 0);
    const url = `http://127.0.0.1:${port}`;
    const [latest] = (await app.deployments.list({ group: input.group, limit: 1 })).items;
    if (!latest) throw new FailedPreconditionError(`the approval of ${input.group} started no deployment (is the group tagged driftline:auto-deploy=false?)`);
    say(`4/7 deployment pipeline ${latest.id} (server on ${url}): DeployStaging -> ManualApproval -> DeployProd`);
    const staged = await waitFor(app, latest.id, (d) => d.stages[1]?.status === 'InProgress');
    const staging = staged.stages[0]!.endpointName!;
    const smoke = await invoke(url, staging, SMOKE_TEST_PAYLOAD);
    say(`    ${staging} InService (1 worker); smoke test with the notebook's trip: predicted fare $${Number(smoke).toFixed(2)}`);
    await app.deployments.approve(latest.id, { by: 'quickstart', comment: `smoke test answered ${Number(smoke).toFixed(2)}` });
    const done = await waitFor(app, latest.id, (d) => d.status === 'Succeeded');
    const prodStage = done.stages[2]!;
    const prod = await app.endpoints.getEndpoint(prodStage.endpointName!);
    const config = await app.endpoints.describeEndpointConfig(prod.configName);
    const variant = config.ProductionVariants[0]!.VariantName;
    const destination = app.endpoints.captureFolder(config);
    say(
      `    approved; ${prod.name} InService (${prod.instances[variant] ?? 0} workers, autoscaling ${config.ProductionVariants[0]!.AutoScaling?.MinCapacity ?? '-'}-${config.ProductionVariants[0]!.AutoScaling?.MaxCapacity ?? '-'}, capture ${config.DataCaptureConfig?.InitialSamplingPercentage ?? 0}%); schedule ${prodStage.monitoringSchedule?.ScheduleExpression ?? '-'}, alarm ${prodStage.alarm?.MetricName ?? '-'} > ${prodStage.alarm?.Threshold ?? '-'}`,
    );

    say(
      `5/7 production traffic: ${input.phases.map((p) => `${num(input.requests)} ${p.label} trips`).join(', then ')}; each trip's fare arrives as ground truth`,
    );
    const windows = [];
    let answers = 0;
    for (const phase of input.phases) {
      const rows = await labelledRows(phase.file, input.requests);
      const sent = await send(ctx, url, prod.name, rows, phase);
      // The fares, known when the trips end: labels by inference id, as a client would POST them.
      await app.groundTruth.ingest(
        prod.name,
        rows.map((r, i) => ({ inferenceId: `${phase.prefix}-${i}`, label: r.label })),
      );
      windows.push(sent.window);
      answers += sent.ok;
    }
    say(`    ${num(answers)} answers, all captured under ${destination}/${prod.name}/${variant}/, their fares stored as ground truth`);
    return {
      deployment: latest.id,
      endpoints: [staging, prod.name],
      endpointName: prod.name,
      captureDir: `${destination}/${prod.name}/${variant}`,
      windows,
      ...(prodStage.modelQualityAlarm ? { rmseThreshold: prodStage.modelQualityAlarm.Threshold } : {}),
    };
  } finally {
    await server.close();
    await runtime.stop();
  }
}

/** Moves the deployment on (as the server's ticker does) until `done` holds; a failed deployment is an error. */
async function waitFor(app: Awaited<ReturnType<CliContext['app']>>, id: string, done: (d: DeploymentRecord) => boolean): Promise<DeploymentRecord> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    await app.deployments.tick();
    const d = await app.deployments.get(id);
    if (done(d)) return d;
    if (d.status !== 'InProgress') throw new FailedPreconditionError(`deployment ${id} ${d.status}: ${d.failureReason ?? ''}`);
    if (Date.now() > deadline)
      throw new UnavailableError(`deployment ${id} did not move on within 2 minutes: ${JSON.stringify(d.stages.map((s) => s.status))}`);
    await sleep(200);
  }
}

async function invoke(url: string, endpoint: string, body: string, inferenceId?: string): Promise<string> {
  const res = await fetch(`${url}/endpoints/${endpoint}/invocations`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', ...(inferenceId ? { 'x-amzn-sagemaker-inference-id': inferenceId } : {}) },
    body,
  });
  const text = await res.text();
  if (!res.ok) throw new FailedPreconditionError(`endpoint ${endpoint} answered ${res.status}: ${text.slice(0, 200)}`);
  return text.trim();
}

/** Rows of a label-first, header-less CSV (the validation split): the features a client sends, and the label. */
async function labelledRows(file: string, limit: number): Promise<{ features: string; label: number }[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.length > 0);
  return lines.slice(0, limit).map((l) => ({ features: l.slice(l.indexOf(',') + 1), label: Number(l.slice(0, l.indexOf(','))) }));
}

/**
 * Sends the rows, 16 at a time, and returns the window their capture records fall in: records carry
 * their time to the second, so the window is widened to whole seconds and the next phase starts
 * after it ends.
 */
async function send(
  ctx: CliContext,
  url: string,
  endpoint: string,
  rows: readonly { features: string }[],
  phase: TrafficPhase,
): Promise<{ ok: number; window: { from: number; to: number } }> {
  const from = Math.floor(Date.now() / 1000) * 1000;
  const progress = ctx.progress();
  progress.start(`${phase.label} traffic`, rows.length);
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < rows.length) {
      const i = next++;
      await invoke(url, endpoint, rows[i]!.features, `${phase.prefix}-${i}`);
      ok++;
      progress.tick(1);
    }
  };
  try {
    await Promise.all(Array.from({ length: 16 }, worker));
  } finally {
    progress.stop();
  }
  const to = Math.ceil((Date.now() + 1) / 1000) * 1000;
  await sleep(Math.max(0, to - Date.now() + 20));
  return { ok, window: { from, to } };
}
