import { InvalidArgumentError } from '../core/errors.js';
import {
  COMPARISON_TYPES,
  DEFINITION_VERSION,
  RETRYABLE_FAILURES,
  STEP_TYPES,
  type ConditionDefinition,
  type ParameterDefinition,
  type PipelineDefinition,
  type StepDefinition,
} from './definition.js';
import { findCycle, flattenSteps, ownExpressions, type FlatStep } from './flatten-steps.js';
import { parseIsoDuration } from '../core/iso-duration.js';
import { EXECUTION_VARIABLES, collectReferences, isGet, parseReference } from './references.js';
import { BUILTIN_IMAGE_PREFIX, BUILTIN_PROCESSORS, PROCESSING_ROOT, STEP_PROPERTY_ROOTS } from './step-properties.js';

type StaticType = 'string' | 'number' | 'boolean' | 'unknown';

/**
 * Checks a pipeline definition and returns every problem found (empty when valid): document shape,
 * parameters and their defaults, step names and types, per-type arguments, DependsOn names,
 * references to unknown parameters, steps, properties or property files, cache and retry settings,
 * condition operand types, and dependency cycles.
 */
export function validateDefinition(input: unknown): string[] {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return ['the definition must be a JSON object'];
  const def = input as Partial<PipelineDefinition>;
  if (def.Version !== DEFINITION_VERSION) problems.push(`Version must be "${DEFINITION_VERSION}"`);
  const params = new Map<string, ParameterDefinition>();
  if (!Array.isArray(def.Parameters)) problems.push('Parameters must be a list');
  for (const [i, p] of (Array.isArray(def.Parameters) ? def.Parameters : []).entries()) checkParameter(p, i, params, problems);
  if (def.ParallelismConfiguration !== undefined) {
    const n = def.ParallelismConfiguration?.MaxParallelExecutionSteps;
    if (!Number.isInteger(n) || (n as number) < 1) problems.push('ParallelismConfiguration.MaxParallelExecutionSteps must be an integer >= 1');
  }
  if (!Array.isArray(def.Steps) || def.Steps.length === 0) {
    problems.push('Steps must be a non-empty list');
    return problems;
  }
  checkStepShapes(def.Steps, problems);
  // Keep checking what can be checked: steps without a name or arguments are left out from here on.
  const flat = flattenSteps(wellFormed(def.Steps));
  const byName = new Map<string, FlatStep>();
  for (const s of flat) {
    if (byName.has(s.def.Name)) problems.push(`step name '${s.def.Name}' is used more than once`);
    byName.set(s.def.Name, s);
  }
  for (const s of flat) checkStep(s, byName, params, problems);
  const cycle = findCycle(flat);
  if (cycle) problems.push(`dependency cycle: ${cycle.join(' -> ')}`);
  return problems;
}

