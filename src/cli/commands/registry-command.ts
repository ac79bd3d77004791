import os from 'node:os';
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../core/errors.js';
import { toDescribeModelPackage, toModelPackageGroupSummary } from '../../registry/describe-model-package.js';
import type { ApprovalStatus, ModelPackage } from '../../registry/index.js';
import { APPROVAL_STATUSES } from '../../registry/types.js';
import type { Lineage } from '../../pipeline/index.js';
import type { CliContext } from '../cli-context.js';
import { emit, table } from '../output.js';
import { parseInteger } from './data-command.js';

/** The OS user name, recorded as who approved or rejected when --by is not given. */
export function defaultActor(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** `driftline registry …`: model package groups, versions and their approval (SageMaker Model Registry). */
export function registerRegistryCommands(program: Command, ctx: CliContext): void {
  const registry = program.command('registry').description('model registry: package groups, numbered model versions, approval (SageMaker Model Registry)');

  registry
    .command('groups')
    .description('list the model package groups, by name')
    .option('--limit <n>', 'how many', '50')
    .option('--page-token <token>', 'the next page, as printed by the previous one')
    .action(async (opts: { limit: string; pageToken?: string }) => {
      const app = await ctx.app();
      const page = await app.registry.listGroups({ limit: parseInteger('--limit', opts.limit, 1), ...(opts.pageToken ? { pageToken: opts.pageToken } : {}) });
      const json = {
        ModelPackageGroupSummaryList: page.items.map(toModelPackageGroupSummary),
        ...(page.nextPageToken ? { NextToken: page.nextPageToken } : {}),
      };
      emit(ctx.io, ctx.json(), json, () =>
        page.items.length === 0
          ? 'no model package groups yet: run the build pipeline, or `driftline registry create-group <name>`'
          : [
              table(
                ['NAME', 'CREATED', 'DESCRIPTION'],
                page.items.map((g) => [g.name, iso(g.createdAt), g.description ?? '']),
              ),
              ...nextPageHint(page.nextPageToken),
            ].join('\n'),
      );
    });

  registry
    .command('create-group')
    .description('create a model package group (registering a model creates its group too)')
    .argument('<name>', 'group name: 1 to 63 letters, digits and hyphens')
    .option('--description <text>', 'what the models of this group do')
    .action(async (name: string, opts: { description?: string }) => {
      const app = await ctx.app();
      const group = await app.registry.createGroup({ name, ...(opts.description === undefined ? {} : { description: opts.description }) });
      emit(ctx.io, ctx.json(), toModelPackageGroupSummary(group), () => `created model package group ${group.name} (${group.arn})`);
    });

  registry
    .command('versions')
    .description('list the versions of a group, by version number')
    .argument('<group>', 'model package group name')
    .option('--status <status>', `only versions with this approval status: ${APPROVAL_STATUSES.join(', ')}`)
    .option('--order <order>', 'asc (oldest first, as SageMaker lists by default) or desc', 'asc')
    .option('--limit <n>', 'how many', '50')
    .option('--page-token <token>', 'the next page, as printed by the previous one')
    .action(async (group: string, opts: { status?: string; order: string; limit: string; pageToken?: string }) => {
      if (opts.order !== 'asc' && opts.order !== 'desc') throw new InvalidArgumentError(`--order must be asc or desc, got '${opts.order}'`);
      const app = await ctx.app();
      const page = await app.registry.listVersions(group, {
        ...(opts.status === undefined ? {} : { approvalStatus: opts.status as ApprovalStatus }),
        order: opts.order,
        limit: parseInteger('--limit', opts.limit, 1),
        ...(opts.pageToken ? { pageToken: opts.pageToken } : {}),
      });
      const metrics = await Promise.all(page.items.map((p) => app.modelQuality(p)));
      const json = {
        ModelPackageSummaryList: page.items.map((p, i) => toDescribeModelPackage(p, metrics[i])),
        ...(page.nextPageToken ? { NextToken: page.nextPageToken } : {}),
      };
      emit(ctx.io, ctx.json(), json, () =>
        page.items.length === 0
          ? `no versions in ${group}${opts.status ? ` with status ${opts.status}` : ''}`
          : [
              // At most 120 columns: full ARNs, hashes and the whole history are in `registry describe` and --json.
              table(
                ['VERSION', 'APPROVAL', 'CREATED (UTC)', 'RMSE', 'R2', 'LAST CHANGE BY', 'EXECUTION'],
                page.items.map((p, i) => {
                  const by = p.approvalHistory.at(-1)?.by ?? '';
                  return [
                    String(p.version),
                    p.approvalStatus,
                    iso(p.createdAt).slice(0, 16).replace('T', ' '),
                    metric(metrics[i]?.['rmse']),
                    metric(metrics[i]?.['r2']),
                    by === p.generatedBy ? 'pipeline' : ellipsis(by, 20),
                    p.generatedBy === undefined ? '-' : ellipsis(/\/execution\/([^/]+)$/.exec(p.generatedBy)?.[1] ?? p.generatedBy, 26),
                  ];
                }),
              ),
              ...nextPageHint(page.nextPageToken),
            ].join('\n'),
      );
    });

  registry
    .command('describe')
    .description('show one version in full: model, metrics, drift-check baselines, origin, approval history')
    .argument('<group-or-arn>', 'model package group name, or a model package ARN (then no version)')
    .argument('[version]', 'version number')
    .addHelpText(
      'after',
      '\nExamples:\n  driftline registry describe taxi 3\n  driftline registry describe arn:aws:sagemaker:local:000000000000:model-package/taxi/3',
    )
    .action(async (groupOrArn: string, version: string | undefined) => {
      const app = await ctx.app();
      let pkg: ModelPackage;
      if (version !== undefined) pkg = await app.registry.describe(groupOrArn, version);
      else if (groupOrArn.startsWith('arn:')) pkg = await app.registry.describeArn(groupOrArn);
      else throw new InvalidArgumentError(`give a version: registry describe ${groupOrArn} <version>, or a model package ARN`);
      const lineage = pkg.generatedBy ? await app.lineage.forExecutionArn(pkg.generatedBy).catch(() => undefined) : undefined;
      const metrics = await app.modelQuality(pkg).catch(() => undefined);
      emit(ctx.io, ctx.json(), { ...toDescribeModelPackage(pkg, metrics), ...(lineage ? { Lineage: lineage } : {}) }, () =>
        lineage ? `${describePackage(pkg, metrics)}\n\n${describeLineage(lineage)}` : describePackage(pkg, metrics),
      );
    });

  registry
    .command('compare')
    .description(
      "champion/challenger: score a version waiting for approval against the one in production, on production's most recent labelled traffic it was not trained on (recorded in its metadata)",
    )
    .argument('<group>', 'model package group name')
    .argument('<version>', 'the challenger version number')
    .action(async (group: string, version: string) => {
      const app = await ctx.app();
      const o = await app.challengers.evaluate(group, parseInteger('<version>', version, 1));
      emit(ctx.io, ctx.json(), o, () => {
        if (o.status === 'NoChampion') return `${group}/${o.version}: no version in production to compare with`;
        const head = `${group}/${o.version} against ${group}/${o.champion ?? '?'} on ${o.rows} labelled rows${o.window ? ` (${o.window[0]} .. ${o.window[1]})` : ''}`;
        if (o.status === 'Waiting') return `${head}: waiting for more labelled traffic`;
        const c = o.challenger!;
        const p = o.championScores!;
        return [
          head,
          table(
            ['', 'RMSE', 'MAE', 'R2'],
            [
              ['challenger', metric(c.rmse), metric(c.mae), metric(c.r2)],
              ['champion', metric(p.rmse), metric(p.mae), metric(p.r2)],
            ],
          ),
          `decision: ${o.decision}${o.decision === 'Promote' ? ' (approved; its deployment is approved by the gate)' : ' (a person decides: `driftline registry approve`)'}`,
        ].join('\n');
      });
    });

  for (const [name, status] of [
    ['approve', 'Approved'],
    ['reject', 'Rejected'],
  ] as const) {
    registry
      .command(name)
      .description(`set a version's approval status to ${status} (recorded with who, when and why; publishes a state-change event)`)
      .argument('<group>', 'model package group name')
      .argument('<version>', 'version number')
      .option('--by <name>', 'who decides (default: your OS user name)')
      .option('--reason <text>', 'why (ApprovalDescription, at most 1024 characters)')
      .action(async (group: string, version: string, opts: { by?: string; reason?: string }) => {
        const app = await ctx.app();
        const input = { by: opts.by ?? defaultActor(), ...(opts.reason === undefined ? {} : { reason: opts.reason }) };
        const pkg = name === 'approve' ? await app.registry.approve(group, version, input) : await app.registry.reject(group, version, input);
        // An approval starts the deployment pipeline (unless the group opts out): say where it went.
        const started =
          name === 'approve'
            ? (await app.deployments.list({ group: pkg.group, limit: 1 })).items.find(
                (d) => d.trigger === `approval of ${pkg.name}` && d.version === pkg.version,
              )
            : undefined;
        emit(ctx.io, ctx.json(), toDescribeModelPackage(pkg), () =>
          [
            `${pkg.name} ${pkg.approvalStatus} by ${input.by}${input.reason === undefined ? '' : `: ${input.reason}`}`,
            ...(started
              ? [
                  started.status === 'Failed'
                    ? `deployment ${started.id} Failed: ${started.failureReason ?? ''}`
                    : `deployment ${started.id} started: ${started.stages[0]?.message ?? ''} (\`driftline deploy describe ${started.id}\`)`,
                ]
              : []),
          ].join('\n'),
        );
      });
  }
}

/** A metric value for a table cell: 3 decimals, exponent notation from a million, `-` when absent. */
function metric(v: number | undefined): string {
  if (v === undefined) return '-';
  return Math.abs(v) >= 1e6 ? v.toExponential(3) : v.toFixed(3);
}

/** `text` cut to `max` characters, the cut marked with `…`. */
function ellipsis(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function nextPageHint(token: string | undefined): string[] {
  return token ? [`more: --page-token ${token}`] : [];
}

/** The human description of one package: every field a reviewer needs before approving. */
export function describePackage(p: ModelPackage, modelQuality?: Readonly<Record<string, number>>): string {
  const field = (label: string, value: string) => `  ${label.padEnd(14)} ${value}`;
  const spec = p.inferenceSpecification;
  const lines = [
    `${p.name}  ${p.approvalStatus}  ${p.status}`,
    field('arn', p.arn),
    ...(p.description ? [field('description', p.description)] : []),
    field('created', iso(p.createdAt)),
    field('modified', iso(p.lastModifiedAt)),
    field('model', p.modelDataUrl),
    field('sha256', p.modelSha256),
    ...spec.containers.map((c) => field('image', c.image)),
    field('content types', `${spec.supportedContentTypes.join(', ')} -> ${spec.supportedResponseMimeTypes.join(', ')}`),
    field('generated by', p.generatedBy ?? '(not by a pipeline)'),
    ...(p.approval?.reason ? [field('approval', `${p.approval.reason} (${p.approval.by})`)] : []),
    '',
    'model metrics',
    indent(sources(p.modelMetrics), '(none)'),
    ...(modelQuality
      ? [
          field(
            'model quality',
            Object.entries(modelQuality)
              .map(([k, v]) => `${k} ${Number(v.toPrecision(6))}`)
              .join(', '),
          ),
        ]
      : []),
    '',
    'drift-check baselines',
    indent(sources(p.driftCheckBaselines), '(none)'),
  ];
  const meta = Object.entries(p.customerMetadata);
  if (meta.length > 0) lines.push('', 'customer metadata', indent(table(['KEY', 'VALUE'], meta), ''));
  const tags = Object.entries(p.tags);
  if (tags.length > 0) lines.push('', 'tags', indent(table(['KEY', 'VALUE'], tags), ''));
  lines.push(
    '',
    'approval history',
    indent(
      table(
        ['STATUS', 'BY', 'AT', 'REASON'],
        p.approvalHistory.map((c) => [c.status, c.by, iso(c.at), c.reason ?? '']),
      ),
      '',
    ),
  );
  return lines.join('\n');
}

/** Rows of every MetricsSource / FileSource in a ModelMetrics or DriftCheckBaselines object, as a table. */
function sources(metrics: object): string {
  const rows: string[][] = [];
  for (const [kind, leaves] of Object.entries(metrics)) {
    for (const [leaf, src] of Object.entries((leaves ?? {}) as Record<string, { ContentType?: string; S3Uri?: string; ContentDigest?: string }>)) {
      rows.push([`${kind}.${leaf}`, src.ContentType ?? '', src.S3Uri ?? '', src.ContentDigest ?? '']);
    }
  }
  return rows.length === 0 ? '' : table(['WHAT', 'CONTENT TYPE', 'URI', 'DIGEST'], rows);
}

function indent(text: string, empty: string): string {
  return (text === '' ? empty : text)
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** The lineage chain: execution -> steps -> datasets (with hashes) -> raw input files. */
function describeLineage(l: Lineage): string {
  const lines = [`lineage: pipeline ${l.pipelineName} v${l.pipelineVersion}, execution ${l.executionId} (${l.status})`];
  for (const s of l.steps) {
    lines.push(`  step ${s.name} (${s.type}) ${s.status}${s.cacheHitFrom ? `, cache hit from ${s.cacheHitFrom.split('/').pop()}` : ''}`);
    for (const [k, v] of Object.entries(s.artifacts)) lines.push(`    ${k}: ${v}`);
    for (const d of s.datasets) {
      lines.push(`    dataset ${d.id} (${d.kind}, ${d.rowCount} rows)`);
      for (const f of d.files.filter((x) => x.role === 'input')) lines.push(`      raw input ${f.uri} sha256 ${f.sha256}`);
      for (const f of d.files.filter((x) => x.role === 'output')) lines.push(`      output ${f.uri} sha256 ${f.sha256}`);
    }
  }
  return lines.join('\n');
}
