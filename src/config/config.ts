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
  /** `driftline server`: where it listens, the SigV4 keys it accepts, how capture files are synced. */
  readonly serving: ServingConfig;
}

/** The data plane's settings. */
export interface ServingConfig {
  /** DRIFTLINE_SERVER_HOST (default 127.0.0.1: loopback only). */
  readonly host: string;
  /** DRIFTLINE_SERVER_PORT (default 8080). */
  readonly port: number;
  /** DRIFTLINE_ACCESS_KEYS `id:secret,id2:secret2`: the keys SigV4-signed invocations may use. */
  readonly accessKeys: Readonly<Record<string, string>>;
  /** DRIFTLINE_CAPTURE_FSYNC: `none` (default), `batch` or `interval:<ms>`. */
  readonly captureFsync: string;
}

/** Every environment variable driftline reads, with its one-line documentation. */
export const CONFIG_VARIABLES = {
  DRIFTLINE_HOME: 'home folder for the embedded database and artifacts (default: ./.driftline)',
  DRIFTLINE_METADATA_URI: 'metadata store: sqlite:///path/to/driftline.db or memory: (default: sqlite in home)',
  DRIFTLINE_ARTIFACT_URI: 'artifact store: file:///path/to/artifacts or memory: (default: file in home)',
  DRIFTLINE_LOG_LEVEL: 'debug | info | warn | error | silent (default: warn)',
  DRIFTLINE_SERVER_HOST: 'address `driftline server` listens on (default: 127.0.0.1; any other requires SigV4-signed invocations)',
  DRIFTLINE_SERVER_PORT: 'port of `driftline server` (default: 8080)',
  DRIFTLINE_ACCESS_KEYS: 'access keys accepted on signed invocations: id:secret,id2:secret2',
  DRIFTLINE_CAPTURE_FSYNC: 'data capture fsync policy: none | batch | interval:<ms> (default: none)',
  DRIFTLINE_SERVER_URL: 'where CLI commands reach a running `driftline server` (default: http://127.0.0.1:8080)',
} as const;
