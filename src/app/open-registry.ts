import { mkdir } from 'node:fs/promises';
import type { Config } from '../config/schema.js';
import { metadataPath, storagePath } from '../config/load.js';
import { createRegistry, type Registry } from '../registry/registry.js';
import { createMetadataStore, createObjectStore } from './backends.js';

export interface OpenedRegistry {
  readonly registry: Registry;
  close(): Promise<void>;
}

/** config → backends (initialised, migrated) → registry services; shared by `serve` and `gc`. */
export async function openRegistry(config: Readonly<Config>): Promise<OpenedRegistry> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const objects = createObjectStore(config.storage.driver, storagePath(config));
  const meta = createMetadataStore(config.metadata.driver, metadataPath(config));
  await objects.init();
  await meta.init();
  return {
    registry: createRegistry(meta, objects),
    async close() {
      await meta.close();
      await objects.close();
    },
  };
}
