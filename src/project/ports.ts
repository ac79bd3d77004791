/** The last commit of a repository. */
export interface CommitInfo {
  readonly sha: string;
  readonly message: string;
  /** Epoch milliseconds of the commit. */
  readonly at: number;
}

/** Git, through the `git` binary (never the user's identity: driftline commits as itself). */
export interface GitPort {
  /** `git init` with branch `main`. */
  init(dir: string): Promise<void>;
  /** Stages everything and commits; returns the commit's sha. */
  commitAll(dir: string, message: string): Promise<string>;
  /** Undefined when the repository has no commit (or is not a repository). */
  lastCommit(dir: string): Promise<CommitInfo | undefined>;
}

/** The project's files (a folder per project under the home). */
export interface ProjectFiles {
  exists(file: string): Promise<boolean>;
  mkdir(dir: string): Promise<void>;
  writeText(file: string, text: string, options?: { executable?: boolean }): Promise<void>;
  readText(file: string): Promise<string>;
  /** Folder names directly under `dir` ([] when it does not exist). */
  list(dir: string): Promise<string[]>;
  /** Removes a file or folder tree; nothing when absent. */
  remove(target: string): Promise<void>;
  /** Renames a folder (staging -> final). */
  rename(from: string, to: string): Promise<void>;
  join(...parts: string[]): string;
}
