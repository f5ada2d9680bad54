import { mkdir } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import { metadataPath, storagePath } from '../config/load.js';
import type { RunQueue, RunStore } from '../queue/run-queue.js';
import type { ObjectStore } from '../registry/storage/object-store.js';
import type { TaskStore } from '../tasks/task-store.js';
import type { WebhookStore } from '../webhooks/webhook-store.js';
import type { AuditStore } from '../audit/audit-log.js';
import type { AccessStore, VaultStore } from '../vault/index.js';
import { createRegistry, type Registry } from '../registry/registry.js';
import { columnSealer } from '../vault/column-sealer.js';
import { masterKeyProvider } from '../vault/index.js';
import { createDatabaseBackends, createObjectStore } from './backends.js';

export interface OpenedRegistry {
  readonly registry: Registry;
  readonly objects: ObjectStore;
  /** The run queue, over the metadata store's connection. */
  readonly runQueue: RunQueue & RunStore;
  /** Saved tasks, over the same connection. */
  readonly taskStore: TaskStore;
  /** Outbound webhooks and the audit log, same connection. */
  readonly webhookStore: WebhookStore;
  readonly auditStore: AuditStore;
  /** Vaults and identities, over the same connection. */
  readonly vaultStore: VaultStore & AccessStore;
  close(): Promise<void>;
}

/** config → backends (initialised, migrated) → registry services; shared by `serve` and `gc`. */
export async function openRegistry(config: Readonly<Config>): Promise<OpenedRegistry> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const objects = createObjectStore(config.storage.driver, storagePath(config));
  // Task secrets (git tokens, registry passwords, webhook secrets) are sealed with a key derived
  // from the vault master key, made on first use like the vault's.
  const masterKey = masterKeyProvider({ dataDir: config.dataDir, masterKey: config.vault.masterKey, masterKeyFile: config.vault.masterKeyFile });
  const database = createDatabaseBackends(config.metadata.driver, metadataPath(config), { taskSecretsSealer: columnSealer(masterKey) });
  await objects.init();
  await database.init();
  return {
    registry: createRegistry(database.meta, objects),
    objects,
    runQueue: database.runQueue,
    taskStore: database.taskStore,
    webhookStore: database.webhookStore,
    auditStore: database.auditStore,
    vaultStore: database.vaultStore,
    async close() {
      await database.close();
      await objects.close();
    },
  };
}
