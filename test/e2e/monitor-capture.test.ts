import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { AnalysisOutcome } from '../../src/monitor/index.js';
import { cli } from '../support/cli-runner.js';
import { tmpDir } from '../support/tmp-dir.js';

type Result = Omit<AnalysisOutcome, 'statistics'>;
const HEADER = 'fare_amount,passenger_count,geo_distance,hour';

/** Writes capture files for `rows` (label first) into hour folders, one request per row, plus the given bad lines. */
async function writeCapture(dir: string, rows: string[], options: { dropOutput?: boolean; extraInput?: boolean; badLines?: string[] } = {}): Promise<void> {
  const byHour = new Map<string, string[]>();
  rows.forEach((row, i) => {
    const [fare, ...features] = row.split(',');
    const time = new Date(Date.parse('2024-05-01T12:00:00Z') + i * 20_000);
    const hour = time.toISOString().slice(0, 13);
    const input = [...features, ...(options.extraInput ? ['42'] : [])].join(',');
    const record = {
      captureData: {
        endpointInput: { observedContentType: 'text/csv', mode: 'INPUT', data: input, encoding: 'CSV' },
        ...(options.dropOutput ? {} : { endpointOutput: { observedContentType: 'text/csv; charset=utf-8', mode: 'OUTPUT', data: fare, encoding: 'CSV' } }),
      },
      eventMetadata: { eventId: `e${i}`, inferenceTime: time.toISOString().replace(/\.\d+Z$/, 'Z') },
      eventVersion: '0',
    };
    byHour.set(hour, [...(byHour.get(hour) ?? []), JSON.stringify(record)]);
  });
  for (const [hour, lines] of byHour) {
    const [date, hh] = hour.split('T') as [string, string];
    const [y, m, d] = date.split('-');
    const folder = path.join(dir, y!, m!, d!, hh);
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, '07-31-402-aaaa.jsonl'), [...lines, ...(options.badLines ?? [])].join('\n') + '\n');
  }
}

describe('monitor analyze --capture', () => {
  let dir: string;
  const rows = Array.from({ length: 400 }, (_, i) => `${(5 + (i % 30) * 0.5).toFixed(1)},${1 + (i % 3)},${(1 + (i % 17) * 0.3).toFixed(2)},${i % 24}`);

  before(async () => {
    dir = await tmpDir();
    await writeFile(path.join(dir, 'baseline.csv'), `${HEADER}\n${rows.join('\n')}\n`);
    const b = await cli(['monitor', 'suggest-baseline', '--dataset', path.join(dir, 'baseline.csv'), '--out', path.join(dir, 'baseline')], { home: dir });
    assert.equal(b.code, 0, b.stderr);
  });

  const analyzeCapture = (capture: string, out: string, from = '2024-05-01T12:00:00Z', to = '2024-05-01T15:00:00Z') =>
    cli(
      [
        '--json',
        'monitor',
        'analyze',
        '--statistics',
        path.join(dir, 'baseline', 'statistics.json'),
        '--constraints',
        path.join(dir, 'baseline', 'constraints.json'),
        '--capture',
        capture,
        '--from',
        from,
        '--to',
        to,
        '--out',
        path.join(dir, out),
      ],
      { home: dir },
    );

  it('rebuilds rows as output + inputs and counts bad lines without failing', async () => {
    const capture = path.join(dir, 'capture-ok');
    await writeCapture(capture, rows, { badLines: ['{not json', '{"eventVersion":"0"}'] });
    const run = await analyzeCapture(capture, 'out-ok');
    assert.equal(run.code, 0, run.stderr);
    const r = run.json<Result>();
    assert.equal(r.status, 'Completed');
    assert.equal(r.capture!.rows, 400);
    assert.equal(r.capture!.malformed, 2 * r.capture!.files);
    assert.ok(
      r.drift.every((d) => d.distance === 0),
      JSON.stringify(r.drift.map((d) => d.distance)),
    );
    const stats = JSON.parse(await readFile(path.join(dir, 'out-ok', 'statistics.json'), 'utf8'));
    assert.deepEqual(
      stats.features.map((f: { name: string }) => f.name),
      HEADER.split(','),
    );
  });

  it("several --capture folders (an endpoint's variants) are analysed as one dataset", async () => {
    await writeCapture(path.join(dir, 'variant-a'), rows.slice(0, 250));
    await writeCapture(path.join(dir, 'variant-b'), rows.slice(250));
    const run = await cli(
      [
        '--json',
        'monitor',
        'analyze',
        '--statistics',
        path.join(dir, 'baseline', 'statistics.json'),
        '--constraints',
        path.join(dir, 'baseline', 'constraints.json'),
        '--capture',
        path.join(dir, 'variant-a'),
        path.join(dir, 'variant-b'),
        '--from',
        '2024-05-01T12:00:00Z',
        '--to',
        '2024-05-01T15:00:00Z',
        '--out',
        path.join(dir, 'out-variants'),
      ],
      { home: dir },
    );
    assert.equal(run.code, 0, run.stderr);
    const r = run.json<Result>();
    assert.equal(r.capture!.rows, 400, 'both variants read');
    assert.equal(r.status, 'Completed');
  });

  it('an empty window fails with the reason', async () => {
    const capture = path.join(dir, 'capture-ok');
    const run = await analyzeCapture(capture, 'out-empty', '2024-06-01T00:00:00Z', '2024-06-01T01:00:00Z');
    assert.equal(run.code, 5);
    assert.match(run.stderr, /no data to analyse: no rows in captured data/);
    const result = JSON.parse(await readFile(path.join(dir, 'out-empty', 'analysis-result.json'), 'utf8'));
    assert.equal(result.status, 'Failed');
  });

  it('traffic without the output column: missing column; with an extra input: extra column', async () => {
    await writeCapture(path.join(dir, 'capture-missing'), rows, { dropOutput: true });
    const missing = (await analyzeCapture(path.join(dir, 'capture-missing'), 'out-missing')).json<Result>();
    assert.ok(
      missing.violations.some((v) => v.constraint_check_type === 'missing_column_check'),
      JSON.stringify(missing.violations),
    );
    await writeCapture(path.join(dir, 'capture-extra'), rows, { extraInput: true });
    const extra = (await analyzeCapture(path.join(dir, 'capture-extra'), 'out-extra')).json<Result>();
    assert.ok(extra.violations.some((v) => v.constraint_check_type === 'extra_column_check'));
  });

  it('rejects a bad window and a missing folder with one line', async () => {
    const bad = await cli(
      ['monitor', 'analyze', '--statistics', 's', '--constraints', 'c', '--capture', dir, '--from', 'yesterday', '--to', 'now', '--out', path.join(dir, 'x')],
      { home: dir },
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--from and --to as ISO-8601/);
    const missing = await analyzeCapture(path.join(dir, 'no-such-capture'), 'out-none');
    assert.equal(missing.code, 3);
  });
});
