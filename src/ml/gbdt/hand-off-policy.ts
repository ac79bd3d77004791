/** Settings of a `HandOffPolicy`. */
export interface HandOffSettings {
  /** A tree whose hand-offs took more than this share of its time counts against handing off. */
  readonly wakeShare: number;
  /** After this many such trees in a row, trees run in the calling thread... */
  readonly strikes: number;
  /** ...for this many trees, then handing off is tried again. */
  readonly pause: number;
}

export const DEFAULT_HAND_OFF: HandOffSettings = { wakeShare: 0.1, strikes: 2, pause: 16 };

/**
 * Decides tree by tree whether a multi-threaded executor hands each operation to its workers or runs
 * every shard in the calling thread (the same model either way: the shards' results do not depend on
 * the thread that runs them). Waking a worker costs microseconds when a core is free for it; on a
 * host whose cores are busy the woken worker runs on the caller's core and the wake-up (the caller
 * descheduled while the worker runs) comes to tenths of a millisecond per operation: two threads are
 * then slower than one. So a tree whose wake-ups took more than `wakeShare` of its time counts as a
 * strike; after `strikes` in a row the next `pause` trees run in the calling thread, then handing off
 * is tried again.
 */
export class HandOffPolicy {
  private handingOff = true;
  private strikesInRow = 0;
  private pausedLeft = 0;
  /** Trees run in the calling thread so far. */
  treesHere = 0;

  constructor(private readonly settings: HandOffSettings = DEFAULT_HAND_OFF) {}

  /** At a tree's start, with the previous tree's time and the time its wake-ups took (ms): true to hand this tree's operations off. */
  nextTree(previousMs: number | undefined, previousWakeMs: number): boolean {
    const s = this.settings;
    if (!this.handingOff) {
      if (--this.pausedLeft <= 0) {
        this.handingOff = true;
        this.strikesInRow = 0;
      }
    } else if (previousMs !== undefined) {
      this.strikesInRow = previousWakeMs > s.wakeShare * previousMs ? this.strikesInRow + 1 : 0;
      if (this.strikesInRow >= s.strikes) {
        this.handingOff = false;
        this.pausedLeft = s.pause;
      }
    }
    if (!this.handingOff) this.treesHere++;
    return this.handingOff;
  }
}
