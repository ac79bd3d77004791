import { Worker } from 'node:worker_threads';

// A pipeline job's child process: `job-runner <processor> [args…]`, run in the job folder. The
// launcher starts it as the leader of its own process group.
// It dies with the engine that started it, so a killed driftline leaves no job running behind: a
// worker thread (which runs even while training blocks this thread) watches the parent pid and,
// when the parent is gone, kills the whole group (this process and anything it started). It
// starts before the heavy imports, in case the engine dies while they load.
const parent = Number(process.env['DRIFTLINE_PARENT_PID'] ?? process.ppid);
const killGroup = `try { process.kill(-process.pid, 'SIGKILL'); } catch { process.kill(process.pid, 'SIGKILL'); }`;
if (process.ppid !== parent) {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    process.exit(137);
  }
}
const watcher = new Worker(`setInterval(() => { if (process.ppid !== ${parent}) { ${killGroup} } }, 200);`, { eval: true, execArgv: [] });
watcher.unref();
const { runBuiltinJob } = await import('../app/run-builtin-job.js');
process.exitCode = await runBuiltinJob(process.argv.slice(2), process.env, process.cwd());
