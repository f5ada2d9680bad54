import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteBackends, type SqliteBackends } from '../metadata/sqlite/sqlite-adapter.js';
import { MemoryObjectStore } from '../registry/storage/memory/memory-object-store.js';
import { StorageLayout } from '../registry/storage/layout.js';
import { collectUnusedContexts } from './context-gc.js';

const ids = {
  orphan: '00000000-0000-4000-8000-000000000001',
  queued: '00000000-0000-4000-8000-000000000002',
  running: '00000000-0000-4000-8000-000000000003',
  finished: '00000000-0000-4000-8000-000000000004',
  neverRun: '00000000-0000-4000-8000-000000000005',
};

let backends: SqliteBackends;
let objects: MemoryObjectStore;

beforeEach(async () => {
  backends = createSqliteBackends({ path: ':memory:' });
  await backends.init();
  objects = new MemoryObjectStore();
  await objects.init();
});
afterEach(async () => {
  await backends.close();
});

async function put(id: string, bytes: number): Promise<void> {
  await objects.put(StorageLayout.context(id), Buffer.alloc(bytes));
}

const enqueue = (contextId: string) => backends.runQueue.enqueue({ runType: 'QuickBuild', trigger: 'Manual', request: { contextId } });

describe('collectUnusedContexts', () => {
  it('removes old contexts no Queued or Running run needs, keeps the rest, and a dry run changes nothing', async () => {
    for (const id of Object.values(ids)) await put(id, 100);
    await enqueue(ids.running);
    expect(await backends.runQueue.lease({ pool: 'default', ownerId: 'agent', leaseTtlMs: 60_000 })).toBeDefined();
    await enqueue(ids.queued);
    const done = await enqueue(ids.finished);
    await backends.runQueue.requestCancel(done.run.runId);
    await objects.put('contexts/not-a-context.txt', Buffer.from('x'));
    const later = new Date(Date.now() + 3_600_000);

    const dry = await collectUnusedContexts(objects, backends.runQueue, { dryRun: true, graceSeconds: 60, now: later });
    expect(dry).toEqual({ removedContexts: 3, contextBytes: 300 });
    expect(await objects.stat(StorageLayout.context(ids.orphan))).toBeDefined();

    // Inside the grace period nothing goes, whoever uses it.
    expect(await collectUnusedContexts(objects, backends.runQueue, { dryRun: false, graceSeconds: 60 })).toEqual({ removedContexts: 0, contextBytes: 0 });
    expect(await collectUnusedContexts(objects, backends.runQueue, { dryRun: false, graceSeconds: 60, now: later })).toEqual({ removedContexts: 3, contextBytes: 300 });
    const left: string[] = [];
    for await (const key of objects.list('contexts/')) left.push(key);
    expect(left.sort()).toEqual([StorageLayout.context(ids.queued), StorageLayout.context(ids.running), 'contexts/not-a-context.txt'].sort());
  });
});
