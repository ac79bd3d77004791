import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from '../../core/artifact-store.js';
import { ArtifactStepWorkspace } from './artifact-step-workspace.js';

/** Job folders under `<home>/jobs` on disk, over the configured ArtifactStore. */
export class FsStepWorkspace extends ArtifactStepWorkspace {
  constructor(
    artifacts: ArtifactStore,
    private readonly jobsRoot: string,
  ) {
    super(artifacts);
  }

  jobFolder(jobName: string): string {
    return path.join(this.jobsRoot, jobName.replace(/[^A-Za-z0-9._-]/g, '_'));
  }

  async discardJobFolder(jobName: string): Promise<void> {
    await this.removeJobFolder(this.jobFolder(jobName));
  }

  async createJobFolder(jobName: string): Promise<string> {
    const dir = this.jobFolder(jobName);
    await this.removeJobFolder(dir);
    await fs.mkdir(dir, { recursive: true });
    return dir;
  }

  async removeJobFolder(dir: string): Promise<void> {
    await fs.rm(dir, { recursive: true, force: true });
  }

  async ensureDir(dir: string): Promise<void> {
    await fs.mkdir(dir, { recursive: true });
  }

  protected localPathOf(uri: string): string {
    this.checkLocal(uri);
    return uri.startsWith('file:') ? fileURLToPath(uri) : path.resolve(uri);
  }

  protected async listLocal(local: string): Promise<{ rel: string; file: string }[]> {
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

  protected readLocalBytes(file: string): Promise<Uint8Array | undefined> {
    return fs.readFile(file).catch(() => undefined);
  }

  protected async writeLocalBytes(file: string, body: Uint8Array): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, body);
  }

  protected async copyLocal(from: string, to: string): Promise<number> {
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.copyFile(from, to);
    return (await fs.stat(to)).size;
  }

  protected async hashLocal(file: string): Promise<string> {
    const h = createHash('sha256');
    for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
    return h.digest('hex');
  }
}
