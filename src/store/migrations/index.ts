import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-create-datasets.js';
import * as m0002 from './0002-create-model-registry.js';
import * as m0003 from './0003-create-pipelines.js';
import * as m0004 from './0004-create-endpoints-and-deployments.js';
import * as m0005 from './0005-create-metrics.js';
import * as m0006 from './0006-create-events-and-rules.js';
import * as m0007 from './0007-create-alarms.js';
import * as m0008 from './0008-create-monitoring-schedules.js';

/** Every migration, in order. Names are numbered and say what they do; one sequence serves both dialects. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-create-datasets': m0001,
  '0002-create-model-registry': m0002,
  '0003-create-pipelines': m0003,
  '0004-create-endpoints-and-deployments': m0004,
  '0005-create-metrics': m0005,
  '0006-create-events-and-rules': m0006,
  '0007-create-alarms': m0007,
  '0008-create-monitoring-schedules': m0008,
};

/** Hands Kysely's Migrator the bundled migrations (no directory scanning, so it works from dist/ too). */
export const bundledMigrations: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
