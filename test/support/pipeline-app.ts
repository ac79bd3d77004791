import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createApp, type App } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/load-config.js';
import { noopLogger } from '../../src/core/logger.js';
import { GENERATED_ZONES_FILE } from '../../src/data/index.js';

/** An App on a home folder (SQLite and files), as the CLI would open it. */
export function openApp(home: string): Promise<App> {
  return createApp(loadConfig({}, { home }, home), { logger: noopLogger });
}

/** Generates one synthetic month of green trips into `dir`; returns the trip file and the zones file. */
export async function syntheticMonth(app: App, dir: string, rows = 20_000, seed = 7): Promise<{ trips: string; zones: string }> {
  await app.generate.generate({ out: dir, months: ['2021-01'], rows, seed, drift: 'none', replace: true });
  return { trips: path.join(dir, 'green_tripdata_2021-01.parquet'), zones: path.join(dir, GENERATED_ZONES_FILE) };
}

export async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}
