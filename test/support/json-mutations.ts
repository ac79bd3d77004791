import fc from 'fast-check';

type Path = (string | number)[];

/**
 * Mutations of real JSON documents for property tests: fields deleted, replaced by values of the
 * wrong type, NaN/Infinity/huge numbers, strings where numbers go, containers copied elsewhere or
 * wrapped, and the text cut short. The result is JSON text as a broken file would hold it.
 */

/** Values that break assumptions. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, 1e308, -1e308, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, -0, 0, 1, -1, 2 ** 53 + 1, 0.5, 2048, 1e7),
  fc.constantFrom(
    'abc',
    '',
    '1',
    '0.1',
    '-1',
    'NaN',
    'Infinity',
    '1e999',
    'true',
    'null',
    'Enabled',
    'Disabled',
    'Robust',
    'Simple',
    'ChiSquared',
    'String',
    'Fractional',
    '\n',
    'a\nb',
    '\u2028',
    'x'.repeat(500),
  ),
  fc.constantFrom(null, true, false, [], {}, [[]], [[NaN]], [1, 'x'], { a: 1 }, { name: 'fare_amount' }),
  fc.double(),
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** One edit: `at` and `from` pick nodes (modulo the number of nodes). */
export interface Edit {
  readonly kind: 'delete' | 'replace' | 'copy' | 'wrap' | 'empty';
  readonly at: number;
  readonly from: number;
  readonly value: unknown;
}

/** A set of edits, an optional cut of the text (fraction of its length), and the text layout. */
export interface Mutation {
  readonly edits: readonly Edit[];
  readonly cut: number | null;
  readonly layout: 'compact' | 'jackson';
}

export const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom<Edit['kind']>('delete', 'replace', 'replace', 'replace', 'copy', 'wrap', 'empty'),
  at: fc.nat(),
  from: fc.nat(),
  value: oddValue,
});

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  edits: fc.array(editArb, { minLength: 1, maxLength: 4 }),
  cut: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { freq: 8 }),
  layout: fc.constantFrom<Mutation['layout']>('compact', 'jackson'),
});

/** Every path of a document (the root excluded), depth-first, at most `limit`. */
export function pathsOf(doc: unknown, limit = 20_000): Path[] {
  const out: Path[] = [];
  const walk = (v: unknown, path: Path) => {
    if (out.length >= limit || v === null || typeof v !== 'object') return;
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [k, x] of entries) {
      out.push([...path, k]);
      walk(x, [...path, k]);
    }
  };
  walk(doc, []);
  return out;
}

function get(doc: unknown, path: Path): unknown {
  let v = doc;
  for (const p of path) v = (v as Record<string | number, unknown>)[p];
  return v;
}

function set(doc: unknown, path: Path, value: unknown): void {
  const parent = get(doc, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
}

function remove(doc: unknown, path: Path): void {
  const parent = get(doc, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(key as number, 1);
  else delete (parent as Record<string, unknown>)[key as string];
}

function empty(v: unknown): unknown {
  if (Array.isArray(v)) return [];
  if (v !== null && typeof v === 'object') return {};
  if (typeof v === 'string') return '';
  if (typeof v === 'number') return 0;
  return null;
}

/** Applies the edits to a copy of `doc` (a JSON document). */
export function applyEdits(doc: unknown, edits: readonly Edit[]): unknown {
  const copy = structuredClone(doc);
  for (const e of edits) {
    const paths = pathsOf(copy);
    if (paths.length === 0) break;
    const path = paths[e.at % paths.length]!;
    const current = get(copy, path);
    switch (e.kind) {
      case 'delete':
        remove(copy, path);
        break;
      case 'replace':
        set(copy, path, structuredClone(e.value));
        break;
      case 'copy':
        set(copy, path, structuredClone(get(copy, paths[e.from % paths.length]!)));
        break;
      case 'wrap':
        set(copy, path, [current]);
        break;
      case 'empty':
        set(copy, path, empty(current));
        break;
    }
  }
  return copy;
}

/**
 * JSON text of a document that may hold what JSON cannot: NaN is written `NaN` (the file is then not
 * JSON), ±Infinity as `±1e999` (which parses back to ±Infinity). `jackson` is the service's layout.
 */
export function toJsonText(doc: unknown, layout: Mutation['layout'] = 'compact'): string {
  const num = (x: number) => (Number.isNaN(x) ? 'NaN' : x === Infinity ? '1e999' : x === -Infinity ? '-1e999' : JSON.stringify(x));
  const write = (v: unknown, indent: string): string => {
    if (typeof v === 'number') return num(v);
    if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
    const inner = `${indent}  `;
    if (Array.isArray(v)) return v.length === 0 ? '[ ]' : `[ ${v.map((x) => write(x, indent)).join(', ')} ]`;
    const entries = Object.entries(v);
    if (entries.length === 0) return '{ }';
    if (layout === 'compact') return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${write(x, inner)}`).join(',')}}`;
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)} : ${write(x, inner)}`).join(',\n')}\n${indent}}`;
  };
  return write(doc, '');
}

/** A mutated copy of `doc` as JSON text. */
export function mutateToText(doc: unknown, m: Mutation): string {
  const text = toJsonText(applyEdits(doc, m.edits), m.layout);
  return m.cut === null ? text : text.slice(0, Math.floor(m.cut * text.length));
}

/** `[[[…]]]` nested `depth` times, as JSON text (deep nesting breaks recursive readers). */
export function deeplyNested(depth: number, open = '[', close = ']'): string {
  return open.repeat(depth) + close.repeat(depth);
}
