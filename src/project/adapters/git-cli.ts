import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { UnavailableError, oneLine } from '../../core/errors.js';
import type { CommitInfo, GitPort } from '../ports.js';

const run = promisify(execFile);
/** driftline commits as itself: the user's git identity and config are never needed. */
const IDENTITY = ['-c', 'user.name=driftline', '-c', 'user.email=driftline@localhost', '-c', 'commit.gpgsign=false'];

/** `GitPort` over the `git` binary (execFile, no shell; bounded by a timeout). */
export class GitCli implements GitPort {
  /** `env`: the environment git runs with (PATH…), given by the composition root; GIT_* variables and the user's config are dropped. */
  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly binary = 'git',
  ) {}

  private async git(dir: string, args: readonly string[]): Promise<string> {
    try {
      const { stdout } = await run(this.binary, ['-C', dir, ...IDENTITY, ...args], { timeout: 30_000, env: { ...gitEnv(this.env), GIT_TERMINAL_PROMPT: '0' } });
      return stdout;
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') throw new UnavailableError(`git is not installed (${this.binary} not found)`, { cause: err });
      throw new UnavailableError(`git ${args[0] ?? ''} in ${dir} failed: ${oneLine(e.stderr || e.message)}`, { cause: err });
    }
  }

  async init(dir: string): Promise<void> {
    await this.git(dir, ['init', '--quiet', '--initial-branch=main']);
  }

  async commitAll(dir: string, message: string): Promise<string> {
    await this.git(dir, ['add', '--all']);
    await this.git(dir, ['commit', '--quiet', '--no-verify', '-m', message]);
    return (await this.git(dir, ['rev-parse', 'HEAD'])).trim();
  }

  async lastCommit(dir: string): Promise<CommitInfo | undefined> {
    try {
      const out = (await this.git(dir, ['log', '-1', '--format=%H%x00%ct%x00%s'])).trim();
      const [sha, at, message] = out.split('\0');
      if (!sha) return undefined;
      return { sha, at: Number(at) * 1000, message: message ?? '' };
    } catch {
      return undefined;
    }
  }
}

/** The environment without the user's global/system git config. */
function gitEnv(from: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(from)) if (v !== undefined && !k.startsWith('GIT_')) env[k] = v;
  return { PATH: '/usr/local/bin:/usr/bin:/bin', ...env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
}
