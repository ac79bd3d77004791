import type { LogLevel } from '../core/logger.js';

/** driftline's settings, read once by `loadConfig`. */
export interface Config {
  /** The home folder holding the embedded database and artifacts (`--home`, DRIFTLINE_HOME, default `.driftline`). */
  readonly home: string;
  /** Metadata store URI: `sqlite:///…/driftline.db` (default, inside home) or `memory:`. */
  readonly metadataUri: string;
  /** Artifact store URI: `file:///…/artifacts` (default, inside home) or `memory:`. */
  readonly artifactUri: string;
  /** Structured log level on stderr (DRIFTLINE_LOG_LEVEL, default `warn`). */
  readonly logLevel: LogLevel;
  /** Where CLI commands reach a running `driftline server` (DRIFTLINE_SERVER_URL, default `http://127.0.0.1:8080`). */
  readonly serverUrl: string;
}

/** Every environment variable driftline reads, with its one-line documentation. */
export const CONFIG_VARIABLES = {
  DRIFTLINE_HOME: 'home folder for the embedded database and artifacts (default: ./.driftline)',
  DRIFTLINE_METADATA_URI: 'metadata store: sqlite:///path/to/driftline.db or memory: (default: sqlite in home)',
  DRIFTLINE_ARTIFACT_URI: 'artifact store: file:///path/to/artifacts or memory: (default: file in home)',
  DRIFTLINE_LOG_LEVEL: 'debug | info | warn | error | silent (default: warn)',
  DRIFTLINE_SERVER_URL: 'where CLI commands reach a running `driftline server` (default: http://127.0.0.1:8080)',
} as const;
