import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, realpath, rename, rm, stat, writeFile, lstat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkArtifactKey, checkArtifactPrefix, type ArtifactInfo, type ArtifactStore } from '../core/artifact-store.js';
import { InvalidArgumentError, NotFoundError, UnavailableError } from '../core/errors.js';

/**
 * Artifact store on a local folder (`file://` URIs). Writes go to a temporary sibling then are
 * renamed into place, so readers never see a partial object. Keys that would leave the root,
 * directly or through a symbolic link, are rejected.
 */
export class FsArtifactStore implements ArtifactStore {
  readonly rootUri: string;
  private readonly root: string;

  constructor(rootDir: string) {
    this.root = path.resolve(rootDir);
    this.rootUri = pathToFileURL(this.root).href;
  }

  uriOf(key: string): string {
    return pathToFileURL(path.join(this.root, checkArtifactKey(key))).href;
  }

  async put(key: string, body: Uint8Array | string): Promise<ArtifactInfo> {
    const target = await this.resolveInside(key, true);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const tmp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new UnavailableError(`cannot write artifact '${key}': ${(err as Error).message}`, { cause: err });
    }
    return { key, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
  }

  async get(key: string): Promise<Uint8Array> {
    const target = await this.resolveInside(key, false);
    try {
      return new Uint8Array(await readFile(target));
    } catch (err) {
      if (isMissing(err)) throw new NotFoundError('artifact', key, { cause: err });
      throw new UnavailableError(`cannot read artifact '${key}': ${(err as Error).message}`, { cause: err });
    }
  }

  async stat(key: string): Promise<ArtifactInfo | undefined> {
    const target = await this.resolveInside(key, false);
    try {
      const bytes = await readFile(target);
      return { key, size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
      throw new UnavailableError(`cannot stat artifact '${key}': ${(err as Error).message}`, { cause: err });
    }
  }

  async list(prefix = ''): Promise<string[]> {
    const p = checkArtifactPrefix(prefix);
    const folder = p === '' ? '' : p.endsWith('/') ? p.slice(0, -1) : p;
    const start = folder === '' ? this.root : await this.resolveInside(folder, false, true);
    const keys: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw err;
      }
      for (const e of entries) {
        if (e.name.includes('.tmp-')) continue;
        const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
        if (e.isDirectory()) await walk(path.join(dir, e.name), childRel);
        else if (e.isFile()) keys.push(childRel);
      }
    };
    await walk(start, folder);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    const target = await this.resolveInside(key, false);
    await rm(target, { force: true });
  }

  /** Maps a key to an absolute path inside the root, refusing any symlink that leads outside. */
  private async resolveInside(key: string, createParents: boolean, allowFolder = false): Promise<string> {
    checkArtifactKey(key);
    const target = path.join(this.root, key);
    if (createParents) await mkdir(path.dirname(target), { recursive: true });
    else await mkdir(this.root, { recursive: true });
    const realRoot = await realpath(this.root);
    // Walk up to the deepest existing ancestor and check that its real path stays in the root.
    let probe = target;
    for (;;) {
      try {
        await lstat(probe);
        break;
      } catch {
        const parent = path.dirname(probe);
        if (parent === probe) break;
        probe = parent;
      }
    }
    const realProbe = await realpath(probe).catch(() => probe);
    if (realProbe !== realRoot && !realProbe.startsWith(realRoot + path.sep)) {
      throw new InvalidArgumentError(`invalid artifact key '${key}': it leads outside the artifact store through a symbolic link`);
    }
    const info = await stat(realProbe).catch(() => undefined);
    if (!allowFolder && probe === target && info?.isDirectory()) {
      throw new InvalidArgumentError(`invalid artifact key '${key}': it names a folder`);
    }
    return target;
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}
