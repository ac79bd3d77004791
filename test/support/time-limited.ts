import { isMainThread, parentPort, Worker } from 'node:worker_threads';

/**
 * Runs `exportName` of the module at `moduleUrl` (a function of one cloneable argument, sync or
 * async) in a worker thread and fails when it does not finish within `ms`. Synchronous code that
 * loops forever cannot be interrupted in its own thread: in a worker, a hang fails the test (naming
 * the last input reported with `reportInput`) instead of blocking the whole run.
 *
 * A test file can be its own module: register the tests only `if (isMainThread)` and export the checks.
 */
export function runTimeLimited<T = unknown>(moduleUrl: string | URL, exportName: string, arg: unknown, ms: number): Promise<T> {
  const href = String(moduleUrl);
  // Under tsx the worker needs the TypeScript loader registered first (as in worker-histogram-builder).
  const entry = `
    const { parentPort, workerData } = await import('node:worker_threads');
    const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});
    register();
    try {
      const mod = await import(workerData.href);
      const value = await mod[workerData.exportName](workerData.arg);
      parentPort.postMessage({ done: true, value });
    } catch (err) {
      parentPort.postMessage({ done: true, error: String(err && err.stack || err) });
    }`;
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(`(async () => {${entry}})()`, { eval: true, workerData: { href, exportName, arg } });
    let lastInput = '(none reported yet)';
    let inputs = 0;
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`${exportName} did not finish within ${ms} ms (${inputs} inputs started); the last input: ${lastInput}`));
    }, ms);
    worker.on('message', (m: { input?: string; done?: boolean; value?: T; error?: string }) => {
      if (m.input !== undefined) {
        lastInput = m.input;
        inputs++;
        return;
      }
      if (!m.done) return;
      clearTimeout(timer);
      void worker.terminate();
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve(m.value as T);
    });
    worker.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** In a worker started by runTimeLimited: tells the parent which input is being tried (cut to 500 characters). */
export function reportInput(input: unknown): void {
  if (isMainThread || !parentPort) return;
  let text: string;
  try {
    text = typeof input === 'string' ? input : JSON.stringify(input, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  } catch {
    text = String(input);
  }
  parentPort.postMessage({ input: text.length > 500 ? `${text.slice(0, 500)}…` : text });
}
