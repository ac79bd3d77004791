import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { FeatureArray, NumericTable } from '../matrix-reader.js';
import { decimalToDouble } from './decimal.js';
import { parseNumericCsv, parseNumericCsvBytes, parseNumericCsvChunked, type NumericCsvOptions } from './numeric-csv.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const parse = (text: string, options: NumericCsvOptions) => parseNumericCsvBytes(bytes(text), 'f.csv', options);
/** The chunked parser over the text's bytes, read `chunk` bytes at a time at most. */
const parseChunked = (text: string, options: NumericCsvOptions, chunk: number) => {
  const b = bytes(text);
  const readAt = (into: Uint8Array, offset: number, length: number, position: number) => {
    const n = Math.max(0, Math.min(length, chunk, b.length - position));
    into.set(b.subarray(position, position + n), offset);
    return n;
  };
  return parseNumericCsvChunked(readAt, () => b, 'f.csv', options, chunk);
};
const LABEL: NumericCsvOptions = { labelFirst: true, header: false };
const PREDICT: NumericCsvOptions = { labelFirst: false, header: true };

/** The table, or the error's message. */
function outcome(
  run: () => NumericTable<FeatureArray>,
): { table: { data: number[]; label?: number[]; rows: number; cols: number; columns?: readonly string[] } } | { error: string } {
  try {
    const t = run();
    return {
      table: {
        data: Array.from(t.data),
        ...(t.label ? { label: Array.from(t.label) } : {}),
        rows: t.rows,
        cols: t.cols,
        ...(t.columns ? { columns: t.columns } : {}),
      },
    };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

/** Asserts that the byte parser, whole or in chunks of a few bytes, gives what the text parser gives (values to the bit, or the same error). */
function sameAsText(text: string, options: NumericCsvOptions): void {
  const expected = outcome(() => parseNumericCsv(text, 'f.csv', options));
  assert.deepStrictEqual(
    outcome(() => parse(text, options)),
    expected,
    JSON.stringify(text),
  );
  for (const chunk of [16, 37])
    assert.deepStrictEqual(
      outcome(() => parseChunked(text, options, chunk)),
      expected,
      `${chunk}-byte chunks: ${JSON.stringify(text)}`,
    );
}

describe('parseNumericCsvBytes', () => {
  it('reads plain, signed, exponent, padded and long numbers to the same doubles as Number()', () => {
    const cells = [
      '8.5',
      '-73.94612997463612',
      '40.778846324497195',
      '0',
      '-0',
      '+3',
      '.5',
      '5.',
      '1e5',
      '1.5E-3',
      '-2e+2',
      '007',
      '0.000123',
      '123456789012345678',
      '12345678901234567890123',
      '0.1234567890123456789012',
      '1e-30',
      '1e300',
      '0x1A',
      ' 12 ',
      '\t3\t',
      '9007199254740993',
      '4.35',
      '2.2250738585072014e-308',
    ];
    const text = cells.map((c, i) => `${i},${c}`).join('\n');
    const t = parse(text, LABEL);
    assert.deepEqual(
      Array.from(t.data),
      cells.map((c) => Number(c.trim())),
    );
    assert.ok(Object.is(t.data[4], -0));
    sameAsText(text, LABEL);
  });

  it('skips blank lines, takes CRLF line ends and a byte order mark, reads empty, NaN and nan feature cells as missing', () => {
    const text = '\uFEFF1,2,3\r\n\r\n   \n4,,NaN\r\n5, nan ,6';
    const t = parse(text, LABEL);
    assert.equal(t.rows, 3);
    assert.deepEqual(Array.from(t.label!), [1, 4, 5]);
    assert.deepEqual(Array.from(t.data), [2, 3, NaN, NaN, NaN, 6]);
    sameAsText(text, LABEL);
  });

  it('reads a header (predict) and matches its width', () => {
    const t = parse('\n a , b \n1,2\n3,4\n', PREDICT);
    assert.deepEqual(t.columns, ['a', 'b']);
    assert.deepEqual(Array.from(t.data), [1, 2, 3, 4]);
    assert.equal(t.label, undefined);
  });

  it('fails with the same one-line errors as before, naming line and column', () => {
    const cases: [string, NumericCsvOptions, RegExp][] = [
      ['1,2,3\n4,abc,6\n', LABEL, /^f\.csv: line 2, column 2: 'abc' is not a number$/],
      ['1,2,3\n4,5\n', LABEL, /^f\.csv: line 2 has 2 columns, expected 3 like the first row$/],
      ['1,2\n4,5,6\n', LABEL, /^f\.csv: line 2 has 3 columns, expected 2 like the first row$/],
      ['1,2\n,5\n', LABEL, /^f\.csv: line 2: the label \(first column\) is missing$/],
      ['1,2\n3,Infinity\n', LABEL, /line 2, column 2: 'Infinity' is not a number/],
      ['1,2\n3,1e400\n', LABEL, /line 2, column 2: '1e400' is not a number/],
      ['1,2\n3,1 2\n', LABEL, /line 2, column 2: '1 2' is not a number/],
      ['\n\n', PREDICT, /^f\.csv: the file is empty$/],
      ['a,b\n', PREDICT, /^f\.csv: the file has no data rows$/],
      ['', LABEL, /^f\.csv: the file has no data rows$/],
      ['a,b,c\n1,2\n', PREDICT, /^f\.csv: the header has 3 columns but the rows have 2$/],
      ['1\n2\n', LABEL, /^f\.csv: no feature columns/],
      // A ragged line is reported before a bad cell on an earlier line, as the text parser did.
      ['1,2\n3,x\n4,5,6\n', LABEL, /line 3 has 3 columns/],
    ];
    for (const [text, options, message] of cases) {
      assert.throws(() => parse(text, options), { code: 'invalid_argument', message }, JSON.stringify(text));
      sameAsText(text, options);
    }
  });

  it('reads the features as float32 when asked: each the float32 nearest the double, labels as doubles', () => {
    const text = '1.5,0.1,-73.94612997463612,\n2,1e39,,3.4028235677973366e38\n3,-0,NaN,5e-324\n';
    const f64 = parse(text, LABEL);
    for (const chunk of [0, 16]) {
      const f32 = chunk ? parseChunked(text, { ...LABEL, float32: true }, chunk) : parse(text, { ...LABEL, float32: true });
      assert.ok(f32.data instanceof Float32Array);
      assert.deepEqual(Array.from(f32.data), Array.from(f64.data, Math.fround));
      assert.deepEqual(f32.label, f64.label);
    }
  });

  it('equals the text parser on thousands of generated files (values, spacing, blank lines, bad cells, ragged rows)', () => {
    const number = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.double({ min: -200, max: 200, noNaN: true }).map((x) => x.toPrecision(17)),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => x.toFixed(6)),
      fc.integer().map(String),
      fc.bigInt({ min: 0n, max: 10n ** 22n }).map(String),
      fc.tuple(fc.integer({ min: 0, max: 99999 }), fc.integer({ min: -30, max: 30 })).map(([m, e]) => `${m}e${e}`),
      fc.stringMatching(/^[+-]?\d{0,21}(\.\d{0,21})?([eE][+-]?\d{0,3})?$/),
    );
    const odd = fc.constantFrom('', 'NaN', 'nan', 'abc', '-', '.', '1e', '0x1f', 'Infinity', '\u00a07\u00a0', ' ', '1,5', '"3"', '1.2.3', '--1', 'é');
    const pad = (v: fc.Arbitrary<string>) =>
      fc.tuple(v, fc.constantFrom('', ' ', '\t', '  '), fc.constantFrom('', ' ', '\r')).map(([x, before, after]) => `${before}${x}${after}`);
    const blank = fc.constantFrom('', '  ', '\r');
    const files = (cell: fc.Arbitrary<string>, ragged: number) => {
      const line = fc.oneof(
        { weight: 12, arbitrary: fc.array(cell, { minLength: 3, maxLength: 3 }).map((c) => c.join(',')) },
        { weight: ragged, arbitrary: fc.array(cell, { minLength: 1, maxLength: 5 }).map((c) => c.join(',')) },
        { weight: 1, arbitrary: blank },
      );
      return fc
        .tuple(fc.array(line, { minLength: 0, maxLength: 12 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
        .map(([lines, eol, trailing]) => lines.join(eol) + (trailing ? eol : ''));
    };
    const options = fc.record({ labelFirst: fc.boolean(), header: fc.boolean() });
    let read = 0;
    const check = (text: string, opts: NumericCsvOptions) => {
      sameAsText(text, opts);
      if ('table' in outcome(() => parse(text, opts))) read++;
    };
    // Well-formed files (numbers of every form; missing feature cells), then messy ones.
    fc.assert(
      fc.property(files(pad(fc.oneof({ weight: 20, arbitrary: number }, { weight: 1, arbitrary: fc.constantFrom('', 'NaN', 'nan') })), 0), options, check),
      { numRuns: 2000, seed: 42 },
    );
    fc.assert(fc.property(files(pad(fc.oneof({ weight: 8, arbitrary: number }, { weight: 1, arbitrary: odd })), 1), options, check), {
      numRuns: 2000,
      seed: 43,
    });
    assert.ok(read > 1000, `${read} files read without error`);
  });
});

describe('decimalToDouble', () => {
  it('gives the double nearest the decimal, as Number() does, or NaN to ask for Number()', () => {
    /** The parser's split of a digit string with a point: the first 15 significant digits, the next 4, the power of ten. */
    const split = (s: string) => {
      let hi = 0;
      let lo = 0;
      let loDigits = 0;
      let significant = 0;
      let exp10 = 0;
      let fraction = false;
      for (const ch of s) {
        if (ch === '.') {
          fraction = true;
          continue;
        }
        const d = ch.charCodeAt(0) - 48;
        if (fraction) exp10--;
        if (significant === 0 && d === 0) continue;
        if (significant < 15) hi = hi * 10 + d;
        else {
          lo = lo * 10 + d;
          loDigits++;
        }
        significant++;
      }
      return { hi, lo, loDigits, exp10 };
    };
    let decided = 0;
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,19}$/), fc.nat(19), (digits, at) => {
        const s = `${digits.slice(0, at)}.${digits.slice(at)}`;
        const { hi, lo, loDigits, exp10 } = split(s);
        const v = decimalToDouble(hi, lo, loDigits, exp10);
        if (!Number.isNaN(v)) decided++;
        assert.ok(Number.isNaN(v) || Object.is(v, Number(s)), `${s}: ${v} vs ${Number(s)}`);
      }),
      { numRuns: 20000, seed: 7 },
    );
    assert.ok(decided > 19000, `${decided} decided`);
  });
});
