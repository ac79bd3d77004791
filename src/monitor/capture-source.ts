/** One line of a data-capture file: parsed JSON, or why it could not be parsed. */
export type CaptureLine =
  { readonly file: string; readonly line: number; readonly record: unknown } | { readonly file: string; readonly line: number; readonly error: string };

/**
 * Lists and reads SageMaker data-capture files (`<dir>/yyyy/mm/dd/hh/*.jsonl`, UTC hours) whose
 * hour folder overlaps [from, to), in path order, one parsed line at a time. Adapter:
 * `FsCaptureSource`. A missing `dir` throws NotFoundError; unreadable lines are yielded as errors.
 */
export interface CaptureSource {
  lines(dir: string, fromMs: number, toMs: number): AsyncIterable<CaptureLine>;
}