/** Validates and returns the definition typed, or throws one InvalidArgumentError listing every problem. */
export function assertValidDefinition(input: unknown): PipelineDefinition {
  const problems = validateDefinition(input);
  if (problems.length > 0) {
    // Names and values quoted in the problems may hold line breaks: the message stays on one line.
    const listed = problems.join('; ').replace(/[\r\n\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    throw new InvalidArgumentError(`invalid pipeline definition (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${listed}`, {
      details: { problems },
    });
  }
  return input as PipelineDefinition;
}

function checkParameter(p: unknown, i: number, params: Map<string, ParameterDefinition>, problems: string[]): void {
  if (typeof p !== 'object' || p === null) {
    problems.push(`Parameters[${i}] must be an object`);
    return;
  }
  const { Name, Type, DefaultValue, EnumValues } = p as Partial<ParameterDefinition>;
  if (typeof Name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(Name)) {
    problems.push(`Parameters[${i}] has no valid Name`);
    return;
  }
  if (params.has(Name)) problems.push(`parameter '${Name}' is declared more than once`);
  if (Type !== 'String' && Type !== 'Integer' && Type !== 'Float' && Type !== 'Boolean') {
    problems.push(`parameter '${Name}' has Type ${JSON.stringify(Type)}: use String, Integer, Float or Boolean`);
    return;
  }
  if (DefaultValue !== undefined && !valueFitsType(DefaultValue, Type)) {
    problems.push(`parameter '${Name}' is ${Type} but its DefaultValue is ${JSON.stringify(DefaultValue)}`);
  }
  if (EnumValues !== undefined) {
    if (Type !== 'String' || !Array.isArray(EnumValues)) problems.push(`parameter '${Name}': EnumValues are only for String parameters`);
    else if (DefaultValue !== undefined && !EnumValues.includes(DefaultValue as string)) {
      problems.push(`parameter '${Name}': DefaultValue ${JSON.stringify(DefaultValue)} is not one of its EnumValues`);
    }
  }
  params.set(Name, p as ParameterDefinition);
}

/** True when `v` is a value of the parameter type. */
export function valueFitsType(v: unknown, type: ParameterDefinition['Type']): boolean {
  switch (type) {
    case 'String':
      return typeof v === 'string';
    case 'Integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'Float':
      return typeof v === 'number' && Number.isFinite(v);
    case 'Boolean':
      return typeof v === 'boolean';
  }
}

function wellFormed(steps: readonly unknown[]): StepDefinition[] {
  const out: StepDefinition[] = [];
  for (const s of steps) {
    const st = s as Partial<StepDefinition>;
    if (
      typeof s !== 'object' ||
      s === null ||
      typeof st.Name !== 'string' ||
      typeof st.Arguments !== 'object' ||
      st.Arguments === null ||
      Array.isArray(st.Arguments)
    )
      continue;
    if (st.Type === 'Condition') {
      const a = st.Arguments as { IfSteps?: unknown; ElseSteps?: unknown };
      out.push({
        ...(st as StepDefinition),
        Arguments: {
          ...a,
          IfSteps: wellFormed(Array.isArray(a.IfSteps) ? a.IfSteps : []),
          ElseSteps: wellFormed(Array.isArray(a.ElseSteps) ? a.ElseSteps : []),
        },
      });
    } else out.push(st as StepDefinition);
  }
  return out;
}

function checkStepShapes(steps: readonly unknown[], problems: string[], where = 'Steps'): boolean {
  let ok = true;
  for (const [i, s] of steps.entries()) {
    const st = s as Partial<StepDefinition>;
    if (typeof s !== 'object' || s === null || typeof st.Name !== 'string' || st.Name === '') {
      problems.push(`${where}[${i}] has no Name`);
      ok = false;
      continue;
    }
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,255}$/.test(st.Name)) problems.push(`step name '${st.Name}' may hold only letters, digits, '-' and '_'`);
    if (!STEP_TYPES.includes(st.Type as never)) {
      problems.push(`step '${st.Name}' has Type ${JSON.stringify(st.Type)}: use one of ${STEP_TYPES.join(', ')}`);
      ok = false;
    }
    if (typeof st.Arguments !== 'object' || st.Arguments === null || Array.isArray(st.Arguments)) {
      problems.push(`step '${st.Name}' has no Arguments object`);
      ok = false;
      continue;
    }
    if (st.Type === 'Condition') {
      const a = st.Arguments as { IfSteps?: unknown; ElseSteps?: unknown };
      for (const key of ['IfSteps', 'ElseSteps'] as const) {
        if (a[key] === undefined) continue;
        if (!Array.isArray(a[key])) {
          problems.push(`step '${st.Name}': ${key} must be a list of steps`);
          ok = false;
        } else if (!checkStepShapes(a[key] as unknown[], problems, `${st.Name}.${key}`)) ok = false;
      }
    }
  }
  return ok;
}

