/** Types of /api/v1 registry responses, shared by the server and its clients (CLI, portal). */
export interface ApiTag {
  readonly name: string;
  readonly digest: string;
  readonly createdTime: string;
  readonly lastUpdateTime: string;
}

export interface ApiManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly artifactType: string | null;
  readonly subject: string | null;
  readonly tags: readonly string[];
  readonly createdTime: string;
}

export interface ApiError {
  readonly error: { readonly code: string; readonly message: string; readonly detail: unknown; readonly requestId: string };
}
