import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { runnerExecArgv } from '../../src/app/pipeline-runtime.js';
import { until } from './serving.js';
import { PROJECT_ROOT } from './shared-data.js';

/** A `driftline server` process on a free loopback port. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

/** Starts `driftline --home <home> server --port 0 …` and waits until it listens. The caller kills it (`killAll([child.pid])`). */
export async function startServerProcess(home: string, args: string[] = [], detached = false): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...runnerExecArgv(), path.join(PROJECT_ROOT, 'src/main/cli.ts'), '--home', home, 'server', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await until(() => /listening on (http:\/\/\S+)/.test(out) || child.exitCode !== null, 'the server to listen', 60_000);
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
  assert.ok(url, `the server did not start: ${err}`);
  return { child, url, exited, stderr: () => err };
}
