import { parsePipelineExecutionArn } from '../core/arn.js';
import { NotFoundError } from '../core/errors.js';
import type { Dataset, DatasetStore } from '../data/index.js';
import type { PipelineStore } from './pipeline-store.js';

/** One file in a lineage chain. */
export interface LineageFile {
  readonly role: 'input' | 'output';
  readonly uri: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly rows?: number;
}

/** One step of the execution that produced a model, with what it read and wrote. */
export interface LineageStep {
  readonly name: string;
  readonly type: string;
  readonly status: string;
  readonly attempts: number;
  readonly cacheHitFrom?: string;
  /** Artifact locations the step wrote (outputs, model, baselines). */
  readonly artifacts: Readonly<Record<string, string>>;
  readonly datasets: readonly { readonly id: string; readonly kind: string; readonly rowCount: number; readonly files: readonly LineageFile[] }[];
}

/** Model version -> pipeline execution -> steps -> datasets (with hashes) -> raw input files. */
export interface Lineage {
  readonly executionArn: string;
  readonly executionId: string;
  readonly pipelineName: string;
  readonly pipelineVersion: number;
  readonly status: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly steps: readonly LineageStep[];
  /** Every raw input file of every dataset in the chain, de-duplicated. */
  readonly rawInputs: readonly LineageFile[];
}

/** Traces a model version's `GeneratedBy` execution back to its raw input files. */
export class LineageTracer {
  constructor(private readonly deps: { pipelines: PipelineStore; datasets: DatasetStore }) {}

  async forExecutionArn(arn: string): Promise<Lineage> {
    const parsed = parsePipelineExecutionArn(arn);
    if (!parsed) throw new NotFoundError('pipeline execution', arn);
    const execution = await this.deps.pipelines.getExecution(parsed.executionId);
    const steps: LineageStep[] = [];
    const raw = new Map<string, LineageFile>();
    for (const s of await this.deps.pipelines.listSteps(execution.id)) {
      const datasets: LineageStep['datasets'][number][] = [];
      const ids = Array.isArray(s.metadata['datasets']) ? (s.metadata['datasets'] as string[]) : [];
      for (const id of ids) {
        const d: Dataset | undefined = await this.deps.datasets.get(id).catch(() => undefined);
        if (!d) continue;
        const files = d.files.map((f) => ({
          role: f.role,
          uri: f.role === 'input' ? originalUri(f.uri, s.properties ?? {}) : f.uri,
          sha256: f.sha256,
          sizeBytes: f.sizeBytes,
          ...(f.rows !== undefined ? { rows: f.rows } : {}),
        }));
        for (const f of files) if (f.role === 'input') raw.set(`${f.uri}|${f.sha256}`, f);
        datasets.push({ id: d.id, kind: d.kind, rowCount: d.rowCount, files });
      }
      steps.push({
        name: s.name,
        type: s.type,
        status: s.status,
        attempts: s.attemptCount,
        ...(s.cacheHit ? { cacheHitFrom: s.cacheHit.sourceExecutionArn } : {}),
        artifacts: artifactsOf(s.properties ?? {}),
        datasets,
      });
    }
    return {
      executionArn: execution.arn,
      executionId: execution.id,
      pipelineName: execution.pipelineName,
      pipelineVersion: execution.pipelineVersion,
      status: execution.status,
      parameters: execution.parameters,
      steps,
      rawInputs: [...raw.values()],
    };
  }
}

function artifactsOf(props: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  const outputs = (props['ProcessingOutputConfig'] as { Outputs?: { OutputName?: string; S3Output?: { S3Uri?: string } }[] } | undefined)?.Outputs ?? [];
  for (const o of outputs) if (o.OutputName && o.S3Output?.S3Uri) out[o.OutputName] = o.S3Output.S3Uri;
  const model = (props['ModelArtifacts'] as { S3ModelArtifacts?: string } | undefined)?.S3ModelArtifacts;
  if (model) out['model'] = model;
  for (const k of ['CalculatedBaselineStatistics', 'CalculatedBaselineConstraints', 'ModelPackageArn']) if (typeof props[k] === 'string') out[k] = props[k];
  return out;
}

/**
 * A dataset recorded by a job names its inputs inside the job folder; this maps such a file back to
 * the location the step read it from (its ProcessingInputs S3Uri).
 */
function originalUri(uri: string, props: Readonly<Record<string, unknown>>): string {
  const m = /\/jobs\/[^/]+\/(.+)$/.exec(uri);
  if (!m) return uri;
  const rel = decodeURIComponent(m[1]!);
  const inputs = (props['ProcessingInputs'] as { S3Input?: { S3Uri?: string; LocalPath?: string } }[] | undefined) ?? [];
  for (const i of inputs) {
    const local = i.S3Input?.LocalPath?.replace(/^\/opt\/ml\/processing\/?/, '');
    const source = i.S3Input?.S3Uri;
    if (!local || !source || !rel.startsWith(`${local}/`)) continue;
    const rest = rel.slice(local.length + 1);
    return source.endsWith(`/${rest}`) || source.endsWith(rest) ? source : `${source.replace(/\/$/, '')}/${rest}`;
  }
  return uri;
}
