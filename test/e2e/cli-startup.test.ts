import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tmpDir } from '../support/tmp-dir.js';

/**
 * The heavy packages a command line loads, run in a fresh process: CommonJS packages land in
 * require.cache however they are imported (all of these are CommonJS). Start-up time itself is
 * measured by bench:train, never asserted.
 */
function heavyModulesLoaded(argv: readonly string[]): string[] {
  const script = `
    import { createRequire } from 'node:module';
    import { runCli } from ${JSON.stringify(path.resolve('src/cli/run-cli.ts'))};
    const io = { stdout: () => {}, stderr: () => {}, isTTY: false, env: {}, cwd: process.cwd() };
    const code = await runCli(${JSON.stringify(argv)}, io);
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({ code, loaded }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const { code, loaded } = JSON.parse(out.trim().split('\n').at(-1)!) as { code: number; loaded: string[] };
  assert.equal(code, 0, `exit code of ${argv.join(' ')}`);
  const heavy = ['@duckdb/node-api', 'kysely', 'better-sqlite3', 'shpjs', 'proj4', 'cli-progress'];
  return heavy.filter((name) => loaded.some((f) => f.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`)));
}

describe('CLI start-up', () => {
  it('--version and --help load none of DuckDB, Kysely, SQLite, the shapefile readers or the progress bars', () => {
    assert.deepEqual(heavyModulesLoaded(['--version']), []);
    assert.deepEqual(heavyModulesLoaded(['--help']), []);
    assert.deepEqual(heavyModulesLoaded(['train', '--help']), []);
  });

  it('train and predict on CSV load neither DuckDB nor the metadata store', async () => {
    const dir = await tmpDir();
    const csv = path.join(dir, 't.csv');
    await writeFile(csv, Array.from({ length: 50 }, (_, i) => `${i % 7},${i},${(i * 3) % 11}`).join('\n'));
    const model = path.join(dir, 'm.json');
    assert.deepEqual(heavyModulesLoaded(['--home', dir, 'train', '--train', csv, '--out', model, '--hp', 'num_round=2']), []);
    assert.deepEqual(heavyModulesLoaded(['--home', dir, 'predict', '--model', model, '--input', csv, '--out', path.join(dir, 'p.csv')]), []);
  });
});
