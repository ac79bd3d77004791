import type { StepDefinition } from './definition.js';
import { collectReferences } from './references.js';

/** A step placed in the execution graph: nested condition branches are flattened, keeping their parent. */
export interface FlatStep {
  readonly def: StepDefinition;
  /** The Condition step (and branch) this step belongs to, when it is inside IfSteps or ElseSteps. */
  readonly branchOf?: { readonly condition: string; readonly branch: 'if' | 'else' };
  /** Steps that must succeed first: DependsOn, steps referenced by `Get`, and the owning condition. */
  readonly dependsOn: readonly string[];
}

/** The nested steps of a Condition step, by branch. */
export function conditionBranches(def: StepDefinition): { if: StepDefinition[]; else: StepDefinition[] } {
  const args = def.Arguments as { IfSteps?: unknown; ElseSteps?: unknown };
  const asSteps = (v: unknown) => (Array.isArray(v) ? (v.filter((s) => typeof s === 'object' && s !== null) as StepDefinition[]) : []);
  return { if: asSteps(args.IfSteps), else: asSteps(args.ElseSteps) };
}

/** The arguments and step-level expressions a step reads (without a Condition's nested steps). */
export function ownExpressions(def: StepDefinition): unknown[] {
  const args: Record<string, unknown> = { ...def.Arguments };
  if (def.Type === 'Condition') {
    delete args['IfSteps'];
    delete args['ElseSteps'];
  }
  return [args, def.ModelPackageGroupName, def.SuppliedBaselineStatistics, def.SuppliedBaselineConstraints];
}

/** Flattens a definition's steps (condition branches included) and computes each one's dependencies. */
export function flattenSteps(steps: readonly StepDefinition[]): FlatStep[] {
  const out: FlatStep[] = [];
  const visit = (def: StepDefinition, branchOf?: FlatStep['branchOf']) => {
    const deps = new Set<string>(Array.isArray(def.DependsOn) ? def.DependsOn.filter((d) => typeof d === 'string') : []);
    for (const ref of collectReferences(ownExpressions(def))) if (ref.kind === 'step') deps.add(ref.step);
    if (branchOf) deps.add(branchOf.condition);
    deps.delete(def.Name);
    out.push({ def, dependsOn: [...deps], ...(branchOf ? { branchOf } : {}) });
    if (def.Type === 'Condition') {
      const b = conditionBranches(def);
      for (const s of b.if) visit(s, { condition: def.Name, branch: 'if' });
      for (const s of b.else) visit(s, { condition: def.Name, branch: 'else' });
    }
  };
  for (const s of steps) visit(s);
  return out;
}

/** Finds one dependency cycle (as step names, first repeated at the end), or undefined. */
export function findCycle(steps: readonly FlatStep[]): string[] | undefined {
  const deps = new Map(steps.map((s) => [s.def.Name, s.dependsOn]));
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const dfs = (name: string): string[] | undefined => {
    state.set(name, 1);
    stack.push(name);
    for (const d of deps.get(name) ?? []) {
      if (!deps.has(d)) continue;
      const st = state.get(d);
      if (st === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (st === undefined) {
        const c = dfs(d);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(name, 2);
    return undefined;
  };
  for (const s of steps) {
    if (!state.has(s.def.Name)) {
      const c = dfs(s.def.Name);
      if (c) return c;
    }
  }
  return undefined;
}
