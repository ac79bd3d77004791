/** A project created from the template (the sample's Service Catalog product), persisted as `project.json`. */
export interface ProjectRecord {
  readonly name: string;
  readonly createdAt: string;
  /** The project's folder: artifact location, repositories, input folders, hook log. */
  readonly folder: string;
  readonly modelPackageGroupName: string;
  readonly buildPipelineName: string;
  readonly retrainSchedule: string;
  readonly retrainRuleName: string;
  readonly driftRuleName: string;
  /** The production stage's alarm whose ALARM state starts retraining. */
  readonly driftAlarmName: string;
  /** The production endpoint's model-quality alarm (rmse against ground truth); its ALARM also retrains. */
  readonly modelQualityAlarmName?: string;
  /** Retraining reads the production endpoint's labelled traffic of the last `days` when it has `minimumRows`. */
  readonly retrainOnCapture?: { readonly days: number; readonly minimumRows: number };
  readonly inputDataUrl: string;
  readonly inputZonesUrl: string;
  readonly repositories: {
    readonly build: { readonly name: string; readonly path: string; readonly definitionFile: string; readonly hook: string };
    readonly deploy: { readonly name: string; readonly path: string; readonly stagingConfig: string; readonly prodConfig: string };
  };
  readonly hookLog: string;
}

/** How the git hook calls driftline: the node binary and its arguments up to the command (absolute paths). */
export interface CliCommand {
  readonly node: string;
  /** Node flags (loaders) and the CLI entry file. */
  readonly args: readonly string[];
  /** The home folder the project lives in (`--home`). */
  readonly home: string;
}

/** The live state of a project's parts (whatever can be found; absent parts say so). */
export interface ProjectStatus {
  readonly project: ProjectRecord;
  readonly live: Record<string, unknown>;
  readonly repositories: {
    readonly build: { readonly path: string; readonly lastCommit?: { sha: string; message: string; at: string } };
    readonly deploy: { readonly path: string; readonly lastCommit?: { sha: string; message: string; at: string } };
  };
}
