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

/** `GET /api/v1/repositories` */
export interface ApiRepositoryList {
  readonly repositories: readonly string[];
}

/** `GET /api/v1/repositories/:repo/tags` */
export interface ApiTagList {
  readonly repository: string;
  readonly tags: readonly ApiTag[];
}

/** `GET /api/v1/repositories/:repo/manifests` */
export interface ApiManifestList {
  readonly repository: string;
  readonly manifests: readonly ApiManifest[];
}

/** `DELETE /api/v1/repositories/:repo` */
export interface ApiRepositoryDeleted {
  readonly repository: string;
  readonly deletedManifests: number;
  readonly deletedTags: number;
}

/** `GET /api/v1/whoami`: who the credentials belong to; a cheap credentials check for `slipway login`. */
export interface ApiWhoami {
  readonly name: string;
  readonly kind: 'user' | 'token';
  readonly isAdmin: boolean;
}
