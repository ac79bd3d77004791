/** Table types: one schema for both SQL dialects. Timestamps are epoch milliseconds. */
export interface DatasetsTable {
  id: string;
  kind: string;
  uri: string;
  created_at: number;
  row_count: number;
  details_json: string;
}

export interface DatasetFilesTable {
  dataset_id: string;
  position: number;
  role: string;
  uri: string;
  size_bytes: number;
  sha256: string;
  rows: number | null;
}

/** The whole metadata database, as Kysely sees it. */
export interface MetadataDb {
  datasets: DatasetsTable;
  dataset_files: DatasetFilesTable;
}
