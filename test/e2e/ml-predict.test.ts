import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { cli } from '../support/cli-runner.js';
import { tmpDir } from '../support/tmp-dir.js';

/** Label-first rows of a small regression problem: y = 2 a + b, three features. */
function rows(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const a = i % 10;
    const b = (i * 7) % 13;
    const c = (i * 3) % 5;
    return `${2 * a + b},${a},${b},${c}`;
  });
}

describe('predict and its --header flag', () => {
  let dir: string;
  let model: string;

  before(async () => {
    dir = await tmpDir();
    await writeFile(path.join(dir, 'train.csv'), `${rows(200).join('\n')}\n`);
    model = path.join(dir, 'model.json');
    const run = await cli(['train', '--train', path.join(dir, 'train.csv'), '--out', model, '--hp', 'num_round=5'], { home: path.join(dir, 'home') });
    assert.equal(run.code, 0, run.stderr);
  });

  const predict = async (input: string, header: boolean) =>
    cli(['predict', '--model', model, '--input', path.join(dir, input), ...(header ? ['--header'] : []), '--out', path.join(dir, `${input}.out`)], {
      home: path.join(dir, 'home'),
    });
  const predictions = async (input: string) => (await readFile(path.join(dir, `${input}.out`), 'utf8')).trim().split('\n');

  it('refuses --header on a headerless file whose first line is a data row, dropping nothing', async () => {
    for (const [name, lines] of [
      ['features.csv', rows(5).map((l) => l.split(',').slice(1).join(','))],
      ['labelled.csv', rows(5)],
      ['missing.csv', [',1,2', ...rows(4).map((l) => l.split(',').slice(1).join(','))]],
    ] as const) {
      await writeFile(path.join(dir, name), `${lines.join('\n')}\n`);
      const run = await predict(name, true);
      assert.equal(run.code, 2, `${name}: ${run.stderr}`);
      const stderr = run.stderr.trimEnd().split('\n');
      assert.equal(stderr.length, 1, run.stderr);
      assert.match(stderr[0]!, new RegExp(`${name}: --header was given but the first line .* is a row of numbers`));
      const plain = await predict(name, false);
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal((await predictions(name)).length, 5, 'every row is scored without --header');
    }
  });

  it("reads a real header, and a numeric header of column numbers (pandas' default), with --header", async () => {
    await writeFile(path.join(dir, 'named.csv'), `fare_amount,a,b,c\n${rows(4).join('\n')}\n`);
    assert.equal((await predict('named.csv', true)).code, 0);
    assert.equal((await predictions('named.csv')).length, 4);
    await writeFile(
      path.join(dir, 'pandas.csv'),
      `0,1,2\n${rows(4)
        .map((l) => l.split(',').slice(1).join(','))
        .join('\n')}\n`,
    );
    const run = await predict('pandas.csv', true);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((await predictions('pandas.csv')).length, 4);
  });
});
