import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runQueueSuite } from '../../../test/conformance/run-queue.suite.js';
import { createSqliteBackends } from '../../metadata/sqlite/sqlite-adapter.js';

// Each `open` is a separate connection to the same file, as a second process would have.
runQueueSuite('sql on sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-runq-'));
  const path = join(dir, 'meta', 'slipway.db');
  return {
    async open({ now }) {
      const backends = createSqliteBackends({ path, runQueue: { now } });
      await backends.init();
      return { queue: backends.runQueue, close: () => backends.close() };
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('createSqliteBackends', () => {
  it('shares one database between the metadata store and the run queue', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-runq-'));
    const backends = createSqliteBackends({ path: join(dir, 'slipway.db') });
    try {
      await backends.init();
      await backends.metadata.repositories.ensure('team/app');
      const { run } = await backends.runQueue.enqueue({ runType: 'QuickBuild', trigger: 'Manual', request: {} });
      expect(run.runId).toBe('ca1');
      expect(await backends.metadata.repositories.exists('team/app')).toBe(true);
    } finally {
      await backends.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('secret requests', () => {
  it('are gone from the database file once the run has finished, whatever its outcome', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-runq-'));
    const file = join(dir, 'slipway.db');
    const backends = createSqliteBackends({ path: file });
    try {
      await backends.init();
      const queue = backends.runQueue;
      const secret = 'queued-secret-value-9f31';
      const ok = await queue.enqueue({ runType: 'QuickBuild', trigger: 'Manual', request: {}, secretRequest: { secretBuildArgs: [{ name: 'T', value: secret }] } });
      const cancelled = await queue.enqueue({ runType: 'QuickBuild', trigger: 'Manual', request: {}, secretRequest: { secretBuildArgs: [{ name: 'T', value: `${secret}-2` }] } });
      const leased = await queue.lease({ pool: 'default', ownerId: 'a', leaseTtlMs: 60_000 });
      expect(leased?.secretRequest).toEqual({ secretBuildArgs: [{ name: 'T', value: secret }] });
      await queue.complete(ok.run.runId, 'a', { status: 'Succeeded' });
      await queue.requestCancel(cancelled.run.runId);
      const { default: Database } = await import('better-sqlite3');
      const raw = new Database(file, { readonly: true });
      try {
        const rows = raw.prepare('SELECT run_id, secret_request FROM runs ORDER BY id').all() as Array<{ run_id: string; secret_request: string | null }>;
        expect(rows).toEqual([{ run_id: ok.run.runId, secret_request: null }, { run_id: cancelled.run.runId, secret_request: null }]);
      } finally {
        raw.close();
      }
      // secure_delete: not in a free page of the file either, once the WAL is checkpointed.
      await backends.close();
      const { readFile } = await import('node:fs/promises');
      const writer = new Database(file);
      writer.pragma('wal_checkpoint(TRUNCATE)');
      writer.close();
      expect((await readFile(file)).includes(Buffer.from(secret))).toBe(false);
    } finally {
      await backends.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
