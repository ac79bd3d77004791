import { InvalidArgumentError } from '../core/errors.js';

/** One step of a property path: a field name, a bracketed key (`['baseline']`) or an index (`[0]`). */
export type PathSegment = { kind: 'field'; name: string } | { kind: 'key'; key: string } | { kind: 'index'; index: number };

/**
 * Parses a SageMaker property path such as
 * `ProcessingOutputConfig.Outputs['baseline'].S3Output.S3Uri` or `FinalMetricDataList[0].Value`.
 */
export function parsePropertyPath(text: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new InvalidArgumentError(`bad property path '${text}': ${why}`);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.') {
      if (i === 0 || i === text.length - 1) fail('starts or ends with a dot');
      i++;
      continue;
    }
    if (c === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) fail('unclosed bracket');
      const inner = text.slice(i + 1, close).trim();
      const quoted = /^'([^']*)'$/.exec(inner) ?? /^"([^"]*)"$/.exec(inner);
      if (quoted) out.push({ kind: 'key', key: quoted[1]! });
      else if (/^\d+$/.test(inner)) out.push({ kind: 'index', index: Number(inner) });
      else fail(`'[${inner}]' is neither a quoted key nor an index`);
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
    const name = text.slice(i, j);
    if (!/^[A-Za-z_][A-Za-z0-9_:-]*$/.test(name)) fail(`'${name}' is not a field name`);
    out.push({ kind: 'field', name });
    i = j;
  }
  if (out.length === 0) fail('empty');
  return out;
}

/**
 * Walks a parsed path through a JSON value. A string key on an array picks the element whose name
 * field (`OutputName`, `InputName`, `ChannelName`, `MetricName`, `Name`) equals it, as SageMaker's
 * `Outputs['baseline']` does. Returns undefined when any segment is missing.
 */
export function walkPath(value: unknown, path: readonly PathSegment[]): unknown {
  let cur: unknown = value;
  for (const seg of path) {
    if (cur === null || cur === undefined) return undefined;
    if (seg.kind === 'index') {
      cur = Array.isArray(cur) ? cur[seg.index] : undefined;
    } else {
      const key = seg.kind === 'field' ? seg.name : seg.key;
      if (Array.isArray(cur)) {
        cur = cur.find((el) => {
          if (typeof el !== 'object' || el === null) return false;
          const rec = el as Record<string, unknown>;
          return ['OutputName', 'InputName', 'ChannelName', 'MetricName', 'Name'].some((f) => rec[f] === key);
        });
      } else if (typeof cur === 'object') {
        cur = Object.prototype.hasOwnProperty.call(cur, key) ? (cur as Record<string, unknown>)[key] : undefined;
      } else {
        return undefined;
      }
    }
  }
  return cur;
}

/** Walks a dotted JSON path (`regression_metrics.rmse.value`, `a.b[0]`, optionally starting with `$.`). */
export function jsonPathGet(value: unknown, path: string): unknown {
  const trimmed = path.startsWith('$.') ? path.slice(2) : path.startsWith('$') ? path.slice(1) : path;
  return walkPath(value, parsePropertyPath(trimmed));
}
