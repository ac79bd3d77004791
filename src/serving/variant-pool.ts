import type { VariantSpec } from './endpoint-spec.js';

/** One invocation as the workers see it: wire format codes and the raw body. */
export interface PoolRequest {
  readonly inFormat: number;
  readonly outFormat: number;
  readonly body: Uint8Array;
}

/** A worker's answer: the encoded predictions, or why the input or the model failed (one line). */
export type PoolReply = { readonly ok: true; readonly body: Buffer } | { readonly ok: false; readonly kind: 'input' | 'model'; readonly message: string };

/**
 * The worker processes of one endpoint variant (the adapter runs one child process per instance).
 * A worker that dies is restarted with backoff; the requests it held are tried once more on
 * another worker, else rejected with an `unavailable` AppError.
 */
export interface VariantPool {
  /** Starts the initial workers; resolves when all are ready, rejects with a one-line reason when the model cannot be served. */
  start(): Promise<void>;
  invoke(request: PoolRequest): Promise<PoolReply>;
  /** Workers wanted (the instance count). */
  size(): number;
  /** Workers ready now. */
  readyCount(): number;
  /** Sets the instance count (autoscaling). */
  resize(instances: number): void;
  /** Process ids of the workers (for operators and fault tests). */
  pids(): number[];
  /** Requests sent to workers and not answered yet. */
  inFlight(): number;
  /** Stops every worker (after answering what they hold). */
  stop(): Promise<void>;
}

export type VariantPoolFactory = (endpoint: string, variant: VariantSpec) => VariantPool;
