import type { Command } from 'commander';
import { InvalidArgumentError } from '../../core/errors.js';
import { publicRule } from '../../events/public-rule.js';
import type { DeliveryRecord, DeliveryStatus, RuleRecord, StoredEvent, TargetInput } from '../../events/index.js';
import type { CliContext } from '../cli-context.js';
import { emit, table } from '../output.js';
import { parseInteger } from './data-command.js';
import { readJsonFile } from './read-json-file.js';

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());
const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['pending', 'succeeded', 'failed'];

/** A JSON argument given inline or as `@file`. */
async function jsonArg(ctx: CliContext, flag: string, value: string): Promise<unknown> {
  if (value.startsWith('@')) return readJsonFile(ctx.io.cwd, value.slice(1), `${flag} file`);
  try {
    return JSON.parse(value) as unknown;
  } catch (err) {
    throw new InvalidArgumentError(`${flag} is not JSON: ${(err as Error).message}`);
  }
}

function collect(value: string, prev: string[]): string[] {
  return [...prev, value];
}

function parseParams(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new InvalidArgumentError(`--param must be name=value, got '${v}'`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

const pageHint = (token: string | undefined) => (token ? [`more: --page-token ${token}`] : []);

function eventRows(items: readonly StoredEvent[]): string[][] {
  return items.map(({ event }) => [event.id, event.time, event.source, event['detail-type'], event.resources.join(',')]);
}

function deliveryTable(items: readonly DeliveryRecord[]): string {
  return table(
    ['DELIVERY', 'EVENT', 'RULE', 'TARGET', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT', 'LAST ERROR'],
    items.map((d) => [
      d.id,
      d.eventId,
      d.ruleName,
      d.targetId,
      d.status,
      String(d.attempts),
      d.status === 'pending' ? iso(d.nextAttemptAt) : '-',
      d.lastError ?? '',
    ]),
  );
}

function describeRuleText(r: RuleRecord): string {
  const lines = [
    `rule ${r.name} (${r.arn})`,
    `  state:       ${r.state}`,
    ...(r.description === undefined ? [] : [`  description: ${r.description}`]),
    ...(r.eventPattern === undefined ? [] : [`  pattern:     ${r.eventPattern}`]),
    ...(r.scheduleExpression === undefined ? [] : [`  schedule:    ${r.scheduleExpression} (next: ${iso(r.nextFireAt)})`]),
    `  targets:     ${r.targets.length === 0 ? 'none (add with `driftline rules targets`)' : ''}`,
  ];
  for (const t of r.targets) {
    lines.push(
      t.kind === 'pipeline'
        ? `    ${t.id}: pipeline ${t.pipelineName}${
            Object.keys(t.parameters).length
              ? ` ${Object.entries(t.parameters)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ')}`
              : ''
          }`
        : t.kind === 'webhook'
          ? `    ${t.id}: webhook ${t.url} (signed)`
          : `    ${t.id}: deployment of the latest Approved version of ${t.group}`,
    );
  }
  return lines.join('\n').replace(/ +$/gm, '');
}

/** `driftline events …` (the stored event log, PutEvents) and `driftline rules …` (EventBridge rules, targets, deliveries). */
export function registerEventsCommands(program: Command, ctx: CliContext): void {
  const events = program
    .command('events')
    .description('the event log: every event published (registry, pipelines, alarms, schedules), as EventBridge envelopes');

  events
    .command('list')
    .description('list stored events, newest first')
    .option('--source <source>', 'only this source, e.g. aws.sagemaker')
    .option('--detail-type <type>', "only this detail-type, e.g. 'CloudWatch Alarm State Change'")
    .option('--limit <n>', 'how many', '50')
    .option('--page-token <token>', 'the next page, as printed by the previous one')
    .action(async (opts: { source?: string; detailType?: string; limit: string; pageToken?: string }) => {
      const app = await ctx.app();
      const page = await app.rules.listEvents({
        limit: parseInteger('--limit', opts.limit, 1),
        ...(opts.source === undefined ? {} : { source: opts.source }),
        ...(opts.detailType === undefined ? {} : { detailType: opts.detailType }),
        ...(opts.pageToken === undefined ? {} : { pageToken: opts.pageToken }),
      });
      emit(ctx.io, ctx.json(), { Events: page.items.map((e) => e.event), ...(page.nextPageToken ? { NextToken: page.nextPageToken } : {}) }, () =>
        page.items.length === 0
          ? 'no events yet'
          : [table(['ID', 'TIME', 'SOURCE', 'DETAIL-TYPE', 'RESOURCES'], eventRows(page.items)), ...pageHint(page.nextPageToken)].join('\n'),
      );
    });

  events
    .command('show')
    .description('one event in full, with its deliveries to rule targets')
    .argument('<id>', 'event id, as listed')
    .action(async (id: string) => {
      const app = await ctx.app();
      const stored = await app.rules.getEvent(id);
      const deliveries = await app.rules.listDeliveries({ eventId: id, limit: 1000 });
      emit(ctx.io, ctx.json(), { Event: stored.event, ReceivedAt: iso(stored.receivedAt), Deliveries: deliveries.items }, () =>
        [JSON.stringify(stored.event, null, 2), deliveries.items.length === 0 ? 'no rule matched this event' : deliveryTable(deliveries.items)].join('\n'),
      );
    });

  events
    .command('put')
    .description('publish one custom event (PutEvents): stored, matched against the rules, delivered by the server or `rules deliver`')
    .requiredOption('--source <source>', 'event source, e.g. my.app')
    .requiredOption('--detail-type <type>', 'event detail-type')
    .option('--detail <json|@file>', 'the detail object', '{}')
    .option('--resource <arn>', 'a resource ARN (repeatable)', collect, [])
    .action(async (opts: { source: string; detailType: string; detail: string; resource: string[] }) => {
      const detail = await jsonArg(ctx, '--detail', opts.detail);
      const app = await ctx.app();
      const event = await app.rules.putEvent({ source: opts.source, detailType: opts.detailType, detail, resources: opts.resource });
      emit(ctx.io, ctx.json(), { EventId: event.id, Event: event }, () => `published event ${event.id}`);
    });

  const rules = program
    .command('rules')
    .description('EventBridge rules: event patterns and schedules, pipeline and webhook targets, at-least-once delivery, dead letters');

  rules
    .command('put')
    .description('create or replace a rule (PutRule); its targets are kept')
    .argument('<name>', "rule name: 1-64 letters, digits, '.', '-', '_'")
    .option('--event-pattern <json|@file>', 'an EventBridge event pattern')
    .option('--schedule <expr>', 'a schedule expression: cron(...) or rate(...)')
    .option('--description <text>', 'what the rule is for')
    .option('--disabled', 'create it disabled (matches nothing until enabled)')
    .action(async (name: string, opts: { eventPattern?: string; schedule?: string; description?: string; disabled?: boolean }) => {
      const eventPattern = opts.eventPattern === undefined ? undefined : await jsonArg(ctx, '--event-pattern', opts.eventPattern);
      const app = await ctx.app();
      const rule = await app.rules.putRule({
        name,
        ...(eventPattern === undefined ? {} : { eventPattern }),
        ...(opts.schedule === undefined ? {} : { scheduleExpression: opts.schedule }),
        ...(opts.description === undefined ? {} : { description: opts.description }),
        state: opts.disabled ? 'DISABLED' : 'ENABLED',
      });
      emit(
        ctx.io,
        ctx.json(),
        publicRule(rule),
        () => `put rule ${rule.name} (${rule.state})${rule.targets.length === 0 ? '; add targets with `driftline rules targets`' : ''}`,
      );
    });

  rules
    .command('targets')
    .description('add or replace a target of a rule (PutTargets): start a pipeline or a deployment, or POST a signed webhook')
    .argument('<name>', 'rule name')
    .option('--pipeline <name>', 'start an execution of this pipeline')
    .option('--param <name=value>', 'a pipeline parameter (repeatable)', collect, [])
    .option('--deployment <group>', "start the deployment pipeline of this model package group's latest Approved version")
    .option('--webhook <url>', 'POST the event JSON here, signed in X-Driftline-Signature: sha256=<hex>')
    .option('--secret <secret>', 'the webhook HMAC-SHA256 key')
    .option('--id <id>', 'target id (default target-<n>); an existing id is replaced')
    .action(async (name: string, opts: { pipeline?: string; param: string[]; deployment?: string; webhook?: string; secret?: string; id?: string }) => {
      if ([opts.pipeline, opts.webhook, opts.deployment].filter((o) => o !== undefined).length !== 1)
        throw new InvalidArgumentError('give exactly one of --pipeline, --webhook and --deployment');
      let target: TargetInput;
      if (opts.deployment !== undefined) {
        if (opts.secret !== undefined || opts.param.length > 0) throw new InvalidArgumentError('--deployment takes neither --param nor --secret');
        target = { kind: 'deployment', group: opts.deployment, ...(opts.id === undefined ? {} : { id: opts.id }) };
      } else if (opts.pipeline !== undefined) {
        if (opts.secret !== undefined) throw new InvalidArgumentError('--secret goes with --webhook only');
        target = { kind: 'pipeline', pipelineName: opts.pipeline, parameters: parseParams(opts.param), ...(opts.id === undefined ? {} : { id: opts.id }) };
      } else {
        if (opts.param.length > 0) throw new InvalidArgumentError('--param goes with --pipeline only');
        if (opts.secret === undefined) throw new InvalidArgumentError('--webhook needs --secret');
        target = { kind: 'webhook', url: opts.webhook!, secret: opts.secret, ...(opts.id === undefined ? {} : { id: opts.id }) };
      }
      const app = await ctx.app();
      const rule = await app.rules.putTargets(name, [target]);
      emit(ctx.io, ctx.json(), publicRule(rule), () => describeRuleText(publicRule(rule)));
    });

  rules
    .command('remove-targets')
    .description('remove targets from a rule (RemoveTargets)')
    .argument('<name>', 'rule name')
    .argument('<ids...>', 'target ids')
    .action(async (name: string, ids: string[]) => {
      const app = await ctx.app();
      const rule = await app.rules.removeTargets(name, ids);
      emit(ctx.io, ctx.json(), publicRule(rule), () => describeRuleText(publicRule(rule)));
    });

  rules
    .command('list')
    .description('list the rules, by name')
    .action(async () => {
      const app = await ctx.app();
      const list = (await app.rules.listRules()).map(publicRule);
      emit(ctx.io, ctx.json(), { Rules: list }, () =>
        list.length === 0
          ? 'no rules yet: `driftline rules put <name> --event-pattern <json>`'
          : table(
              ['NAME', 'STATE', 'TRIGGER', 'TARGETS'],
              list.map((r) => [
                r.name,
                r.state,
                [r.eventPattern === undefined ? '' : 'pattern', r.scheduleExpression ?? ''].filter(Boolean).join(' + '),
                String(r.targets.length),
              ]),
            ),
      );
    });

  rules
    .command('describe')
    .description('one rule: pattern, schedule, state and targets (webhook secrets masked)')
    .argument('<name>', 'rule name')
    .action(async (name: string) => {
      const app = await ctx.app();
      const rule = publicRule(await app.rules.describeRule(name));
      emit(ctx.io, ctx.json(), rule, () => describeRuleText(rule));
    });

  for (const [verb, help] of [
    ['enable', 'enable a rule (a schedule starts a new phase)'],
    ['disable', 'disable a rule: it matches nothing and its schedule stops'],
  ] as const) {
    rules
      .command(verb)
      .description(help)
      .argument('<name>', 'rule name')
      .action(async (name: string) => {
        const app = await ctx.app();
        const rule = verb === 'enable' ? await app.rules.enableRule(name) : await app.rules.disableRule(name);
        emit(ctx.io, ctx.json(), publicRule(rule), () => `rule ${rule.name} is ${rule.state}`);
      });
  }

  rules
    .command('delete')
    .description('delete a rule (refused while it has targets, unless --force)')
    .argument('<name>', 'rule name')
    .option('--force', 'delete it with its targets')
    .action(async (name: string, opts: { force?: boolean }) => {
      const app = await ctx.app();
      await app.rules.deleteRule(name, Boolean(opts.force));
      emit(ctx.io, ctx.json(), { Deleted: name }, () => `deleted rule ${name}`);
    });

  rules
    .command('test-pattern')
    .description('whether an event matches a pattern (TestEventPattern); exit 0 either way')
    .requiredOption('--pattern <json|@file>', 'the event pattern')
    .requiredOption('--event <json|@file>', 'the event')
    .action(async (opts: { pattern: string; event: string }) => {
      const pattern = await jsonArg(ctx, '--pattern', opts.pattern);
      const event = await jsonArg(ctx, '--event', opts.event);
      const app = await ctx.app();
      const result = app.rules.testPattern(pattern, event);
      emit(ctx.io, ctx.json(), { Result: result }, () => (result ? 'the event matches the pattern' : 'the event does not match the pattern'));
    });

  rules
    .command('deliver')
    .description('fire due schedules and attempt due deliveries once (the server does this every second); waits for the pipelines it starts')
    .action(async () => {
      const app = await ctx.app();
      const s = await app.rules.deliverDue();
      await app.ruleRunsSettled();
      emit(
        ctx.io,
        ctx.json(),
        s,
        () =>
          `fired ${s.fired} schedule(s); ${s.attempted} delivery attempt(s): ${s.succeeded} succeeded, ${s.retrying} to retry, ${s.deadLettered} dead-lettered`,
      );
    });

  rules
    .command('deliveries')
    .description('deliveries of events to rule targets, newest first')
    .option('--status <status>', `only ${DELIVERY_STATUSES.join(', ')}`)
    .option('--rule <name>', 'only this rule')
    .option('--limit <n>', 'how many', '50')
    .option('--page-token <token>', 'the next page, as printed by the previous one')
    .action(async (opts: { status?: string; rule?: string; limit: string; pageToken?: string }) => {
      if (opts.status !== undefined && !DELIVERY_STATUSES.includes(opts.status as DeliveryStatus))
        throw new InvalidArgumentError(`--status must be one of ${DELIVERY_STATUSES.join(', ')}, got '${opts.status}'`);
      const app = await ctx.app();
      const page = await app.rules.listDeliveries({
        limit: parseInteger('--limit', opts.limit, 1),
        ...(opts.status === undefined ? {} : { status: opts.status as DeliveryStatus }),
        ...(opts.rule === undefined ? {} : { ruleName: opts.rule }),
        ...(opts.pageToken === undefined ? {} : { pageToken: opts.pageToken }),
      });
      emit(ctx.io, ctx.json(), { Deliveries: page.items, ...(page.nextPageToken ? { NextToken: page.nextPageToken } : {}) }, () =>
        page.items.length === 0 ? 'no deliveries' : [deliveryTable(page.items), ...pageHint(page.nextPageToken)].join('\n'),
      );
    });

  rules
    .command('dead-letters')
    .description('deliveries given up after their last attempt (replay one with `driftline rules replay <id>`)')
    .option('--limit <n>', 'how many', '50')
    .option('--page-token <token>', 'the next page, as printed by the previous one')
    .action(async (opts: { limit: string; pageToken?: string }) => {
      const app = await ctx.app();
      const page = await app.rules.deadLetters({
        limit: parseInteger('--limit', opts.limit, 1),
        ...(opts.pageToken === undefined ? {} : { pageToken: opts.pageToken }),
      });
      emit(ctx.io, ctx.json(), { DeadLetters: page.items, ...(page.nextPageToken ? { NextToken: page.nextPageToken } : {}) }, () =>
        page.items.length === 0 ? 'no dead letters' : [deliveryTable(page.items), ...pageHint(page.nextPageToken)].join('\n'),
      );
    });

  rules
    .command('replay')
    .description('take a dead letter back and attempt it now (with a fresh attempt count)')
    .argument('<delivery-id>', 'delivery id, as listed by `rules dead-letters`')
    .action(async (id: string) => {
      const app = await ctx.app();
      const d = await app.rules.replay(id);
      await app.ruleRunsSettled();
      emit(
        ctx.io,
        ctx.json(),
        d,
        () => `delivery ${d.id}: ${d.status}${d.status === 'pending' ? `, next attempt ${iso(d.nextAttemptAt)} (${d.lastError ?? ''})` : ''}`,
      );
    });
}
