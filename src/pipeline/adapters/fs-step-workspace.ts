import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from '../../core/artifact-store.js';
import { InvalidArgumentError, NotFoundError } from '../../core/errors.js';
import type { StepWorkspace } from '../step-workspace.js';

/**
 * Job folders under `<home>/jobs`, over the configured ArtifactStore. URIs under the store's root
 * are artifacts; other `file://` URIs and plain paths are local inputs (raw data), read in place.
 */
export class FsStepWorkspace implements StepWorkspace {
  constructor(
    private readonly artifacts: ArtifactStore,
    private readonly jobsRoot: string,
  ) {}

  private jobDir(jobName: string): string {
    return path.join(this.jobsRoot, jobName.replace(/[^A-Za-z0-9._-]/g, '_'));
  }

  jobFolder(jobName: string): string {
    return this.jobDir(jobName);
  }

  async discardJobFolder(jobName: string): Promise<void> {
    await fs.rm(this.jobDir(jobName), { recursive: true, force: true });
  }

  async createJobFolder(jobName: string): Promise<string> {
    const dir = this.jobDir(jobName);
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    return dir;
  }

  async removeJobFolder(dir: string): Promise<void> {
    await fs.rm(dir, { recursive: true, force: true });
  }

  async ensureDir(dir: string): Promise<void> {
    await fs.mkdir(dir, { recursive: true });
  }

  uriOf(key: string): string {
    return this.artifacts.uriOf(key.replace(/\/+$/, ''));
  }

  /** The artifact key of a URI inside the store, or undefined. */
  private keyOf(uri: string): string | undefined {
    const root = this.artifacts.rootUri.replace(/\/$/, '');
    if (uri === root) return '';
    if (!uri.startsWith(`${root}/`)) return undefined;
    return decodeURIComponent(uri.slice(root.length + 1)).replace(/\/+$/, '');
  }

  private localPath(uri: string): string {
    if (uri.startsWith('file:')) return fileURLToPath(uri);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
      throw new InvalidArgumentError(`'${uri}' is neither in the artifact store (${this.artifacts.rootUri}) nor a local path`);
    }
    return path.resolve(uri);
  }

  /** The files a URI names: [relative path, artifact key or local file]. */
  private async files(uri: string): Promise<{ rel: string; key?: string; file?: string }[]> {
    const key = this.keyOf(uri);
    if (key !== undefined) {
      if (key !== '' && (await this.artifacts.stat(key).catch(() => undefined))) return [{ rel: path.posix.basename(key), key }];
      const keys = await this.artifacts.list(key === '' ? '' : `${key}/`);
      return keys.map((k) => ({ rel: key === '' ? k : k.slice(key.length + 1), key: k }));
    }
    const local = this.localPath(uri);
    const st = await fs.stat(local).catch(() => undefined);
    if (!st) return [];
    if (st.isFile()) return [{ rel: path.basename(local), file: local }];
    const out: { rel: string; file: string }[] = [];
    const walk = async (dir: string, rel: string) => {
      for (const e of (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        if (e.name.startsWith('.')) continue;
        const abs = path.join(dir, e.name);
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(abs, r);
        else if (e.isFile()) out.push({ rel: r, file: abs });
      }
    };
    await walk(local, '');
    return out;
  }

  async download(uri: string, dir: string): Promise<{ files: number; bytes: number }> {
    const files = await this.files(uri);
    if (files.length === 0) throw new NotFoundError('input', uri);
    let bytes = 0;
    for (const f of files) {
      const target = path.join(dir, ...f.rel.split('/'));
      await fs.mkdir(path.dirname(target), { recursive: true });
      if (f.key !== undefined) {
        const body = await this.artifacts.get(f.key);
        await fs.writeFile(target, body);
        bytes += body.byteLength;
      } else {
        await fs.copyFile(f.file!, target);
        bytes += (await fs.stat(target)).size;
      }
    }
    return { files: files.length, bytes };
  }

  async upload(dir: string, uri: string): Promise<{ files: number; bytes: number }> {
    const key = this.keyOf(uri);
    if (key === undefined || key === '')
      throw new InvalidArgumentError(`output location '${uri}' is not inside the artifact store (${this.artifacts.rootUri})`);
    const old = await this.artifacts.list(`${key}/`);
    const local = await this.files(dir);
    let bytes = 0;
    const written = new Set<string>();
    try {
      for (const f of local) {
        const body = await fs.readFile(f.file!);
        written.add(`${key}/${f.rel}`);
        await this.artifacts.put(`${key}/${f.rel}`, body);
        bytes += body.byteLength;
      }
    } catch (err) {
      // A failed upload (a full disk) leaves no partial new files behind: what it added goes again.
      const before = new Set(old);
      for (const k of written) if (!before.has(k)) await this.artifacts.delete(k).catch(() => undefined);
      throw err;
    }
    // Only once every new file is in place do the old ones that are not among them go.
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
    const h = createHash('sha256');
    for await (const chunk of createReadStream(f.file!)) h.update(chunk as Buffer);
    return h.digest('hex');
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.files(uri)).length > 0;
  }

  async readText(uri: string): Promise<string> {
    const key = this.keyOf(uri);
    if (key !== undefined) return Buffer.from(await this.artifacts.get(key)).toString('utf8');
    const text = await fs.readFile(this.localPath(uri), 'utf8').catch(() => undefined);
    if (text === undefined) throw new NotFoundError('file', uri);
    return text;
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
    return fs.readFile(file, 'utf8').catch(() => undefined);
  }

  async writeLocal(file: string, text: string): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
  }
}
