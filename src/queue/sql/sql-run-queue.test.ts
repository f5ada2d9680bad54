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
