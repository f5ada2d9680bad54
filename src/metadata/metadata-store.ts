/**
 * The metadata port: one small store per aggregate, plus transactions. Written once over
 * Kysely (metadata/sql/) for every SQL dialect; the dialect adapters (sqlite/, later
 * postgres/) only open connections and hold migrations. Blobs never go in here.
 */

export interface ManifestRecord {
  readonly repository: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly sizeBytes: number;
  readonly artifactType: string | null;
  readonly subjectDigest: string | null;
  /** JSON text of the manifest's annotations, or null. */
  readonly annotations: string | null;
  readonly createdAt: string;
}

export interface TagRecord {
  readonly repository: string;
  readonly name: string;
  readonly digest: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface UploadRecord {
  readonly id: string;
  readonly repository: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface RegistryEventRecord {
  readonly seq: number;
  readonly id: string;
  readonly action: string;
  readonly repository: string;
  readonly occurredAt: string;
  /** The ACR-shaped webhook payload, as JSON text. */
  readonly payload: string;
}

export interface UserRecord {
  readonly name: string;
  readonly passwordHash: string;
  readonly isAdmin: boolean;
  readonly createdAt: string;
}

export interface Page {
  /** Return items strictly after this key (lexical order). */
  readonly last?: string;
  readonly limit: number;
}

export interface RepositoryStore {
  /** Creates the repository when absent; idempotent. */
  ensure(name: string): Promise<void>;
  exists(name: string): Promise<boolean>;
  list(page: Page): Promise<string[]>;
  /** Removes the repository with its tags, manifests and blob links; false when absent. */
  delete(name: string): Promise<boolean>;
}

export interface BlobStore {
  /** Size of a verified blob linked into at least one repository, or undefined. */
  size(digest: string): Promise<number | undefined>;
  /** Whether a row exists for the blob, linked or not (garbage collection's stray check). */
  isRecorded(digest: string): Promise<boolean>;
  /** Records a verified blob and links it into `repository` (creating the repository). */
  registerAndLink(repository: string, digest: string, sizeBytes: number): Promise<void>;
  /** Size of the blob when it is linked into `repository`, else undefined. */
  linkedSize(repository: string, digest: string): Promise<number | undefined>;
  /** Removes the repository's link to the blob; false when there was none. */
  unlink(repository: string, digest: string): Promise<boolean>;
  /** Which of `digests` are linked into the repository (as blobs or as manifests). */
  linkedAmong(repository: string, digests: readonly string[]): Promise<Set<string>>;
}

export interface NewManifest extends Omit<ManifestRecord, 'createdAt'> {
  /** Blobs and child manifests the manifest references. */
  readonly references: readonly string[];
}

export interface ManifestStore {
  get(repository: string, digest: string): Promise<ManifestRecord | undefined>;
  /** Inserts (or keeps) the manifest and its references; the caller links its bytes as a blob. Returns true when new. */
  put(manifest: NewManifest, createdAt: string): Promise<boolean>;
  /** Deletes the manifest and every tag pointing at it; returns the tags removed, undefined when absent. */
  delete(repository: string, digest: string): Promise<string[] | undefined>;
  list(repository: string): Promise<Array<ManifestRecord & { readonly tags: string[] }>>;
  /** Manifests whose subject is `subject`, optionally filtered by artifact type. */
  referrers(repository: string, subject: string, artifactType?: string): Promise<ManifestRecord[]>;
}

export interface TagStore {
  resolve(repository: string, tag: string): Promise<TagRecord | undefined>;
  /** Points the tag at `digest`; returns the digest it pointed at before, if any. */
  set(repository: string, tag: string, digest: string, at: string): Promise<string | undefined>;
  list(repository: string, page: Page): Promise<string[]>;
  listDetailed(repository: string): Promise<TagRecord[]>;
  /** false when the tag did not exist. */
  delete(repository: string, tag: string): Promise<boolean>;
}

export interface UploadStore {
  create(upload: UploadRecord): Promise<void>;
  get(id: string): Promise<UploadRecord | undefined>;
  touch(id: string, at: string): Promise<void>;
  delete(id: string): Promise<void>;
  olderThan(cutoff: string): Promise<UploadRecord[]>;
}

export interface EventStore {
  append(event: Omit<RegistryEventRecord, 'seq'>): Promise<void>;
  list(afterSeq: number, limit: number): Promise<RegistryEventRecord[]>;
  /** The newest event's seq, 0 when there is none. */
  lastSeq(): Promise<number>;
}

export interface UserStore {
  get(name: string): Promise<UserRecord | undefined>;
  /** Creates the user; false when the name is taken. */
  create(user: UserRecord): Promise<boolean>;
  setPassword(name: string, passwordHash: string): Promise<void>;
  /** Every user, by name. */
  list(): Promise<UserRecord[]>;
  /** Removes the user and its role assignments; false when absent. */
  delete(name: string): Promise<boolean>;
  /** The roles assigned to the user (src/auth/roles.ts names), sorted. */
  roles(name: string): Promise<string[]>;
  /** Replaces the user's role assignments. */
  setRoles(name: string, roles: readonly string[], at: string): Promise<void>;
}

/** A scope map: the repository actions a token grants, as ACR writes them (`repositories/app/content/read`). */
export interface ScopeMapRecord {
  readonly name: string;
  readonly description: string;
  readonly actions: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface ScopeMapStore {
  get(name: string): Promise<ScopeMapRecord | undefined>;
  list(): Promise<ScopeMapRecord[]>;
  /** false when the name is taken. */
  create(map: ScopeMapRecord): Promise<boolean>;
  /** Replaces description and actions; false when absent. */
  update(map: ScopeMapRecord): Promise<boolean>;
  /** false when absent. */
  delete(name: string): Promise<boolean>;
}

/** One of a token's two passwords; the hash is scrypt, the value was shown once. */
export interface TokenPasswordRecord {
  readonly hash: string;
  readonly createdAt: string;
  /** ISO time; null: never expires. */
  readonly expiry: string | null;
}

export interface AccessTokenRecord {
  readonly name: string;
  readonly scopeMap: string | null;
  readonly status: 'enabled' | 'disabled';
  readonly password1: TokenPasswordRecord | null;
  readonly password2: TokenPasswordRecord | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lastUsedAt: string | null;
}

export interface AccessTokenStore {
  get(name: string): Promise<AccessTokenRecord | undefined>;
  list(): Promise<AccessTokenRecord[]>;
  /** false when the name is taken. */
  create(token: AccessTokenRecord): Promise<boolean>;
  /** Writes every field but name, createdAt and lastUsedAt; false when absent. */
  update(token: AccessTokenRecord): Promise<boolean>;
  /** false when absent. */
  delete(name: string): Promise<boolean>;
  /** Records a successful sign-in. */
  touch(name: string, at: string): Promise<void>;
  /** Names of the tokens that use the scope map. */
  usingScopeMap(scopeMap: string): Promise<string[]>;
}

/** A user's personal API token; the secret was shown once, only its scrypt hash is kept. */
export interface UserApiTokenRecord {
  readonly user: string;
  readonly name: string;
  /** The secret's public lookup part, unique across users. */
  readonly lookup: string;
  readonly hash: string;
  /** The roles the token is limited to; null: every role the user holds. */
  readonly roles: readonly string[] | null;
  readonly createdAt: string;
  /** ISO time; null: never expires. */
  readonly expiresAt: string | null;
  readonly lastUsedAt: string | null;
}

export interface UserApiTokenStore {
  get(user: string, name: string): Promise<UserApiTokenRecord | undefined>;
  byLookup(lookup: string): Promise<UserApiTokenRecord | undefined>;
  /** The user's tokens, by name. */
  list(user: string): Promise<UserApiTokenRecord[]>;
  /** false when the user already has a token of this name. */
  create(token: UserApiTokenRecord): Promise<boolean>;
  /** false when absent. */
  delete(user: string, name: string): Promise<boolean>;
  /** Records a successful sign-in. */
  touch(user: string, name: string, at: string): Promise<void>;
}

/** Queries garbage collection needs; each returns candidates older than `cutoff`. */
export interface GcStore {
  /** Untagged manifests that no other manifest of the repository needs and that are no live referrer. */
  unreferencedManifests(cutoff: string): Promise<Array<{ repository: string; digest: string; mediaType: string }>>;
  /** Blob links no manifest of their repository references, linked before `cutoff`. */
  danglingLinks(cutoff: string): Promise<Array<{ repository: string; digest: string }>>;
  /** Removes a dangling link unless it became referenced or relinked since; true when removed. */
  removeLinkIfDangling(repository: string, digest: string, cutoff: string): Promise<boolean>;
  /** Blobs linked nowhere; each is removed from the table in the same call. */
  takeOrphanBlobs(): Promise<Array<{ digest: string; sizeBytes: number }>>;
}

export interface MetadataStores {
  readonly repositories: RepositoryStore;
  readonly blobs: BlobStore;
  readonly manifests: ManifestStore;
  readonly tags: TagStore;
  readonly uploads: UploadStore;
  readonly events: EventStore;
  readonly users: UserStore;
  readonly scopeMaps: ScopeMapStore;
  readonly accessTokens: AccessTokenStore;
  readonly apiTokens: UserApiTokenStore;
  readonly gc: GcStore;
}

export interface MetadataStore extends MetadataStores {
  readonly dialect: string;
  /** Runs pending migrations; idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;
  /** Runs `fn` in one transaction with stores bound to it; rolls back when it throws. */
  withTransaction<T>(fn: (tx: MetadataStores) => Promise<T>): Promise<T>;
}
