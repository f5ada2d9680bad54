import { objectStoreSuite } from '../../../../test/conformance/object-store.suite.js';
import { MemoryObjectStore } from './memory-object-store.js';

objectStoreSuite('memory', async () => {
  const store = new MemoryObjectStore();
  await store.init();
  return { store, cleanup: async () => {} };
});
