/**
 * bench:prepare — `data prepare` over ten copies of the real green 2021-01 month, against the same
 * preparation written as DuckDB SQL, in one run. Prints rows/s, peak RSS and the time ratio.
 *   npm run bench:prepare [-- --copies 10]
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ZoneFileLoader } from '../src/data/adapters/zone-file-loader.js';
import { benchWorkDir, type Measured, runChild } from './support.js';

const copiesArg = process.argv.indexOf('--copies');
const copies = copiesArg > 0 ? Number(process.argv[copiesArg + 1]) : 10;
const nycDir = process.env['DRIFTLINE_NYC_DIR'] ?? path.resolve('..', 'shared', 'data', 'nyc-taxi');
const month = path.join(nycDir, 'green_tripdata_2021-01.parquet');
if (!existsSync(month)) {
  console.error(`bench:prepare needs ${month} (the shared NYC TLC data)`);
  process.exit(1);
}
const work = benchWorkDir('prepare');
mkdirSync(path.join(work, 'trips'), { recursive: true });
for (let i = 0; i < copies; i++) copyFileSync(month, path.join(work, 'trips', `green_tripdata_2021-01-copy${String(i).padStart(2, '0')}.parquet`));
// Both sides get the same centroids: driftline computes them from the shapefile, the reference reads them as CSV.
const zones = (await new ZoneFileLoader().load(path.join(nycDir, 'taxi_zones.zip'))).zones;
writeFileSync(
  path.join(work, 'centroids.csv'),
  `LocationID,latitude,longitude\n${zones.map((z) => `${z.locationId},${z.latitude},${z.longitude}`).join('\n')}\n`,
);

console.log(`bench:prepare — ${copies} copies of green 2021-01 (${os.cpus().length} cores, Node ${process.version})`);
const ours = runChild('prepare-ours', [
  '--home',
  path.join(work, 'home'),
  'data',
  'prepare',
  '--trips',
  path.join(work, 'trips', '*.parquet'),
  '--zones',
  path.join(nycDir, 'taxi_zones.zip'),
  '--out',
  path.join(work, 'out-ours'),
]);
const reference = runChild('prepare-duckdb', [path.join(work, 'trips', '*.parquet'), path.join(work, 'centroids.csv'), path.join(work, 'out-duckdb')]);

const row = (name: string, m: Measured) => {
  const rows = Number(m.extra['rowsRead']);
  return `${name.padEnd(22)} ${rows.toLocaleString('en-US').padStart(10)} ${Number(m.extra['rowsKept']).toLocaleString('en-US').padStart(10)} ${m.seconds.toFixed(2).padStart(8)} ${Math.round(
    rows / m.seconds,
  )
    .toLocaleString('en-US')
    .padStart(12)} ${m.peakRssMb.toFixed(0).padStart(10)}`;
};
console.log(
  `${'engine'.padEnd(22)} ${'rows read'.padStart(10)} ${'rows kept'.padStart(10)} ${'seconds'.padStart(8)} ${'rows/s'.padStart(12)} ${'peak MB'.padStart(10)}`,
);
console.log(row('driftline prepare', ours));
console.log(row('DuckDB SQL reference', reference));
console.log(
  `time ratio driftline / DuckDB: ${(ours.seconds / reference.seconds).toFixed(2)}   peak RSS ratio: ${(ours.peakRssMb / reference.peakRssMb).toFixed(2)}`,
);
