import type { Clock } from '../../core/clock.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { IdGenerator } from '../../core/ids.js';
import type { Logger } from '../../core/logger.js';
import { noopProgress, type Progress } from '../../core/progress.js';
import type { DatasetStore } from '../dataset-store.js';
import type { Downloader } from '../downloader.js';
import type { LocalFiles } from '../local-files.js';
import type { Dataset } from '../types.js';

/** TLC's public download location. */
export const TLC_BASE_URL = 'https://d37ci6vzurychx.cloudfront.net';
/** The fleets whose monthly trip files can be fetched. */
export const FLEETS = ['green', 'yellow'] as const;
export type Fleet = (typeof FLEETS)[number];
/** The manifest written beside the downloads. */
export const FETCH_MANIFEST = 'fetch-manifest.json';

/** One file in the manifest. */
export interface FetchedFile {
  readonly name: string;
  readonly url: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly fetchedAt: number;
  /** True when this run found the file complete and did not download it again. */
  readonly skipped?: boolean;
}

/** One `fetch-nyc` request. */
export interface FetchRequest {
  readonly months: readonly string[];
  readonly fleet: Fleet;
  readonly out: string;
  readonly baseUrl?: string;
  readonly progress?: Progress;
}

/** What `fetch` needs from the outside. */
export interface FetchDeps {
  readonly downloader: Downloader;
  readonly files: LocalFiles;
  readonly datasets: DatasetStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/**
 * Downloads TLC monthly trip files and `taxi_zones.zip` from TLC's public location (or a mirror
 * given as base URL: `<base>/trip-data/<fleet>_tripdata_<YYYY-MM>.parquet`, `<base>/misc/taxi_zones.zip`).
 * Files already complete (same size and SHA-256 as the manifest records) are skipped. Each file
 * appears only when fully downloaded; the manifest records sizes and hashes.
 */
export class NycFetchService {
  constructor(private readonly deps: FetchDeps) {}

  async fetch(req: FetchRequest): Promise<{ dataset: Dataset; files: FetchedFile[] }> {
    if (!FLEETS.includes(req.fleet)) throw new InvalidArgumentError(`--fleet must be green or yellow, got '${String(req.fleet)}'`);
    const months = req.months.map((m) => m.trim()).filter((m) => m !== '');
    if (months.length === 0) throw new InvalidArgumentError('--months needs at least one YYYY-MM month');
    for (const m of months) {
      if (!/^20\d\d-(0[1-9]|1[0-2])$/.test(m)) throw new InvalidArgumentError(`month '${m}' is not a YYYY-MM month`);
    }
    const base = (req.baseUrl ?? TLC_BASE_URL).replace(/\/+$/, '');
    if (!/^https?:\/\//.test(base)) throw new InvalidArgumentError(`--base-url must be an http(s) URL, got '${base}'`);
    const progress = req.progress ?? noopProgress;
    const manifestPath = `${req.out}/${FETCH_MANIFEST}`;
    const previous = await this.readManifest(manifestPath);
    const wanted = [
      ...months.map((m) => ({ name: `${req.fleet}_tripdata_${m}.parquet`, url: `${base}/trip-data/${req.fleet}_tripdata_${m}.parquet` })),
      { name: 'taxi_zones.zip', url: `${base}/misc/taxi_zones.zip` },
    ];
    const results: FetchedFile[] = [];
    const manifest = new Map(previous.map((f) => [f.name, f]));
    for (const want of wanted) {
      const local = `${req.out}/${want.name}`;
      const known = manifest.get(want.name);
      if (known) {
        const info = await this.deps.files.describe(local).catch(() => undefined);
        if (info && info.sizeBytes === known.bytes && info.sha256 === known.sha256) {
          results.push({ ...known, skipped: true });
          continue;
        }
      }
      const got = await this.deps.downloader.download(want.url, local, {
        onStart: (total) => progress.start(want.name, total),
        onBytes: (n) => progress.tick(n),
      });
      progress.stop();
      const entry: FetchedFile = { name: want.name, url: want.url, bytes: got.bytes, sha256: got.sha256, fetchedAt: this.deps.clock.now() };
      manifest.set(want.name, entry);
      results.push(entry);
      // Written after each file so an interrupted run still skips what it finished.
      await this.deps.files.writeText(manifestPath, `${JSON.stringify({ files: [...manifest.values()] }, null, 2)}\n`);
    }
    const folder = await this.deps.files.describe(manifestPath).catch(() => undefined);
    const dataset: Dataset = {
      id: this.deps.ids('ds'),
      kind: 'fetched',
      uri: folder ? folder.uri.slice(0, -FETCH_MANIFEST.length - 1) : req.out,
      createdAt: this.deps.clock.now(),
      rowCount: 0,
      files: await Promise.all(
        results.map(async (f) => {
          const info = await this.deps.files.describe(`${req.out}/${f.name}`);
          return { role: 'output' as const, uri: info.uri, sizeBytes: info.sizeBytes, sha256: info.sha256 };
        }),
      ),
      details: { fleet: req.fleet, months, baseUrl: base, files: results },
    };
    await this.deps.datasets.create(dataset);
    return { dataset, files: results };
  }

  private async readManifest(file: string): Promise<FetchedFile[]> {
    const text = await this.deps.files.readText(file);
    if (text === undefined) return [];
    try {
      const parsed = JSON.parse(text) as { files?: FetchedFile[] };
      return Array.isArray(parsed.files) ? parsed.files : [];
    } catch {
      this.deps.logger.warn('fetch manifest unreadable, downloading again', { file });
      return [];
    }
  }
}
