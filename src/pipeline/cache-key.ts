import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal values always hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A step's cache key: sha256 of its type, the step-type-specific part of its resolved arguments
 * (input URIs replaced by the content fingerprints of what they name), and the code version of
 * the processor that runs it.
 */
export function cacheKey(parts: { type: string; arguments: unknown; inputFingerprints: Readonly<Record<string, string>>; codeVersion: string }): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('hex');
}
