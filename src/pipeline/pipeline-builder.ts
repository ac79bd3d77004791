import {
  DEFINITION_VERSION,
  type CacheConfig,
  type ConditionDefinition,
  type Expression,
  type GetExpression,
  type JsonGetExpression,
  type JoinExpression,
  type ParameterDefinition,
  type PipelineDefinition,
  type RetryPolicy,
  type StepDefinition,
} from './definition.js';
import { BUILTIN_IMAGE_PREFIX, PROCESSING_ROOT, type BuiltinProcessor } from './step-properties.js';
import { assertValidDefinition } from './validate-definition.js';

/** A typed parameter: `.ref` is the `{"Get": "Parameters.<Name>"}` expression. */
export interface Parameter<T> {
  readonly name: string;
  readonly ref: GetExpression & { readonly __type?: T };
}

/** Options every step takes. */
export interface StepOptions {
  readonly dependsOn?: readonly StepHandle[];
  readonly displayName?: string;
  readonly description?: string;
  readonly cache?: CacheConfig;
  readonly retry?: readonly RetryPolicy[];
}

/** A step added to a builder; its getters build references to its properties. */
export class StepHandle {
  constructor(readonly def: StepDefinition) {}

  get name(): string {
    return this.def.Name;
  }

  /** `{"Get": "Steps.<name>.<path>"}`. */
  property(path: string): GetExpression {
    return { Get: `Steps.${this.def.Name}.${path}` };
  }

  /** A Processing step's output folder URI. */
  output(name: string): GetExpression {
    return this.property(`ProcessingOutputConfig.Outputs['${name}'].S3Output.S3Uri`);
  }

  /** A declared property file, for `jsonGet`. */
  propertyFile(name: string): GetExpression {
    return this.property(`PropertyFiles.${name}`);
  }
}

export interface ProcessingInput {
  readonly name: string;
  readonly source: Expression;
  /** Under /opt/ml/processing (default `/opt/ml/processing/input/<name>`). */
  readonly localPath?: string;
}

export interface ProcessingOutput {
  readonly name: string;
  /** Under /opt/ml/processing (default `/opt/ml/processing/output/<name>`). */
  readonly localPath?: string;
  /** Where the output is stored; default: the execution's artifact folder for this step. */
  readonly destination?: Expression;
}

export interface ProcessingOptions extends StepOptions {
  /** A built-in processor, or a command (program and arguments) run in a child process. */
  readonly processor: BuiltinProcessor | { readonly command: readonly string[] };
  readonly arguments?: readonly Expression[];
  readonly inputs?: readonly ProcessingInput[];
  readonly outputs?: readonly ProcessingOutput[];
  readonly environment?: Readonly<Record<string, Expression>>;
  readonly maxRuntimeSeconds?: number;
  readonly propertyFiles?: readonly { readonly name: string; readonly output: string; readonly path: string }[];
}

export interface TrainingOptions extends StepOptions {
  readonly hyperparameters: Readonly<Record<string, Expression>>;
  /** Channel name -> folder or file URI (`train` required, `validation` optional). */
  readonly channels: Readonly<Record<string, Expression>>;
  readonly outputPath?: Expression;
  readonly maxRuntimeSeconds?: number;
}

export interface QualityCheckOptions extends StepOptions {
  readonly dataset: Expression;
  /** The CSV's first row is a header (the sample's baseline.csv has one). */
  readonly header?: boolean;
  readonly modelPackageGroupName?: Expression;
  readonly skipCheck?: boolean;
  readonly registerNewBaseline?: boolean;
  readonly failOnViolation?: boolean;
  readonly suppliedStatistics?: Expression;
  readonly suppliedConstraints?: Expression;
  readonly output?: Expression;
}

