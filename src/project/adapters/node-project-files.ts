import { chmod, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectFiles } from '../ports.js';

/** `ProjectFiles` on the local disk. */
export class NodeProjectFiles implements ProjectFiles {
  async exists(file: string): Promise<boolean> {
    try {
      await stat(file);
      return true;
    } catch {
      return false;
    }
  }

  async mkdir(dir: string): Promise<void> {
    await mkdir(dir, { recursive: true });
  }

  async writeText(file: string, text: string, options: { executable?: boolean } = {}): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text, 'utf8');
    if (options.executable) await chmod(file, 0o755);
  }

  readText(file: string): Promise<string> {
    return readFile(file, 'utf8');
  }

  async list(dir: string): Promise<string[]> {
    try {
      return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async remove(target: string): Promise<void> {
    await rm(target, { recursive: true, force: true });
  }

  async rename(from: string, to: string): Promise<void> {
    await rename(from, to);
  }

  join(...parts: string[]): string {
    return path.join(...parts);
  }
}
