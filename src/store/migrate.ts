import { Migrator, type Kysely } from 'kysely';
import { UnavailableError } from '../core/errors.js';
import { bundledMigrations } from './migrations/index.js';
import type { MetadataDb } from './schema.js';

/** Brings the database to the newest schema; returns every applied migration name, oldest first. */
export async function migrateToLatest(db: Kysely<MetadataDb>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: bundledMigrations });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    throw new UnavailableError(`metadata store migration failed: ${(error as Error).message ?? String(error)}`, {
      cause: error,
    });
  }
  const all = await migrator.getMigrations();
  return all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
}
