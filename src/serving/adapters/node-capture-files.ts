import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { CaptureFile, CaptureFiles } from '../capture-writer.js';

/** Capture files on the local filesystem: append-only, a failed write cut back to the last whole record. */
export class NodeCaptureFiles implements CaptureFiles {
  async open(file: string): Promise<CaptureFile> {
    await mkdir(path.dirname(file), { recursive: true });
    const fh = await open(file, 'a');
    let size = 0;
    return {
      write: async (data) => {
        let off = 0;
        try {
          while (off < data.length) {
            const { bytesWritten } = await fh.write(data, off, data.length - off);
            off += bytesWritten;
          }
          size += data.length;
        } catch (err) {
          if (off > 0) await fh.truncate(size).catch(() => undefined);
          throw err;
        }
      },
      sync: () => fh.datasync(),
      close: () => fh.close(),
    };
  }
}
