import type * as DuckDb from '@duckdb/node-api';

/** DuckDB's module, imported on first use: commands that never read Parquet or CSV start faster without it. */
let module: Promise<typeof DuckDb> | undefined;

export function loadDuckDb(): Promise<typeof DuckDb> {
  module ??= import('@duckdb/node-api');
  return module;
}
