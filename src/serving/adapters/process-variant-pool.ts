import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { UnavailableError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { VariantSpec } from '../endpoint-spec.js';
import { decodeReplies, encodeRequests, FRAME_FATAL, FRAME_READY, FRAME_REPLIES, FrameReader, REPLY_BAD_INPUT, REPLY_OK, type WireRequest } from '../frames.js';
import type { PoolReply, PoolRequest, VariantPool, VariantPoolFactory } from '../variant-pool.js';

export interface ProcessPoolOptions {
  /** Node flags of the workers (`--import tsx` when running from source). */
  readonly execArgv: readonly string[];
  readonly logger: Logger;
  /** The worker module (default: serving-worker beside this file). */
  readonly entry?: string;
  /** How long a worker may take to load its model (default 60 s). */
  readonly readyTimeoutMs?: number;
  /** Restart delays after a crash: doubling from `initial` up to `max` (default 100 ms to 5 s). */
  readonly restartBackoffMs?: { readonly initial: number; readonly max: number };
  /** A worker holding a request longer than this is hung: it is killed, and restarted (default 60 s, SageMaker's invocation timeout). */
  readonly invocationTimeoutMs?: number;
}

/** The serving worker module beside this one (`.ts` under tsx, `.js` from dist). */
export function servingWorkerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), `serving-worker${path.extname(here)}`);
}

/** Pools of child processes, one per instance, each loading the variant's model. */
export function processPoolFactory(options: ProcessPoolOptions): VariantPoolFactory {
  return (endpoint, variant) => new ProcessVariantPool(endpoint, variant, options);
}

interface Pending {
  readonly request: PoolRequest;
  /** When it was last sent to a worker (ms). */
  sentAt: number;
  readonly resolve: (r: PoolReply) => void;
  readonly reject: (e: Error) => void;
  tried: number;
}

class Worker {
  state: 'starting' | 'ready' | 'dead' = 'starting';
  readonly pending = new Map<number, Pending>();
  private outbox: WireRequest[] = [];
  private scheduled = false;
  private nextId = 1;
  readonly ready: Promise<void>;
  readyAtMs = 0;
  private fatal: string | undefined;
  private readonly socket: Duplex;

  constructor(
    readonly child: ChildProcess,
    onExit: (w: Worker, code: number | null, signal: NodeJS.Signals | null) => void,
    timeoutMs: number,
  ) {
    this.socket = child.stdio[3] as Duplex;
    const reader = new FrameReader();
    let markReady: () => void = () => undefined;
    let fail: (e: Error) => void = () => undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      fail = reject;
    });
    this.ready.catch(() => undefined);
    const timer = setTimeout(() => {
      fail(new UnavailableError(`a worker did not load its model within ${timeoutMs} ms`));
      child.kill('SIGKILL');
    }, timeoutMs);
    this.socket.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk)) {
        if (frame.type === FRAME_REPLIES) {
          for (const r of decodeReplies(frame.payload)) {
            const p = this.pending.get(r.id);
            if (!p) continue;
            this.pending.delete(r.id);
            if (r.status === REPLY_OK) p.resolve({ ok: true, body: Buffer.from(r.body) });
            else p.resolve({ ok: false, kind: r.status === REPLY_BAD_INPUT ? 'input' : 'model', message: Buffer.from(r.body).toString('utf8') });
          }
        } else if (frame.type === FRAME_READY) {
          clearTimeout(timer);
          this.state = 'ready';
          this.readyAtMs = Date.now();
          markReady();
        } else if (frame.type === FRAME_FATAL) {
          this.fatal = frame.payload.toString('utf8');
        }
      }
    });
    this.socket.on('error', () => undefined);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      this.state = 'dead';
      fail(new UnavailableError(this.fatal ?? `a worker exited (${signal ?? `code ${code}`}) before it was ready`));
      onExit(this, code, signal);
    });
    child.on('error', () => undefined);
  }

  send(p: Pending): void {
    const id = this.nextId;
    this.nextId = this.nextId >= 0xfffffff0 ? 1 : this.nextId + 1;
    p.sentAt = Date.now();
    this.pending.set(id, p);
    this.outbox.push({ id, inFormat: p.request.inFormat, outFormat: p.request.outFormat, body: p.request.body });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.outbox.length === 0 || this.state === 'dead') return;
    const batch = this.outbox;
    this.outbox = [];
    this.socket.write(encodeRequests(batch));
  }

  alive(): boolean {
    return this.state !== 'dead';
  }

  /** Ends the worker once it answered what it holds. */
  async stop(graceMs: number): Promise<void> {
    if (this.state === 'dead') return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    const deadline = Date.now() + graceMs;
    while (this.pending.size > 0 && Date.now() < deadline && this.alive()) await new Promise((r) => setTimeout(r, 5));
    this.socket.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}

