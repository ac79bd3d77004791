import { InvalidArgumentError } from '../core/errors.js';

/**
 * EventBridge event patterns (reference 9.1), parsed once and matched many times. A pattern
 * mirrors the event's nesting; every field it names must match (AND), a leaf is an array of
 * alternatives (OR), `$or` at object level takes any of its sub-patterns. Matching is pure and
 * never throws.
 */
export interface EventPattern {
  /** The pattern as given (JSON value), for storage and display. */
  readonly json: unknown;
  readonly root: PatternNode;
}

type Scalar = string | number | boolean | null;

type StringTest =
  | { readonly kind: 'prefix' | 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly value: string; readonly tokens: readonly (string | null)[] };

type NumericOp = '=' | '<' | '<=' | '>' | '>=';

type Matcher =
  | { readonly kind: 'exact'; readonly value: Scalar }
  | StringTest
  | { readonly kind: 'anything-but-values'; readonly values: readonly (string | number)[] }
  | { readonly kind: 'anything-but-test'; readonly tests: readonly StringTest[] }
  | { readonly kind: 'numeric'; readonly conditions: readonly (readonly [NumericOp, number])[] }
  | { readonly kind: 'exists'; readonly value: boolean }
  | { readonly kind: 'cidr'; readonly family: 4 | 6; readonly network: bigint; readonly bits: number };

interface PatternNode {
  readonly fields: readonly (readonly [string, PatternNode | readonly Matcher[]])[];
  readonly or: readonly PatternNode[];
}

/** EventBridge's documented range of numeric matching. */
const NUMERIC_LIMIT = 5e9;
const NUMERIC_OPS: readonly NumericOp[] = ['=', '<', '<=', '>', '>='];
const MAX_MESSAGE_PART = 80;

/** A name or value quoted for a one-line message: JSON-escaped, line separators escaped too, long ones cut. */
function quote(v: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(v) ?? String(v);
  } catch {
    text = String(v);
  }
  text = text.replace(/[\u2028\u2029\r\n]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return text.length > MAX_MESSAGE_PART ? `${text.slice(0, MAX_MESSAGE_PART)}…` : text;
}