export interface RegisterModelOptions extends StepOptions {
  readonly group: Expression;
  readonly approvalStatus: Expression;
  readonly modelDataUrl: Expression;
  readonly contentTypes?: readonly string[];
  readonly responseTypes?: readonly string[];
  /** ModelMetrics.ModelQuality.Statistics alone (e.g. the sample's evaluation.json). */
  readonly modelQuality?: Expression;
  /** A model-quality baseline: ModelMetrics.ModelQuality and DriftCheckBaselines.ModelQuality {Statistics, Constraints}. */
  readonly modelQualityStatistics?: Expression;
  readonly modelQualityConstraints?: Expression;
  readonly dataQualityStatistics?: Expression;
  readonly dataQualityConstraints?: Expression;
  readonly customerMetadata?: Readonly<Record<string, Expression>>;
}

/**
 * Builds a pipeline definition in TypeScript, producing the same JSON document `pipeline upsert`
 * takes. `build()` validates it and throws one error listing every problem.
 * @example
 * const b = new PipelineBuilder();
 * const threshold = b.floatParameter('Threshold', 7);
 * const prep = b.processing('Prep', { processor: 'prepare', outputs: [{ name: 'train' }] });
 */
export class PipelineBuilder {
  private readonly parameters: ParameterDefinition[] = [];
  private readonly steps: StepHandle[] = [];
  private readonly nested = new Set<StepHandle>();
  private parallelism: number | undefined;

  stringParameter(name: string, defaultValue?: string, enumValues?: readonly string[]): Parameter<string> {
    return this.parameter(name, 'String', defaultValue, enumValues);
  }
  integerParameter(name: string, defaultValue?: number): Parameter<number> {
    return this.parameter(name, 'Integer', defaultValue);
  }
  floatParameter(name: string, defaultValue?: number): Parameter<number> {
    return this.parameter(name, 'Float', defaultValue);
  }
  booleanParameter(name: string, defaultValue?: boolean): Parameter<boolean> {
    return this.parameter(name, 'Boolean', defaultValue);
  }

  maxParallelSteps(n: number): this {
    this.parallelism = n;
    return this;
  }

  processing(name: string, o: ProcessingOptions): StepHandle {
    const app =
      typeof o.processor === 'string'
        ? { ImageUri: `${BUILTIN_IMAGE_PREFIX}${o.processor}` }
        : { ImageUri: 'local', ContainerEntrypoint: [...o.processor.command] };
    return this.add({
      ...this.common(name, 'Processing', o),
      Arguments: {
        AppSpecification: { ...app, ...(o.arguments ? { ContainerArguments: [...o.arguments] } : {}) },
        ProcessingInputs: (o.inputs ?? []).map((i) => ({
          InputName: i.name,
          S3Input: { S3Uri: i.source, LocalPath: i.localPath ?? `${PROCESSING_ROOT}/input/${i.name}`, S3DataType: 'S3Prefix', S3InputMode: 'File' },
        })),
        ProcessingOutputConfig: {
          Outputs: (o.outputs ?? []).map((out) => ({
            OutputName: out.name,
            S3Output: {
              ...(out.destination !== undefined ? { S3Uri: out.destination } : {}),
              LocalPath: out.localPath ?? `${PROCESSING_ROOT}/output/${out.name}`,
              S3UploadMode: 'EndOfJob',
            },
          })),
        },
        ...(o.environment ? { Environment: { ...o.environment } } : {}),
        ...(o.maxRuntimeSeconds ? { StoppingCondition: { MaxRuntimeInSeconds: o.maxRuntimeSeconds } } : {}),
      },
      ...(o.propertyFiles ? { PropertyFiles: o.propertyFiles.map((p) => ({ PropertyFileName: p.name, OutputName: p.output, FilePath: p.path })) } : {}),
    });
  }

