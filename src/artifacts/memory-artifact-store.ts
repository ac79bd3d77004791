import { createHash } from 'node:crypto';
import { checkArtifactKey, checkArtifactPrefix, type ArtifactInfo, type ArtifactStore } from '../core/artifact-store.js';
import { NotFoundError } from '../core/errors.js';

/** An in-process artifact store (tests, `memory:` URI). Passes the same contract as the filesystem one. */
export class MemoryArtifactStore implements ArtifactStore {
  readonly rootUri = 'memory://artifacts';
  private readonly objects = new Map<string, { body: Uint8Array; sha256: string }>();

  uriOf(key: string): string {
    return `${this.rootUri}/${checkArtifactKey(key)}`;
  }

  async put(key: string, body: Uint8Array | string): Promise<ArtifactInfo> {
    checkArtifactKey(key);
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    this.objects.set(key, { body: bytes, sha256 });
    return { key, size: bytes.byteLength, sha256 };
  }

  async get(key: string): Promise<Uint8Array> {
    const found = this.objects.get(checkArtifactKey(key));
    if (!found) throw new NotFoundError('artifact', key);
    return new Uint8Array(found.body);
  }

  async stat(key: string): Promise<ArtifactInfo | undefined> {
    const found = this.objects.get(checkArtifactKey(key));
    return found ? { key, size: found.body.byteLength, sha256: found.sha256 } : undefined;
  }

  async list(prefix = ''): Promise<string[]> {
    const p = checkArtifactPrefix(prefix);
    const folder = p === '' || p.endsWith('/') ? p : `${p}/`;
    return [...this.objects.keys()].filter((k) => k.startsWith(folder)).sort();
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(checkArtifactKey(key));
  }
}
