import { InvalidArgumentError } from '../core/errors.js';
import type { ParameterDefinition, ParameterValue } from './definition.js';

/**
 * Resolves an execution's parameter values: declared defaults, overridden by start-time values.
 * Overrides arrive as strings (as in StartPipelineExecution) or typed values and are converted to
 * the declared type. Unknown names, unparseable values, values outside EnumValues and parameters
 * without any value are all reported in one InvalidArgumentError.
 */
export function resolveParameters(
  declared: readonly ParameterDefinition[],
  overrides: Readonly<Record<string, string | ParameterValue>>,
): Record<string, ParameterValue> {
  const problems: string[] = [];
  const byName = new Map(declared.map((p) => [p.Name, p]));
  for (const name of Object.keys(overrides))
    if (!byName.has(name)) problems.push(`unknown parameter '${name}' (declared: ${[...byName.keys()].join(', ') || 'none'})`);
  const out: Record<string, ParameterValue> = {};
  for (const p of declared) {
    const raw = overrides[p.Name];
    if (raw === undefined) {
      if (p.DefaultValue === undefined) problems.push(`parameter '${p.Name}' has no default: pass --param ${p.Name}=<value>`);
      else out[p.Name] = p.DefaultValue;
      continue;
    }
    const v = coerce(raw, p.Type);
    if (v === undefined) {
      problems.push(`parameter '${p.Name}' is ${p.Type}: ${JSON.stringify(raw)} is not a ${p.Type.toLowerCase()} value`);
      continue;
    }
    if (p.EnumValues && !p.EnumValues.includes(String(v))) {
      problems.push(`parameter '${p.Name}' must be one of ${p.EnumValues.join(', ')} (got ${JSON.stringify(raw)})`);
      continue;
    }
    out[p.Name] = v;
  }
  if (problems.length > 0) throw new InvalidArgumentError(problems.join('; '), { details: { problems } });
  return out;
}

function coerce(raw: string | ParameterValue, type: ParameterDefinition['Type']): ParameterValue | undefined {
  switch (type) {
    case 'String':
      return typeof raw === 'string' ? raw : String(raw);
    case 'Integer': {
      const n = typeof raw === 'number' ? raw : /^[-+]?\d+$/.test(String(raw).trim()) ? Number(String(raw).trim()) : NaN;
      return Number.isSafeInteger(n) ? n : undefined;
    }
    case 'Float': {
      const n = typeof raw === 'number' ? raw : String(raw).trim() === '' ? NaN : Number(raw);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'Boolean': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      return s === 'true' ? true : s === 'false' ? false : undefined;
    }
  }
}
