import { afterEach, beforeEach, describe, expect } from 'vitest';
import { isAppError } from '../../src/core/errors/index.js';
import type { SealedSecretVersion, WrappedDataKey } from '../../src/vault/vault-model.js';
import type { AccessStore, VaultStore } from '../../src/vault/vault-store.js';
import { conformanceTests, type SkipList } from './skip-list.js';

/** Fresh, empty stores for one test. */
export interface VaultStoreHarness {
  readonly store: VaultStore & AccessStore;
  close(): Promise<void>;
}

const AT = '2030-01-01T00:00:00.000Z';
const key = (id = 'dk1'): WrappedDataKey => ({ dataKeyId: id, masterKeyId: 'mk1', wrappedKey: Buffer.from([1, 2, 3, id.length]) });
const version = (name: string, v: string, at = AT): SealedSecretVersion => ({ vault: 'search', name, version: v, contentType: null, createdAt: at, dataKeyId: 'dk1', ciphertext: Buffer.from(`sealed-${v}`) });

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return isAppError(err) ? err.code : String(err);
  }
}

/** The VaultStore and AccessStore contracts (src/vault/vault-store.ts), through the ports only. */
export function vaultStoreSuite(name: string, factory: () => Promise<VaultStoreHarness>, skip?: SkipList): void {
  describe(`VaultStore conformance: ${name}`, () => {
    const { test, checkSkipList } = conformanceTests(skip);
    let harness: VaultStoreHarness;
    let store: VaultStore & AccessStore;

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
      await store.createVault({ name: 'search', createdAt: AT, updatedAt: AT }, key());
    });
    afterEach(async () => harness.close());

    test('creates a vault once, finds it case-insensitively with its wrapped key, and refuses the name again', async () => {
      const found = await store.getVault('SEARCH');
      expect(found?.vault.name).toBe('search');
      expect(found?.key).toEqual(key());
      expect(await code(store.createVault({ name: 'Search', createdAt: AT, updatedAt: AT }, key()))).toBe('VAULT_EXISTS');
      expect((await store.listVaults()).map((v) => v.name)).toEqual(['search']);
    });

    test('keeps versions of a secret, the newest current, and lists names with their version count', async () => {
      await store.addSecretVersion(version('api-key', 'v1'), 1);
      await store.addSecretVersion(version('api-key', 'v2', '2030-01-02T00:00:00.000Z'), 2);
      await store.addSecretVersion(version('other', 'v3'), 3);
      expect((await store.getSecretVersion('search', 'API-KEY', null))?.version).toBe('v2');
      expect((await store.getSecretVersion('search', 'api-key', 'v1'))?.ciphertext.toString()).toBe('sealed-v1');
      expect(await store.getSecretVersion('search', 'api-key', 'nope')).toBeUndefined();
      expect((await store.listVersions('search', 'api-key')).map((v) => v.version)).toEqual(['v2', 'v1']);
      const summaries = await store.listSecrets('search');
      expect(summaries.map((s) => [s.name, s.version, s.versionCount, s.firstCreatedAt])).toEqual([
        ['api-key', 'v2', 2, AT],
        ['other', 'v3', 1, AT],
      ]);
      expect((await store.getVault('search'))?.vault.updatedAt).toBe(AT);
    });

    test('refuses a version for a vault that does not exist', async () => {
      expect(await code(store.addSecretVersion({ ...version('k', 'v1'), vault: 'gone' }, 1))).toBe('VAULT_NOT_FOUND');
    });

    test('deletes a secret with all its versions, and a vault with its secrets and policies', async () => {
      await store.addSecretVersion(version('k', 'v1'), 1);
      expect(await store.deleteSecret('search', 'K')).toBe(true);
      expect(await store.deleteSecret('search', 'k')).toBe(false);
      await store.addSecretVersion(version('k', 'v2'), 2);
      await store.createIdentity({ name: 'builder', description: null, createdAt: AT });
      await store.setPolicy({ vault: 'search', identity: 'builder', secretPermissions: ['get'], updatedAt: AT });
      expect(await store.deleteVault('search')).toBe(true);
      expect(await store.getSecretVersion('search', 'k', null)).toBeUndefined();
      expect(await store.listPolicies({ identity: 'builder' })).toEqual([]);
      expect(await store.deleteVault('search')).toBe(false);
    });

    test('keeps identities and replaces, reads and revokes their policies', async () => {
      await store.createIdentity({ name: 'builder', description: 'CI builds', createdAt: AT });
      expect(await code(store.createIdentity({ name: 'BUILDER', description: null, createdAt: AT }))).toBe('IDENTITY_EXISTS');
      expect((await store.getIdentity('Builder'))?.description).toBe('CI builds');
      await store.setPolicy({ vault: 'SEARCH', identity: 'Builder', secretPermissions: ['get', 'list'], updatedAt: AT });
      expect(await store.getPolicy('search', 'builder')).toEqual({ vault: 'search', identity: 'builder', secretPermissions: ['get', 'list'], updatedAt: AT });
      await store.setPolicy({ vault: 'search', identity: 'builder', secretPermissions: ['list'], updatedAt: AT });
      expect((await store.listPolicies({ vault: 'search' })).map((p) => p.secretPermissions)).toEqual([['list']]);
      await store.setPolicy({ vault: 'search', identity: 'builder', secretPermissions: [], updatedAt: AT });
      expect(await store.getPolicy('search', 'builder')).toBeUndefined();
      expect(await code(store.setPolicy({ vault: 'nope', identity: 'builder', secretPermissions: ['get'], updatedAt: AT }))).toBe('VAULT_NOT_FOUND');
      expect(await code(store.setPolicy({ vault: 'search', identity: 'nobody', secretPermissions: ['get'], updatedAt: AT }))).toBe('IDENTITY_NOT_FOUND');
      await store.setPolicy({ vault: 'search', identity: 'builder', secretPermissions: ['get'], updatedAt: AT });
      expect(await store.deleteIdentity('builder')).toBe(true);
      expect(await store.listPolicies({ vault: 'search' })).toEqual([]);
      expect(await store.listIdentities()).toEqual([]);
    });

    test('rewrites every key and version in one pass, and nothing when the change throws', async () => {
      await store.addSecretVersion(version('k', 'v1'), 1);
      await expect(store.rekeyAll(() => {
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect((await store.getVault('search'))?.key.dataKeyId).toBe('dk1');
      const counts = await store.rekeyAll((_vault, _key, versions) => ({ key: key('dk2'), versions: versions.map((v) => ({ ...v, dataKeyId: 'dk2', ciphertext: Buffer.from('resealed') })) }));
      expect(counts).toEqual({ vaults: 1, versions: 1 });
      expect((await store.getVault('search'))?.key.dataKeyId).toBe('dk2');
      const moved = await store.getSecretVersion('search', 'k', null);
      expect([moved?.dataKeyId, moved?.ciphertext.toString()]).toEqual(['dk2', 'resealed']);
    });

    checkSkipList();
  });
}
