/**
 * Local job folders and the artifacts they read and write. Each job attempt gets its own folder,
 * standing in for SageMaker's `/opt/ml/processing` (or `/opt/ml` for training). Adapter:
 * `FsStepWorkspace` (pipeline/adapters), over the configured ArtifactStore; `MemoryStepWorkspace`
 * for unit tests. Both pass `step-workspace.contract.ts`.
 *
 * URIs are artifact-store URIs (`file:///…/artifacts/…`, later `s3://…`) or, for inputs only,
 * local paths and `file://` URIs outside the store (raw trip files).
 */
export interface StepWorkspace {
  /** The folder of a job attempt (whether or not it exists). */
  jobFolder(jobName: string): string;
  /** Creates an empty folder for one job attempt and returns its absolute path. */
  createJobFolder(jobName: string): Promise<string>;
  /** Removes the folder a job of this name had (an attempt cut short by a crash), if any. */
  discardJobFolder(jobName: string): Promise<void>;
  /** Removes a job folder and everything in it. */
  removeJobFolder(dir: string): Promise<void>;
  /** Makes a folder (and parents) inside a job folder. */
  ensureDir(dir: string): Promise<void>;
  /** Copies what `uri` names (one file or everything under a folder prefix) into the local folder `dir`. Throws NotFoundError when it names nothing. */
  download(uri: string, dir: string): Promise<{ files: number; bytes: number }>;
  /**
   * Stores every file under the local folder `dir` at the folder URI `uri`, replacing what was
   * there: the new files are all written before any old file that is not among them is deleted.
   */
  upload(dir: string, uri: string): Promise<{ files: number; bytes: number }>;
  /** A content fingerprint of what `uri` names: sha256 over the sorted (relative path, sha256) pairs. */
  fingerprint(uri: string): Promise<string>;
  /** The sha256 of one file. */
  sha256(uri: string): Promise<string>;
  /** True when `uri` names at least one file. */
  exists(uri: string): Promise<boolean>;
  readText(uri: string): Promise<string>;
  /** Stores a text (a job's log) under a key of the artifact store and returns its URI. */
  putText(key: string, text: string): Promise<string>;
  /** The texts stored under an artifact folder key (job logs), by name. */
  readLogs(prefix: string): Promise<{ name: string; text: string }[]>;
  /** Reads a local file (a job's log or result) or undefined. */
  readLocal(file: string): Promise<string | undefined>;
  /** Writes a local file inside a job folder (parents created). */
  writeLocal(file: string, text: string): Promise<void>;
  /** The URI of an artifact key (a folder when it ends with `/`). */
  uriOf(key: string): string;
}
