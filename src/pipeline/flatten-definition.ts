import type { PipelineDefinition } from './definition.js';
import { flattenSteps, type FlatStep } from './flatten-steps.js';

/** Every step of a definition (condition branches included) with its dependencies. */
export function flattenDefinitionSteps(def: PipelineDefinition): FlatStep[] {
  return flattenSteps(def.Steps);
}
