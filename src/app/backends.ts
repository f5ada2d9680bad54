import type { ObjectStore } from '../registry/storage/object-store.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import { FsObjectStore } from '../registry/storage/fs/fs-object-store.js';
import { createSqliteMetadataStore } from '../metadata/sqlite/sqlite-adapter.js';

/** Static tables from a config `driver` to its adapter: no self-registration, no guessing. */
const OBJECT_STORES = {
  filesystem: (path: string): ObjectStore => new FsObjectStore({ root: path }),
} as const;

const METADATA_STORES = {
  sqlite: (path: string): MetadataStore => createSqliteMetadataStore({ path }),
} as const;

export function createObjectStore(driver: keyof typeof OBJECT_STORES, path: string): ObjectStore {
  return OBJECT_STORES[driver](path);
}

export function createMetadataStore(driver: keyof typeof METADATA_STORES, path: string): MetadataStore {
  return METADATA_STORES[driver](path);
}