function checkStep(s: FlatStep, byName: Map<string, FlatStep>, params: Map<string, ParameterDefinition>, problems: string[]): void {
  const def = s.def;
  const at = `step '${def.Name}'`;
  if (def.DependsOn !== undefined) {
    if (!Array.isArray(def.DependsOn)) problems.push(`${at}: DependsOn must be a list of step names`);
    else for (const d of def.DependsOn) if (!byName.has(d)) problems.push(`${at} depends on unknown step '${d}'`);
  }
  if (def.CacheConfig !== undefined && (typeof def.CacheConfig !== 'object' || def.CacheConfig === null)) problems.push(`${at}: CacheConfig must be an object`);
  else if (def.CacheConfig !== undefined) {
    if (typeof def.CacheConfig.Enabled !== 'boolean') problems.push(`${at}: CacheConfig.Enabled must be true or false`);
    if (def.CacheConfig.ExpireAfter !== undefined) {
      try {
        parseIsoDuration(def.CacheConfig.ExpireAfter);
      } catch (err) {
        problems.push(`${at}: CacheConfig.ExpireAfter ${(err as Error).message}`);
      }
    }
  }
  if (def.RetryPolicies !== undefined && !Array.isArray(def.RetryPolicies)) problems.push(`${at}: RetryPolicies must be a list`);
  for (const [i, r] of (Array.isArray(def.RetryPolicies) ? def.RetryPolicies : []).entries()) {
    if (typeof r !== 'object' || r === null) {
      problems.push(`${at}: RetryPolicies[${i}] must be an object`);
      continue;
    }
    const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);
    const types = [...asList(r.ExceptionType), ...asList(r.FailureValue)];
    if (types.length === 0) problems.push(`${at}: RetryPolicies[${i}] names no ExceptionType or FailureValue`);
    for (const t of types) if (!RETRYABLE_FAILURES.includes(t as never)) problems.push(`${at}: RetryPolicies[${i}] has unknown failure type '${t}'`);
    if (r.MaxAttempts !== undefined && (!Number.isInteger(r.MaxAttempts) || r.MaxAttempts < 1 || r.MaxAttempts > 20)) {
      problems.push(`${at}: RetryPolicies[${i}].MaxAttempts must be an integer from 1 to 20`);
    }
    if (r.IntervalSeconds !== undefined && !(r.IntervalSeconds >= 0)) problems.push(`${at}: RetryPolicies[${i}].IntervalSeconds must be >= 0`);
    if (r.BackoffRate !== undefined && !(r.BackoffRate >= 1)) problems.push(`${at}: RetryPolicies[${i}].BackoffRate must be >= 1`);
  }
  checkReferences(def, byName, params, problems);
  checkArguments(def, params, problems);
}

function checkReferences(def: StepDefinition, byName: Map<string, FlatStep>, params: Map<string, ParameterDefinition>, problems: string[]): void {
  const at = `step '${def.Name}'`;
  for (const ref of collectReferences(ownExpressions(def))) {
    switch (ref.kind) {
      case 'invalid':
        problems.push(`${at}: bad reference '${ref.text}': ${ref.why}`);
        break;
      case 'parameter':
        if (!params.has(ref.name)) problems.push(`${at} references unknown parameter '${ref.name}'`);
        break;
      case 'execution':
        if (!EXECUTION_VARIABLES.includes(ref.variable as never)) problems.push(`${at} references unknown execution variable '${ref.variable}'`);
        break;
      case 'step': {
        const target = byName.get(ref.step);
        if (!target) {
          problems.push(`${at} references unknown step '${ref.step}'`);
          break;
        }
        if (ref.step === def.Name) {
          problems.push(`${at} references its own properties`);
          break;
        }
        const first = ref.path[0];
        const roots = STEP_PROPERTY_ROOTS[target.def.Type] ?? [];
        if (!first || first.kind !== 'field' || !roots.includes(first.name)) {
          problems.push(`${at}: '${ref.text}' is not a property of ${target.def.Type} step '${ref.step}' (it has ${roots.join(', ') || 'none'})`);
          break;
        }
        if (first.name === 'PropertyFiles') {
          const second = ref.path[1];
          const name = second && (second.kind === 'field' ? second.name : second.kind === 'key' ? second.key : undefined);
          if (!name || !propertyFilesOf(target.def).some((p) => p.PropertyFileName === name)) {
            problems.push(`${at}: step '${ref.step}' declares no property file '${name ?? ''}'`);
          }
        }
        break;
      }
    }
  }
}

function staticType(e: unknown, params: Map<string, ParameterDefinition>): StaticType {
  if (typeof e === 'string') return 'string';
  if (typeof e === 'number') return 'number';
  if (typeof e === 'boolean') return 'boolean';
  if (isGet(e)) {
    const ref = parseReference(e.Get);
    if (ref.kind === 'parameter') {
      const t = params.get(ref.name)?.Type;
      return t === 'String' ? 'string' : t === 'Boolean' ? 'boolean' : t ? 'number' : 'unknown';
    }
    if (ref.kind === 'execution') return 'string';
    return 'unknown';
  }
  if (typeof e === 'object' && e !== null && 'Std:Join' in e) return 'string';
  return 'unknown';
}