  training(name: string, o: TrainingOptions): StepHandle {
    return this.add({
      ...this.common(name, 'Training', o),
      Arguments: {
        AlgorithmSpecification: { TrainingImage: `${BUILTIN_IMAGE_PREFIX}xgboost`, TrainingInputMode: 'File' },
        HyperParameters: { ...o.hyperparameters },
        InputDataConfig: Object.entries(o.channels).map(([channel, uri]) => ({
          ChannelName: channel,
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri } },
          ContentType: 'text/csv',
        })),
        ...(o.outputPath !== undefined ? { OutputDataConfig: { S3OutputPath: o.outputPath } } : {}),
        ...(o.maxRuntimeSeconds ? { StoppingCondition: { MaxRuntimeInSeconds: o.maxRuntimeSeconds } } : {}),
      },
    });
  }

  qualityCheck(name: string, o: QualityCheckOptions): StepHandle {
    return this.add({
      ...this.common(name, 'QualityCheck', o),
      CheckType: 'DATA_QUALITY',
      SkipCheck: o.skipCheck ?? true,
      RegisterNewBaseline: o.registerNewBaseline ?? true,
      FailOnViolation: o.failOnViolation ?? true,
      ...(o.modelPackageGroupName !== undefined ? { ModelPackageGroupName: o.modelPackageGroupName } : {}),
      ...(o.suppliedStatistics !== undefined ? { SuppliedBaselineStatistics: o.suppliedStatistics } : {}),
      ...(o.suppliedConstraints !== undefined ? { SuppliedBaselineConstraints: o.suppliedConstraints } : {}),
      Arguments: {
        Environment: {
          dataset_format: JSON.stringify({ csv: { header: o.header ?? true, output_columns_position: 'START' } }),
          dataset_source: `${PROCESSING_ROOT}/input/baseline_dataset_input`,
          output_path: `${PROCESSING_ROOT}/output`,
          publish_cloudwatch_metrics: 'Disabled',
        },
        ProcessingInputs: [
          {
            InputName: 'baseline_dataset_input',
            S3Input: { S3Uri: o.dataset, LocalPath: `${PROCESSING_ROOT}/input/baseline_dataset_input`, S3DataType: 'S3Prefix', S3InputMode: 'File' },
          },
        ],
        ProcessingOutputConfig: {
          Outputs: [
            {
              OutputName: 'quality_check_output',
              S3Output: { ...(o.output !== undefined ? { S3Uri: o.output } : {}), LocalPath: `${PROCESSING_ROOT}/output`, S3UploadMode: 'EndOfJob' },
            },
          ],
        },
      },
    });
  }

  /** A RegisterModel step; nest it in a condition's branch or leave it top-level. */
  registerModel(name: string, o: RegisterModelOptions): StepHandle {
    const source = (uri: Expression) => ({ ContentType: 'application/json', S3Uri: uri });
    const dataQuality =
      o.dataQualityStatistics !== undefined && o.dataQualityConstraints !== undefined
        ? { Statistics: source(o.dataQualityStatistics), Constraints: source(o.dataQualityConstraints) }
        : undefined;
    const modelQualityBaseline =
      o.modelQualityStatistics !== undefined && o.modelQualityConstraints !== undefined
        ? { Statistics: source(o.modelQualityStatistics), Constraints: source(o.modelQualityConstraints) }
        : undefined;
    const modelQuality = modelQualityBaseline ?? (o.modelQuality !== undefined ? { Statistics: source(o.modelQuality) } : undefined);
    const driftCheck = {
      ...(modelQualityBaseline ? { ModelQuality: modelQualityBaseline } : {}),
      ...(dataQuality ? { ModelDataQuality: dataQuality } : {}),
    };
    return this.add({
      ...this.common(name, 'RegisterModel', o),
      Arguments: {
        ModelPackageGroupName: o.group,
        ModelApprovalStatus: o.approvalStatus,
        InferenceSpecification: {
          Containers: [{ Image: `${BUILTIN_IMAGE_PREFIX}xgboost`, ModelDataUrl: o.modelDataUrl }],
          SupportedContentTypes: [...(o.contentTypes ?? ['text/csv'])],
          SupportedResponseMIMETypes: [...(o.responseTypes ?? ['text/csv'])],
        },
        ModelMetrics: {
          ...(modelQuality ? { ModelQuality: modelQuality } : {}),
          ...(dataQuality ? { ModelDataQuality: dataQuality } : {}),
          Bias: {},
          Explainability: {},
        },
        ...(Object.keys(driftCheck).length > 0 ? { DriftCheckBaselines: driftCheck } : {}),
        ...(o.customerMetadata ? { CustomerMetadataProperties: { ...o.customerMetadata } } : {}),
      },
    });
  }

  condition(
    name: string,
    o: StepOptions & { conditions: readonly ConditionDefinition[]; ifSteps?: readonly StepHandle[]; elseSteps?: readonly StepHandle[] },
  ): StepHandle {
    for (const s of [...(o.ifSteps ?? []), ...(o.elseSteps ?? [])]) this.nested.add(s);
    return this.add({
      ...this.common(name, 'Condition', o),
      Arguments: {
        Conditions: [...o.conditions],
        IfSteps: (o.ifSteps ?? []).map((s) => s.def),
        ElseSteps: (o.elseSteps ?? []).map((s) => s.def),
      },
    });
  }

  fail(name: string, o: StepOptions & { message: Expression }): StepHandle {
    return this.add({ ...this.common(name, 'Fail', o), Arguments: { ErrorMessage: o.message } });
  }

  /** The definition document, validated. */
  build(metadata: Record<string, unknown> = {}): PipelineDefinition {
    return assertValidDefinition({
      Version: DEFINITION_VERSION,
      Metadata: metadata,
      Parameters: this.parameters,
      ...(this.parallelism ? { ParallelismConfiguration: { MaxParallelExecutionSteps: this.parallelism } } : {}),
      Steps: this.steps.filter((s) => !this.nested.has(s)).map((s) => s.def),
    });
  }

  private parameter<T>(name: string, type: ParameterDefinition['Type'], defaultValue?: T, enumValues?: readonly string[]): Parameter<T> {
    this.parameters.push({
      Name: name,
      Type: type,
      ...(defaultValue !== undefined ? { DefaultValue: defaultValue as ParameterDefinition['DefaultValue'] } : {}),
      ...(enumValues ? { EnumValues: enumValues } : {}),
    });
    return { name, ref: { Get: `Parameters.${name}` } };
  }

  private common(name: string, type: StepDefinition['Type'], o: StepOptions): Omit<StepDefinition, 'Arguments'> {
    return {
      Name: name,
      Type: type,
      ...(o.dependsOn?.length ? { DependsOn: o.dependsOn.map((d) => d.name) } : {}),
      ...(o.displayName ? { DisplayName: o.displayName } : {}),
      ...(o.description ? { Description: o.description } : {}),
      ...(o.cache ? { CacheConfig: o.cache } : {}),
      ...(o.retry ? { RetryPolicies: o.retry } : {}),
    };
  }

  private add(def: StepDefinition): StepHandle {
    const h = new StepHandle(def);
    this.steps.push(h);
    return h;
  }
}

