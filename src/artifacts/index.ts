import { fileURLToPath } from 'node:url';
import type { ArtifactStore } from '../core/artifact-store.js';
import { InvalidArgumentError } from '../core/errors.js';
import { FsArtifactStore } from './fs-artifact-store.js';
import { MemoryArtifactStore } from './memory-artifact-store.js';

export { FsArtifactStore } from './fs-artifact-store.js';
export { MemoryArtifactStore } from './memory-artifact-store.js';

/** The artifact URI schemes this build supports. */
export const ARTIFACT_SCHEMES = ['file:', 'memory:'] as const;
type ArtifactScheme = (typeof ARTIFACT_SCHEMES)[number];

/** Opens the artifact store named by `uri` (`file:///abs/dir` or `memory:`). */
export function openArtifactStore(uri: string): ArtifactStore {
  const scheme = parseScheme(uri);
  switch (scheme) {
    case 'file:':
      return new FsArtifactStore(fileURLToPath(uri));
    case 'memory:':
      return new MemoryArtifactStore();
    default: {
      const never: never = scheme;
      throw new InvalidArgumentError(`unsupported artifact store '${String(never)}'`);
    }
  }
}

function parseScheme(uri: string): ArtifactScheme {
  const match = /^([a-z][a-z0-9+.-]*:)/i.exec(uri);
  const scheme = match?.[1]?.toLowerCase();
  if (scheme && (ARTIFACT_SCHEMES as readonly string[]).includes(scheme)) return scheme as ArtifactScheme;
  throw new InvalidArgumentError(`unsupported artifact store URI '${uri}': supported schemes are ${ARTIFACT_SCHEMES.join(', ')}`);
}
