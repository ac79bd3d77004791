import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ArtifactStore } from '../../core/artifact-store.js';
import { ArtifactStepWorkspace } from './artifact-step-workspace.js';

/**
 * A StepWorkspace whose job folders and local files live in memory (over any ArtifactStore,
 * usually the memory one), for unit tests of the engine: failure paths run in milliseconds. Passes
 * the same contract suite as `FsStepWorkspace`. Local paths are virtual (`/memory/jobs/<job>/…`);
 * inputs outside the store are local files put there with `writeLocal`.
 */
export class MemoryStepWorkspace extends ArtifactStepWorkspace {
  /** Local files by absolute virtual path. */
  readonly local = new Map<string, Buffer>();
  private readonly folders = new Set<string>();

  constructor(
    artifacts: ArtifactStore,
    private readonly jobsRoot = '/memory/jobs',
  ) {
    super(artifacts);
  }

  jobFolder(jobName: string): string {
    return path.posix.join(this.jobsRoot, jobName.replace(/[^A-Za-z0-9._-]/g, '_'));
  }

  /** The job folders that exist now. */
  jobFolders(): string[] {
    return [...this.folders].filter((f) => path.posix.dirname(f) === this.jobsRoot).sort();
  }

  async createJobFolder(jobName: string): Promise<string> {
    const dir = this.jobFolder(jobName);
    await this.removeJobFolder(dir);
    this.folders.add(dir);
    return dir;
  }

  async discardJobFolder(jobName: string): Promise<void> {
    await this.removeJobFolder(this.jobFolder(jobName));
  }

  async removeJobFolder(dir: string): Promise<void> {
    for (const f of [...this.local.keys()]) if (f.startsWith(`${dir}/`)) this.local.delete(f);
    for (const f of [...this.folders]) if (f === dir || f.startsWith(`${dir}/`)) this.folders.delete(f);
  }

  async ensureDir(dir: string): Promise<void> {
    this.folders.add(dir);
  }

  protected localPathOf(uri: string): string {
    this.checkLocal(uri);
    return uri.startsWith('file://') ? decodeURIComponent(uri.slice('file://'.length)) : path.posix.resolve('/', uri);
  }

  protected async listLocal(local: string): Promise<{ rel: string; file: string }[]> {
    const at = local.replace(/\/+$/, '');
    if (this.local.has(at)) return [{ rel: path.posix.basename(at), file: at }];
    return [...this.local.keys()]
      .filter(
        (f) =>
          f.startsWith(`${at}/`) &&
          !f
            .slice(at.length + 1)
            .split('/')
            .some((s) => s.startsWith('.')),
      )
      .sort()
      .map((f) => ({ rel: f.slice(at.length + 1), file: f }));
  }

  protected async readLocalBytes(file: string): Promise<Uint8Array | undefined> {
    return this.local.get(file);
  }

  protected async writeLocalBytes(file: string, body: Uint8Array): Promise<void> {
    this.local.set(file, Buffer.from(body));
  }

  protected async copyLocal(from: string, to: string): Promise<number> {
    const body = this.local.get(from)!;
    this.local.set(to, body);
    return body.byteLength;
  }

  protected async hashLocal(file: string): Promise<string> {
    return createHash('sha256').update(this.local.get(file)!).digest('hex');
  }

  /** Appends to a local file (a fake job's log). */
  appendLocal(file: string, text: string): void {
    this.local.set(file, Buffer.concat([this.local.get(file) ?? Buffer.alloc(0), Buffer.from(text)]));
  }
}
