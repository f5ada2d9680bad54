import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vaultStoreSuite } from '../../../test/conformance/vault-store.suite.js';
import { createSqliteBackends } from '../../metadata/sqlite/sqlite-adapter.js';

vaultStoreSuite('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-vault-store-'));
  const backends = createSqliteBackends({ path: join(dir, 'slipway.db') });
  await backends.init();
  return {
    store: backends.vaultStore,
    async close() {
      await backends.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
