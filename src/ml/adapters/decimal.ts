/**
 * Exact conversion of a decimal mantissa and power of ten to the nearest double, without a string:
 * the CSV reader's fast path. Every result equals `Number()` of the same text (round to nearest,
 * ties to even); when that cannot be decided cheaply the caller falls back to `Number()`.
 */

/** Exact powers of ten as doubles (10^22 is the largest that is). */
export const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const TWO_53 = 9007199254740992;
/** Dekker's splitter for doubles: 2^27 + 1. */
const SPLIT = 134217729;
/** The bracket around an approximate quotient: far above its error (about 2^-104 of it), far below half an ulp (2^-53). */
const TOLERANCE = 2 ** -90;

/**
 * The double nearest to (hi × 10^loDigits + lo) × 10^exp10, where hi < 10^15 and lo < 10^loDigits
 * (loDigits ≤ 4) are integers: the first 15 and the next significant digits of a decimal. NaN when
 * this cannot be done exactly here (exponent out of range, or a result too close to halfway between
 * two doubles to decide cheaply): then use `Number()` on the text.
 */
export function decimalToDouble(hi: number, lo: number, loDigits: number, exp10: number): number {
  if (loDigits === 0 || hi * POW10[loDigits]! + lo < TWO_53) {
    // The mantissa is exact: one correctly rounded multiplication or division by an exact power (Clinger's fast path).
    const m = loDigits === 0 ? hi : hi * POW10[loDigits]! + lo;
    if (exp10 < 0) return exp10 >= -22 ? m / POW10[-exp10]! : NaN;
    return exp10 <= 22 ? m * POW10[exp10]! : NaN;
  }
  if (exp10 > 0 || exp10 < -22) return NaN;
  // The mantissa M (up to 19 digits) exactly as s + t, both integers: hi × 10^loDigits by Dekker's
  // product (ph + pl), plus lo by an error-free sum.
  const b = POW10[loDigits]!;
  const ph = hi * b;
  let x = SPLIT * hi;
  const ah = x - (x - hi);
  const al = hi - ah;
  x = SPLIT * b;
  const bh = x - (x - b);
  const bl = b - bh;
  const pl = ah * bh - ph + ah * bl + al * bh + al * bl;
  const s = ph + lo;
  const z = s - ph;
  const t = ph - (s - z) + (lo - z) + pl;
  if (exp10 === 0) return s + t; // one correctly rounded sum of the exact parts
  // M / D as a double-double q1 + q2: q1 = s / D, then the remainder s - q1 × D (exact by Dekker) plus t, over D.
  const d = POW10[-exp10]!;
  const q1 = s / d;
  const qh = q1 * d;
  x = SPLIT * q1;
  const ch = x - (x - q1);
  const cl = q1 - ch;
  x = SPLIT * d;
  const dh = x - (x - d);
  const dl = d - dh;
  const ql = ch * dh - qh + ch * dl + cl * dh + cl * dl;
  const q2 = (s - qh - ql + t) / d;
  const result = q1 + q2;
  // Rounding is monotonic: if both ends of a bracket around the exact quotient round to the same
  // double, so does the quotient. Otherwise it is within 2^-90 of a tie: let Number() decide.
  const tol = Math.abs(q1) * TOLERANCE;
  return q1 + (q2 + tol) === result && q1 + (q2 - tol) === result ? result : NaN;
}
