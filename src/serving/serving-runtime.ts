import type { Clock } from '../core/clock.js';
import { isAppError, oneLine } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Random } from '../core/random.js';
import { decideInstances, InvocationRate } from './autoscaling.js';
import { captureRecordLine } from './capture-record.js';
import type { CaptureWriter } from './capture-writer.js';
import type { CaptureSpec, EndpointDesiredState, EndpointSpec, VariantSpec } from './endpoint-spec.js';
import { FORMAT_CODES, OUTPUT_CONTENT_TYPES, requestFormat, responseFormat } from './payload-codecs.js';
import { InvocationError, invocationErrorOf, modelError } from './serving-errors.js';
import type { VariantCounters } from './endpoint-metrics.js';
import type { VariantPool, VariantPoolFactory } from './variant-pool.js';

/** One InvokeEndpoint call. */
export interface InvocationRequest {
  readonly body: Buffer;
  readonly contentType?: string;
  readonly accept?: string;
  readonly inferenceId?: string;
  readonly targetVariant?: string;
  readonly customAttributes?: string;
}

export interface InvocationResult {
  readonly variant: string;
  readonly body: Buffer;
  readonly contentType: string;
  readonly customAttributes?: string;
}

/** What the HTTP layer needs from the data plane. */
export interface Invoker {
  invoke(endpoint: string, request: InvocationRequest): Promise<InvocationResult>;
}

export interface ServingRuntimeDeps {
  readonly desired: EndpointDesiredState;
  readonly pools: VariantPoolFactory;
  /** Creates the capture writer of one variant. */
  readonly capture: (endpoint: string, variant: string, spec: CaptureSpec) => CaptureWriter;
  readonly clock: Clock;
  /** Sampling and variant choice. */
  readonly random: Random;
  /** Event ids (UUIDs). */
  readonly uuid: () => string;
  readonly logger: Logger;
  /** The account id in error messages (default 000000000000). */
  readonly account?: string;
  /** How often `start` polls the desired state (default 1000 ms). */
  readonly pollMs?: number;
  /** How long a retired generation may take to answer what it holds (default 60 s). */
  readonly drainTimeoutMs?: number;
}

interface LiveVariant {
  readonly spec: VariantSpec;
  readonly pool: VariantPool;
  readonly capture: CaptureWriter | undefined;
  readonly rate: InvocationRate;
  /** Since the last `drainCounters()`: what CloudWatch's AWS/SageMaker endpoint metrics count. */
  readonly counts: { invocations: number; errors4xx: number; errors5xx: number; latencyMsSum: number; latencyMsMax: number };
  /** The capture writer's totals at the last `drainCounters()`. */
  readonly drained: { captured: number; dropped: number };
  lastScaleOutMs?: number;
  lastScaleInMs?: number;
}

interface LiveEndpoint {
  readonly spec: EndpointSpec;
  readonly variants: readonly LiveVariant[];
  readonly byName: ReadonlyMap<string, LiveVariant>;
  readonly totalWeight: number;
  inFlight: number;
  onIdle: (() => void) | undefined;
}

/** Counters of one variant. */
export interface VariantStats {
  readonly name: string;
  readonly instances: number;
  readonly ready: number;
  readonly pids: readonly number[];
  readonly invocationsPerMinute: number;
  readonly captured: number;
  readonly dropped: number;
  /** Answers sent before their record's write finished (a stalled disk). */
  readonly late: number;
}

export interface EndpointStats {
  readonly name: string;
  readonly generation: number;
  readonly variants: readonly VariantStats[];
}

/**
 * The data plane: reconciles running worker pools with the control plane's desired endpoints
 * (blue/green on a new generation: the new pools start, routing switches once they are ready, the
 * old ones finish what they hold and stop), routes invocations to a variant (by
 * X-Amzn-SageMaker-Target-Variant or weight), and captures sampled invocations before answering.
 */
export class ServingRuntime implements Invoker {
  private readonly live = new Map<string, LiveEndpoint>();
  private readonly failed = new Map<string, number>();
  private readonly reportedDeleted = new Set<string>();
  private readonly retired = new Set<Promise<void>>();
  private reconciling: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private readonly account: string;
  /** Captured and dropped by writers already closed. */
  private closedCaptured = 0;
  private closedDropped = 0;
  private closedLate = 0;

