import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../core/errors.js';
import { parseNumericCsv } from './adapters/numeric-csv.js';
import { replaceLabelColumn } from './replace-label-column.js';

describe('replaceLabelColumn', () => {
  it('keeps the header and every row after its first cell byte for byte, and puts the values first', () => {
    const text = 'fare_amount,passenger_count,geo_distance\n12.5,1,2.0\n7,,0.3000\n52,4,-1e-3\n';
    const out = replaceLabelColumn(text, Float64Array.from([11.25, 7.5, Math.fround(40.1)]), { header: true, file: 'b.csv' });
    assert.equal(out, `fare_amount,passenger_count,geo_distance\n11.25,1,2.0\n7.5,,0.3000\n${Math.fround(40.1)},4,-1e-3\n`);
  });

  it('finds the rows as the numeric CSV reader does: blank lines and carriage returns dropped, leading blank lines before the header', () => {
    const text = '\n  \nfare_amount,x\r\n1,2\r\n\r\n   \n3,4\r\n5,6';
    const out = replaceLabelColumn(text, [0.5, 1.5, 2.5], { header: true, file: 'b.csv' });
    assert.equal(out, 'fare_amount,x\n0.5,2\n1.5,4\n2.5,6\n');
    const read = parseNumericCsv(out, 'out.csv', { labelFirst: true, header: true });
    assert.deepEqual([...read.label!], [0.5, 1.5, 2.5]);
    assert.deepEqual([...read.data], [2, 4, 6]);
  });

  it('without a header every non-blank line is a row; a missing value is an empty cell', () => {
    assert.equal(replaceLabelColumn('1,2\n3,4\n', [Number.NaN, 9], { header: false, file: 'v.csv' }), ',2\n9,4\n');
  });

  it('refuses rows and values that are not as many, naming the file', () => {
    for (const values of [[1], [1, 2, 3]]) {
      assert.throws(
        () => replaceLabelColumn('y,x\n1,2\n3,4\n', values, { header: true, file: 'b.csv' }),
        (err: unknown) => err instanceof InvalidArgumentError && /^b\.csv: 2 data rows but \d values/.test(err.message),
      );
    }
    assert.throws(() => replaceLabelColumn(' \n', [], { header: true, file: 'e.csv' }), /e\.csv: the file is empty/);
  });
});
