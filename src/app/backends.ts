import type { ObjectStore } from '../registry/storage/object-store.js';
import type { MetadataStore } from '../metadata/metadata-store.js';
import type { RunQueue, RunStore } from '../queue/run-queue.js';
import type { ContainerEngine } from '../engine/container-engine.js';
import type { TaskStore } from '../tasks/task-store.js';
import type { SecretsSealer } from '../tasks/sql/sql-task-store.js';
import type { WebhookStore } from '../webhooks/webhook-store.js';
import type { AuditStore } from '../audit/audit-log.js';
import type { AccessStore, VaultStore } from '../vault/index.js';
import { FsObjectStore } from '../registry/storage/fs/fs-object-store.js';
import { createSqliteBackends, createSqliteMetadataStore } from '../metadata/sqlite/sqlite-adapter.js';
import { DockerEngine } from '../engine/docker/docker-engine.js';
import { InstrumentedContainerEngine, type InstrumentedEngineOptions } from '../engine/instrumented-container-engine.js';

/** Static tables from a config `driver` to its adapter: no self-registration, no guessing. */
const OBJECT_STORES = {
  filesystem: (path: string): ObjectStore => new FsObjectStore({ root: path }),
} as const;

const METADATA_STORES = {
  sqlite: (path: string): MetadataStore => createSqliteMetadataStore({ path }),
} as const;

/** The metadata store and the run queue, which share one connection. */
export interface DatabaseBackends {
  readonly meta: MetadataStore;
  readonly runQueue: RunQueue & RunStore;
  readonly taskStore: TaskStore;
  readonly webhookStore: WebhookStore;
  readonly auditStore: AuditStore;
  readonly vaultStore: VaultStore & AccessStore;
  init(): Promise<void>;
  close(): Promise<void>;
}

/** How a database backend seals task secrets (a key derived from the vault master key). */
export interface DatabaseOptions {
  readonly taskSecretsSealer?: SecretsSealer;
}

const DATABASE_BACKENDS = {
  sqlite: (path: string, options: DatabaseOptions): DatabaseBackends => {
    const b = createSqliteBackends({ path, ...(options.taskSecretsSealer === undefined ? {} : { taskSecretsSealer: options.taskSecretsSealer }) });
    return { meta: b.metadata, runQueue: b.runQueue, taskStore: b.taskStore, webhookStore: b.webhookStore, auditStore: b.auditStore, vaultStore: b.vaultStore, init: () => b.init(), close: () => b.close() };
  },
} as const;

export function createObjectStore(driver: keyof typeof OBJECT_STORES, path: string): ObjectStore {
  return OBJECT_STORES[driver](path);
}

export function createMetadataStore(driver: keyof typeof METADATA_STORES, path: string): MetadataStore {
  return METADATA_STORES[driver](path);
}

export function createDatabaseBackends(driver: keyof typeof DATABASE_BACKENDS, path: string, options: DatabaseOptions = {}): DatabaseBackends {
  return DATABASE_BACKENDS[driver](path, options);
}

/** The Docker Engine adapter on `socket`, inside the one instrumented wrapper. */
export function createContainerEngine(socket: string, options: InstrumentedEngineOptions = {}): ContainerEngine {
  return new InstrumentedContainerEngine(new DockerEngine({ socket }), options);
}
