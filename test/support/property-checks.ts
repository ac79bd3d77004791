import assert from 'node:assert/strict';
import { AppError } from '../../src/core/errors.js';

/** What one input came to: a value, or the one-line invalid_argument error it was refused with. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AppError };

/**
 * Asserts that `err` is what a user may see for bad input: an AppError with code invalid_argument
 * and a one-line message (no line break of any kind), never a TypeError or another internal error.
 */
export function assertOneLineInvalidArgument(err: unknown, input?: string): asserts err is AppError {
  const where = input === undefined ? '' : ` (input: ${input.slice(0, 300)})`;
  if (!(err instanceof AppError)) assert.fail(`an internal error escaped: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}${where}`);
  assert.equal(err.code, 'invalid_argument', `${err.code}: ${err.message}${where}`);
  assert.ok(err.message.length > 0, `empty message${where}`);
  assert.doesNotMatch(err.message, /[\r\n\u2028\u2029]/, `the message spans several lines: ${JSON.stringify(err.message)}${where}`);
}

/** Runs `fn`: its value, or its error once checked with assertOneLineInvalidArgument. */
export function resultOrOneLineError<T>(fn: () => T, input?: string): Outcome<T> {
  try {
    return { ok: true, value: fn() };
  } catch (err) {
    assertOneLineInvalidArgument(err, input);
    return { ok: false, error: err };
  }
}

/** The same for async work. */
export async function resultOrOneLineErrorAsync<T>(fn: () => Promise<T>, input?: string): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    assertOneLineInvalidArgument(err, input);
    return { ok: false, error: err };
  }
}

/** Fails when `ms` elapsed since `start` exceed `limit` (a slow input is a bug too). */
export function assertFast(start: number, limit: number, input: string): void {
  const ms = performance.now() - start;
  assert.ok(ms < limit, `one input took ${ms.toFixed(0)} ms (limit ${limit} ms): ${input.slice(0, 300)}`);
}

/** fast-check settings of the project's property tests: a fixed seed, and the failing input's error in the report. */
export function fcParams(seed: number, numRuns: number): { seed: number; numRuns: number; includeErrorInReport: true } {
  return { seed, numRuns, includeErrorInReport: true };
}