/** `{"Std:Join": {"On": on, "Values": values}}`. */
export function join(on: string, values: readonly Expression[]): JoinExpression {
  return { 'Std:Join': { On: on, Values: values } };
}

/** `{"Std:JsonGet": {"PropertyFile": file, "Path": path}}`. */
export function jsonGet(file: GetExpression, path: string): JsonGetExpression {
  return { 'Std:JsonGet': { PropertyFile: file, Path: path } };
}

/** Condition helpers, named as SageMaker's condition types. */
export const conditions = {
  equals: (l: Expression, r: Expression): ConditionDefinition => ({ Type: 'Equals', LeftValue: l, RightValue: r }),
  greaterThan: (l: Expression, r: Expression): ConditionDefinition => ({ Type: 'GreaterThan', LeftValue: l, RightValue: r }),
  greaterThanOrEqualTo: (l: Expression, r: Expression): ConditionDefinition => ({ Type: 'GreaterThanOrEqualTo', LeftValue: l, RightValue: r }),
  lessThan: (l: Expression, r: Expression): ConditionDefinition => ({ Type: 'LessThan', LeftValue: l, RightValue: r }),
  lessThanOrEqualTo: (l: Expression, r: Expression): ConditionDefinition => ({ Type: 'LessThanOrEqualTo', LeftValue: l, RightValue: r }),
  in: (q: Expression, values: readonly Expression[]): ConditionDefinition => ({ Type: 'In', QueryValue: q, Values: values }),
  not: (c: ConditionDefinition): ConditionDefinition => ({ Type: 'Not', Expression: c }),
  or: (...cs: ConditionDefinition[]): ConditionDefinition => ({ Type: 'Or', Conditions: cs }),
};
