import type { RunStore } from '../queue/run-queue.js';
import type { ObjectStore } from '../registry/storage/object-store.js';
import { StorageLayout } from '../registry/storage/layout.js';
import { isStoreError } from '../core/errors/index.js';
import { RunStatus } from './run-state.js';

export interface ContextGcOptions {
  readonly dryRun: boolean;
  /** Contexts younger than this stay: an upload whose run is being created right now. */
  readonly graceSeconds: number;
  readonly now?: Date;
}

export interface ContextGcReport {
  readonly removedContexts: number;
  readonly contextBytes: number;
}

/** Run ids are bounded per call; a queue this long is beyond what one server holds. */
const ACTIVE_RUNS_LIMIT = 1_000_000;

/**
 * Removes uploaded build contexts nobody will use: older than the grace period and not the
 * context of a Queued or Running run. They are left when a client uploads and never creates its
 * run, or when an agent dies before it removes the context of the run it held.
 */
export async function collectUnusedContexts(objects: ObjectStore, runs: RunStore, options: ContextGcOptions): Promise<ContextGcReport> {
  const cutoff = (options.now ?? new Date()).getTime() - options.graceSeconds * 1000;
  const inUse = new Set<string>();
  for (const status of [RunStatus.Queued, RunStatus.Running]) {
    for (const run of await runs.list({ status, top: ACTIVE_RUNS_LIMIT })) {
      const id = run.request['contextId'];
      if (typeof id === 'string') inUse.add(id);
    }
  }
  let removedContexts = 0;
  let contextBytes = 0;
  for await (const key of objects.list('contexts/')) {
    const id = /^contexts\/([0-9a-f-]{36})\.tar$/.exec(key)?.[1];
    if (id === undefined || inUse.has(id) || key !== StorageLayout.context(id)) continue;
    const info = await objects.stat(key).catch((err: unknown) => {
      if (isStoreError(err, 'NOT_FOUND')) return undefined;
      throw err;
    });
    if (info === undefined || info.modifiedAt.getTime() > cutoff) continue;
    if (!options.dryRun) await objects.delete(key);
    removedContexts += 1;
    contextBytes += info.sizeBytes;
  }
  return { removedContexts, contextBytes };
}
