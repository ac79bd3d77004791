import type { App } from '../app/create-app.js';
import type { ProcessorKit } from '../app/processor-kit.js';
import type { Progress } from '../core/progress.js';
import type { CliIo } from './cli-io.js';

/** What every command action gets: the IO, global flags, a lazily created App and a progress reporter. */
export interface CliContext {
  readonly io: CliIo;
  /** Opens (once) the application for the home given by --home / DRIFTLINE_HOME. */
  app(): Promise<App>;
  /** Services that need no metadata store (training, prediction), each importing only its adapters: for light commands. */
  services(): Promise<ProcessorKit>;
  progress(): Progress;
  json(): boolean;
}