function invalid(path: readonly string[], reason: string): InvalidArgumentError {
  const where = path.length === 0 ? 'the pattern' : path.map((p) => quote(p)).join('.');
  return new InvalidArgumentError(`event pattern is not valid: ${where}: ${reason}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a pattern given as JSON text or as an already parsed value. Refuses, with one
 * `invalid_argument` line naming the bad part, what EventBridge refuses: a non-object or empty
 * pattern, a leaf that is not a non-empty array, unknown or malformed operators, a numeric range
 * that is empty or out of range, a bad CIDR block, `$or` with fewer than two sub-patterns.
 */
export function parseEventPattern(input: unknown): EventPattern {
  let json = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input) as unknown;
    } catch (err) {
      throw new InvalidArgumentError(`event pattern is not valid JSON: ${quote((err as Error).message)}`);
    }
  }
  return { json, root: parseNode(json, []) };
}

function parseNode(v: unknown, path: readonly string[]): PatternNode {
  if (!isObject(v)) throw invalid(path, 'must be a JSON object');
  const keys = Object.keys(v);
  if (keys.length === 0) throw invalid(path, 'must name at least one field');
  const fields: [string, PatternNode | readonly Matcher[]][] = [];
  const or: PatternNode[] = [];
  for (const key of keys) {
    const value = v[key];
    const at = [...path, key];
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2) throw invalid(at, 'must be an array of at least two patterns');
      value.forEach((p, i) => or.push(parseNode(p, [...at, String(i)])));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw invalid(at, 'must not be an empty array');
      fields.push([key, value.map((m, i) => parseMatcher(m, [...at, String(i)]))]);
    } else if (isObject(value)) {
      fields.push([key, parseNode(value, at)]);
    } else {
      throw invalid(at, 'must be an array of values or an object');
    }
  }
  return { fields, or };
}

function parseMatcher(m: unknown, path: readonly string[]): Matcher {
  if (m === null || typeof m === 'string' || typeof m === 'boolean') return { kind: 'exact', value: m };
  if (typeof m === 'number') {
    if (!Number.isFinite(m)) throw invalid(path, 'must be a finite number');
    return { kind: 'exact', value: m };
  }
  if (Array.isArray(m)) throw invalid(path, 'nested arrays are not allowed');
  if (!isObject(m)) throw invalid(path, 'must be a value or a filter object');
  const keys = Object.keys(m);
  if (keys.length !== 1) throw invalid(path, 'a filter object must have exactly one operator');
  const op = keys[0]!;
  const arg = m[op];
  const at = [...path, op];
  switch (op) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
    case 'wildcard':
      return parseStringTest(op, arg, at);
    case 'anything-but':
      return parseAnythingBut(arg, at);
    case 'numeric':
      return parseNumeric(arg, at);
    case 'exists':
      if (typeof arg !== 'boolean') throw invalid(at, 'must be true or false');
      return { kind: 'exists', value: arg };
    case 'cidr':
      return parseCidr(arg, at);
    default:
      throw invalid(path, `unknown operator ${quote(op)}`);
  }
}

function parseStringTest(op: string, arg: unknown, at: readonly string[]): StringTest {
  if ((op === 'prefix' || op === 'suffix') && isObject(arg)) {
    const keys = Object.keys(arg);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case' || typeof arg['equals-ignore-case'] !== 'string')
      throw invalid(at, 'must be a string or {"equals-ignore-case": string}');
    return { kind: op, value: arg['equals-ignore-case'], ignoreCase: true };
  }
  if (typeof arg !== 'string') throw invalid(at, 'must be a string');
  if (op === 'prefix' || op === 'suffix') return { kind: op, value: arg, ignoreCase: false };
  if (op === 'equals-ignore-case') return { kind: op, value: arg };
  const tokens = wildcardTokens(arg);
  if (tokens === undefined) throw invalid(at, 'a backslash may only escape * or \\');
  if (tokens.some((t, i) => t === null && tokens[i - 1] === null)) throw invalid(at, 'consecutive wildcard characters are not allowed');
  return { kind: 'wildcard', value: arg, tokens };
}

function parseAnythingBut(arg: unknown, at: readonly string[]): Matcher {
  if (typeof arg === 'string') return { kind: 'anything-but-values', values: [arg] };
  if (typeof arg === 'number') {
    if (!Number.isFinite(arg)) throw invalid(at, 'must be a finite number');
    return { kind: 'anything-but-values', values: [arg] };
  }
  if (Array.isArray(arg)) {
    if (arg.length === 0) throw invalid(at, 'must not be an empty array');
    for (const v of arg) if (!(typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) throw invalid(at, 'values must be strings or numbers');
    return { kind: 'anything-but-values', values: arg as (string | number)[] };
  }
  if (isObject(arg)) {
    const keys = Object.keys(arg);
    const op = keys[0];
    if (keys.length !== 1 || (op !== 'prefix' && op !== 'suffix' && op !== 'equals-ignore-case' && op !== 'wildcard'))
      throw invalid(at, 'an object must be one of prefix, suffix, equals-ignore-case, wildcard');
    const inner = arg[op];
    const at2 = [...at, op];
    if (Array.isArray(inner)) {
      if (inner.length === 0) throw invalid(at2, 'must not be an empty array');
      return { kind: 'anything-but-test', tests: inner.map((v, i) => parseStringTest(op, v, [...at2, String(i)])) };
    }
    return { kind: 'anything-but-test', tests: [parseStringTest(op, inner, at2)] };
  }
  throw invalid(at, 'must be a string, a number, an array of them or a filter object');
}

function parseNumeric(arg: unknown, at: readonly string[]): Matcher {
  if (!Array.isArray(arg) || (arg.length !== 2 && arg.length !== 4)) throw invalid(at, 'must be [op, number] or [op, number, op, number]');
  const conditions: [NumericOp, number][] = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i] as unknown;
    const n = arg[i + 1] as unknown;
    if (typeof op !== 'string' || !NUMERIC_OPS.includes(op as NumericOp)) throw invalid(at, `unknown numeric operator ${quote(op)}`);
    if (typeof n !== 'number' || !Number.isFinite(n)) throw invalid(at, `${quote(op)} must be followed by a number`);
    if (Math.abs(n) > NUMERIC_LIMIT) throw invalid(at, `${n} is outside -5e9..5e9`);
    conditions.push([op as NumericOp, n]);
  }
  if (conditions.length === 2) {
    const [[op1, lo], [op2, hi]] = conditions as [[NumericOp, number], [NumericOp, number]];
    if (!(op1 === '>' || op1 === '>=') || !(op2 === '<' || op2 === '<='))
      throw invalid(at, 'a range must be a lower bound (> or >=) then an upper bound (< or <=)');
    if (!(lo < hi)) throw invalid(at, 'the lower bound must be below the upper bound');
  }
  return { kind: 'numeric', conditions };
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(p);
  }
  return n;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let n = 0n;
  for (const g of [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail]) n = (n << 16n) | BigInt(g);
  return n;
}

function parseIp(text: string): { family: 4 | 6; value: bigint } | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

function parseCidr(arg: unknown, at: readonly string[]): Matcher {
  if (typeof arg !== 'string') throw invalid(at, 'must be a string such as "10.0.0.0/24"');
  const slash = arg.lastIndexOf('/');
  const ip = parseIp(slash < 0 ? arg : arg.slice(0, slash));
  const width = ip?.family === 6 ? 128 : 32;
  const bitsText = slash < 0 ? String(width) : arg.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(bitsText) || Number(bitsText) > width) throw invalid(at, `${quote(arg)} is not a CIDR block`);
  const bits = Number(bitsText);
  const shift = BigInt(width - bits);
  return { kind: 'cidr', family: ip.family, network: (ip.value >> shift) << shift, bits };
}

/** True when the event matches the pattern. Never throws. */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchNode(pattern.root, event);
}

function matchNode(node: PatternNode, value: unknown): boolean {
  // An array of objects matches a sub-pattern when one of its elements does.
  if (Array.isArray(value)) return value.length === 0 ? matchNode(node, undefined) : value.some((v) => matchNode(node, v));
  const obj = isObject(value) ? value : undefined;
  for (const [key, sub] of node.fields) {
    const field = obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
    if (Array.isArray(sub) ? !matchLeaf(sub as readonly Matcher[], field) : !matchNode(sub as PatternNode, field)) return false;
  }
  return node.or.length === 0 || node.or.some((branch) => matchNode(branch, value));
}

function matchLeaf(matchers: readonly Matcher[], field: unknown): boolean {
  const values = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return matchers.some((m) => {
    if (m.kind === 'exists') return m.value ? values.length > 0 : values.length === 0;
    return values.some((v) => matchValue(m, v));
  });
}

function matchValue(m: Exclude<Matcher, { kind: 'exists' }>, v: unknown): boolean {
  switch (m.kind) {
    case 'exact':
      return v === m.value;
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
    case 'wildcard':
      return typeof v === 'string' && stringTest(m, v);
    case 'anything-but-values':
      return (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && !m.values.some((x) => x === v);
    case 'anything-but-test':
      return (
        (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') &&
        !(typeof v === 'string' && m.tests.some((t) => stringTest(t, v)))
      );
    case 'numeric':
      return typeof v === 'number' && Number.isFinite(v) && m.conditions.every(([op, n]) => compare(op, v, n));
    case 'cidr': {
      if (typeof v !== 'string') return false;
      const ip = parseIp(v);
      if (!ip || ip.family !== m.family) return false;
      const shift = BigInt((m.family === 6 ? 128 : 32) - m.bits);
      return (ip.value >> shift) << shift === m.network;
    }
  }
}

function compare(op: NumericOp, v: number, n: number): boolean {
  switch (op) {
    case '=':
      return v === n;
    case '<':
      return v < n;
    case '<=':
      return v <= n;
    case '>':
      return v > n;
    case '>=':
      return v >= n;
  }
}

function stringTest(t: StringTest, v: string): boolean {
  switch (t.kind) {
    case 'prefix':
      return t.ignoreCase ? v.toLowerCase().startsWith(t.value.toLowerCase()) : v.startsWith(t.value);
    case 'suffix':
      return t.ignoreCase ? v.toLowerCase().endsWith(t.value.toLowerCase()) : v.endsWith(t.value);
    case 'equals-ignore-case':
      return v.toLowerCase() === t.value.toLowerCase();
    case 'wildcard':
      return wildcardMatch(t.tokens, v);
  }
}

/** `*` matches any run of characters, `\*` a star, `\\` a backslash; linear-time two-pointer matching. */
function wildcardTokens(pattern: string): (string | null)[] | undefined {
  const tokens: (string | null)[] = []; // null = star
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[++i];
      if (next !== '*' && next !== '\\') return undefined;
      tokens.push(next);
    } else tokens.push(c === '*' ? null : c);
  }
  return tokens;
}

function wildcardMatch(tokens: readonly (string | null)[], text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    const tok = tokens[p];
    if (p < tokens.length && tok !== null && tok === text[t]) {
      p++;
      t++;
    } else if (p < tokens.length && tok === null) {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < tokens.length && tokens[p] === null) p++;
  return p === tokens.length;
}
