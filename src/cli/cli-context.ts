import type { App } from '../app/create-app.js';
import type { Progress } from '../core/progress.js';
import type { CliIo } from './cli-io.js';

/** What every command action gets: the IO, global flags, a lazily created App and a progress reporter. */
export interface CliContext {
  readonly io: CliIo;
  /** Opens (once) the application for the home given by --home / DRIFTLINE_HOME. */
  app(): Promise<App>;
  progress(): Progress;
  json(): boolean;
}
