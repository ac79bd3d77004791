/**
 * Busy-waits while `a[index]` equals `value`, for at most `micros` microseconds (the clock is read
 * every 64 loads): true once it differs, false when the time is up (then sleep with Atomics.wait).
 */
export function spinWhileEqual(a: Int32Array, index: number, value: number, micros: number): boolean {
  if (Atomics.load(a, index) !== value) return true;
  if (micros <= 0) return false;
  const until = performance.now() + micros / 1000;
  for (;;) {
    for (let i = 0; i < 64; i++) if (Atomics.load(a, index) !== value) return true;
    if (performance.now() > until) return false;
  }
}

/** Busy-waits until `a[index]` reaches `total`, for at most `micros` microseconds: true once it has. */
export function spinUntilAtLeast(a: Int32Array, index: number, total: number, micros: number): boolean {
  if (Atomics.load(a, index) >= total) return true;
  if (micros <= 0) return false;
  const until = performance.now() + micros / 1000;
  for (;;) {
    for (let i = 0; i < 64; i++) if (Atomics.load(a, index) >= total) return true;
    if (performance.now() > until) return false;
  }
}
