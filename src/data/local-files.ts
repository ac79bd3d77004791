import type { DatasetFile } from './types.js';

/** Appends text to one output file, hashing it as it goes. */
export interface TextSink {
  write(text: string): Promise<void>;
}

/**
 * An output folder being written: files go to a hidden temporary folder beside the target and appear
 * at the target only on `commit`, all at once. `abort` removes everything written so far.
 */
export interface StagedOutput {
  /** The final folder. */
  readonly dir: string;
  /** The final folder's URI (`file:///…`). */
  readonly uri: string;
  /** Opens `relPath` (e.g. `train/train.csv`) for writing. */
  open(relPath: string): Promise<TextSink>;
  /** A path inside the staging folder for a file some other writer produces; it is hashed on commit. */
  localPath(relPath: string): Promise<string>;
  /** Closes every file, moves the folder into place and returns the files written (sorted by path). */
  commit(): Promise<DatasetFile[]>;
  abort(): Promise<void>;
}

/** Facts about one local file. */
export interface LocalFileInfo {
  readonly path: string;
  readonly uri: string;
  readonly sizeBytes: number;
  readonly sha256: string;
}

/**
 * The local filesystem as the data context needs it. Adapter: `NodeLocalFiles`.
 * - `expand` turns paths, folders and `*`/`?` patterns into a sorted, de-duplicated file list;
 *   a pattern or path that matches nothing throws `NotFoundError`;
 * - `stage` refuses (`FailedPreconditionError`) a target folder that exists and is not empty unless `replace`.
 */
export interface LocalFiles {
  expand(patterns: readonly string[], extensions: readonly string[]): Promise<string[]>;
  describe(file: string): Promise<LocalFileInfo>;
  /** The text of a file, or undefined when it does not exist. */
  readText(file: string): Promise<string | undefined>;
  /** Writes a whole text file atomically (temporary sibling, then rename), creating folders. */
  writeText(file: string, text: string): Promise<void>;
  /** Removes a folder that a committed stage wrote (used to undo a commit when recording it failed). */
  remove(dir: string): Promise<void>;
  stage(dir: string, options: { replace: boolean }): Promise<StagedOutput>;
}
