import { z } from 'zod';
import { InvalidArgumentError } from '../core/errors.js';
import type { StageConfig } from './types.js';

/** The sample's `staging-config.json`. */
export const SAMPLE_STAGING_CONFIG: StageConfig = { stage_name: 'staging', instance_count: 1, instance_type: 'ml.t2.medium' };

/** The sample's `prod-config.json`, with the CDK app's target tracking (750 invocations per instance, 60 s cooldowns). */
export const SAMPLE_PROD_CONFIG: StageConfig = {
  stage_name: 'prod',
  instance_count: 2,
  instance_type: 'ml.m5.large',
  auto_scaling: { min_capacity: 2, max_capacity: 4, target_value: 750, scale_in_cooldown: 60, scale_out_cooldown: 60 },
  schedule_config: {
    data_capture_sampling_percentage: 100,
    schedule_expression: 'cron(0 * ? * * *)',
    metric_name: 'feature_baseline_drift_fare_amount',
    metric_threshold: 0.4,
    period: 3600,
  },
  model_quality_config: { schedule_expression: 'cron(0 * ? * * *)', metric_name: 'rmse', threshold_ratio: 1.25, period: 3600, minimum_records: 200 },
};

/** CodePipeline's manual approval action times out after 7 days. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 7 * 24 * 3600 * 1000;

const count = z
  .int({ error: 'must be an integer from 1 to 16' })
  .min(1, { error: 'must be an integer from 1 to 16' })
  .max(16, { error: 'must be an integer from 1 to 16' });
const seconds = z.int({ error: 'must be a whole number of seconds >= 0' }).min(0, { error: 'must be a whole number of seconds >= 0' });

const stageConfigSchema = z
  .looseObject(
    {
      stage_name: z.string({ error: 'must be a string' }).min(1, { error: 'must be a non-empty string' }).max(64, { error: 'must be at most 64 characters' }),
      instance_count: count,
      instance_type: z.string({ error: 'must be a string' }).max(64, { error: 'must be at most 64 characters' }).default('ml.m5.large'),
      auto_scaling: z
        .looseObject(
          {
            min_capacity: count,
            max_capacity: count,
            target_value: z.number({ error: 'must be a number > 0' }).gt(0, { error: 'must be a number > 0' }).optional(),
            scale_in_cooldown: seconds.optional(),
            scale_out_cooldown: seconds.optional(),
          },
          { error: 'must be an object' },
        )
        .optional(),
      schedule_config: z
        .looseObject(
          {
            data_capture_sampling_percentage: z
              .int({ error: 'must be an integer from 0 to 100' })
              .min(0, { error: 'must be an integer from 0 to 100' })
              .max(100, { error: 'must be an integer from 0 to 100' }),
            schedule_expression: z
              .string({ error: 'must be a schedule expression' })
              .regex(/^cron\(.+\)$/, { error: "must be a schedule expression like 'cron(0 * ? * * *)'" }),
            metric_name: z.string({ error: 'must be a string' }).min(1, { error: 'must be a non-empty string' }),
            metric_threshold: z.number({ error: 'must be a finite number' }),
            period: z.int({ error: 'must be 10, 20, 30 or a multiple of 60 seconds' }).refine((p) => [10, 20, 30].includes(p) || (p > 0 && p % 60 === 0), {
              error: 'must be 10, 20, 30 or a multiple of 60 seconds',
            }),
          },
          { error: 'must be an object' },
        )
        .optional(),
      model_quality_config: z
        .looseObject(
          {
            schedule_expression: z
              .string({ error: 'must be a schedule expression' })
              .regex(/^(cron|rate)\(.+\)$/, { error: "must be a schedule expression like 'cron(0 * ? * * *)'" })
              .default('cron(0 * ? * * *)'),
            metric_name: z.enum(['rmse', 'mae', 'mse', 'r2'], { error: 'must be rmse, mae, mse or r2' }).default('rmse'),
            metric_threshold: z.number({ error: 'must be a finite number' }).optional(),
            threshold_ratio: z.number({ error: 'must be a number > 0' }).gt(0, { error: 'must be a number > 0' }).optional(),
            period: z
              .int({ error: 'must be 10, 20, 30 or a multiple of 60 seconds' })
              .refine((p) => [10, 20, 30].includes(p) || (p > 0 && p % 60 === 0), { error: 'must be 10, 20, 30 or a multiple of 60 seconds' })
              .default(3600),
            start_time_offset: z
              .string({ error: 'must be an ISO-8601 offset like -PT2H' })
              .regex(/^-P/, { error: 'must be an ISO-8601 offset like -PT2H' })
              .optional(),
            end_time_offset: z
              .string({ error: 'must be an ISO-8601 offset like -PT1H' })
              .regex(/^-P/, { error: 'must be an ISO-8601 offset like -PT1H' })
              .optional(),
            minimum_records: z.int({ error: 'must be an integer >= 1' }).min(1, { error: 'must be an integer >= 1' }).optional(),
          },
          { error: 'must be an object' },
        )
        .optional(),
      model_package_version: z.int({ error: 'must be a version number >= 1' }).min(1, { error: 'must be a version number >= 1' }).optional(),
    },
    { error: 'must be an object' },
  )
  .superRefine((c, ctx) => {
    const a = c.auto_scaling;
    if (a && a.min_capacity > a.max_capacity) ctx.addIssue({ code: 'custom', path: ['auto_scaling', 'min_capacity'], message: 'must not exceed max_capacity' });
    if (a && (c.instance_count < a.min_capacity || c.instance_count > a.max_capacity))
      ctx.addIssue({ code: 'custom', path: ['instance_count'], message: `must be within auto_scaling's ${a.min_capacity} to ${a.max_capacity}` });
  });

/** Checks a stage config (the sample's JSON shape); `source` names the file in the one-line error. */
export function parseStageConfig(doc: unknown, source: string): StageConfig {
  const result = stageConfigSchema.safeParse(doc);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const at = issue.path.map(String).join('.');
    throw new InvalidArgumentError(`${source}: ${at ? `${at} ` : ''}${issue.message.replace(/\s+/g, ' ')}`);
  }
  return result.data as StageConfig;
}
