import { runBuiltinJob } from '../app/run-builtin-job.js';

// A pipeline job's child process: `job-runner <processor> [args…]`, run in the job folder.
process.exitCode = await runBuiltinJob(process.argv.slice(2), process.env, process.cwd());
