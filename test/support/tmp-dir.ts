import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A fresh empty folder under the OS temp dir. */
export function tmpDir(prefix = 'driftline-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}
