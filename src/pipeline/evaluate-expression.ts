import { FailedPreconditionError, InvalidArgumentError } from '../core/errors.js';
import type { ConditionDefinition, ParameterValue } from './definition.js';
import { jsonPathGet, walkPath } from './property-path.js';
import { isGet, parseReference } from './references.js';

/** What expressions read while an execution runs. */
export interface EvaluationContext {
  parameter(name: string): ParameterValue | undefined;
  execution(variable: string): string | undefined;
  /** The recorded properties of a finished step (its Describe*Job-shaped document), or undefined. */
  stepProperties(step: string): unknown;
  /** Reads and parses a property file (`{uri}`) a finished step produced. */
  readJson(uri: string): Promise<unknown>;
}

/** The value a `Steps.S.PropertyFiles.N` reference stands for. */
export interface PropertyFileRef {
  readonly propertyFile: { readonly step: string; readonly name: string; readonly uri: string };
}

function isPropertyFileRef(v: unknown): v is PropertyFileRef {
  return typeof v === 'object' && v !== null && 'propertyFile' in v;
}

/**
 * Resolves every expression inside a JSON value: `Get` references, `Std:Join` and `Std:JsonGet`.
 * Literals pass through. A reference to something that does not exist (yet) throws
 * FailedPreconditionError naming it.
 */
export async function evaluateExpressions(value: unknown, ctx: EvaluationContext): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => evaluateExpressions(v, ctx)));
  if (typeof value !== 'object' || value === null) return value;
  if (isGet(value)) return resolveGet(value.Get, ctx);
  const rec = value as Record<string, unknown>;
  const keys = Object.keys(rec);
  if (keys.length === 1 && keys[0] === 'Std:Join') {
    const join = rec['Std:Join'] as { On?: unknown; Values?: unknown };
    const on = await evaluateExpressions(join.On, ctx);
    const values = (await evaluateExpressions(join.Values ?? [], ctx)) as unknown[];
    return values.map((v) => stringify(v)).join(typeof on === 'string' ? on : '');
  }
  if (keys.length === 1 && keys[0] === 'Std:JsonGet') {
    const jg = rec['Std:JsonGet'] as { PropertyFile?: unknown; Path?: unknown };
    const file = await evaluateExpressions(typeof jg.PropertyFile === 'string' ? { Get: jg.PropertyFile } : jg.PropertyFile, ctx);
    if (!isPropertyFileRef(file)) throw new InvalidArgumentError('Std:JsonGet PropertyFile must reference Steps.<step>.PropertyFiles.<name>');
    const doc = await ctx.readJson(file.propertyFile.uri);
    const got = jsonPathGet(doc, String(jg.Path));
    if (got === undefined) {
      throw new FailedPreconditionError(
        `Std:JsonGet: '${String(jg.Path)}' is not in property file ${file.propertyFile.name} of step ${file.propertyFile.step}`,
      );
    }
    return got;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = await evaluateExpressions(rec[k], ctx);
  return out;
}

function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '';
  return JSON.stringify(v);
}

async function resolveGet(text: string, ctx: EvaluationContext): Promise<unknown> {
  const ref = parseReference(text);
  switch (ref.kind) {
    case 'parameter': {
      const v = ctx.parameter(ref.name);
      if (v === undefined) throw new FailedPreconditionError(`parameter '${ref.name}' has no value`);
      return v;
    }
    case 'execution': {
      const v = ctx.execution(ref.variable);
      if (v === undefined) throw new FailedPreconditionError(`execution variable '${ref.variable}' is not available here`);
      return v;
    }
    case 'step': {
      const props = ctx.stepProperties(ref.step);
      if (props === undefined) throw new FailedPreconditionError(`step '${ref.step}' has not succeeded, so '${text}' has no value`);
      const got = walkPath(props, ref.path);
      if (got === undefined) throw new FailedPreconditionError(`'${text}' is not a property of step '${ref.step}'`);
      return got;
    }
    case 'invalid':
      throw new InvalidArgumentError(`bad reference '${text}': ${ref.why}`);
  }
}

/** Evaluates a condition list (entries are ANDed), as a Condition step does. */
export async function evaluateConditions(conditions: readonly ConditionDefinition[], ctx: EvaluationContext): Promise<boolean> {
  for (const c of conditions) if (!(await evaluateCondition(c, ctx))) return false;
  return true;
}

async function evaluateCondition(c: ConditionDefinition, ctx: EvaluationContext): Promise<boolean> {
  switch (c.Type) {
    case 'Not':
      return !(await evaluateCondition(c.Expression, ctx));
    case 'Or':
      for (const sub of c.Conditions) if (await evaluateCondition(sub, ctx)) return true;
      return false;
    case 'In': {
      const q = await evaluateExpressions(c.QueryValue, ctx);
      const values = (await evaluateExpressions(c.Values, ctx)) as unknown[];
      return values.some((v) => looselyEqual(q, v));
    }
    default: {
      const left = await evaluateExpressions(c.LeftValue, ctx);
      const right = await evaluateExpressions(c.RightValue, ctx);
      if (c.Type === 'Equals') return looselyEqual(left, right);
      const l = toNumber(left);
      const r = toNumber(right);
      if (l === undefined || r === undefined) {
        throw new InvalidArgumentError(`condition ${c.Type} compares ${JSON.stringify(left)} with ${JSON.stringify(right)}: both must be numbers`);
      }
      if (c.Type === 'GreaterThan') return l > r;
      if (c.Type === 'GreaterThanOrEqualTo') return l >= r;
      if (c.Type === 'LessThan') return l < r;
      return l <= r;
    }
  }
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function looselyEqual(a: unknown, b: unknown): boolean {
  if (typeof a === typeof b) return JSON.stringify(a) === JSON.stringify(b);
  const na = toNumber(a);
  const nb = toNumber(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  return String(a) === String(b);
}
