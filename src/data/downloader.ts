/**
 * Downloads one URL to a local file. Adapter: `HttpDownloader` (Node's fetch).
 * - the file appears only when complete (a `.part` sibling is renamed); on any failure nothing is left;
 * - an HTTP 404 throws `NotFoundError`; other HTTP errors, network failures and a body shorter than
 *   its Content-Length throw `UnavailableError`;
 * - `onBytes` is called as bytes arrive; `onStart` once with the expected size (0 when unknown).
 */
export interface Downloader {
  download(
    url: string,
    file: string,
    events?: { onStart?: (totalBytes: number) => void; onBytes?: (n: number) => void },
  ): Promise<{ bytes: number; sha256: string }>;
}
