import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, UnavailableError } from '../../core/errors.js';
import type { LocalFileInfo, LocalFiles, StagedOutput, TextSink } from '../local-files.js';
import type { DatasetFile } from '../types.js';

/** LocalFiles on Node's filesystem. */
export class NodeLocalFiles implements LocalFiles {
  async expand(patterns: readonly string[], extensions: readonly string[]): Promise<string[]> {
    const found = new Set<string>();
    const wanted = (name: string) => extensions.some((e) => name.toLowerCase().endsWith(e));
    for (const pattern of patterns) {
      const matches: string[] = [];
      if (/[*?]/.test(pattern)) {
        const dir = path.dirname(pattern);
        if (/[*?]/.test(dir)) throw new InvalidArgumentError(`pattern '${pattern}': wildcards are allowed in the file name only`);
        const re = globToRegExp(path.basename(pattern));
        const names = await readdir(dir).catch(() => [] as string[]);
        for (const name of names) if (re.test(name)) matches.push(path.resolve(dir, name));
      } else {
        const info = await stat(pattern).catch(() => undefined);
        if (info?.isDirectory()) {
          for (const name of await readdir(pattern)) if (wanted(name)) matches.push(path.resolve(pattern, name));
        } else if (info?.isFile()) {
          matches.push(path.resolve(pattern));
        }
      }
      const files: string[] = [];
      for (const m of matches) if ((await stat(m).catch(() => undefined))?.isFile()) files.push(m);
      if (files.length === 0) throw new NotFoundError('input file', pattern);
      for (const f of files) found.add(f);
    }
    return [...found].sort();
  }

  async describe(file: string): Promise<LocalFileInfo> {
    const abs = path.resolve(file);
    try {
      const { size, sha256 } = await hashFile(abs);
      return { path: abs, uri: pathToFileURL(abs).href, sizeBytes: size, sha256 };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError('file', file, { cause: err });
      throw new UnavailableError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  }

  async readText(file: string): Promise<string | undefined> {
    try {
      return await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new UnavailableError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  }

  async writeText(file: string, text: string): Promise<void> {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await writeFile(tmp, text);
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new UnavailableError(`cannot write ${file}: ${(err as Error).message}`, { cause: err });
    }
  }

  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  async stage(dir: string, options: { replace: boolean }): Promise<StagedOutput> {
    const target = path.resolve(dir);
    const existing = await stat(target).catch(() => undefined);
    if (existing && !existing.isDirectory()) {
      throw new FailedPreconditionError(`output '${dir}' exists and is not a folder`);
    }
    if (existing && !options.replace && (await readdir(target)).length > 0) {
      throw new FailedPreconditionError(`output folder '${dir}' is not empty (pass --force to replace it)`);
    }
    const parent = path.dirname(target);
    await mkdir(parent, { recursive: true });
    const temp = path.join(parent, `.${path.basename(target)}.tmp-${randomBytes(6).toString('hex')}`);
    await mkdir(temp);
    return new NodeStagedOutput(target, temp);
  }
}

class HashingSink implements TextSink {
  readonly hash = createHash('sha256');
  size = 0;
  constructor(readonly stream: WriteStream) {}

  async write(text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    this.hash.update(bytes);
    this.size += bytes.byteLength;
    if (!this.stream.write(bytes)) await once(this.stream, 'drain');
  }
}

class NodeStagedOutput implements StagedOutput {
  private readonly sinks = new Map<string, HashingSink>();
  private readonly external = new Set<string>();
  private done = false;
  readonly uri: string;

  constructor(
    readonly dir: string,
    private readonly temp: string,
  ) {
    this.uri = pathToFileURL(dir).href;
  }

  async open(relPath: string): Promise<TextSink> {
    const file = this.inside(relPath);
    await mkdir(path.dirname(file), { recursive: true });
    const sink = new HashingSink(createWriteStream(file));
    this.sinks.set(relPath.split(path.sep).join('/'), sink);
    return sink;
  }

  async localPath(relPath: string): Promise<string> {
    const file = this.inside(relPath);
    await mkdir(path.dirname(file), { recursive: true });
    this.external.add(relPath.split(path.sep).join('/'));
    return file;
  }

  async commit(): Promise<DatasetFile[]> {
    await this.closeAll();
    const hashed = new Map<string, { size: number; sha256: string }>();
    for (const [rel, sink] of this.sinks) hashed.set(rel, { size: sink.size, sha256: sink.hash.digest('hex') });
    for (const rel of this.external) hashed.set(rel, await hashFile(path.join(this.temp, rel)));
    const old = `${this.temp}.old`;
    const existing = await stat(this.dir).catch(() => undefined);
    if (existing) await rename(this.dir, old);
    await rename(this.temp, this.dir);
    if (existing) await rm(old, { recursive: true, force: true });
    this.done = true;
    return [...hashed.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([rel, h]) => ({
        role: 'output' as const,
        uri: pathToFileURL(path.join(this.dir, rel)).href,
        sizeBytes: h.size,
        sha256: h.sha256,
      }));
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.closeAll().catch(() => undefined);
    await rm(this.temp, { recursive: true, force: true });
  }

  private inside(relPath: string): string {
    const file = path.join(this.temp, relPath);
    if (!file.startsWith(this.temp + path.sep)) throw new InvalidArgumentError(`output path '${relPath}' leaves the output folder`);
    return file;
  }

  private async closeAll(): Promise<void> {
    await Promise.all(
      [...this.sinks.values()].map(async (s) => {
        if (s.stream.closed) return;
        s.stream.end();
        await once(s.stream, 'close');
      }),
    );
  }
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${escaped}$`);
}

/** Size and SHA-256 of a file, streamed. */
export async function hashFile(file: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).byteLength;
  }
  return { size, sha256: hash.digest('hex') };
}
