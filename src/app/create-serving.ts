import { randomInt, randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { createRandom, type Random } from '../core/random.js';
import type { ServingConfig } from '../config/config.js';
import { FileDesiredState } from '../serving/adapters/file-desired-state.js';
import { NodeCaptureFiles } from '../serving/adapters/node-capture-files.js';
import { processPoolFactory } from '../serving/adapters/process-variant-pool.js';
import { CaptureWriter, parseFsyncPolicy, ServingRuntime, type EndpointDesiredState } from '../serving/index.js';
import { runnerExecArgv } from './pipeline-runtime.js';

/** Replaceable parts of the data plane, for tests. */
export interface ServingOverrides {
  readonly clock?: Clock;
  readonly random?: Random;
  readonly uuid?: () => string;
  readonly pollMs?: number;
  /** Restart delays of crashed workers. */
  readonly restartBackoffMs?: { readonly initial: number; readonly max: number };
  /** A worker holding a request longer than this is killed (default 60 s). */
  readonly invocationTimeoutMs?: number;
}

/** The data plane over child-process workers and capture files on disk, following `desired`. */
export function createServingRuntime(
  settings: Pick<ServingConfig, 'captureFsync'>,
  desired: EndpointDesiredState,
  logger: Logger,
  overrides: ServingOverrides = {},
): ServingRuntime {
  const files = new NodeCaptureFiles();
  const fsync = parseFsyncPolicy(settings.captureFsync);
  const uuid = overrides.uuid ?? (() => randomUUID());
  return new ServingRuntime({
    desired,
    pools: processPoolFactory({
      execArgv: runnerExecArgv(),
      logger,
      ...(overrides.restartBackoffMs ? { restartBackoffMs: overrides.restartBackoffMs } : {}),
      ...(overrides.invocationTimeoutMs !== undefined ? { invocationTimeoutMs: overrides.invocationTimeoutMs } : {}),
    }),
    capture: (endpoint, variant, spec) => new CaptureWriter({ files, destinationPath: spec.destinationPath, endpoint, variant, uuid, logger, fsync }),
    clock: overrides.clock ?? systemClock,
    random: overrides.random ?? createRandom(randomInt(2 ** 31)),
    uuid,
    logger,
    ...(overrides.pollMs !== undefined ? { pollMs: overrides.pollMs } : {}),
  });
}

/** Endpoints read from a JSON file at every poll (`driftline server --endpoints`). */
export function fileDesiredState(file: string, logger: Logger): EndpointDesiredState {
  return new FileDesiredState(file, logger);
}
