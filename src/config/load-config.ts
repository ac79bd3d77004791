import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvalidArgumentError } from '../core/errors.js';
import { LOG_LEVELS, type LogLevel } from '../core/logger.js';
import type { Config, ServingConfig } from './config.js';

/** Settings given on the command line, which win over the environment. */
export interface ConfigOverrides {
  readonly home?: string;
  readonly logLevel?: string;
  readonly serverHost?: string;
  readonly serverPort?: string;
}

/**
 * Builds the configuration from environment variables and command-line overrides. Pure: the caller
 * passes the environment and the working directory. Every problem is reported at once.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, overrides: ConfigOverrides = {}, cwd: string = process.cwd()): Config {
  const problems: string[] = [];
  const home = path.resolve(cwd, overrides.home ?? nonEmpty(env['DRIFTLINE_HOME']) ?? '.driftline');
  const metadataUri = nonEmpty(env['DRIFTLINE_METADATA_URI']) ?? `sqlite://${path.join(home, 'driftline.db')}`;
  const artifactUri = nonEmpty(env['DRIFTLINE_ARTIFACT_URI']) ?? pathToFileURL(path.join(home, 'artifacts')).href;
  const level = (overrides.logLevel ?? nonEmpty(env['DRIFTLINE_LOG_LEVEL']) ?? 'warn').toLowerCase();
  if (!/^(sqlite:|memory:$)/.test(metadataUri)) {
    problems.push(`DRIFTLINE_METADATA_URI '${metadataUri}' is not sqlite:… or memory:`);
  }
  if (!/^(file:|memory:$)/.test(artifactUri)) {
    problems.push(`DRIFTLINE_ARTIFACT_URI '${artifactUri}' is not file:… or memory:`);
  }
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    problems.push(`DRIFTLINE_LOG_LEVEL '${level}' is not one of ${LOG_LEVELS.join(', ')}`);
  }
  const serverUrl = (nonEmpty(env['DRIFTLINE_SERVER_URL']) ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+$/.test(serverUrl)) problems.push(`DRIFTLINE_SERVER_URL '${serverUrl}' is not http(s)://host[:port]`);
  const serving = servingConfig(env, overrides, problems);
  if (problems.length > 0) throw new InvalidArgumentError(`invalid configuration: ${problems.join('; ')}`);
  return Object.freeze({ home, metadataUri, artifactUri, logLevel: level as LogLevel, serverUrl, serving });
}

function servingConfig(env: Readonly<Record<string, string | undefined>>, overrides: ConfigOverrides, problems: string[]): ServingConfig {
  const host = overrides.serverHost ?? nonEmpty(env['DRIFTLINE_SERVER_HOST']) ?? '127.0.0.1';
  const portText = overrides.serverPort ?? nonEmpty(env['DRIFTLINE_SERVER_PORT']) ?? '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText.trim()) || port > 65535) problems.push(`server port '${portText}' is not a port number (0-65535)`);
  const accessKeys: Record<string, string> = {};
  const keysText = nonEmpty(env['DRIFTLINE_ACCESS_KEYS']);
  if (keysText !== undefined) {
    for (const pair of keysText.split(',')) {
      const colon = pair.indexOf(':');
      const id = pair.slice(0, colon).trim();
      const secret = pair.slice(colon + 1).trim();
      if (colon <= 0 || id === '' || secret === '')
        problems.push(`DRIFTLINE_ACCESS_KEYS entry '${pair.slice(0, Math.max(colon, 0)).trim() || '?'}:…' is not id:secret`);
      else accessKeys[id] = secret;
    }
  }
  const captureFsync = (nonEmpty(env['DRIFTLINE_CAPTURE_FSYNC']) ?? 'none').trim().toLowerCase();
  if (!/^(none|batch|interval:[1-9]\d*)$/.test(captureFsync)) problems.push(`DRIFTLINE_CAPTURE_FSYNC '${captureFsync}' is not none, batch or interval:<ms>`);
  return Object.freeze({ host, port, accessKeys: Object.freeze(accessKeys), captureFsync });
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}