  constructor(private readonly deps: ServingRuntimeDeps) {
    this.account = deps.account ?? '000000000000';
  }

  /** Reconciles now, then every poll interval. */
  async start(): Promise<void> {
    await this.reconcile();
    if (this.stopped) return;
    this.timer = setInterval(() => void this.reconcile(), this.deps.pollMs ?? 1000);
    this.timer.unref();
  }

  /** One reconciliation (serialized with any running one). */
  reconcile(): Promise<void> {
    const next = this.reconciling
      .then(() => (this.stopped ? undefined : this.reconcileOnce()))
      .catch((err: unknown) => {
        this.deps.logger.error('serving reconcile failed', { reason: oneLine(err) });
      });
    this.reconciling = next;
    return next;
  }

  async invoke(endpoint: string, request: InvocationRequest): Promise<InvocationResult> {
    const ep = this.live.get(endpoint);
    if (!ep) throw new InvocationError('ValidationError', `Endpoint ${endpoint} of account ${this.account} not found.`);
    let inFormat, outFormat;
    try {
      inFormat = requestFormat(request.contentType);
      outFormat = responseFormat(request.accept, inFormat);
    } catch (err) {
      // The container decides what it reads, as on SageMaker: an unsupported type is its 415.
      throw isAppError(err) && err.code === 'invalid_argument' ? modelError(415, err.message) : invocationErrorOf(err);
    }
    if (request.inferenceId !== undefined && !/^[\x21-\x7e]{1,64}$/.test(request.inferenceId)) {
      throw new InvocationError('ValidationError', 'InferenceId must be 1 to 64 printable ASCII characters without spaces.');
    }
    if (request.customAttributes !== undefined && (request.customAttributes.length > 1024 || !/^[\x20-\x7e]*$/.test(request.customAttributes))) {
      throw new InvocationError('ValidationError', 'CustomAttributes must be at most 1024 printable ASCII characters.');
    }
    const variant = this.choose(ep, request.targetVariant);
    const startedMs = this.deps.clock.now();
    ep.inFlight++;
    const counts = variant.counts;
    counts.invocations++;
    try {
      variant.rate.add();
      let reply;
      try {
        reply = await variant.pool.invoke({ inFormat: FORMAT_CODES[inFormat], outFormat: FORMAT_CODES[outFormat], body: request.body });
      } catch (err) {
        throw invocationErrorOf(err);
      }
      if (!reply.ok) {
        throw modelError(reply.kind === 'input' ? 400 : 500, reply.message);
      }
      const contentType = OUTPUT_CONTENT_TYPES[outFormat];
      const capture = ep.spec.capture;
      if (variant.capture && capture && capture.samplingPercent > 0 && this.deps.random.next() * 100 < capture.samplingPercent) {
        const line = captureRecordLine(
          { contentType: request.contentType ?? '', data: request.body },
          { contentType, data: reply.body },
          { eventId: this.deps.uuid(), inferenceTimeMs: startedMs, inferenceId: request.inferenceId, customAttributes: request.customAttributes },
          capture,
        );
        await variant.capture.append(line, startedMs);
      }
      const latency = this.deps.clock.now() - startedMs;
      counts.latencyMsSum += latency;
      if (latency > counts.latencyMsMax) counts.latencyMsMax = latency;
      return { variant: variant.spec.name, body: reply.body, contentType, customAttributes: request.customAttributes };
    } catch (err) {
      if (err instanceof InvocationError && (err.errorType === 'ValidationError' || err.errorType === 'ModelError')) counts.errors4xx++;
      else counts.errors5xx++;
      throw err;
    } finally {
      ep.inFlight--;
      if (ep.inFlight === 0 && ep.onIdle) ep.onIdle();
    }
  }

