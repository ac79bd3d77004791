/** The time source. Injected so that tests are deterministic. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock for tests: starts at `startMs` and moves only when told to. */
export class ManualClock implements Clock {
  private current: number;
  constructor(startMs: number) {
    this.current = startMs;
  }
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  /** Moves to an absolute time (forwards only: a clock never goes back). */
  set(ms: number): void {
    if (ms < this.current) throw new Error(`ManualClock.set(${ms}) would go back from ${this.current}`);
    this.current = ms;
  }
}
