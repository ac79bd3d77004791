import fs from 'node:fs/promises';
import path from 'node:path';
import { oneLine } from '../core/errors.js';
import { JOB_FAILURE_FILE, JOB_RESULT_FILE } from '../pipeline/index.js';
import { loadConfig } from '../config/load-config.js';
import { BUILTIN_PROCESSOR_RUNNERS } from './builtin-processors.js';
import { createProcessorKit, type ProcessorKit } from './processor-kit.js';
import { createJsonLogger } from './json-logger.js';

/**
 * The body of a built-in job's child process: runs one processor in the current folder (the job
 * folder) and returns the exit code. Success writes the result file; failure writes one line to
 * the failure file (as SageMaker's /opt/ml/output/failure).
 */
export async function runBuiltinJob(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const [processor = '', ...args] = argv;
  const runner = BUILTIN_PROCESSOR_RUNNERS[processor];
  const fail = async (message: string) => {
    await fs.mkdir(path.join(cwd, '.driftline'), { recursive: true });
    await fs.writeFile(path.join(cwd, JOB_FAILURE_FILE), `${message}\n`);
    process.stderr.write(`${processor}: ${message}\n`);
    return 1;
  };
  if (!runner) return fail(`unknown processor '${processor}' (known: ${Object.keys(BUILTIN_PROCESSOR_RUNNERS).join(', ')})`);
  let app: ProcessorKit | undefined;
  try {
    const config = loadConfig(env, {}, cwd);
    const logger = createJsonLogger({ write: (l) => process.stderr.write(l) }, config.logLevel === 'warn' ? 'info' : config.logLevel, () => Date.now());
    app = createProcessorKit(config, logger);
    const result = await runner(app, cwd, args, env);
    await fs.mkdir(path.join(cwd, '.driftline'), { recursive: true });
    await fs.writeFile(path.join(cwd, JOB_RESULT_FILE), JSON.stringify(result));
    return 0;
  } catch (err) {
    return fail(oneLine(err));
  } finally {
    await app?.close();
  }
}
