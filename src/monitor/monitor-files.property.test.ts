import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isMainThread } from 'node:worker_threads';
import fc from 'fast-check';
import { mutateToText, mutationArb, toJsonText } from '../../test/support/json-mutations.js';
import { assertFast, fcParams, resultOrOneLineError } from '../../test/support/property-checks.js';
import { PROJECT_ROOT } from '../../test/support/shared-data.js';
import { reportInput, runTimeLimited } from '../../test/support/time-limited.js';
import type { AnalysisOutcome } from './analysis-types.js';
import { analyze } from './analyze.js';
import { DatasetProfile } from './dataset-profile.js';
import { renderHtmlReport } from './html-report.js';
import { jsonPieces } from './json-text.js';
import { parseConstraints, parseStatistics } from './monitor-files.js';
import { toStatistics } from './statistics.js';
import { suggestConstraints } from './suggest-constraints.js';
import type { ConstraintsFile, StatisticsFile } from './types.js';

/**
 * Property tests of the statistics.json / constraints.json loaders: real files mutated (fields
 * deleted, wrong types, NaN/Infinity/huge numbers, strings where numbers go, truncated text), random
 * JSON, and files driftline writes itself. Each input ends in a loaded file or a one-line
 * invalid_argument error; a loaded file then goes through analyze and the HTML report without an
 * internal error, and every feature is either measured, missing or listed as not checked.
 * Fixed seeds; each property runs in a worker with a time limit, so a hang fails instead of blocking.
 */

const fixture = (name: string) => readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'sagemaker', name), 'utf8');
const SETS = [
  { statistics: fixture('statistics.json'), constraints: fixture('constraints-older.json') },
  { statistics: fixture('statistics-service.json'), constraints: fixture('constraints-service.json') },
];
const PER_INPUT_MS = 2000;

/** Cells of current data: numbers (extreme ones too), words, missing values. */
const cellArb = fc.oneof(
  fc.integer({ min: -5, max: 40 }).map(String),
  fc.double({ min: -1e3, max: 1e3, noNaN: true }).map(String),
  fc.constantFrom('', 'card', 'cash', 'VTS', 'CMT', 'Astoria', 'abc', '1e308', '-1e308', '1.7976931348623157e308', '5e-324', '0', 'NaN', 'Infinity'),
);

/** Current data (plain values, so that a counterexample prints small): the baseline's names, sometimes one dropped or one added, and 1 to 40 rows. */
interface CurrentData {
  readonly names: readonly string[];
  readonly rows: readonly (readonly string[])[];
}
const currentArb = (names: readonly string[]): fc.Arbitrary<CurrentData> =>
  fc
    .record({
      drop: fc.option(fc.nat(), { freq: 4 }),
      extra: fc.boolean(),
      rows: fc.array(fc.array(cellArb, { minLength: names.length + 1, maxLength: names.length + 1 }), { minLength: 1, maxLength: 40 }),
    })
    .map(({ drop, extra, rows }) => {
      const keep = names.map((_, i) => i).filter((i) => drop === null || i !== drop % names.length);
      if (extra) keep.push(names.length);
      return { names: keep.map((i) => names[i] ?? 'tip_amount'), rows: rows.map((r) => keep.map((i) => r[i]!)) };
    });

function profileOf(data: CurrentData): DatasetProfile {
  const profile = new DatasetProfile(data.names);
  for (const row of data.rows) {
    profile.itemCount++;
    row.forEach((cell, c) => profile.columns[c]!.add(cell));
  }
  return profile;
}

/** Analyses a loaded baseline against current data and checks what every run must give. */
function analyseAndReport(stats: StatisticsFile, constraints: ConstraintsFile, current: DatasetProfile, input: string): AnalysisOutcome {
  const outcome = analyze(stats, constraints, current);
  assert.ok(outcome.status === 'Completed' || outcome.status === 'CompletedWithViolations', outcome.status);
  if (outcome.unchecked.length > 0) assert.doesNotMatch(outcome.exitMessage, /with no violations\.$/, input);
  for (const d of outcome.drift) assert.ok(Number.isFinite(d.distance) && Number.isFinite(d.threshold), `${d.feature}: ${d.distance} vs ${d.threshold}`);
  const present = new Set(current.columns.map((c) => c.name));
  const config = constraints.monitoring_config;
  const comparing = config.evaluate_constraints !== 'Disabled' && config.distribution_constraints.perform_comparison !== 'Disabled';
  for (const f of constraints.features) {
    const measured = outcome.drift.some((d) => d.feature === f.name);
    const unchecked = outcome.unchecked.some((u) => u.feature === f.name);
    if (!present.has(f.name)) assert.ok(outcome.missingColumns.includes(f.name) && !measured && !unchecked, `${f.name} is missing`);
    else if (comparing) assert.ok(measured !== unchecked, `${f.name}: measured ${measured}, unchecked ${unchecked} (never silently dropped): ${input}`);
  }
  const html = renderHtmlReport({ title: 't', baseline: stats, current: outcome.statistics!, outcome, generatedAt: '2026-01-01T00:00:00Z' });
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /NaN|undefined|(?<!L)Infinity/, input);
  return outcome;
}

/** Which file of a set is mutated, the mutation, and the current data. */
const mutatedArb = (which: 'statistics' | 'constraints') =>
  fc.nat({ max: SETS.length - 1 }).chain((set) => {
    const names = (JSON.parse(SETS[set]!.constraints) as { features: { name: string }[] }).features.map((f) => f.name);
    return fc.record({ set: fc.constant(set), which: fc.constant(which), mutation: mutationArb, current: currentArb(names) });
  });

