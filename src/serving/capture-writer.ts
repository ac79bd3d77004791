import { InvalidArgumentError, oneLine } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { captureFilePath } from './capture-record.js';

/** An open capture file (append only). */
export interface CaptureFile {
  /** Appends all of `data` (write(2) done: in the OS page cache) or throws; a failed write leaves the file as it was. */
  write(data: Buffer): Promise<void>;
  /** fdatasync. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Where capture files are created (the filesystem adapter, or a fake in tests). */
export interface CaptureFiles {
  /** Creates the file (and its folders) for appending. */
  open(path: string): Promise<CaptureFile>;
}

/** When capture files are fsynced: never (the OS decides), after each batch before its answers, or every few milliseconds. */
export type FsyncPolicy = { readonly kind: 'none' } | { readonly kind: 'batch' } | { readonly kind: 'interval'; readonly ms: number };

export function parseFsyncPolicy(text: string): FsyncPolicy {
  const t = text.trim().toLowerCase();
  if (t === 'none' || t === '') return { kind: 'none' };
  if (t === 'batch') return { kind: 'batch' };
  const m = /^interval:(\d+)$/.exec(t);
  if (m && Number(m[1]) > 0) return { kind: 'interval', ms: Number(m[1]) };
  throw new InvalidArgumentError(`capture fsync policy '${text}' is not none, batch or interval:<ms>`);
}

export interface CaptureWriterOptions {
  readonly files: CaptureFiles;
  readonly destinationPath: string;
  readonly endpoint: string;
  readonly variant: string;
  readonly uuid: () => string;
  readonly logger: Logger;
  readonly fsync?: FsyncPolicy;
  /** A new file once this many bytes were written to the current one (default 64 MiB). */
  readonly maxFileBytes?: number;
  /** Records waiting beyond this many bytes are dropped (a stuck disk must not eat the memory; default 64 MiB). */
  readonly maxPendingBytes?: number;
  /**
   * How long an answer may wait for its record's write (default 2000 ms). A write that takes longer
   * (a hung disk) releases the waiting answers; the records stay queued and are written (or dropped)
   * later, counted in `late`.
   */
  readonly maxWaitMs?: number;
}

const MINUTE = 60_000;

/**
 * Appends capture records to `<destination>/<endpoint>/<variant>/yyyy/mm/dd/hh/MM-SS-mmm-<uuid>.jsonl`,
 * a new file per minute of invocation time (or when the file is full). Group commit: records
 * appended during one tick go to disk in one write, and each `append` resolves once its record's
 * write is done (and fsynced with the `batch` policy), so a request can be answered only after its
 * record is in the page cache. Capture never fails inference: `append` never rejects; records
 * that cannot be written are dropped and counted, logged once per burst of failures.
 */
export class CaptureWriter {
  captured = 0;
  dropped = 0;
  /** Records whose answers were released before their write finished (a stalled disk). */
  late = 0;
  private stalled = false;
  /** The waiters of the batch being written, and when its write started (a watchdog releases them if it hangs). */
  private writing: (() => void)[] | undefined;
  private writeStartedMs = 0;
  private readonly watchdog: ReturnType<typeof setInterval>;
  private pending: string[] = [];
  private pendingTimes: number[] = [];
  private pendingBytes = 0;
  private waiters: (() => void)[] = [];
  private scheduled = false;
  /** True while `drain` runs (set and cleared synchronously, so an append never misses a drain). */
  private busy = false;
  private drained: Promise<void> | undefined;
  private file: CaptureFile | undefined;
  private fileMinute = -1;
  private fileBytes = 0;
  private dirty = false;
  private failing = false;
  private droppedInBurst = 0;
  private closed = false;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private readonly fsync: FsyncPolicy;
  private readonly maxFileBytes: number;
  private readonly maxPendingBytes: number;
  private readonly maxWaitMs: number;

  constructor(private readonly opts: CaptureWriterOptions) {
    this.fsync = opts.fsync ?? { kind: 'none' };
    this.maxFileBytes = opts.maxFileBytes ?? 64 * 1024 * 1024;
    this.maxPendingBytes = opts.maxPendingBytes ?? 64 * 1024 * 1024;
    this.maxWaitMs = opts.maxWaitMs ?? 2000;
    this.watchdog = setInterval(() => this.checkStall(), Math.max(5, Math.min(250, this.maxWaitMs / 4)));
    this.watchdog.unref();
    if (this.fsync.kind === 'interval') {
      this.timer = setInterval(() => void this.syncNow(), this.fsync.ms);
      this.timer.unref();
    }
  }