class ProcessVariantPool implements VariantPool {
  private workers: Worker[] = [];
  private wanted: number;
  private stopping = false;
  private failures = 0;
  private restarts = new Set<ReturnType<typeof setTimeout>>();
  private cursor = 0;
  private readonly log: Logger;
  private watchdog: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly endpoint: string,
    private readonly variant: VariantSpec,
    private readonly options: ProcessPoolOptions,
  ) {
    this.wanted = Math.max(1, variant.instances.initial);
    this.log = options.logger.child({ endpoint, variant: variant.name });
  }

  async start(): Promise<void> {
    const timeoutMs = this.options.invocationTimeoutMs ?? 60_000;
    this.watchdog = setInterval(() => this.killHung(timeoutMs), Math.min(1000, timeoutMs));
    this.watchdog.unref();
    const started = Array.from({ length: this.wanted }, () => this.spawnWorker());
    await Promise.all(started.map((w) => w.ready));
  }

  invoke(request: PoolRequest): Promise<PoolReply> {
    return new Promise((resolve, reject) => this.dispatch({ request, resolve, reject, tried: 0, sentAt: 0 }, undefined));
  }

  private dispatch(p: Pending, exclude: Worker | undefined): void {
    const w = this.pick(exclude);
    if (!w) {
      p.reject(new UnavailableError(`no worker of variant ${this.variant.name} of endpoint ${this.endpoint} is ready; try again`));
      return;
    }
    p.tried++;
    w.send(p);
  }

  /** The ready worker holding the fewest requests (round robin among equals). */
  private pick(exclude: Worker | undefined): Worker | undefined {
    const ws = this.workers;
    let best: Worker | undefined;
    const n = ws.length;
    this.cursor = (this.cursor + 1) % Math.max(1, n);
    for (let k = 0; k < n; k++) {
      const w = ws[(this.cursor + k) % n]!;
      if (w.state !== 'ready' || w === exclude) continue;
      if (!best || w.pending.size < best.pending.size) best = w;
    }
    return best;
  }

  size(): number {
    return this.wanted;
  }

  readyCount(): number {
    return this.workers.filter((w) => w.state === 'ready').length;
  }

  pids(): number[] {
    return this.workers.filter((w) => w.state !== 'dead' && w.child.pid !== undefined).map((w) => w.child.pid!);
  }

  inFlight(): number {
    let n = 0;
    for (const w of this.workers) n += w.pending.size;
    return n;
  }

  resize(instances: number): void {
    if (this.stopping) return;
    this.wanted = Math.max(1, instances);
    while (this.workers.length < this.wanted) this.spawnWorker();
    while (this.workers.length > this.wanted) {
      const w = this.workers.pop()!;
      void w.stop(10_000);
    }
  }

  /** Kills the workers whose oldest request waits longer than `timeoutMs` (their requests go elsewhere or fail). */
  private killHung(timeoutMs: number): void {
    const now = Date.now();
    for (const w of this.workers) {
      const oldest = w.pending.values().next();
      if (!oldest.done && now - oldest.value.sentAt > timeoutMs && w.alive()) {
        this.log.warn('worker hung, killing it', { pid: w.child.pid, waitedMs: now - oldest.value.sentAt });
        w.child.kill('SIGKILL');
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.watchdog) clearInterval(this.watchdog);
    for (const t of this.restarts) clearTimeout(t);
    this.restarts.clear();
    const ws = this.workers;
    this.workers = [];
    await Promise.all(ws.map((w) => w.stop(10_000)));
  }

  private spawnWorker(): Worker {
    const child = spawn(
      process.execPath,
      [...this.options.execArgv, this.options.entry ?? servingWorkerEntry(), '--model', this.variant.modelPath, '--sha256', this.variant.modelSha256],
      { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] },
    );
    const w = new Worker(child, (dead, code, signal) => this.onExit(dead, code, signal), this.options.readyTimeoutMs ?? 60_000);
    this.workers.push(w);
    w.ready.then(
      () => this.log.debug('worker ready', { pid: child.pid }),
      () => undefined,
    );
    return w;
  }

  private onExit(w: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    const i = this.workers.indexOf(w);
    if (i < 0) return; // stopped on purpose
    this.workers.splice(i, 1);
    const held = [...w.pending.values()];
    w.pending.clear();
    // What the dead worker held is tried once more elsewhere.
    for (const p of held) {
      if (p.tried < 2) this.dispatch(p, w);
      else p.reject(new UnavailableError(`the worker serving variant ${this.variant.name} of endpoint ${this.endpoint} stopped; try again`));
    }
    if (this.stopping) return;
    const livedMs = w.readyAtMs > 0 ? Date.now() - w.readyAtMs : 0;
    if (livedMs > 10_000) this.failures = 0;
    const backoff = this.options.restartBackoffMs ?? { initial: 100, max: 5000 };
    const delay = Math.min(backoff.max, backoff.initial * 2 ** this.failures);
    this.failures++;
    this.log.warn('worker died, restarting', { pid: w.child.pid, code, signal, restartInMs: delay });
    const t = setTimeout(() => {
      this.restarts.delete(t);
      if (!this.stopping && this.workers.length < this.wanted) this.spawnWorker();
    }, delay);
    this.restarts.add(t);
  }
}
