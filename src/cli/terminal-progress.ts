import { createRequire } from 'node:module';
import type cliProgress from 'cli-progress';
import { noopProgress, type Progress } from '../core/progress.js';

/** A progress bar on the terminal (stderr); nothing at all when not a TTY, so logs and pipes stay clean. */
export function createTerminalProgress(stream: NodeJS.WritableStream | undefined, isTTY: boolean): Progress {
  if (!isTTY || !stream) return noopProgress;
  // Loaded with the first bar drawn, not at start-up.
  const bars = createRequire(import.meta.url)('cli-progress') as typeof cliProgress;
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(label, total) {
      bar?.stop();
      bar = new bars.SingleBar(
        {
          stream: stream as NodeJS.WriteStream,
          format: `${label.padEnd(16)} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} {status}`,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 50,
        },
        bars.Presets.shades_classic,
      );
      bar.start(Math.max(total, 1), 0, { status: '' });
    },
    tick(units, status) {
      bar?.increment(units, status === undefined ? undefined : { status });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
