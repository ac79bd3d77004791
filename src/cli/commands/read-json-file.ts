import fs from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, NotFoundError } from '../../core/errors.js';

/** Reads a text file named on the command line: not found and unreadable are one line each. */
export async function readTextFile(cwd: string, file: string, what: string): Promise<string> {
  const full = path.resolve(cwd, file);
  return fs.readFile(full, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new NotFoundError(what, full, { cause: err });
    throw new InvalidArgumentError(`cannot read ${what} '${full}': ${err.code ?? err.message}`, { cause: err });
  });
}

/** Reads a JSON file named on the command line: not found, unreadable and not-JSON are one line each. */
export async function readJsonFile(cwd: string, file: string, what: string): Promise<unknown> {
  const text = await readTextFile(cwd, file, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new InvalidArgumentError(`${what} '${file}' is not JSON: ${(err as Error).message}`);
  }
}