  /** Queues one record (a JSON line without newline) invoked at `timeMs`; resolves once it is written or dropped. */
  append(line: string, timeMs: number): Promise<void> {
    if (this.closed || this.pendingBytes > this.maxPendingBytes) {
      this.drop(1, this.closed ? 'the capture writer is closed' : 'too many records waiting for the disk');
      return Promise.resolve();
    }
    const text = `${line}\n`;
    this.pending.push(text);
    this.pendingTimes.push(timeMs);
    this.pendingBytes += text.length;
    let done: Promise<void>;
    if (this.stalled) {
      // The disk hangs: the answer does not wait; the record is written when the disk is back.
      this.late++;
      this.waiters.push(() => undefined);
      done = Promise.resolve();
    } else {
      done = new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (!this.scheduled && !this.busy) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.drained = this.drain();
      });
    }
    return done;
  }

  /** Writes what is queued, closes the file; later appends are dropped. */
  async close(): Promise<void> {
    while (this.scheduled || this.busy) {
      if (this.busy && this.drained) await this.drained;
      else await new Promise((r) => setImmediate(r));
    }
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    clearInterval(this.watchdog);
    await this.closeFile();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    for (;;) {
      // Checked synchronously after the waiters of the last batch were resolved: their next
      // appends (run later, as microtasks) see busy false and schedule the next drain.
      if (this.pending.length === 0) {
        this.busy = false;
        return;
      }
      const lines = this.pending;
      const times = this.pendingTimes;
      const waiters = this.waiters;
      this.pending = [];
      this.pendingTimes = [];
      this.waiters = [];
      this.pendingBytes = 0;
      this.writing = waiters;
      this.writeStartedMs = Date.now();
      try {
        await this.writeBatch(lines, times);
        if (this.fsync.kind === 'batch') await this.file?.sync();
        this.captured += lines.length;
        if (this.failing) {
          this.failing = false;
          this.opts.logger.warn('capture resumed', { endpoint: this.opts.endpoint, variant: this.opts.variant, droppedInBurst: this.droppedInBurst });
          this.droppedInBurst = 0;
        }
      } catch (err) {
        this.drop(lines.length, oneLine(err));
        await this.closeFile();
      } finally {
        this.writing = undefined;
        this.writeStartedMs = 0;
      }
      if (this.stalled) {
        this.stalled = false;
        this.opts.logger.warn('capture writes flow again', { endpoint: this.opts.endpoint, variant: this.opts.variant });
      }
      for (const w of waiters) w();
    }
  }

  private async writeBatch(lines: string[], times: number[]): Promise<void> {
    let start = 0;
    while (start < lines.length) {
      const minute = Math.floor(times[start]! / MINUTE);
      let end = start + 1;
      while (end < lines.length && Math.floor(times[end]! / MINUTE) === minute) end++;
      const data = Buffer.from(lines.slice(start, end).join(''), 'utf8');
      if (!this.file || this.fileMinute !== minute || this.fileBytes + data.length > this.maxFileBytes) {
        await this.closeFile();
        const path = captureFilePath(this.opts.destinationPath, this.opts.endpoint, this.opts.variant, times[start]!, this.opts.uuid());
        this.file = await this.opts.files.open(path);
        this.fileMinute = minute;
        this.fileBytes = 0;
      }
      await this.file.write(data);
      this.fileBytes += data.length;
      this.dirty = true;
      start = end;
    }
  }

  /** A write hanging longer than maxWaitMs (a hung disk): release every waiting answer; appends stop waiting until a write completes. */
  private checkStall(): void {
    if (this.stalled || this.writing === undefined || Date.now() - this.writeStartedMs <= this.maxWaitMs) return;
    this.stalled = true;
    const released = [...this.writing, ...this.waiters];
    this.late += released.length;
    for (const w of released) w();
    this.waiters = this.waiters.map(() => () => undefined);
    this.opts.logger.warn('capture writes stall, answers no longer wait for them', { endpoint: this.opts.endpoint, variant: this.opts.variant });
  }

  private drop(n: number, reason: string): void {
    this.dropped += n;
    this.droppedInBurst += n;
    if (!this.failing) {
      this.failing = true;
      this.opts.logger.warn('capture records dropped, inference goes on', { endpoint: this.opts.endpoint, variant: this.opts.variant, reason });
    }
  }

  private async syncNow(): Promise<void> {
    if (!this.file || !this.dirty || this.busy) return;
    this.dirty = false;
    await this.file.sync().catch((err: unknown) => this.opts.logger.warn('capture fsync failed', { reason: oneLine(err) }));
  }

  private async closeFile(): Promise<void> {
    const f = this.file;
    this.file = undefined;
    this.fileMinute = -1;
    if (!f) return;
    if (this.dirty && this.fsync.kind !== 'none') await f.sync().catch(() => undefined);
    this.dirty = false;
    await f.close().catch(() => undefined);
  }
}
