import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import { NotFoundError, UnavailableError, oneLine } from '../../core/errors.js';
import type { Downloader } from '../downloader.js';

/** Downloads with Node's fetch, streaming to a `.part` file while hashing. */
export class HttpDownloader implements Downloader {
  constructor(private readonly options: { timeoutMs?: number } = {}) {}

  async download(
    url: string,
    file: string,
    events: { onStart?: (totalBytes: number) => void; onBytes?: (n: number) => void } = {},
  ): Promise<{ bytes: number; sha256: string }> {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const part = `${file}.part`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs ?? 10 * 60_000);
    try {
      let response: Response;
      try {
        response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
      } catch (err) {
        throw new UnavailableError(`cannot reach ${url}: ${oneLine((err as Error).cause ?? err)}`, { cause: err });
      }
      if (response.status === 404) throw new NotFoundError('remote file', url);
      if (!response.ok || !response.body) throw new UnavailableError(`${url} answered HTTP ${response.status}`);
      const expected = Number(response.headers.get('content-length') ?? 0);
      events.onStart?.(expected);
      const hash = createHash('sha256');
      const out = createWriteStream(part);
      let bytes = 0;
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          hash.update(chunk);
          bytes += chunk.byteLength;
          events.onBytes?.(chunk.byteLength);
          if (!out.write(chunk)) await once(out, 'drain');
        }
      } catch (err) {
        throw new UnavailableError(`download of ${url} broke off after ${bytes} bytes: ${oneLine((err as Error).cause ?? err)}`, { cause: err });
      } finally {
        out.end();
        await once(out, 'close');
      }
      if (expected > 0 && bytes !== expected) {
        throw new UnavailableError(`download of ${url} is incomplete: ${bytes} of ${expected} bytes`);
      }
      await rename(part, file);
      return { bytes, sha256: hash.digest('hex') };
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}
