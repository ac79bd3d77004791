import { InvalidArgumentError } from './errors.js';

/** What the store knows of one stored object. */
export interface ArtifactInfo {
  readonly key: string;
  readonly size: number;
  /** Lower-case hex SHA-256 of the content. */
  readonly sha256: string;
}

/**
 * Stores immutable-ish blobs (models, datasets, reports) under relative keys such as
 * `datasets/ds_1/train/train.csv`. Adapters: `FsArtifactStore` (file://), `MemoryArtifactStore`;
 * S3-compatible storage comes later behind this same port.
 *
 * Contract (artifacts/artifact-store.contract.ts):
 * - keys are relative, `/`-separated, with no empty, `.` or `..` segment, no backslash and no NUL;
 *   every method rejects any other key with `InvalidArgumentError` before touching storage;
 * - `put` is atomic: a reader sees the old content or the new one, never a part;
 * - `get` of a missing key throws `NotFoundError`; `stat` returns undefined;
 * - `list(prefix)` returns the keys under `prefix` (a folder prefix), sorted, recursively;
 * - `delete` of a missing key is a no-op.
 * It deliberately exposes no paths, handles or streams of the backing storage.
 */
export interface ArtifactStore {
  /** The URI of the store's root, e.g. `file:///home/me/.driftline/artifacts`. */
  readonly rootUri: string;
  /** The URI of one key, e.g. `file:///…/artifacts/models/m1/model.json`. */
  uriOf(key: string): string;
  put(key: string, body: Uint8Array | string): Promise<ArtifactInfo>;
  get(key: string): Promise<Uint8Array>;
  stat(key: string): Promise<ArtifactInfo | undefined>;
  list(prefix?: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

/** Validates an artifact key and returns it; throws InvalidArgumentError naming the problem. */
export function checkArtifactKey(key: string): string {
  const bad = (why: string): never => {
    throw new InvalidArgumentError(`invalid artifact key '${key}': ${why}`);
  };
  if (typeof key !== 'string' || key.length === 0) bad('empty key');
  if (key.includes('\0')) bad('contains a NUL byte');
  if (key.includes('\\')) bad('contains a backslash');
  if (key.startsWith('/') || /^[a-zA-Z]:/.test(key)) bad('absolute paths are not allowed');
  for (const segment of key.split('/')) {
    if (segment === '') bad('empty path segment');
    if (segment === '.' || segment === '..') bad(`'${segment}' segments are not allowed`);
  }
  return key;
}

/** Validates a list prefix: empty (everything) or a valid key, optionally ending in `/`. */
export function checkArtifactPrefix(prefix: string): string {
  if (prefix === '') return '';
  checkArtifactKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}
