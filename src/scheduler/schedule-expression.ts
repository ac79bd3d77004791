import { Cron } from 'croner';
import { InvalidArgumentError } from '../core/errors.js';

/**
 * EventBridge schedule expressions (reference 9.2), UTC:
 * - `cron(Minutes Hours Day-of-month Month Day-of-week Year)`: `,` `-` `*` `/` everywhere, `?` in
 *   one of the day fields (exactly one of them), `L` in the day fields, `W` in day-of-month, `#` in
 *   day-of-week, day-of-week 1-7 = SUN-SAT, year 1970-2199;
 * - `rate(<n> minute|minutes|hour|hours|day|days)`, the singular only with 1, phased from an anchor
 *   (when the rule or schedule was created);
 * - a standard 5-field cron (`0 * * * *`, day-of-week 0-6 = SUN-SAT), for users who know that form.
 * Cron arithmetic is croner's; this module checks the AWS grammar and maps it onto croner's.
 */
export type ScheduleExpression =
  | { readonly kind: 'cron'; readonly expression: string; readonly pattern: string; readonly mode: 'aws' | 'standard' }
  | { readonly kind: 'rate'; readonly expression: string; readonly everyMs: number };

const RATE_UNITS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const FIELD_NAMES = ['Minutes', 'Hours', 'Day-of-month', 'Month', 'Day-of-week', 'Year'] as const;
const MONTHS = 'JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC';
const DAYS = 'SUN|MON|TUE|WED|THU|FRI|SAT';

/** Characters each AWS cron field may hold (croner checks the values and ranges). */
const FIELD_SYNTAX: readonly RegExp[] = [
  /^[\d,\-*/]+$/,
  /^[\d,\-*/]+$/,
  /^([\d,\-*/]+|\?|L|LW|\d{1,2}W|L-\d{1,2})$/,
  new RegExp(`^([\\d,\\-*/]|${MONTHS})+$`, 'i'),
  new RegExp(`^(\\?|([\\d,\\-*/]|${DAYS})+|[1-7]L|[1-7]#[1-5])$`, 'i'),
  /^[\d,\-*/]+$/,
];

/** Parses and checks a schedule expression; an invalid one is one line naming what is wrong. */
export function parseScheduleExpression(text: string): ScheduleExpression {
  const expression = text.trim();
  const rate = /^rate\((.*)\)$/.exec(expression);
  if (rate) return parseRate(expression, rate[1]!.trim());
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return parseAwsCron(expression, cron[1]!.trim());
  const fields = expression.split(/\s+/);
  if (fields.length === 5 && !expression.includes('(')) return checked(expression, `0 ${expression}`, 'standard');
  throw new InvalidArgumentError(
    `invalid schedule expression '${clip(expression)}': use cron(Minutes Hours Day-of-month Month Day-of-week Year), rate(5 minutes) or a 5-field cron`,
  );
}

function parseRate(expression: string, body: string): ScheduleExpression {
  const m = /^(\d{1,6})\s+(minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!m) throw new InvalidArgumentError(`invalid schedule expression '${clip(expression)}': a rate is rate(<positive integer> minutes|hours|days)`);
  const n = Number(m[1]);
  const unit = m[2]!;
  if (n === 0) throw new InvalidArgumentError(`invalid schedule expression '${expression}': the rate must be above 0`);
  const plural = unit.endsWith('s');
  if (n === 1 && plural) throw new InvalidArgumentError(`invalid schedule expression '${expression}': write rate(1 ${unit.slice(0, -1)})`);
  if (n > 1 && !plural) throw new InvalidArgumentError(`invalid schedule expression '${expression}': write rate(${n} ${unit}s)`);
  return { kind: 'rate', expression, everyMs: n * RATE_UNITS[plural ? unit.slice(0, -1) : unit]! };
}

function parseAwsCron(expression: string, body: string): ScheduleExpression {
  const fields = body.split(/\s+/);
  if (fields.length !== 6)
    throw new InvalidArgumentError(
      `invalid schedule expression '${clip(expression)}': cron() takes 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), got ${fields.length}`,
    );
  fields.forEach((f, i) => {
    if (!FIELD_SYNTAX[i]!.test(f))
      throw new InvalidArgumentError(`invalid schedule expression '${clip(expression)}': ${FIELD_NAMES[i]} '${clip(f)}' is not valid there`);
  });
  const [, , dom, , dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?'))
    throw new InvalidArgumentError(`invalid schedule expression '${clip(expression)}': exactly one of Day-of-month and Day-of-week must be '?'`);
  for (const part of year.split(',')) {
    for (const n of part.split(/[-/]/)) {
      if (n === '*' || n === '') continue;
      const y = Number(n);
      if (part.includes('/') && part.split('/')[1] === n) continue; // the step
      if (y < 1970 || y > 2199) throw new InvalidArgumentError(`invalid schedule expression '${clip(expression)}': Year ${n} is outside 1970-2199`);
    }
  }
  // croner, 7 fields: seconds first; day-of-week with AWS numbering (1 = Sunday); '?' as '*'.
  return checked(expression, `0 ${fields.join(' ')}`, 'aws');
}

function checked(expression: string, pattern: string, mode: 'aws' | 'standard'): ScheduleExpression {
  try {
    cronOf(pattern, mode);
  } catch (err) {
    throw new InvalidArgumentError(
      `invalid schedule expression '${clip(expression)}': ${(err as Error).message.replace(/^CronPattern: /, '').replace(/\s+/g, ' ')}`,
    );
  }
  return { kind: 'cron', expression, pattern, mode };
}

function cronOf(pattern: string, mode: 'aws' | 'standard'): Cron {
  return new Cron(pattern, {
    timezone: 'UTC',
    mode: mode === 'aws' ? '7-part' : '6-part',
    alternativeWeekdays: mode === 'aws',
    sloppyRanges: true,
    paused: true,
    legacyMode: mode === 'standard',
  });
}

/**
 * The first fire time strictly after `after` (epoch ms), or undefined when there is none (a year
 * in the past, 31 February). A rate fires at `anchor + k × every`.
 */
export function nextFireTime(s: ScheduleExpression, after: number, anchor = 0): number | undefined {
  if (s.kind === 'rate') {
    const k = Math.floor((after - anchor) / s.everyMs) + 1;
    return anchor + Math.max(k, 1) * s.everyMs;
  }
  const next = cronOf(s.pattern, s.mode).nextRun(new Date(after));
  return next ? next.getTime() : undefined;
}

/** The next `count` fire times after `after` (for `schedule describe` and tests). */
export function nextFireTimes(s: ScheduleExpression, after: number, count: number, anchor = 0): number[] {
  const out: number[] = [];
  let t = after;
  while (out.length < count) {
    const next = nextFireTime(s, t, anchor);
    if (next === undefined) break;
    out.push(next);
    t = next;
  }
  return out;
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
