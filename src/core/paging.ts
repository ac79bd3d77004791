/** One page of a listing, newest first unless the port says otherwise. */
export interface Page<T> {
  readonly items: readonly T[];
  /** Pass back as `pageToken` to get the next page; absent on the last page. */
  readonly nextPageToken?: string;
}

/** Asks for one page of a listing. */
export interface PageRequest {
  readonly limit?: number;
  readonly pageToken?: string;
}

/** The default and the largest page sizes. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** Clamps a requested page size into [1, MAX_PAGE_SIZE]. */
export function pageSize(req: PageRequest | undefined): number {
  const n = req?.limit ?? DEFAULT_PAGE_SIZE;
  return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.trunc(n)));
}

/** Offset-based page tokens: opaque to callers, decoded only by stores. */
export function decodeOffsetToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const n = Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
  return Number.isFinite(n) && n >= 0 ? n : 0;
}

export function encodeOffsetToken(offset: number): string {
  return Buffer.from(String(offset), 'utf8').toString('base64url');
}

/** One page from rows fetched with `limit + 1` at `offset`: the extra row only tells that a next page exists. */
export function pageOfRows<T>(rows: readonly T[], limit: number, offset: number): Page<T> {
  return rows.length > limit ? { items: rows.slice(0, limit), nextPageToken: encodeOffsetToken(offset + limit) } : { items: rows };
}
