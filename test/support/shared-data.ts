import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The real NYC TLC files shared with the project (`../shared/data/nyc-taxi`), read in place. */
export const NYC_DIR = process.env['DRIFTLINE_NYC_DIR'] ?? path.resolve(PROJECT_ROOT, '..', 'shared', 'data', 'nyc-taxi');

/** A file of the shared NYC folder. */
export function nyc(name: string): string {
  return path.join(NYC_DIR, name);
}

/** `false` when the shared data is present, else the visible reason to skip (for node:test's `skip`). */
export const SKIP_WITHOUT_NYC: string | false = existsSync(nyc('green_tripdata_2021-01.parquet'))
  ? false
  : `real NYC TLC data not found in ${NYC_DIR} (tests on real data are skipped)`;