function checkCondition(c: unknown, at: string, params: Map<string, ParameterDefinition>, problems: string[]): void {
  if (typeof c !== 'object' || c === null) {
    problems.push(`${at}: a condition must be an object`);
    return;
  }
  const cond = c as ConditionDefinition;
  if (cond.Type === 'Not') return checkCondition(cond.Expression, at, params, problems);
  if (cond.Type === 'Or') {
    if (!Array.isArray(cond.Conditions) || cond.Conditions.length === 0) problems.push(`${at}: Or needs a non-empty Conditions list`);
    else for (const sub of cond.Conditions) checkCondition(sub, at, params, problems);
    return;
  }
  if (cond.Type === 'In') {
    if (!Array.isArray(cond.Values) || cond.Values.length === 0) problems.push(`${at}: In needs a non-empty Values list`);
    if (cond.QueryValue === undefined) problems.push(`${at}: In needs a QueryValue`);
    return;
  }
  if (!COMPARISON_TYPES.includes(cond.Type)) {
    problems.push(`${at}: unknown condition Type ${JSON.stringify((cond as { Type?: unknown }).Type)}`);
    return;
  }
  if (cond.LeftValue === undefined || cond.RightValue === undefined) {
    problems.push(`${at}: ${cond.Type} needs LeftValue and RightValue`);
    return;
  }
  const l = staticType(cond.LeftValue, params);
  const r = staticType(cond.RightValue, params);
  if (cond.Type === 'Equals') {
    if (l !== 'unknown' && r !== 'unknown' && l !== r) problems.push(`${at}: type mismatch: Equals compares a ${l} with a ${r}`);
  } else {
    for (const [side, t] of [
      ['LeftValue', l],
      ['RightValue', r],
    ] as const) {
      if (t === 'string' || t === 'boolean') problems.push(`${at}: type mismatch: ${cond.Type} needs numbers but ${side} is a ${t}`);
    }
  }
}

function checkLocalPath(p: unknown, what: string, at: string, problems: string[]): void {
  if (typeof p !== 'string' || !(p === PROCESSING_ROOT || p.startsWith(`${PROCESSING_ROOT}/`)) || p.split('/').includes('..')) {
    problems.push(`${at}: ${what} LocalPath must be a folder under ${PROCESSING_ROOT}/ (got ${JSON.stringify(p)})`);
  }
}