function checkMutated({
  set,
  which,
  mutation,
  current,
}: {
  set: number;
  which: 'statistics' | 'constraints';
  mutation: Parameters<typeof mutateToText>[1];
  current: CurrentData;
}): boolean {
  const files = SETS[set]!;
  const text = mutateToText(JSON.parse(files[which]) as unknown, mutation);
  reportInput(text);
  const start = performance.now();
  const stats = resultOrOneLineError(() => parseStatistics(which === 'statistics' ? text : files.statistics), text);
  const constraints = resultOrOneLineError(() => parseConstraints(which === 'constraints' ? text : files.constraints), text);
  if (stats.ok && constraints.ok) analyseAndReport(stats.value, constraints.value, profileOf(current), text);
  assertFast(start, PER_INPUT_MS, text);
  return true;
}

export function mutatedStatistics({ seed, numRuns }: { seed: number; numRuns: number }): number {
  fc.assert(fc.property(mutatedArb('statistics'), checkMutated), fcParams(seed, numRuns));
  return numRuns;
}

export function mutatedConstraints({ seed, numRuns }: { seed: number; numRuns: number }): number {
  fc.assert(fc.property(mutatedArb('constraints'), checkMutated), fcParams(seed, numRuns));
  return numRuns;
}

/** Any JSON value, any text, and statistics-like documents with random feature objects. */
export function randomDocuments({ seed, numRuns }: { seed: number; numRuns: number }): number {
  const featureArb = fc.dictionary(
    fc.constantFrom(
      'name',
      'inferred_type',
      'numerical_statistics',
      'string_statistics',
      'completeness',
      'num_constraints',
      'string_constraints',
      'monitoringConfigOverrides',
    ),
    fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('x', 'Integral', 'String', 'Fractional')),
  );
  const docArb = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => toJsonText(v)),
    fc.string({ maxLength: 200 }),
    fc
      .record(
        {
          version: fc.jsonValue({ maxDepth: 1 }),
          dataset: fc.jsonValue({ maxDepth: 2 }),
          features: fc.array(featureArb, { maxLength: 4 }),
          monitoring_config: fc.jsonValue({ maxDepth: 3 }),
        },
        { requiredKeys: ['features'] },
      )
      .map((v) => toJsonText(v)),
  );
  fc.assert(
    fc.property(docArb, (text) => {
      reportInput(text);
      const start = performance.now();
      resultOrOneLineError(() => parseStatistics(text), text);
      resultOrOneLineError(() => parseConstraints(text), text);
      assertFast(start, PER_INPUT_MS, text);
    }),
    fcParams(seed, numRuns),
  );
  return numRuns;
}

/** Columns of generated data: extreme numbers, words, missing cells, in varying mixes. */
const columnArb = fc.oneof(
  fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String), { minLength: 1, maxLength: 30 }),
  fc.array(fc.oneof(fc.integer().map(String), fc.constantFrom('', '-1e308', '1e308', '-1.7976e308', '1.7976931348623157e308', '5e-324', '-0')), {
    minLength: 1,
    maxLength: 30,
  }),
  fc.array(fc.constantFrom('a', 'b', 'c', '', 'd e', '"q"'), { minLength: 1, maxLength: 30 }),
  fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer().map(String)), { minLength: 1, maxLength: 30 }),
);

/** Whatever driftline writes (suggest-baseline), driftline loads, and analyses against other data. */
export function writtenFilesLoad({ seed, numRuns }: { seed: number; numRuns: number }): number {
  const dataArb = fc.array(fc.tuple(columnArb, columnArb), { minLength: 1, maxLength: 4 });
  fc.assert(
    fc.property(dataArb, fc.boolean(), (columns, jackson) => {
      reportInput(columns);
      const start = performance.now();
      const profile = (pick: 0 | 1) => {
        const rows = Math.max(...columns.map((c) => c[pick].length));
        const p = new DatasetProfile(columns.map((_, i) => `c${i}`));
        for (let r = 0; r < rows; r++) {
          p.itemCount++;
          columns.forEach((c, i) => p.columns[i]!.add(c[pick][r % c[pick].length]!));
        }
        return p;
      };
      const statistics = toStatistics(profile(0));
      const constraints = suggestConstraints(statistics);
      const text = (v: unknown) => (jackson ? toJsonText(JSON.parse([...jsonPieces(v)].join('')), 'jackson') : [...jsonPieces(v)].join(''));
      const stats = parseStatistics(text(statistics));
      const cons = parseConstraints(text(constraints));
      analyseAndReport(stats, cons, profile(1), JSON.stringify(columns));
      assertFast(start, PER_INPUT_MS, JSON.stringify(columns));
    }),
    fcParams(seed, numRuns),
  );
  return numRuns;
}

if (isMainThread) {
  describe('statistics.json and constraints.json loaders: properties (fixed seeds, in a worker with a time limit)', () => {
    const run = (name: string, seed: number, numRuns: number) => runTimeLimited(import.meta.url, name, { seed, numRuns }, 60_000);
    it('mutated real statistics.json files: loaded and analysed, or one line', async () => {
      assert.equal(await run('mutatedStatistics', 9101, 700), 700);
    });
    it('mutated real constraints.json files: loaded and analysed, or one line', async () => {
      assert.equal(await run('mutatedConstraints', 9102, 600), 600);
    });
    it('random JSON and text: one line at worst', async () => {
      assert.equal(await run('randomDocuments', 9103, 500), 500);
    });
    it('files driftline writes load again, whatever the data (extreme numbers too)', async () => {
      assert.equal(await run('writtenFilesLoad', 9104, 250), 250);
    });
  });
}
