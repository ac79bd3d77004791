/**
 * bench:serve — `driftline server` (worker processes, 100% data capture written before each answer)
 * against a minimal node:http server predicting in-process with the same model and no capture.
 * One endpoint, a model trained on the prepared NYC 2021-01 data (synthetic rows if absent),
 * single-row CSV requests, 50 connections, wrk if on PATH (else autocannon).
 *   npm run bench:serve -- [--duration 20] [--connections 50] [--workers 1] [--fsync none]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli/run-cli.js';
import { benchWorkDir } from './support.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const duration = Number(arg('duration', '20'));
const connections = Number(arg('connections', '50'));
const workers = Number(arg('workers', '1'));
const fsync = arg('fsync', 'none');
const nycDir = process.env['DRIFTLINE_NYC_DIR'] ?? path.resolve(root, '..', 'shared', 'data', 'nyc-taxi');
const work = benchWorkDir('serve');
mkdirSync(work, { recursive: true });
const io = { stdout: () => {}, stderr: (s: string) => process.stderr.write(s), isTTY: false, env: {}, cwd: process.cwd() };
const home = ['--home', path.join(work, 'home')];

// The model: NYC 2021-01 prepared by driftline, 100 trees of depth 9 (as bench:predict); synthetic rows otherwise.
let trainCsv: string;
let source: string;
if (existsSync(path.join(nycDir, 'green_tripdata_2021-01.parquet'))) {
  const prepared = path.join(work, 'prepared');
  const code = await runCli(
    [
      ...home,
      'data',
      'prepare',
      '--trips',
      path.join(nycDir, 'green_tripdata_2021-01.parquet'),
      '--zones',
      path.join(nycDir, 'taxi_zones.zip'),
      '--out',
      prepared,
    ],
    io,
  );
  if (code !== 0) process.exit(1);
  trainCsv = path.join(prepared, 'train', 'train.csv');
  source = 'NYC green 2021-01, prepared';
} else {
  trainCsv = path.join(work, 'train.csv');
  const rows = Array.from({ length: 20_000 }, (_, i) => {
    const f = Array.from({ length: 9 }, (_, j) => ((i * (j + 3)) % 97) / 7);
    return [f.reduce((a, b) => a + b, 0), ...f].map((v) => v.toFixed(4)).join(',');
  });
  writeFileSync(trainCsv, `${rows.join('\n')}\n`);
  source = 'synthetic rows (NYC data absent)';
}
const model = path.join(work, 'model.json');
if ((await runCli([...home, 'train', '--train', trainCsv, '--out', model, '--hp', 'num_round=100', 'max_depth=9', 'eta=0.2', 'min_child_weight=1'], io)) !== 0)
  process.exit(1);
const firstLine = readFileSync(trainCsv, 'utf8').split('\n', 1)[0]!;
const row = firstLine.split(',').slice(1).join(',');

interface Load {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
}

const useWrk = spawnSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' }).status === 0;

function ms(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!m) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

function runLoad(url: string, seconds = duration): Load {
  if (useWrk) {
    const lua = path.join(work, 'post.lua');
    writeFileSync(lua, `wrk.method = "POST"\nwrk.body = "${row}"\nwrk.headers["Content-Type"] = "text/csv"\n`);
    const r = spawnSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', lua, url], { encoding: 'utf8' });
    const out = r.stdout;
    const pct = (p: string) => ms(new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
    const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
      p50Ms: pct('50'),
      p99Ms: pct('99'),
      requests: Number(/(\d+) requests in/.exec(out)?.[1]),
      non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
      errors: errors ? errors.slice(1).reduce((s, x) => s + Number(x), 0) : 0,
    };
  }
  const r = spawnSync(
    path.join(root, 'node_modules', '.bin', 'autocannon'),
    ['-c', String(connections), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=text/csv', '-b', row, '--json', url],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const j = JSON.parse(r.stdout) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
  return { rps: j.requests.average, p50Ms: j.latency.p50, p99Ms: j.latency.p99, requests: j.requests.total, non2xx: j.non2xx, errors: j.errors };
}

async function started(child: ChildProcess): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const children: ChildProcess[] = [];
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

// 1. The limit: node:http, in-process prediction, no capture.
const bare = spawn(process.execPath, [path.join(here, 'children', 'serve-bare.mjs'), model], { stdio: ['ignore', 'pipe', 'inherit'] });
children.push(bare);
const bareUrl = await started(bare);
runLoad(bareUrl, Math.min(3, duration)); // warm-up
const limit = runLoad(bareUrl);
await stop(bare);

// 2. driftline server: worker processes, capture 100%.
const capture = path.join(work, 'capture');
const sha256 = createHash('sha256').update(readFileSync(model)).digest('hex');
const endpoints = path.join(work, 'endpoints.json');
writeFileSync(
  endpoints,
  JSON.stringify({
    endpoints: [
      {
        name: 'bench',
        arn: 'arn:aws:sagemaker:us-east-1:000000000000:endpoint/bench',
        configName: 'bench-config',
        generation: 1,
        variants: [
          {
            name: 'LatestApproved',
            modelPackageArn: 'arn:aws:sagemaker:us-east-1:000000000000:model-package/bench/1',
            modelPackageName: 'bench/1',
            modelPath: model,
            modelSha256: sha256,
            weight: 1,
            instances: { initial: workers, min: workers, max: workers, scaleInCooldownSeconds: 300, scaleOutCooldownSeconds: 60 },
          },
        ],
        capture: {
          samplingPercent: 100,
          destinationPath: capture,
          destinationUri: `file://${capture}`,
          captureInput: true,
          captureOutput: true,
          csvContentTypes: ['text/csv'],
          jsonContentTypes: ['application/json'],
        },
      },
    ],
  }),
);
const server = spawn(process.execPath, [path.join(root, 'dist', 'main', 'cli.js'), ...home, 'server', '--port', '0', '--endpoints', endpoints], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, DRIFTLINE_CAPTURE_FSYNC: fsync },
});
children.push(server);
const serverUrl = await started(server);
const url = `${serverUrl}/endpoints/bench/invocations`;
runLoad(url, Math.min(3, duration)); // warm-up
const warm = (await (await fetch(`${serverUrl}/stats`)).json()) as { http: { ok: number } };
const ours = runLoad(url);
const stats = (await (await fetch(`${serverUrl}/stats`)).json()) as { http: { ok: number }; capture: { captured: number; dropped: number } };
await stop(server);
let records = 0;
for (const e of readdirSync(capture, { recursive: true, withFileTypes: true })) {
  if (e.isFile() && e.name.endsWith('.jsonl'))
    records += readFileSync(path.join(e.parentPath, e.name), 'utf8')
      .split('\n')
      .filter((l) => l !== '').length;
}

const f = (x: number) => x.toFixed(2);
const n = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(
  `bench:serve — ${source}, 100 trees of depth 9, single-row CSV, ${connections} connections, ${duration} s, ${useWrk ? 'wrk' : 'autocannon'} (${os.cpus().length} cores, Node ${process.version})`,
);
console.log(
  `bare node:http (in-process predict, no capture)  ${n(limit.rps)} req/s   p50 ${f(limit.p50Ms)} ms   p99 ${f(limit.p99Ms)} ms   non-2xx ${limit.non2xx}`,
);
console.log(
  `driftline server (${workers} worker${workers === 1 ? '' : 's'}, capture 100%, fsync ${fsync})  ${n(ours.rps)} req/s   p50 ${f(ours.p50Ms)} ms   p99 ${f(ours.p99Ms)} ms   non-2xx ${ours.non2xx}`,
);
console.log(`ratio ${(ours.rps / limit.rps).toFixed(2)} (target >= 0.80), p99 ${f(ours.p99Ms)} ms (target <= 10 ms)`);
const answered = stats.http.ok;
console.log(
  `capture: ${n(records)} records in files, ${n(answered)} 2xx answers (warm-up included: ${n(warm.http.ok)}), ${n(stats.capture.dropped)} dropped, missing ${n(Math.max(0, answered - records))}`,
);
