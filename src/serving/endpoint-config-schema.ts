import { z } from 'zod';
import { InvalidArgumentError } from '../core/errors.js';
import type { EndpointConfigInput } from './types.js';

/** SageMaker's name pattern for endpoints, endpoint configs and variants: 1 to 63 letters, digits and inner hyphens. */
export const ENDPOINT_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** Worker processes per variant on one machine. */
export const MAX_INSTANCES = 16;
/** SageMaker allows 10 production variants per endpoint. */
export const MAX_VARIANTS = 10;

const nameField = z
  .string({ error: 'must be a string' })
  .regex(ENDPOINT_NAME_PATTERN, { error: 'must be 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit' });
const instances = z
  .int({ error: `must be an integer from 1 to ${MAX_INSTANCES}` })
  .min(1, { error: `must be an integer from 1 to ${MAX_INSTANCES}` })
  .max(MAX_INSTANCES, { error: `must be an integer from 1 to ${MAX_INSTANCES}` });
const seconds = z
  .int({ error: 'must be a whole number of seconds >= 0' })
  .min(0, { error: 'must be a whole number of seconds >= 0' })
  .max(86_400, { error: 'must be at most 86400 seconds' });

const autoScaling = z
  .strictObject(
    {
      MinCapacity: instances,
      MaxCapacity: instances,
      TargetValue: z.number({ error: 'must be a number > 0' }).gt(0, { error: 'must be a number > 0' }).max(1e9, { error: 'must be at most 1e9' }),
      ScaleInCooldown: seconds.default(60),
      ScaleOutCooldown: seconds.default(60),
    },
    { error: 'must be an object' },
  )
  .refine((a) => a.MinCapacity <= a.MaxCapacity, { error: 'MinCapacity must not exceed MaxCapacity' });

const variant = z.strictObject(
  {
    VariantName: nameField,
    ModelPackageName: z
      .string({ error: 'must be <group>/<version> or a model package ARN' })
      .min(3, { error: 'must be <group>/<version> or a model package ARN' }),
    InitialInstanceCount: instances.default(1),
    InitialVariantWeight: z
      .number({ error: 'must be a number from 0 to 1000' })
      .min(0, { error: 'must be a number from 0 to 1000' })
      .max(1000, { error: 'must be a number from 0 to 1000' })
      .default(1),
    InstanceType: z.string({ error: 'must be a string' }).max(64, { error: 'must be at most 64 characters' }).default('ml.m5.large'),
    AutoScaling: autoScaling.optional(),
  },
  { error: 'must be an object' },
);

const contentTypes = z
  .array(z.string({ error: 'must be a string' }).min(1).max(256), { error: 'must be a list of 1 to 10 content types' })
  .min(1, { error: 'must be a list of 1 to 10 content types' })
  .max(10, { error: 'must be a list of 1 to 10 content types' });

const dataCapture = z.strictObject(
  {
    EnableCapture: z.boolean({ error: 'must be true or false' }),
    InitialSamplingPercentage: z
      .int({ error: 'must be an integer from 0 to 100' })
      .min(0, { error: 'must be an integer from 0 to 100' })
      .max(100, { error: 'must be an integer from 0 to 100' }),
    DestinationS3Uri: z.string({ error: 'must be a file:// URI' }).min(1, { error: 'must be a file:// URI' }),
    KmsKeyId: z.string().optional(),
    CaptureOptions: z
      .array(z.strictObject({ CaptureMode: z.enum(['Input', 'Output'], { error: 'must be Input or Output' }) }, { error: 'must be an object' }), {
        error: 'must be a list of capture modes',
      })
      .min(1, { error: 'must name Input, Output or both' })
      .max(2, { error: 'must name Input, Output or both' }),
    CaptureContentTypeHeader: z
      .strictObject({ CsvContentTypes: contentTypes.optional(), JsonContentTypes: contentTypes.optional() }, { error: 'must be an object' })
      .optional(),
  },
  { error: 'must be an object' },
);

const tags = z
  .array(
    z.strictObject(
      { Key: z.string().min(1).max(128, { error: 'must be at most 128 characters' }), Value: z.string().max(256, { error: 'must be at most 256 characters' }) },
      { error: 'must be {Key, Value}' },
    ),
    { error: 'must be a list' },
  )
  .max(50, { error: 'must hold at most 50 tags' });

const endpointConfigSchema = z
  .strictObject(
    {
      EndpointConfigName: nameField,
      ProductionVariants: z
        .array(variant, { error: 'must be a list of variants' })
        .min(1, { error: `must hold 1 to ${MAX_VARIANTS} variants` })
        .max(MAX_VARIANTS, { error: `must hold 1 to ${MAX_VARIANTS} variants` }),
      DataCaptureConfig: dataCapture.optional(),
      Tags: tags.optional(),
    },
    { error: 'must be an object' },
  )
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    c.ProductionVariants.forEach((v, i) => {
      if (names.has(v.VariantName))
        ctx.addIssue({ code: 'custom', path: ['ProductionVariants', i, 'VariantName'], message: `'${v.VariantName}' is used twice` });
      names.add(v.VariantName);
      const a = v.AutoScaling;
      if (a && (v.InitialInstanceCount < a.MinCapacity || v.InitialInstanceCount > a.MaxCapacity))
        ctx.addIssue({
          code: 'custom',
          path: ['ProductionVariants', i, 'InitialInstanceCount'],
          message: `must be within AutoScaling's ${a.MinCapacity} to ${a.MaxCapacity}`,
        });
    });
    if (c.ProductionVariants.every((v) => v.InitialVariantWeight === 0))
      ctx.addIssue({ code: 'custom', path: ['ProductionVariants'], message: 'at least one variant needs a weight above 0' });
  });

/**
 * Checks a CreateEndpointConfig document and fills SageMaker's defaults; an invalid one is an
 * `invalid_argument` naming the first bad field (`ProductionVariants[0].InitialInstanceCount: …`).
 */
export function parseEndpointConfigInput(doc: unknown): EndpointConfigInput {
  const result = endpointConfigSchema.safeParse(doc);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw new InvalidArgumentError(`invalid endpoint config${at ? ` field ${at.replace(/^\./, '')}` : ''}: ${oneLine(issue.message)}`);
  }
  return result.data as EndpointConfigInput;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').slice(0, 300);
}
