/** Where the CLI writes and what it knows of its surroundings; tests pass their own. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  readonly isTTY: boolean;
  /** The stream progress bars draw on (stderr). */
  readonly progressStream?: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * Runs long work that can stop cleanly: while `work` runs, SIGINT and SIGTERM abort its signal
   * (running pipeline jobs are then killed and the execution released for `resume`) instead of
   * ending the process at once. Absent in tests that send no signals.
   */
  readonly graceful?: <T>(work: (signal: AbortSignal) => Promise<T>, options?: GracefulOptions) => Promise<T>;
}

/** How a graceful command ends on a signal. */
export interface GracefulOptions {
  /** A signal is the normal way to stop this command (`driftline server`): the process then exits with the command's code, not 128 + signal. */
  readonly signalIsNormalExit?: boolean;
  /** What the process prints when the first signal arrives (default: stopping the running jobs). */
  readonly stoppingMessage?: string;
}
