import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ArtifactStore } from '../../core/artifact-store.js';
import { InvalidArgumentError, NotFoundError } from '../../core/errors.js';
import type { StepWorkspace } from '../step-workspace.js';

/** A file a URI names: its path relative to the URI, and either its artifact key or its local path. */
interface NamedFile {
  readonly rel: string;
  readonly key?: string;
  readonly file?: string;
}

/**
 * What every StepWorkspace does over an ArtifactStore: resolving URIs, downloading inputs,
 * uploading outputs (new files first, old ones deleted last), fingerprints and logs. Subclasses
 * say where job folders and local files live: on disk (`FsStepWorkspace`) or in memory
 * (`MemoryStepWorkspace`). URIs under the store's root are artifacts; other `file://` URIs and
 * plain paths are local inputs (raw data), read in place.
 */
export abstract class ArtifactStepWorkspace implements StepWorkspace {
  constructor(protected readonly artifacts: ArtifactStore) {}

  abstract jobFolder(jobName: string): string;
  abstract createJobFolder(jobName: string): Promise<string>;
  abstract discardJobFolder(jobName: string): Promise<void>;
  abstract removeJobFolder(dir: string): Promise<void>;
  abstract ensureDir(dir: string): Promise<void>;
  /** The local path of a URI outside the store. */
  protected abstract localPathOf(uri: string): string;
  /** The local file at `local`, or the files under the folder `local` (sorted, dot-entries skipped); [] when there is nothing. */
  protected abstract listLocal(local: string): Promise<{ rel: string; file: string }[]>;
  protected abstract readLocalBytes(file: string): Promise<Uint8Array | undefined>;
  /** Writes a local file, creating its parents. */
  protected abstract writeLocalBytes(file: string, body: Uint8Array): Promise<void>;
  /** Copies a local file (parents of `to` created); returns its size. */
  protected abstract copyLocal(from: string, to: string): Promise<number>;
  protected abstract hashLocal(file: string): Promise<string>;

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

  /** `file://` and plain paths are local; any other scheme is neither in the store nor local. */
  protected checkLocal(uri: string): void {
    if (!uri.startsWith('file:') && /^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
      throw new InvalidArgumentError(`'${uri}' is neither in the artifact store (${this.artifacts.rootUri}) nor a local path`);
    }
  }

  private async files(uri: string): Promise<NamedFile[]> {
    const key = this.keyOf(uri);
    if (key === undefined) return this.listLocal(this.localPathOf(uri));
    if (key !== '' && (await this.artifacts.stat(key).catch(() => undefined))) return [{ rel: path.posix.basename(key), key }];
    const keys = await this.artifacts.list(key === '' ? '' : `${key}/`);
    return keys.map((k) => ({ rel: key === '' ? k : k.slice(key.length + 1), key: k }));
  }

  async download(uri: string, dir: string): Promise<{ files: number; bytes: number }> {
    const files = await this.files(uri);
    if (files.length === 0) throw new NotFoundError('input', uri);
    let bytes = 0;
    for (const f of files) {
      const target = path.join(dir, ...f.rel.split('/'));
      if (f.key !== undefined) {
        const body = await this.artifacts.get(f.key);
        await this.writeLocalBytes(target, body);
        bytes += body.byteLength;
      } else {
        bytes += await this.copyLocal(f.file!, target);
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
        const body = await this.readLocalBytes(f.file!);
        if (body === undefined) throw new NotFoundError('output file', f.file!);
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

  private async hashOf(f: NamedFile): Promise<string> {
    if (f.key === undefined) return this.hashLocal(f.file!);
    const info = await this.artifacts.stat(f.key);
    if (!info) throw new NotFoundError('artifact', f.key);
    return info.sha256;
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.files(uri)).length > 0;
  }

  async readText(uri: string): Promise<string> {
    const key = this.keyOf(uri);
    if (key !== undefined) return Buffer.from(await this.artifacts.get(key)).toString('utf8');
    const body = await this.readLocalBytes(this.localPathOf(uri));
    if (body === undefined) throw new NotFoundError('file', uri);
    return Buffer.from(body).toString('utf8');
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
    const body = await this.readLocalBytes(file);
    return body === undefined ? undefined : Buffer.from(body).toString('utf8');
  }

  async writeLocal(file: string, text: string): Promise<void> {
    await this.writeLocalBytes(file, Buffer.from(text));
  }
}
