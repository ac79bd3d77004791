import { InvalidArgumentError } from './errors.js';

const DURATION_RE = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Parses an ISO-8601 duration (`PT1H`, `P30D`, `P4DT12H`, `P1W`) into milliseconds. Years count 365
 * days and months 30, as SageMaker's cache expiry does not care about calendars. Throws
 * InvalidArgumentError naming the value when it is not a duration.
 */
export function parseIsoDuration(text: string): number {
  const m = DURATION_RE.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) {
    throw new InvalidArgumentError(`'${text}' is not an ISO-8601 duration (e.g. PT1H, P30D, P4DT12H)`);
  }
  const n = (i: number) => (m[i] === undefined ? 0 : Number(m[i]));
  const days = n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4);
  const seconds = ((days * 24 + n(5)) * 60 + n(6)) * 60 + n(7);
  return Math.round(seconds * 1000);
}