  /**
   * Per variant, what happened since the previous call (invocations, 4xx and 5xx answers, latency of
   * the successful ones) and the instances now; the counters start again from zero. The server
   * publishes these every minute as CloudWatch's AWS/SageMaker endpoint metrics.
   */
  drainCounters(): VariantCounters[] {
    const out: VariantCounters[] = [];
    for (const ep of this.live.values()) {
      for (const v of ep.variants) {
        const captured = v.capture?.captured ?? 0;
        const dropped = v.capture?.dropped ?? 0;
        out.push({
          endpoint: ep.spec.name,
          variant: v.spec.name,
          instances: v.pool.size(),
          ...v.counts,
          captured: captured - v.drained.captured,
          captureDropped: dropped - v.drained.dropped,
        });
        Object.assign(v.counts, { invocations: 0, errors4xx: 0, errors5xx: 0, latencyMsSum: 0, latencyMsMax: 0 });
        Object.assign(v.drained, { captured, dropped });
      }
    }
    return out;
  }

  /** The endpoints served now, with their counters. */
  stats(): EndpointStats[] {
    return [...this.live.values()].map((ep) => ({
      name: ep.spec.name,
      generation: ep.spec.generation,
      variants: ep.variants.map((v) => ({
        name: v.spec.name,
        instances: v.pool.size(),
        ready: v.pool.readyCount(),
        pids: v.pool.pids(),
        invocationsPerMinute: v.rate.perMinute(),
        captured: v.capture?.captured ?? 0,
        dropped: v.capture?.dropped ?? 0,
        late: v.capture?.late ?? 0,
      })),
    }));
  }

  /** Records captured and dropped since start, over every generation. */
  captureCounters(): { captured: number; dropped: number; late: number } {
    let captured = this.closedCaptured;
    let dropped = this.closedDropped;
    let late = this.closedLate;
    for (const ep of this.live.values()) {
      for (const v of ep.variants) {
        captured += v.capture?.captured ?? 0;
        dropped += v.capture?.dropped ?? 0;
        late += v.capture?.late ?? 0;
      }
    }
    return { captured, dropped, late };
  }

