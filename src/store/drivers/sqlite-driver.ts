import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { UnavailableError } from '../../core/errors.js';
import type { MetadataDb } from '../schema.js';

/** Opens a SQLite database file (or `:memory:`) for Kysely, in WAL mode with foreign keys on. */
export function openSqlite(file: string): Kysely<MetadataDb> {
  let sqlite: Database.Database;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    sqlite = new Database(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new UnavailableError(`cannot open SQLite database '${file}': ${(err as Error).message}`, { cause: err });
  }
  return new Kysely<MetadataDb>({ dialect: new SqliteDialect({ database: sqlite }) });
}
