import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-create-datasets.js';

/** Every migration, in order. Names are numbered and say what they do; one sequence serves both dialects. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-create-datasets': m0001,
};

/** Hands Kysely's Migrator the bundled migrations (no directory scanning, so it works from dist/ too). */
export const bundledMigrations: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