  /** Stops polling, lets every endpoint answer what it holds, flushes capture, stops the workers. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.reconciling;
    const all = [...this.live.values()];
    this.live.clear();
    await Promise.all([...all.map((ep) => this.retire(ep)), ...this.retired]);
  }

  private choose(ep: LiveEndpoint, target: string | undefined): LiveVariant {
    if (target !== undefined) {
      const v = ep.byName.get(target);
      if (!v) throw new InvocationError('ValidationError', `Variant ${target} of endpoint ${ep.spec.name} not found.`);
      return v;
    }
    if (ep.variants.length === 1 || ep.totalWeight <= 0) return ep.variants[0]!;
    let x = this.deps.random.next() * ep.totalWeight;
    for (const v of ep.variants) {
      x -= v.spec.weight;
      if (x < 0) return v;
    }
    return ep.variants[ep.variants.length - 1]!;
  }

  private async reconcileOnce(): Promise<void> {
    const { specs, deleting } = await this.deps.desired.desired();
    const wanted = new Set(specs.map((s) => s.name));
    for (const name of deleting) {
      if (wanted.has(name)) continue;
      await this.remove(name);
    }
    for (const name of [...this.live.keys()]) {
      if (!wanted.has(name) && !deleting.includes(name)) await this.remove(name);
    }
    // Endpoints start (or update) side by side: a slow model load holds no other endpoint.
    const deploys: Promise<void>[] = [];
    for (const spec of specs) {
      this.reportedDeleted.delete(spec.name);
      const cur = this.live.get(spec.name);
      if (cur && cur.spec.generation >= spec.generation) {
        await this.autoscale(cur);
        continue;
      }
      if ((this.failed.get(spec.name) ?? -1) >= spec.generation) continue;
      deploys.push(this.deploy(spec, cur));
    }
    await Promise.all(deploys);
  }

  private async remove(name: string): Promise<void> {
    const cur = this.live.get(name);
    if (cur) {
      this.live.delete(name);
      await this.retire(cur);
    }
    this.failed.delete(name);
    if (!this.reportedDeleted.has(name)) {
      this.reportedDeleted.add(name);
      await this.report({ kind: 'deleted', name });
    }
  }

  private async deploy(spec: EndpointSpec, old: LiveEndpoint | undefined): Promise<void> {
    const log = this.deps.logger.child({ endpoint: spec.name, generation: spec.generation });
    if (spec.variants.length === 0) {
      this.failed.set(spec.name, spec.generation);
      await this.report({ kind: 'failed', name: spec.name, generation: spec.generation, reason: 'the endpoint config has no production variant' });
      return;
    }
    const pools = spec.variants.map((v) => this.deps.pools(spec.name, v));
    try {
      await Promise.all(pools.map((p) => p.start()));
    } catch (err) {
      await Promise.all(pools.map((p) => p.stop().catch(() => undefined)));
      this.failed.set(spec.name, spec.generation);
      log.warn('endpoint failed to start', { reason: oneLine(err) });
      await this.report({ kind: 'failed', name: spec.name, generation: spec.generation, reason: oneLine(err) });
      return;
    }
    if (this.stopped) {
      await Promise.all(pools.map((p) => p.stop()));
      return;
    }
    const variants: LiveVariant[] = spec.variants.map((v, i) => ({
      spec: v,
      pool: pools[i]!,
      capture: spec.capture ? this.deps.capture(spec.name, v.name, spec.capture) : undefined,
      rate: new InvocationRate(() => this.deps.clock.now()),
      counts: { invocations: 0, errors4xx: 0, errors5xx: 0, latencyMsSum: 0, latencyMsMax: 0 },
      drained: { captured: 0, dropped: 0 },
    }));
    const next: LiveEndpoint = {
      spec,
      variants,
      byName: new Map(variants.map((v) => [v.spec.name, v])),
      totalWeight: variants.reduce((s, v) => s + Math.max(0, v.spec.weight), 0),
      inFlight: 0,
      onIdle: undefined,
    };
    // The switch: requests from now on go to the new generation; the old one answers what it holds.
    this.live.set(spec.name, next);
    this.failed.delete(spec.name);
    log.info('endpoint in service', { previous: old?.spec.generation });
    await this.report({ kind: 'in_service', name: spec.name, generation: spec.generation, instances: instancesOf(next) });
    if (old) {
      const done = this.retire(old).finally(() => this.retired.delete(done));
      this.retired.add(done);
    }
  }

  private async retire(ep: LiveEndpoint): Promise<void> {
    if (ep.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.deps.drainTimeoutMs ?? 60_000);
        ep.onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await Promise.all(
      ep.variants.map(async (v) => {
        await v.pool.stop().catch((err: unknown) => this.deps.logger.warn('stopping workers failed', { reason: oneLine(err) }));
        if (v.capture) {
          await v.capture.close();
          this.closedCaptured += v.capture.captured;
          this.closedDropped += v.capture.dropped;
          this.closedLate += v.capture.late;
        }
      }),
    );
  }

  private async autoscale(ep: LiveEndpoint): Promise<void> {
    const now = this.deps.clock.now();
    let changed = false;
    for (const v of ep.variants) {
      const current = v.pool.size();
      const state = {
        current,
        ...(v.lastScaleOutMs !== undefined ? { lastScaleOutMs: v.lastScaleOutMs } : {}),
        ...(v.lastScaleInMs !== undefined ? { lastScaleInMs: v.lastScaleInMs } : {}),
      };
      const n = decideInstances(v.spec.instances, state, v.rate.perMinute(), now);
      if (n === current) continue;
      if (n > current) v.lastScaleOutMs = now;
      else v.lastScaleInMs = now;
      this.deps.logger.info('variant scaled', { endpoint: ep.spec.name, variant: v.spec.name, from: current, to: n });
      v.pool.resize(n);
      changed = true;
    }
    if (changed) await this.report({ kind: 'in_service', name: ep.spec.name, generation: ep.spec.generation, instances: instancesOf(ep) });
  }

  private async report(report: Parameters<EndpointDesiredState['report']>[0]): Promise<void> {
    try {
      await this.deps.desired.report(report);
    } catch (err) {
      this.deps.logger.warn('reporting to the control plane failed', { endpoint: report.name, kind: report.kind, reason: oneLine(err) });
    }
  }
}

function instancesOf(ep: LiveEndpoint): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of ep.variants) out[v.spec.name] = v.pool.size();
  return out;
}
