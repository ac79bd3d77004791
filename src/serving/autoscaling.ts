import type { InstanceScaling } from './endpoint-spec.js';

/** What the scaler remembers of a variant. */
export interface ScalingState {
  readonly current: number;
  /** When the variant last scaled out / in (ms since the epoch), if ever. */
  readonly lastScaleOutMs?: number;
  readonly lastScaleInMs?: number;
}

/**
 * Target tracking on invocations per instance per minute, as Application Auto Scaling does for
 * `SageMakerVariantInvocationsPerInstance`: the wanted count is ceil(rate / target) within
 * [min, max]; scaling out waits for the scale-out cooldown since the last scale-out; scaling in
 * waits for the scale-in cooldown since the last scaling of either kind, and removes one instance
 * at a time. Pure: the clock is the caller's `nowMs`.
 */
export function decideInstances(spec: InstanceScaling, state: ScalingState, invocationsPerMinute: number, nowMs: number): number {
  const clamp = (n: number) => Math.min(spec.max, Math.max(spec.min, n));
  const current = state.current;
  if (spec.targetInvocationsPerInstance === undefined || !(spec.targetInvocationsPerInstance > 0)) return clamp(current);
  if (current < spec.min || current > spec.max) return clamp(current);
  const rate = Number.isFinite(invocationsPerMinute) && invocationsPerMinute > 0 ? invocationsPerMinute : 0;
  const wanted = clamp(Math.ceil(rate / spec.targetInvocationsPerInstance));
  const since = (t: number | undefined) => (t === undefined ? Infinity : nowMs - t);
  if (wanted > current) {
    return since(state.lastScaleOutMs) >= spec.scaleOutCooldownSeconds * 1000 ? wanted : current;
  }
  if (wanted < current) {
    const quiet = Math.min(since(state.lastScaleOutMs), since(state.lastScaleInMs));
    return quiet >= spec.scaleInCooldownSeconds * 1000 ? current - 1 : current;
  }
  return current;
}

/** Counts invocations per second over the last minute (a ring of 60 buckets). */
export class InvocationRate {
  private readonly buckets = new Float64Array(60);
  private second = -1;

  constructor(private readonly now: () => number) {}

  add(n = 1): void {
    this.advance();
    this.buckets[this.second % 60]! += n;
  }

  /** Invocations during the last 60 seconds. */
  perMinute(): number {
    this.advance();
    let sum = 0;
    for (const b of this.buckets) sum += b;
    return sum;
  }

  private advance(): void {
    const s = Math.floor(this.now() / 1000);
    if (this.second < 0) this.second = s;
    if (s - this.second >= 60) this.buckets.fill(0);
    else for (let t = this.second + 1; t <= s; t++) this.buckets[t % 60] = 0;
    this.second = Math.max(this.second, s);
  }
}
