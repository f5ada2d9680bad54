import { objectStoreSuite } from '../../../../test/conformance/object-store.suite.js';
import { MemoryObjectStore } from './memory-object-store.js';

const NO_KEY_VALIDATION = 'the memory store keeps any string as a map key and does not validate keys';

objectStoreSuite(
  'memory',
  async () => {
    const store = new MemoryObjectStore();
    await store.init();
    return { store, cleanup: async () => {} };
  },
  {
    'every method rejects the key ../x with INVALID_ARGUMENT': NO_KEY_VALIDATION,
    'every method rejects the key /abs with INVALID_ARGUMENT': NO_KEY_VALIDATION,
    'every method rejects the key a/../b with INVALID_ARGUMENT': NO_KEY_VALIDATION,
  },
);
