import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ArtifactStore } from '../../core/artifact-store.js';
import { InvalidArgumentError, NotFoundError } from '../../core/errors.js';
import type { StepWorkspace } from '../step-workspace.js';

/**
 * A StepWorkspace whose job folders and local files live in memory (over any ArtifactStore,
 * usually the memory one), for unit tests of the engine: failure paths run in milliseconds. Passes
 * the same contract suite as `FsStepWorkspace`. Local paths are virtual (`/memory/jobs/<job>/…`);
 * inputs outside the store are local files put there with `writeLocal`.
 */
export class MemoryStepWorkspace implements StepWorkspace {
  /** Local files by absolute virtual path. */
  readonly local = new Map<string, Buffer>();
  private readonly folders = new Set<string>();

  constructor(
    private readonly artifacts: ArtifactStore,
    private readonly jobsRoot = '/memory/jobs',
  ) {}

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

  uriOf(key: string): string {
    return this.artifacts.uriOf(key.replace(/\/+$/, ''));
  }

  private keyOf(uri: string): string | undefined {
    const root = this.artifacts.rootUri.replace(/\/$/, '');
    if (uri === root) return '';
    if (!uri.startsWith(`${root}/`)) return undefined;
    return decodeURIComponent(uri.slice(root.length + 1)).replace(/\/+$/, '');
  }

  private localPath(uri: string): string {
    if (uri.startsWith('file://')) return decodeURIComponent(uri.slice('file://'.length));
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri))
      throw new InvalidArgumentError(`'${uri}' is neither in the artifact store (${this.artifacts.rootUri}) nor a local path`);
    return path.posix.resolve('/', uri);
  }

  private async files(uri: string): Promise<{ rel: string; key?: string; file?: string }[]> {
    const key = this.keyOf(uri);
    if (key !== undefined) {
      if (key !== '' && (await this.artifacts.stat(key))) return [{ rel: path.posix.basename(key), key }];
      const keys = await this.artifacts.list(key === '' ? '' : `${key}/`);
      return keys.map((k) => ({ rel: key === '' ? k : k.slice(key.length + 1), key: k }));
    }
    const local = this.localPath(uri).replace(/\/+$/, '');
    if (this.local.has(local)) return [{ rel: path.posix.basename(local), file: local }];
    return [...this.local.keys()]
      .filter(
        (f) =>
          f.startsWith(`${local}/`) &&
          !f
            .slice(local.length + 1)
            .split('/')
            .some((s) => s.startsWith('.')),
      )
      .sort()
      .map((f) => ({ rel: f.slice(local.length + 1), file: f }));
  }

  private async body(f: { key?: string; file?: string }): Promise<Buffer> {
    return f.key !== undefined ? Buffer.from(await this.artifacts.get(f.key)) : this.local.get(f.file!)!;
  }

  async download(uri: string, dir: string): Promise<{ files: number; bytes: number }> {
    const files = await this.files(uri);
    if (files.length === 0) throw new NotFoundError('input', uri);
    let bytes = 0;
    for (const f of files) {
      const body = await this.body(f);
      this.local.set(path.posix.join(dir, f.rel), body);
      bytes += body.byteLength;
    }
    return { files: files.length, bytes };
  }

  async upload(dir: string, uri: string): Promise<{ files: number; bytes: number }> {
    const key = this.keyOf(uri);
    if (key === undefined || key === '')
      throw new InvalidArgumentError(`output location '${uri}' is not inside the artifact store (${this.artifacts.rootUri})`);
    const old = await this.artifacts.list(`${key}/`);
    const local = await this.files(dir);
    const written = new Set<string>();
    let bytes = 0;
    try {
      for (const f of local) {
        const body = await this.body(f);
        written.add(`${key}/${f.rel}`);
        await this.artifacts.put(`${key}/${f.rel}`, body);
        bytes += body.byteLength;
      }
    } catch (err) {
      const before = new Set(old);
      for (const k of written) if (!before.has(k)) await this.artifacts.delete(k).catch(() => undefined);
      throw err;
    }
    for (const k of old) if (!written.has(k)) await this.artifacts.delete(k);
    return { files: local.length, bytes };
  }

  async fingerprint(uri: string): Promise<string> {
    const files = await this.files(uri);
    if (files.length === 0) throw new NotFoundError('input', uri);
    const h = createHash('sha256');
    for (const f of files) h.update(`${f.rel}\0${await this.hashOf(f)}\n`);
    return h.digest('hex');
  }

  async sha256(uri: string): Promise<string> {
    const files = await this.files(uri);
    if (files.length !== 1) throw new NotFoundError('file', uri);
    return this.hashOf(files[0]!);
  }

  private async hashOf(f: { key?: string; file?: string }): Promise<string> {
    if (f.key !== undefined) {
      const info = await this.artifacts.stat(f.key);
      if (!info) throw new NotFoundError('artifact', f.key);
      return info.sha256;
    }
    return createHash('sha256').update(this.local.get(f.file!)!).digest('hex');
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.files(uri)).length > 0;
  }

  async readText(uri: string): Promise<string> {
    const key = this.keyOf(uri);
    if (key !== undefined) return Buffer.from(await this.artifacts.get(key)).toString('utf8');
    const body = this.local.get(this.localPath(uri));
    if (body === undefined) throw new NotFoundError('file', uri);
    return body.toString('utf8');
  }

  async putText(key: string, text: string): Promise<string> {
    await this.artifacts.put(key, text);
    return this.artifacts.uriOf(key);
  }

  async readLogs(prefix: string): Promise<{ name: string; text: string }[]> {
    const keys = await this.artifacts.list(`${prefix.replace(/\/$/, '')}/`);
    const out: { name: string; text: string }[] = [];
    for (const key of keys) out.push({ name: path.posix.basename(key), text: Buffer.from(await this.artifacts.get(key)).toString('utf8') });
    return out;
  }

  async readLocal(file: string): Promise<string | undefined> {
    return this.local.get(file)?.toString('utf8');
  }

  async writeLocal(file: string, text: string): Promise<void> {
    this.local.set(file, Buffer.from(text));
  }

  /** Appends to a local file (a fake job's log). */
  appendLocal(file: string, text: string): void {
    this.local.set(file, Buffer.concat([this.local.get(file) ?? Buffer.alloc(0), Buffer.from(text)]));
  }
}