function checkArguments(def: StepDefinition, params: Map<string, ParameterDefinition>, problems: string[]): void {
  const at = `step '${def.Name}'`;
  const a = def.Arguments as Record<string, unknown>;
  const obj = (v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const checkIo = () => {
    const inputs = a['ProcessingInputs'];
    const names = new Set<string>();
    if (inputs !== undefined && !Array.isArray(inputs)) problems.push(`${at}: ProcessingInputs must be a list`);
    for (const inp of Array.isArray(inputs) ? inputs : []) {
      const i = obj(inp);
      const name = i?.['InputName'];
      if (typeof name !== 'string' || names.has(name)) problems.push(`${at}: every ProcessingInput needs a unique InputName`);
      else names.add(name);
      const s3 = obj(i?.['S3Input']);
      if (!s3 || s3['S3Uri'] === undefined) problems.push(`${at}: input '${String(name)}' needs S3Input.S3Uri`);
      else checkLocalPath(s3['LocalPath'], `input '${String(name)}'`, at, problems);
    }
    const outputs = obj(a['ProcessingOutputConfig'])?.['Outputs'];
    const outNames = new Set<string>();
    if (a['ProcessingOutputConfig'] !== undefined && !Array.isArray(outputs)) problems.push(`${at}: ProcessingOutputConfig.Outputs must be a list`);
    for (const out of Array.isArray(outputs) ? outputs : []) {
      const o = obj(out);
      const name = o?.['OutputName'];
      if (typeof name !== 'string' || outNames.has(name)) problems.push(`${at}: every output needs a unique OutputName`);
      else outNames.add(name);
      checkLocalPath(obj(o?.['S3Output'])?.['LocalPath'], `output '${String(name)}'`, at, problems);
    }
    if (def.PropertyFiles !== undefined && !Array.isArray(def.PropertyFiles)) problems.push(`${at}: PropertyFiles must be a list`);
    else if (propertyFilesOf(def).length !== (def.PropertyFiles ?? []).length) problems.push(`${at}: every property file must be an object`);
    for (const pf of propertyFilesOf(def)) {
      if (!outNames.has(pf.OutputName)) problems.push(`${at}: property file '${pf.PropertyFileName}' names unknown output '${pf.OutputName}'`);
      if (typeof pf.FilePath !== 'string' || pf.FilePath === '' || pf.FilePath.split('/').includes('..')) {
        problems.push(`${at}: property file '${pf.PropertyFileName}' needs a relative FilePath`);
      }
    }
    const stop = obj(a['StoppingCondition']);
    if (stop && !(typeof stop['MaxRuntimeInSeconds'] === 'number' && stop['MaxRuntimeInSeconds'] > 0)) {
      problems.push(`${at}: StoppingCondition.MaxRuntimeInSeconds must be a positive number`);
    }
    return { inputs: names, outputs: outNames };
  };
  switch (def.Type) {
    case 'Processing': {
      const app = obj(a['AppSpecification']);
      const image = app?.['ImageUri'];
      if (typeof image !== 'string' || image === '') problems.push(`${at}: AppSpecification.ImageUri is required`);
      else if (image.startsWith(BUILTIN_IMAGE_PREFIX)) {
        const name = image.slice(BUILTIN_IMAGE_PREFIX.length);
        if (!BUILTIN_PROCESSORS.includes(name as never))
          problems.push(`${at}: unknown built-in processor '${image}' (built-ins: ${BUILTIN_PROCESSORS.map((p) => BUILTIN_IMAGE_PREFIX + p).join(', ')})`);
      } else if (!Array.isArray(app?.['ContainerEntrypoint']) || (app['ContainerEntrypoint'] as unknown[]).length === 0) {
        problems.push(`${at}: a command processor needs AppSpecification.ContainerEntrypoint (the program and its first arguments)`);
      }
      if (app?.['ContainerArguments'] !== undefined && !Array.isArray(app['ContainerArguments'])) problems.push(`${at}: ContainerArguments must be a list`);
      checkIo();
      break;
    }
    case 'QualityCheck': {
      if (def.CheckType !== undefined && def.CheckType !== 'DATA_QUALITY') problems.push(`${at}: only CheckType DATA_QUALITY is supported`);
      const { inputs } = checkIo();
      if (!inputs.has('baseline_dataset_input')) problems.push(`${at}: a QualityCheck needs the ProcessingInput 'baseline_dataset_input'`);
      break;
    }
    case 'Training': {
      const channels = a['InputDataConfig'];
      if (!Array.isArray(channels) || !channels.some((c) => obj(c)?.['ChannelName'] === 'train')) {
        problems.push(`${at}: InputDataConfig needs a 'train' channel`);
      }
      for (const c of Array.isArray(channels) ? channels : []) {
        if (obj(obj(obj(c)?.['DataSource'])?.['S3DataSource'])?.['S3Uri'] === undefined) {
          problems.push(`${at}: channel '${String(obj(c)?.['ChannelName'])}' needs DataSource.S3DataSource.S3Uri`);
        }
      }
      const hp = a['HyperParameters'];
      if (hp !== undefined && !obj(hp)) problems.push(`${at}: HyperParameters must be an object of strings`);
      break;
    }
    case 'Condition': {
      const conds = a['Conditions'];
      if (!Array.isArray(conds) || conds.length === 0) problems.push(`${at}: Conditions must be a non-empty list`);
      else for (const c of conds) checkCondition(c, at, params, problems);
      break;
    }
    case 'RegisterModel': {
      if (a['ModelPackageGroupName'] === undefined) problems.push(`${at}: ModelPackageGroupName is required`);
      const containers = obj(a['InferenceSpecification'])?.['Containers'];
      if (!Array.isArray(containers) || containers.length === 0 || obj(containers[0])?.['ModelDataUrl'] === undefined) {
        problems.push(`${at}: InferenceSpecification.Containers[0].ModelDataUrl is required`);
      }
      const status = a['ModelApprovalStatus'];
      if (typeof status === 'string' && !['PendingManualApproval', 'Approved', 'Rejected'].includes(status)) {
        problems.push(`${at}: ModelApprovalStatus must be PendingManualApproval, Approved or Rejected`);
      }
      break;
    }
    case 'Fail':
      if (a['ErrorMessage'] === undefined) problems.push(`${at}: ErrorMessage is required`);
      break;
  }
}

/** The step's property files that are objects (the others are reported once by checkArguments). */
function propertyFilesOf(def: StepDefinition): NonNullable<StepDefinition['PropertyFiles']> {
  return Array.isArray(def.PropertyFiles) ? def.PropertyFiles.filter((p) => typeof p === 'object' && p !== null) : [];
}
