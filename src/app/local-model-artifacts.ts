import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from '../core/errors.js';
import type { ModelArtifacts } from '../serving/model-artifacts.js';

/** Downloads a non-local artifact into a folder (the pipeline workspace does this for step inputs). */
export type DownloadArtifact = (uri: string, dir: string) => Promise<unknown>;

/**
 * Model files for the data plane: `file://` artifacts are read where they are, others are copied
 * once into `<cacheDir>/<sha256>/`. Each artifact's SHA-256 is checked once against the registered
 * one, so a model changed on disk after registration is refused instead of served.
 */
export class LocalModelArtifacts implements ModelArtifacts {
  private readonly verified = new Map<string, string>();

  constructor(
    private readonly cacheDir: string,
    private readonly download: DownloadArtifact,
  ) {}

  async localModelPath(modelDataUrl: string, sha256: string): Promise<string> {
    const key = `${modelDataUrl}\n${sha256}`;
    const known = this.verified.get(key);
    if (known) return known;
    let file: string;
    if (modelDataUrl.startsWith('file:')) {
      file = fileURLToPath(modelDataUrl);
      if (!(await isFile(file))) throw new NotFoundError('model artifact', modelDataUrl);
    } else {
      const dir = path.join(this.cacheDir, sha256);
      if (!(await isDir(dir))) {
        await mkdir(dir, { recursive: true });
        await this.download(modelDataUrl, dir);
      }
      const files = (await readdir(dir)).filter((f) => !f.startsWith('.'));
      if (files.length !== 1) throw new NotFoundError('model artifact', modelDataUrl);
      file = path.join(dir, files[0]!);
    }
    const actual = await sha256Of(file);
    if (actual !== sha256)
      throw new FailedPreconditionError(
        `model artifact ${modelDataUrl} changed since it was registered (sha256 ${actual.slice(0, 12)}…, registered ${sha256.slice(0, 12)}…)`,
      );
    this.verified.set(key, file);
    return file;
  }

  localCaptureFolder(destinationUri: string): string {
    if (!destinationUri.startsWith('file:'))
      throw new InvalidArgumentError(
        `capture destination '${destinationUri}': only file:// destinations can be written here (S3 comes with the S3 artifact store)`,
      );
    try {
      return fileURLToPath(destinationUri);
    } catch (err) {
      throw new InvalidArgumentError(`capture destination '${destinationUri}' is not a valid file:// URI: ${(err as Error).message}`);
    }
  }
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}
