import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createServingRuntime, type ServingOverrides } from '../../src/app/create-serving.js';
import { noopLogger, type Logger } from '../../src/core/logger.js';
import { createRandom } from '../../src/core/random.js';
import { createServer, type ServingServer } from '../../src/server/create-server.js';
import type { EndpointDesiredState, EndpointSpec, ServingRuntime, VariantSpec } from '../../src/serving/index.js';
import { cli } from './cli-runner.js';

/** A trained model file and its SHA-256. */
export interface ServingModel {
  readonly path: string;
  readonly sha256: string;
}

/**
 * Trains a small model of three features: y = 2a + b + c / 2 + offset (so two models with
 * different offsets answer visibly different values).
 */
export async function trainServingModel(dir: string, name: string, offset = 0): Promise<ServingModel> {
  const rows = Array.from({ length: 300 }, (_, i) => {
    const a = i % 10;
    const b = (i * 7) % 13;
    const c = (i * 3) % 5;
    return `${2 * a + b + c / 2 + offset},${a},${b},${c}`;
  });
  const train = path.join(dir, `${name}.csv`);
  await writeFile(train, `${rows.join('\n')}\n`);
  const model = path.join(dir, `${name}.json`);
  const run = await cli(['train', '--train', train, '--out', model, '--hp', 'num_round=10', 'eta=0.5'], { home: path.join(dir, 'home') });
  assert.equal(run.code, 0, run.stderr);
  return {
    path: model,
    sha256: createHash('sha256')
      .update(await readFile(model))
      .digest('hex'),
  };
}

export function variantSpec(name: string, model: ServingModel, options: { weight?: number; instances?: number; packageName?: string } = {}): VariantSpec {
  const n = options.instances ?? 1;
  return {
    name,
    modelPackageArn: `arn:aws:sagemaker:us-east-1:000000000000:model-package/${options.packageName ?? 'group/1'}`,
    modelPackageName: options.packageName ?? 'group/1',
    modelPath: model.path,
    modelSha256: model.sha256,
    weight: options.weight ?? 1,
    instances: { initial: n, min: n, max: n, scaleInCooldownSeconds: 300, scaleOutCooldownSeconds: 60 },
  };
}

export function endpointSpec(name: string, generation: number, variants: VariantSpec[], captureDir?: string): EndpointSpec {
  return {
    name,
    arn: `arn:aws:sagemaker:us-east-1:000000000000:endpoint/${name}`,
    configName: `${name}-config-${generation}`,
    generation,
    variants,
    ...(captureDir
      ? {
          capture: {
            samplingPercent: 100,
            destinationPath: captureDir,
            destinationUri: `file://${captureDir}`,
            captureInput: true,
            captureOutput: true,
            csvContentTypes: ['text/csv'],
            jsonContentTypes: ['application/json'],
          },
        }
      : {}),
  };
}

/** A runtime and an HTTP server on a free loopback port, in this process (workers are child processes). */
export interface ServingHarness {
  readonly url: string;
  readonly port: number;
  readonly runtime: ServingRuntime;
  readonly server: ServingServer;
  /** Every worker pid seen so far (killed by `close` whatever happens). */
  readonly pids: Set<number>;
  /** Stops the server and the runtime, then SIGKILLs any worker still alive. */
  close(): Promise<void>;
}

export async function startServing(
  desired: EndpointDesiredState,
  options: { auth?: { keys: ReadonlyMap<string, string>; now?: () => number }; logger?: Logger; overrides?: ServingOverrides; fsync?: string } = {},
): Promise<ServingHarness> {
  const logger = options.logger ?? noopLogger;
  const runtime = createServingRuntime({ captureFsync: options.fsync ?? 'none' }, desired, logger, {
    random: createRandom(11),
    pollMs: 200,
    restartBackoffMs: { initial: 50, max: 500 },
    ...options.overrides,
  });
  const server = createServer({
    invoker: runtime,
    logger,
    ...(options.auth ? { auth: { required: true, ...options.auth } } : {}),
    stats: () => ({ capture: runtime.captureCounters(), endpoints: runtime.stats() }),
  });
  const pids = new Set<number>();
  const track = () => {
    for (const ep of runtime.stats()) for (const v of ep.variants) for (const p of v.pids) pids.add(p);
  };
  const tracker = setInterval(track, 50);
  tracker.unref();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    clearInterval(tracker);
    track();
    try {
      await server.close();
      await runtime.stop();
    } finally {
      killAll(pids);
    }
  };
  try {
    await runtime.start();
    track();
    const address = await server.listen('127.0.0.1', 0);
    return { url: `http://127.0.0.1:${address.port}`, port: address.port, runtime, server, pids, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** SIGKILLs every pid still alive. */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every capture record under `dir` (any depth), parsed. */
export async function readCaptureRecords(dir: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith('.jsonl')) continue;
    const text = await readFile(path.join(e.parentPath, e.name), 'utf8');
    for (const line of text.split('\n')) if (line.trim() !== '') out.push(JSON.parse(line) as Record<string, unknown>);
  }
  return out;
}

/** POSTs a CSV row to an endpoint. */
export async function invokeCsv(
  url: string,
  endpoint: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${url}/endpoints/${endpoint}/invocations`, { method: 'POST', headers: { 'content-type': 'text/csv', ...headers }, body });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** Polls `check` every 20 ms until it returns true (a test timeout bounds it). */
export async function until(check: () => boolean | Promise<boolean>, what: string, limitMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > limitMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
