/** Where the data plane reads a model from: the artifact of a registered version, as a local file. */
export interface ModelArtifacts {
  /** A local path of the model file (`file://` URIs as they are; other stores copied to a local cache once). `not_found` if it is gone. */
  localModelPath(modelDataUrl: string, sha256: string): Promise<string>;
  /** The local folder a capture destination URI (`file://…`) names; `invalid_argument` for a URI this store cannot write to. */
  localCaptureFolder(destinationUri: string): string;
}
