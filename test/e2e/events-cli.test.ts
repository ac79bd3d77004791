import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/app/create-app.js';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { loadConfig } from '../../src/config/load-config.js';
import { noopLogger } from '../../src/core/logger.js';
import { verifyWebhookSignature } from '../../src/events/index.js';
import { cli } from '../support/cli-runner.js';
import { tmpDir } from '../support/tmp-dir.js';

const DRIFT_PATTERN = {
  source: ['aws.cloudwatch'],
  'detail-type': ['CloudWatch Alarm State Change'],
  detail: { alarmName: ['taxi-prod-threshold'], state: { value: ['ALARM'] } },
};
const ALARM_DETAIL = JSON.stringify({ alarmName: 'taxi-prod-threshold', state: { value: 'ALARM' } });
const SECRET = 'hook-secret';

describe('events and rules CLI', () => {
  let home: string;
  let server: Server;
  let hookUrl: string;
  const hooks: { headers: IncomingHttpHeaders; body: string }[] = [];
  const run = (...argv: string[]) => cli(['--log-level', 'silent', ...argv], { home, cwd: home });

  before(async () => {
    home = await tmpDir('driftline-events-cli-');
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hooks.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = 200;
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('prints help for every command', async () => {
    for (const command of [
      ['events'],
      ['events', 'list'],
      ['events', 'show'],
      ['events', 'put'],
      ['rules'],
      ['rules', 'put'],
      ['rules', 'targets'],
      ['rules', 'list'],
      ['rules', 'describe'],
      ['rules', 'enable'],
      ['rules', 'disable'],
      ['rules', 'delete'],
      ['rules', 'test-pattern'],
      ['rules', 'deliver'],
      ['rules', 'dead-letters'],
      ['rules', 'replay'],
    ]) {
      const r = await run(...command, '--help');
      assert.equal(r.code, 0, command.join(' '));
      assert.match(r.stdout, /^Usage: driftline/);
    }
  });

  it('test-pattern answers like TestEventPattern; bad patterns and unknown rules are one-line errors with their exit codes', async () => {
    await writeFile(path.join(home, 'drift.json'), JSON.stringify(DRIFT_PATTERN));
    const event = JSON.stringify({ source: 'aws.cloudwatch', 'detail-type': 'CloudWatch Alarm State Change', detail: JSON.parse(ALARM_DETAIL) as unknown });
    const yes = await run('--json', 'rules', 'test-pattern', '--pattern', '@drift.json', '--event', event);
    assert.equal(yes.code, 0, yes.stderr);
    assert.deepEqual(yes.json(), { Result: true });
    const no = await run('rules', 'test-pattern', '--pattern', '{"source":["aws.sagemaker"]}', '--event', event);
    assert.equal(no.code, 0);
    assert.match(no.stdout, /does not match/);
    const bad = await run('rules', 'put', 'x', '--event-pattern', '{"source":"aws.cloudwatch"}');
    assert.equal(bad.code, EXIT_CODES.invalid_argument);
    assert.match(bad.stderr, /event pattern is not valid: "source": must be an array/);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    const missing = await run('rules', 'describe', 'nope');
    assert.equal(missing.code, EXIT_CODES.not_found);
    assert.match(missing.stderr, /rule 'nope' not found/);
    const neither = await run('rules', 'targets', 'nope');
    assert.equal(neither.code, EXIT_CODES.invalid_argument);
  });

  it("the sample's drift pattern starts the pipeline target once the alarm event is delivered", async () => {
    const definition = {
      Version: '2020-12-01',
      Parameters: [{ Name: 'Who', Type: 'String', DefaultValue: 'nobody' }],
      Steps: [{ Name: 'Stop', Type: 'Fail', Arguments: { ErrorMessage: 'stopped on purpose' } }],
    };
    await writeFile(path.join(home, 'retrain.json'), JSON.stringify(definition));
    assert.equal((await run('pipeline', 'upsert', 'taxi-build', '--definition', 'retrain.json')).code, 0);
    const put = await run('--json', 'rules', 'put', 'taxi-drift', '--event-pattern', '@drift.json', '--description', 'drift -> retrain');
    assert.equal(put.code, 0, put.stderr);
    assert.equal(put.json()['state'], 'ENABLED');
    const targets = await run('rules', 'targets', 'taxi-drift', '--pipeline', 'taxi-build', '--param', 'Who=rule');
    assert.equal(targets.code, 0, targets.stderr);
    assert.match(targets.stdout, /target-1: pipeline taxi-build Who=rule/);

    const published = await run(
      '--json',
      'events',
      'put',
      '--source',
      'aws.cloudwatch',
      '--detail-type',
      'CloudWatch Alarm State Change',
      '--detail',
      ALARM_DETAIL,
    );
    assert.equal(published.code, 0, published.stderr);
    const eventId = published.json<{ EventId: string }>().EventId;
    const other = await run(
      'events',
      'put',
      '--source',
      'aws.cloudwatch',
      '--detail-type',
      'CloudWatch Alarm State Change',
      '--detail',
      '{"alarmName":"x","state":{"value":"ALARM"}}',
    );
    assert.equal(other.code, 0);

    const pending = await run('--json', 'rules', 'deliveries', '--status', 'pending');
    assert.deepEqual(
      pending.json<{ Deliveries: { eventId: string; ruleName: string }[] }>().Deliveries.map((d) => [d.eventId, d.ruleName]),
      [[eventId, 'taxi-drift']],
    );
    const delivered = await run('--json', 'rules', 'deliver');
    assert.equal(delivered.code, 0, delivered.stderr);
    assert.deepEqual(delivered.json(), { fired: 0, attempted: 1, succeeded: 1, retrying: 0, deadLettered: 0 });

    const executions = await run('--json', 'pipeline', 'executions');
    const list = executions.json<{ PipelineExecutionSummaries: { PipelineExecutionArn: string; PipelineExecutionFailureReason?: string }[] }>()
      .PipelineExecutionSummaries;
    assert.equal(list.length, 1);
    assert.match(list[0]!.PipelineExecutionArn, /pipeline\/taxi-build\/execution\//);
    assert.match(list[0]!.PipelineExecutionFailureReason ?? '', /stopped on purpose/);

    const shown = await run('--json', 'events', 'show', eventId);
    assert.equal(shown.code, 0);
    const body = shown.json<{ Event: { id: string }; Deliveries: { status: string }[] }>();
    assert.equal(body.Event.id, eventId);
    assert.deepEqual(
      body.Deliveries.map((d) => d.status),
      ['succeeded'],
    );
    const log = await run('--json', 'events', 'list', '--source', 'aws.cloudwatch', '--limit', '1');
    assert.equal(log.json<{ Events: unknown[]; NextToken?: string }>().Events.length, 1);
    assert.ok(log.json<{ NextToken?: string }>().NextToken);
    const pipelineEvents = await run('--json', 'events', 'list', '--detail-type', 'SageMaker Model Building Pipeline Execution Status Change');
    assert.ok(pipelineEvents.json<{ Events: unknown[] }>().Events.length >= 1, 'the pipeline status changes are in the log too');
  });

  it('a webhook gets the event signed; a dead letter is listed and replayed; disable, describe (secret masked) and delete', async () => {
    assert.equal((await run('rules', 'put', 'hook', '--event-pattern', '{"source":["my.app"]}')).code, 0);
    const t = await run('rules', 'targets', 'hook', '--webhook', hookUrl, '--secret', SECRET, '--id', 'ops');
    assert.equal(t.code, 0, t.stderr);
    const described = await run('--json', 'rules', 'describe', 'hook');
    assert.doesNotMatch(described.stdout, new RegExp(SECRET));
    assert.match(described.stdout, /\*\*\*\*/);

    assert.equal((await run('events', 'put', '--source', 'my.app', '--detail-type', 'Thing', '--detail', '{"n":1}')).code, 0);
    assert.equal((await run('rules', 'deliver')).code, 0);
    assert.equal(hooks.length, 1);
    const [hook] = hooks;
    assert.ok(verifyWebhookSignature(SECRET, hook!.body, hook!.headers['x-driftline-signature'] as string), 'signed with the secret');
    assert.equal((JSON.parse(hook!.body) as { source: string }).source, 'my.app');

    // The target is gone when the next event is delivered: a dead letter at once.
    assert.equal((await run('events', 'put', '--source', 'my.app', '--detail-type', 'Thing', '--detail', '{"n":2}')).code, 0);
    assert.equal((await run('rules', 'remove-targets', 'hook', 'ops')).code, 0);
    const dead = await run('--json', 'rules', 'deliver');
    assert.equal(dead.json<{ deadLettered: number }>().deadLettered, 1);
    const letters = await run('--json', 'rules', 'dead-letters');
    const [letter] = letters.json<{ DeadLetters: { id: string; lastError: string }[] }>().DeadLetters;
    assert.match(letter!.lastError, /has no target 'ops'/);
    const human = await run('rules', 'dead-letters');
    assert.match(human.stdout, new RegExp(letter!.id));

    // Put the target back and replay: delivered.
    assert.equal((await run('rules', 'targets', 'hook', '--webhook', hookUrl, '--secret', SECRET, '--id', 'ops')).code, 0);
    const replayed = await run('--json', 'rules', 'replay', letter!.id);
    assert.equal(replayed.code, 0, replayed.stderr);
    assert.equal(replayed.json<{ status: string }>().status, 'succeeded');
    assert.equal(hooks.length, 2);
    assert.equal((JSON.parse(hooks[1]!.body) as { detail: { n: number } }).detail.n, 2);
    const again = await run('rules', 'replay', letter!.id);
    assert.equal(again.code, EXIT_CODES.failed_precondition);

    // Disabled: matches nothing.
    assert.match((await run('rules', 'disable', 'hook')).stdout, /DISABLED/);
    assert.equal((await run('events', 'put', '--source', 'my.app', '--detail-type', 'Thing')).code, 0);
    assert.equal((await run('--json', 'rules', 'deliver')).json<{ attempted: number }>().attempted, 0);
    const listed = await run('--json', 'rules', 'list');
    assert.deepEqual(
      listed.json<{ Rules: { name: string; state: string }[] }>().Rules.map((r) => [r.name, r.state]),
      [
        ['hook', 'DISABLED'],
        ['taxi-drift', 'ENABLED'],
      ],
    );
    const refused = await run('rules', 'delete', 'hook');
    assert.equal(refused.code, EXIT_CODES.failed_precondition);
    assert.equal((await run('rules', 'delete', 'hook', '--force')).code, 0);
    assert.equal((await run('rules', 'describe', 'hook')).code, EXIT_CODES.not_found);
  });

  it("a deployment target starts the deployment pipeline of the group's latest Approved version", async () => {
    const app = await createApp(loadConfig({}, { home }, home), { logger: noopLogger });
    try {
      await app.registry.register({
        group: 'taxi',
        modelDataUrl: 'file:///models/1.json',
        modelSha256: 'a'.repeat(64),
        registeredBy: 'test',
        approvalStatus: 'Approved',
      });
      await app.registry.register({ group: 'taxi', modelDataUrl: 'file:///models/2.json', modelSha256: 'b'.repeat(64), registeredBy: 'test' });
    } finally {
      await app.close();
    }
    const before = (await run('--json', 'deploy', 'executions')).json<{ DeploymentExecutions: unknown[] }>().DeploymentExecutions.length;
    assert.equal((await run('rules', 'put', 'redeploy', '--event-pattern', '{"source":["my.ops"],"detail-type":["Redeploy"]}')).code, 0);
    const t = await run('rules', 'targets', 'redeploy', '--deployment', 'taxi');
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /deployment of the latest Approved version of taxi/);
    assert.equal((await run('rules', 'targets', 'redeploy', '--deployment', 'taxi', '--secret', 'x')).code, EXIT_CODES.invalid_argument);
    assert.equal((await run('events', 'put', '--source', 'my.ops', '--detail-type', 'Redeploy')).code, 0);
    const delivered = await run('--json', 'rules', 'deliver');
    assert.equal(delivered.json<{ succeeded: number }>().succeeded, 1, delivered.stdout);
    const after = (await run('--json', 'deploy', 'executions')).json<{ DeploymentExecutions: { version: number; trigger: string }[] }>().DeploymentExecutions;
    assert.equal(after.length, before + 1);
    assert.equal(after[0]!.version, 1, 'version 2 is not approved');
    assert.match(after[0]!.trigger, /^rule redeploy \(event evt_/);
  });
});
