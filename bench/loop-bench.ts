/**
 * bench:loop — time to detect, in wall time: a real `driftline server` serves the quickstart's
 * production endpoint with a monitoring schedule of rate(1 minute) (the finest EventBridge allows)
 * and the drift alarm over 60 s periods; normal January traffic flows, then the notebook's drifted
 * February (the drift onset). Prints the time from the onset to ALARM and to the start of the
 * retraining pipeline the drift rule launches, against the target (5 minutes) and against the
 * sample on SageMaker (hourly schedule and 3600 s alarm: one to two hours).
 *   npm run bench:loop -- [--rate 50] [--timeout 420]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp } from '../src/app/create-app.js';
import { loadConfig } from '../src/config/load-config.js';
import { noopLogger } from '../src/core/logger.js';
import { PREPARED_FILES } from '../src/data/index.js';
import { benchWorkDir } from './support.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const cliEntry = path.join(root, 'dist', 'main', 'cli.js');
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const ratePerSecond = Number(arg('rate', '50'));
const timeoutS = Number(arg('timeout', '420'));
const home = benchWorkDir('loop');
const GROUP = 'quickstart-nyc-taxi';
const ENDPOINT = `${GROUP}-prod`;
const SCHEDULE = `${ENDPOINT}-threshold`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

function run(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, '--home', home, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`driftline ${args.join(' ')} exited ${code}`))));
  });
}

async function findFile(dir: string, name: string): Promise<string | undefined> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const f = await findFile(p, name);
      if (f) return f;
    } else if (e.name === name) return p;
  }
  return undefined;
}

async function rows(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8'))
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.slice(l.indexOf(',') + 1));
}

log(`setting up in ${home}: quickstart (build, approve, staging, production with capture)`);
await run(['quickstart']);
const app = await createApp(loadConfig({}, { home }, home), { logger: noopLogger });
const schedule = await app.monitoring.get(SCHEDULE);
await app.monitoring.putSchedule({ ...schedule, scheduleExpression: 'rate(1 minute)' });
const alarm = await app.alarms.get(SCHEDULE);
await app.alarms.putMetricAlarm({ ...alarm.definition, Period: 60 });
await app.rules.putRule({
  name: `${GROUP}-drift`,
  eventPattern: {
    source: ['aws.cloudwatch'],
    'detail-type': ['CloudWatch Alarm State Change'],
    detail: { alarmName: [SCHEDULE], state: { value: ['ALARM'] } },
  },
});
await app.rules.putTargets(`${GROUP}-drift`, [{ kind: 'pipeline', pipelineName: `${GROUP}-build` }]);
const executionsBefore = (await app.pipelines.executions({ pipelineName: `${GROUP}-build` })).items.length;
const january = await rows((await findFile(path.join(home, 'artifacts', 'pipelines', `${GROUP}-build`), 'validation.csv'))!);
const february = await rows(path.join(home, 'quickstart', 'prepared-drifted', PREPARED_FILES.validation));

const server: ChildProcess = spawn(process.execPath, [cliEntry, '--home', home, 'server', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
let url = '';
server.stdout!.on('data', (d: Buffer) => {
  const m = /listening on (http:\/\/\S+)/.exec(d.toString());
  if (m) url = m[1]!;
});
try {
  while (!url) await sleep(100);
  log(`server at ${url}; schedule rate(1 minute), alarm over 60 s periods, rule ${GROUP}-drift -> ${GROUP}-build`);
  let traffic = january;
  let sent = 0;
  let stop = false;
  const pump = (async () => {
    while (!stop) {
      const started = Date.now();
      await Promise.all(
        Array.from({ length: ratePerSecond }, (_, i) =>
          fetch(`${url}/endpoints/${ENDPOINT}/invocations`, {
            method: 'POST',
            headers: { 'content-type': 'text/csv' },
            body: traffic[(sent + i) % traffic.length]!,
          }).then((r) => r.arrayBuffer()),
        ),
      );
      sent += ratePerSecond;
      await sleep(Math.max(0, 1000 - (Date.now() - started)));
    }
  })();
  // Normal traffic until the alarm is OK (one run saw it), then the drift begins.
  const deadline = Date.now() + timeoutS * 1000;
  while ((await app.alarms.get(SCHEDULE)).state !== 'OK') {
    if (Date.now() > deadline) throw new Error('the alarm never became OK on normal traffic');
    await sleep(1000);
  }
  traffic = february;
  const onset = Date.now();
  log('alarm OK on normal traffic; drift onset: the notebook-drifted February from now on');
  let alarmAt: number | undefined;
  let retrainAt: number | undefined;
  while (retrainAt === undefined) {
    if (Date.now() > deadline) throw new Error('no retraining before the timeout');
    if (alarmAt === undefined && (await app.alarms.get(SCHEDULE)).state === 'ALARM') {
      alarmAt = Date.now();
      log(`ALARM after ${((alarmAt - onset) / 1000).toFixed(1)} s`);
    }
    const runs = (await app.pipelines.executions({ pipelineName: `${GROUP}-build` })).items;
    if (runs.length > executionsBefore) retrainAt = runs[0]!.createdAt;
    await sleep(500);
  }
  stop = true;
  await pump;
  const toAlarm = (alarmAt! - onset) / 1000;
  const toRetrain = (retrainAt - onset) / 1000;
  console.log(
    `bench:loop — quickstart production endpoint, ${ratePerSecond} req/s, schedule rate(1 minute), alarm 1 of 1 periods of 60 s (2 cores, Node ${process.version})`,
  );
  console.log(`drift onset -> ALARM:             ${toAlarm.toFixed(1)} s`);
  console.log(`drift onset -> retraining start:  ${toRetrain.toFixed(1)} s   (target 300 s: ratio ${(toRetrain / 300).toFixed(2)})`);
  console.log(`the sample on SageMaker (hourly schedule, 3600 s alarm): 3600-7200 s; driftline here: ${(toRetrain / 3600).toFixed(3)} of the shortest`);
  console.log(`requests sent: ${sent}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await app.close();
}
