import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.js';
import { processStartTicks } from '../pipeline/adapters/process-groups.js';

let self: string | undefined;

/**
 * This process as a pipeline execution owner: `host:pid:start:nonce`, unique per process start
 * (`host:pid` alone repeats when the engine is PID 1 in a container, and the execution could then
 * never be resumed).
 */
export function ownerId(): string {
  self ??= `${os.hostname()}:${process.pid}:${processStartTicks(process.pid) ?? '0'}:${randomBytes(4).toString('hex')}`;
  return self;
}

/**
 * Whether the owner still runs: false when it is gone (no such pid, or the pid now belongs to a
 * process that started later, or it is this pid and not this process), true when it runs,
 * undefined when it cannot be told (another host).
 */
export function ownerAlive(owner: string): boolean | undefined {
  const [host, pidText, start] = owner.split(':');
  if (host !== os.hostname()) return undefined;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return owner === ownerId();
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = processStartTicks(pid);
  return start === undefined || start === '0' || now === undefined || now === start;
}

/** The built-in job runner module beside this one (`.ts` when running from source under tsx, `.js` from dist). */
export function jobRunnerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), '..', 'main', `job-runner${path.extname(here)}`);
}

/** The Node flags a job runner needs: loaders such as `--import tsx`, nothing test-runner specific. */
export function runnerExecArgv(argv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--import' || a === '--require' || a === '--loader' || a === '--experimental-loader') {
      out.push(a, absolute(argv[++i]!));
    } else if (/^--(import|require|loader|experimental-loader)=/.test(a)) {
      const eq = a.indexOf('=');
      out.push(a.slice(0, eq), absolute(a.slice(eq + 1)));
    } else if (a === '--enable-source-maps' || a === '--no-warnings') {
      out.push(a);
    }
  }
  return out;
}

/** A loader specifier resolved from here, so that it loads from any job folder. */
function absolute(spec: string): string {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('file:')) return spec;
  try {
    return import.meta.resolve(spec);
  } catch {
    return spec;
  }
}

/** Environment that makes a job runner open the same home and stores as this process. */
export function jobEnvironment(config: Config): Record<string, string> {
  return {
    DRIFTLINE_HOME: config.home,
    DRIFTLINE_METADATA_URI: config.metadataUri,
    DRIFTLINE_ARTIFACT_URI: config.artifactUri,
    DRIFTLINE_LOG_LEVEL: config.logLevel,
  };
}

let fingerprint: string | undefined;

/**
 * driftline's code version for step caching: the release version plus a hash of every module of
 * this build (`dist/` or `src/`), so a changed processor never reuses results of the old code.
 */
export function codeVersion(release: string): string {
  if (fingerprint === undefined) {
    const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
    const h = createHash('sha256');
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const abs = path.join(dir, e.name);
        if (e.isDirectory()) walk(abs);
        else if (/\.(js|ts|mjs)$/.test(e.name) && !/\.test\.(js|ts)$/.test(e.name)) h.update(`${path.relative(root, abs)}\0`).update(readFileSync(abs));
      }
    };
    walk(root);
    fingerprint = h.digest('hex').slice(0, 16);
  }
  return `${release}+${fingerprint}`;
}

/** The driftline CLI entry beside this module (`main/cli.ts` under tsx, `main/cli.js` from dist): what git hooks run. */
export function cliEntry(): string {
  const here = fileURLToPath(import.meta.url);
  return path.join(path.dirname(here), '..', 'main', `cli${path.extname(here)}`);
}
