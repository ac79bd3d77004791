/**
 * Fits the synthetic trip generator's parameters on the real green-taxi months in
 * ../shared/data/nyc-taxi and writes them to src/data/generate/calibration.ts. Only aggregates
 * (weights, fitted coefficients, zone centroids) are written, never trip rows.
 *
 *   node --import tsx scripts/calibrate-generator.ts [../shared/data/nyc-taxi]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ZoneFileLoader } from '../src/data/adapters/zone-file-loader.js';
import { geoDistanceKm } from '../src/data/geo-distance.js';

const dir = path.resolve(process.argv[2] ?? '../shared/data/nyc-taxi');
const months = ['2021-01', '2021-02'].map((m) => path.join(dir, `green_tripdata_${m}.parquet`));
const zones = (await new ZoneFileLoader().load(path.join(dir, 'taxi_zones.zip'))).zones;
const centroid = new Map(zones.map((z) => [z.locationId, z]));

const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
const rows = async (sql: string) => (await con.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
const src = `read_parquet([${months.map((m) => `'${m}'`).join(',')}])`;
await con.run(`CREATE TABLE t AS SELECT
  TRY_CAST(PULocationID AS INTEGER) AS pu, TRY_CAST(DOLocationID AS INTEGER) AS dz, passenger_count AS pax,
  trip_distance AS miles, fare_amount AS fare, hour(lpep_pickup_datetime) AS h, isodow(lpep_pickup_datetime) - 1 AS wd,
  (epoch(lpep_dropoff_datetime) - epoch(lpep_pickup_datetime)) / 60.0 AS minutes
  FROM ${src}`);

const total = Number((await rows('SELECT count(*) n FROM t'))[0]!['n']);
const nullPax = Number((await rows('SELECT count(*) n FROM t WHERE pax IS NULL'))[0]!['n']);
// The rows the sample keeps drive everything else: known passenger count and zones.
const kept = `pax IS NOT NULL AND pu BETWEEN 1 AND 263 AND dz BETWEEN 1 AND 263`;
const weights = async (col: string, n: number, where = kept) => {
  const out = new Array<number>(n).fill(0);
  for (const r of await rows(`SELECT ${col} k, count(*) n FROM t WHERE ${where} GROUP BY 1`)) {
    const k = Number(r['k']);
    if (k >= 0 && k < n) out[k] = Number(r['n']);
  }
  return out;
};
const pickupWeights = await weights('pu', 264);
const dropoffWeights = await weights('dz', 264);
const hourWeights = await weights('h', 24);
const weekdayWeights = await weights('wd', 7);
const passengerWeights = await weights('CAST(pax AS INTEGER)', 10);
const sameZone = Number((await rows(`SELECT avg(CASE WHEN pu = dz THEN 1 ELSE 0 END) p FROM t WHERE ${kept}`))[0]!['p']);

// Gravity model for the dropoff zone: P(do | pu) ∝ dropoffWeight(do) · exp(-d(pu, do) / λ), λ fitted to the mean distance.
const pairs = await rows(`SELECT pu, dz, count(*) n FROM t WHERE ${kept} AND pu <> dz GROUP BY 1, 2`);
let realSum = 0;
let realN = 0;
for (const p of pairs) {
  const a = centroid.get(Number(p['pu']));
  const b = centroid.get(Number(p['dz']));
  if (!a || !b) continue;
  realSum += geoDistanceKm(a.latitude, a.longitude, b.latitude, b.longitude) * Number(p['n']);
  realN += Number(p['n']);
}
const realMeanKm = realSum / realN;
const modelMean = (lambda: number) => {
  let sum = 0;
  let norm = 0;
  for (const a of zones) {
    const wa = pickupWeights[a.locationId] ?? 0;
    if (wa === 0) continue;
    let z = 0;
    let m = 0;
    for (const b of zones) {
      if (b.locationId === a.locationId) continue;
      const d = geoDistanceKm(a.latitude, a.longitude, b.latitude, b.longitude);
      const w = (dropoffWeights[b.locationId] ?? 0) * Math.exp(-d / lambda);
      z += w;
      m += w * d;
    }
    if (z > 0) {
      sum += wa * (m / z);
      norm += wa;
    }
  }
  return sum / norm;
};
let lo = 0.2;
let hi = 50;
for (let i = 0; i < 40; i++) {
  const mid = (lo + hi) / 2;
  if (modelMean(mid) < realMeanKm) lo = mid;
  else hi = mid;
}
const gravityLambdaKm = (lo + hi) / 2;

// Route detour: trip miles over straight-line km, log-normal; trips within one zone: log-normal miles.
const lnStats = (values: number[]) => {
  const logs = values.filter((v) => v > 0 && Number.isFinite(v)).map(Math.log);
  const mu = logs.reduce((s, v) => s + v, 0) / logs.length;
  const sd = Math.sqrt(logs.reduce((s, v) => s + (v - mu) ** 2, 0) / (logs.length - 1));
  return { mu, sigma: sd };
};
const trips = await rows(
  `SELECT pu, dz, miles, minutes, fare, h FROM t WHERE ${kept} AND miles > 0 AND miles < 60 AND minutes > 0 AND fare > 0 AND fare < 200`,
);
const detour: number[] = [];
const sameMiles: number[] = [];
const speedByHour: number[][] = Array.from({ length: 24 }, () => []);
const X: number[][] = [];
const y: number[] = [];
for (const r of trips) {
  const a = centroid.get(Number(r['pu']));
  const b = centroid.get(Number(r['dz']));
  const miles = Number(r['miles']);
  const minutes = Number(r['minutes']);
  if (a && b && a !== b) detour.push((miles * 1.609344) / geoDistanceKm(a.latitude, a.longitude, b.latitude, b.longitude));
  if (a === b) sameMiles.push(miles);
  speedByHour[Number(r['h'])]!.push(miles / (minutes / 60));
  X.push([1, miles, minutes]);
  y.push(Number(r['fare']));
}
const median = (v: number[]) => {
  const s = [...v].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)] ?? 0;
};
const speedMphByHour = speedByHour.map((v) => round(median(v), 3));
const speedLog = lnStats(trips.map((r) => Number(r['miles']) / (Number(r['minutes']) / 60) / (speedMphByHour[Number(r['h'])] ?? 1)));

// Fare = a + b·miles + c·minutes (least squares), then a multiplicative log-normal residual.
const xtx = [0, 1, 2].map((i) => [0, 1, 2].map((j) => X.reduce((s, row) => s + row[i]! * row[j]!, 0)));
const xty = [0, 1, 2].map((i) => X.reduce((s, row, k) => s + row[i]! * y[k]!, 0));
const coef = solve3(xtx, xty);
const fareResidual = lnStats(X.map((row, k) => y[k]! / Math.max(1, coef[0]! + coef[1]! * row[1]! + coef[2]! * row[2]!)));
const badFareRate = Number((await rows(`SELECT avg(CASE WHEN fare <= 0 THEN 1 ELSE 0 END) p FROM t WHERE ${kept}`))[0]!['p']);

const calibration = {
  source: months.map((m) => path.basename(m)),
  rows: total,
  nullPassengerRate: round(nullPax / total, 5),
  passengerWeights,
  hourWeights,
  weekdayWeights,
  sameZoneRate: round(sameZone, 5),
  gravityLambdaKm: round(gravityLambdaKm, 4),
  meanTripKm: round(realMeanKm, 4),
  detourLogMean: round(lnStats(detour).mu, 5),
  detourLogSd: round(lnStats(detour).sigma, 5),
  sameZoneMilesLogMean: round(lnStats(sameMiles).mu, 5),
  sameZoneMilesLogSd: round(lnStats(sameMiles).sigma, 5),
  speedMphByHour,
  speedLogSd: round(speedLog.sigma, 5),
  fareIntercept: round(coef[0]!, 5),
  farePerMile: round(coef[1]!, 5),
  farePerMinute: round(coef[2]!, 5),
  fareLogSd: round(fareResidual.sigma, 5),
  fareLogMean: round(fareResidual.mu, 5),
  badFareRate: round(badFareRate, 5),
  pickupWeights,
  dropoffWeights,
  zones: zones.map((z) => [z.locationId, round(z.latitude, 6), round(z.longitude, 6)]),
};

const out = path.resolve('src/data/generate/calibration.ts');
writeFileSync(
  out,
  `// Generated by scripts/calibrate-generator.ts from ${calibration.source.join(', ')}: fitted parameters and\n` +
    `// zone centroids only, no trip rows. Do not edit by hand; re-run the script instead.\n` +
    `export const CALIBRATION = ${JSON.stringify(calibration)} as const;\n`,
);
console.log(`wrote ${out}`);
console.log({ ...calibration, pickupWeights: '…', dropoffWeights: '…', zones: `${zones.length} zones` });
con.closeSync();
instance.closeSync();

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

function solve3(a: number[][], b: number[]): number[] {
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k < 4; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return [0, 1, 2].map((i) => m[i]![3]! / m[i]![i]!);
}
