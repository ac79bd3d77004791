import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tmpDir } from '../support/tmp-dir.js';

/**
 * The heavy packages a command line loads, run in a fresh process: CommonJS packages land in
 * require.cache however they are imported; ES-module packages (zod) are seen by a resolve hook.
 * Start-up time itself is measured by bench:train, never asserted.
 */
function heavyModulesLoaded(argv: readonly string[]): string[] {
  const hooks = `export async function resolve(specifier, context, next) {
    const r = await next(specifier, context);
    globalThis.resolvedPort?.postMessage(r.url);
    return r;
  }
  export function initialize({ port }) { globalThis.resolvedPort = port; }`;
  const script = `
    import { createRequire, register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const resolved = [];
    port1.on('message', (url) => resolved.push(url));
    port1.unref();
    register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}, { data: { port: port2 }, transferList: [port2] });
    const { runCli } = await import(${JSON.stringify(path.resolve('src/cli/run-cli.ts'))});
    const io = { stdout: () => {}, stderr: () => {}, isTTY: false, env: {}, cwd: process.cwd() };
    const code = await runCli(${JSON.stringify(argv)}, io);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the hooks thread's last messages
    const loaded = [...Object.keys(createRequire(import.meta.url).cache), ...resolved];
    console.log(JSON.stringify({ code, loaded }));
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  const { code, loaded } = JSON.parse(out.trim().split('\n').at(-1)!) as { code: number; loaded: string[] };
  assert.equal(code, 0, `exit code of ${argv.join(' ')}`);
  const heavy = ['@duckdb/node-api', 'kysely', 'better-sqlite3', 'shpjs', 'proj4', 'cli-progress', 'zod'];
  return heavy.filter((name) => loaded.some((f) => f.replace(/\\/g, '/').includes(`/node_modules/${name}/`)));
}

describe('CLI start-up', () => {
  it('--version and --help load none of DuckDB, Kysely, SQLite, the shapefile readers, the progress bars or zod', () => {
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
