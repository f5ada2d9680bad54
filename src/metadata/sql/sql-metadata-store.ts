import type { Kysely } from 'kysely';
import type { MetadataStore, MetadataStores } from '../metadata-store.js';
import type { Database } from './schema.js';
import { blobStore, manifestStore, repositoryStore, tagStore } from './registry-stores.js';
import { eventStore, gcStore, uploadStore } from './support-stores.js';
import { accessTokenStore, scopeMapStore, userStore } from './access-stores.js';
import { userApiTokenStore } from './user-api-token-store.js';

export function bindStores(db: Kysely<Database>): MetadataStores {
  return {
    repositories: repositoryStore(db),
    blobs: blobStore(db),
    manifests: manifestStore(db),
    tags: tagStore(db),
    uploads: uploadStore(db),
    events: eventStore(db),
    users: userStore(db),
    scopeMaps: scopeMapStore(db),
    accessTokens: accessTokenStore(db),
    apiTokens: userApiTokenStore(db),
    gc: gcStore(db),
  };
}

/** What a dialect adapter supplies: a Kysely instance, migrations and its transaction runner. */
export interface SqlDialectAdapter {
  readonly dialect: string;
  readonly db: Kysely<Database>;
  migrate(): Promise<void>;
  /** Runs `fn` inside one transaction holding the write lock from its first statement. */
  transaction<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The metadata store for every SQL dialect: queries are written once, over Kysely. */
export class SqlMetadataStore implements MetadataStore {
  readonly dialect: string;
  readonly repositories;
  readonly blobs;
  readonly manifests;
  readonly tags;
  readonly uploads;
  readonly events;
  readonly users;
  readonly scopeMaps;
  readonly accessTokens;
  readonly apiTokens;
  readonly gc;

  constructor(private readonly adapter: SqlDialectAdapter) {
    this.dialect = adapter.dialect;
    const stores = bindStores(adapter.db);
    this.repositories = stores.repositories;
    this.blobs = stores.blobs;
    this.manifests = stores.manifests;
    this.tags = stores.tags;
    this.uploads = stores.uploads;
    this.events = stores.events;
    this.users = stores.users;
    this.scopeMaps = stores.scopeMaps;
    this.accessTokens = stores.accessTokens;
    this.apiTokens = stores.apiTokens;
    this.gc = stores.gc;
  }

  init(): Promise<void> {
    return this.adapter.migrate();
  }

  close(): Promise<void> {
    return this.adapter.close();
  }

  withTransaction<T>(fn: (tx: MetadataStores) => Promise<T>): Promise<T> {
    return this.adapter.transaction((db) => fn(bindStores(db)));
  }
}
