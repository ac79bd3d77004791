#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node's own test runner (Node 20's --test has no globs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'fixtures') walk(p);
    else if (e.isFile() && e.name.endsWith('.test.ts')) files.push(p);
  }
};
for (const root of roots.length ? roots : ['src', 'test']) {
  try {
    if (root.endsWith('.test.ts')) files.push(root);
    else walk(root);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
}
files.sort();
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const tapFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'driftline-tests-')), 'results.tap');
const res = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    // A test that hangs fails after 5 minutes instead of holding the run.
    '--test-timeout=300000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...passThrough,
    ...files,
  ],
  { stdio: 'inherit' },
);
// One plain closing line, read by CI whatever the reporter.
const tap = readFileSync(tapFile, 'utf8');
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
console.log(`tests: ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
process.exit(res.status ?? 1);
