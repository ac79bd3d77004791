/** Reports the progress of long work. The CLI renders it as a bar on a TTY and stays quiet otherwise. */
export interface Progress {
  /** Starts a phase of `total` units (0 when unknown) named `label`. */
  start(label: string, total: number): void;
  /** Moves the current phase forward by `units`; `status` (e.g. the latest metric) is shown beside the bar. */
  tick(units: number, status?: string): void;
  /** Ends the current phase. */
  stop(): void;
}

/** Progress that shows nothing. */
export const noopProgress: Progress = { start() {}, tick() {}, stop() {} };
