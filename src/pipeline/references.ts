import { parsePropertyPath, type PathSegment } from './property-path.js';

/** The execution variables a definition may read with `{"Get": "Execution.<Var>"}`. */
export const EXECUTION_VARIABLES = [
  'StartDateTime',
  'CurrentDateTime',
  'PipelineName',
  'PipelineArn',
  'PipelineExecutionId',
  'PipelineExecutionArn',
  'TrainingJobName',
  'ProcessingJobName',
] as const;

/** What one `Get` names. */
export type Reference =
  | { kind: 'parameter'; name: string }
  | { kind: 'execution'; variable: string }
  | { kind: 'step'; step: string; path: PathSegment[]; text: string }
  | { kind: 'invalid'; text: string; why: string };

/** Parses the string of a `{"Get": …}`. Never throws: a bad one comes back as `invalid`. */
export function parseReference(text: string): Reference {
  if (text.startsWith('Parameters.')) {
    const name = text.slice('Parameters.'.length);
    return name ? { kind: 'parameter', name } : { kind: 'invalid', text, why: 'names no parameter' };
  }
  if (text.startsWith('Execution.')) return { kind: 'execution', variable: text.slice('Execution.'.length) };
  if (text.startsWith('Steps.')) {
    const rest = text.slice('Steps.'.length);
    const dot = rest.search(/[.[]/);
    const step = dot < 0 ? rest : rest.slice(0, dot);
    if (!step) return { kind: 'invalid', text, why: 'names no step' };
    let path: PathSegment[] = [];
    if (dot >= 0) {
      try {
        path = parsePropertyPath(rest.slice(dot).replace(/^\./, ''));
      } catch (err) {
        return { kind: 'invalid', text, why: (err as Error).message };
      }
    }
    return { kind: 'step', step, path, text };
  }
  return { kind: 'invalid', text, why: "must start with 'Parameters.', 'Steps.' or 'Execution.'" };
}

/** True for `{"Get": "…"}` objects. */
export function isGet(v: unknown): v is { Get: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { Get?: unknown }).Get === 'string' && Object.keys(v).length === 1;
}

/** Every reference inside a JSON value (arguments, conditions, nested expressions), in document order. */
export function collectReferences(value: unknown, out: Reference[] = []): Reference[] {
  if (Array.isArray(value)) {
    for (const v of value) collectReferences(v, out);
  } else if (typeof value === 'object' && value !== null) {
    if (isGet(value)) {
      out.push(parseReference(value.Get));
      return out;
    }
    for (const v of Object.values(value)) collectReferences(v, out);
  }
  return out;
}
