/**
 * A double as Java's `Double.toString` prints it (what the analyzer writes in description texts):
 * `1.0`, `0.6933333333333334`, `5.092682820403929E-4`, `3.8E7`, `NaN`, `-Infinity`. Plain notation
 * from 10^-3 up to 10^7, computerized scientific notation outside; shortest digits that round-trip
 * (as JDK 19 and later print them).
 */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}
