import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectStoreSuite } from '../../../../test/conformance/object-store.suite.js';
import { FsObjectStore } from './fs-object-store.js';

objectStoreSuite('filesystem', async () => {
  const root = await mkdtemp(join(tmpdir(), 'slipway-fs-store-'));
  const store = new FsObjectStore({ root: join(root, 'objects') });
  await store.init();
  return { store, cleanup: () => rm(root, { recursive: true, force: true }) };
});
