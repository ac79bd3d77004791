import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { NotFoundError } from '../../core/errors.js';
import type { CaptureLine, CaptureSource } from '../capture-source.js';

const HOUR = 3_600_000;

/** Reads capture files from a local folder laid out as SageMaker writes them to S3. */
export class FsCaptureSource implements CaptureSource {
  async *lines(dir: string, fromMs: number, toMs: number): AsyncIterable<CaptureLine> {
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new NotFoundError('capture folder', dir);
    for (let t = Math.floor(fromMs / HOUR) * HOUR; t < toMs; t += HOUR) {
      const d = new Date(t);
      const hourDir = path.join(
        dir,
        String(d.getUTCFullYear()),
        String(d.getUTCMonth() + 1).padStart(2, '0'),
        String(d.getUTCDate()).padStart(2, '0'),
        String(d.getUTCHours()).padStart(2, '0'),
      );
      const names = await readdir(hourDir).catch(() => [] as string[]);
      for (const name of names.filter((n) => n.endsWith('.jsonl')).sort()) {
        const file = path.join(hourDir, name);
        let n = 0;
        const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
        for await (const text of rl) {
          n++;
          if (text.trim() === '') continue;
          try {
            yield { file, line: n, record: JSON.parse(text) as unknown };
          } catch (err) {
            yield { file, line: n, error: `not JSON (${(err as Error).message})` };
          }
        }
      }
    }
  }
}
