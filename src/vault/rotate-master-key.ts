import { generateKey, open, seal, secretAad, unwrapDataKey, wrapDataKey, type VaultKey } from './vault-crypto.js';
import type { VaultStore } from './vault-store.js';

export interface RotationReport {
  readonly oldKeyId: string;
  readonly newKeyId: string;
  readonly vaults: number;
  readonly versions: number;
}

/**
 * Re-encrypts the whole vault to `next` in one transaction: every vault gets a NEW data key
 * wrapped by `next`, and every secret version is re-sealed with it. A vault already moved to
 * `next` (an interrupted rotation run again) is opened with `next`, so running it twice is safe.
 * Either every row moves or none does.
 */
export async function rotateMasterKey(store: VaultStore, current: VaultKey, next: VaultKey): Promise<RotationReport> {
  const counts = await store.rekeyAll((vault, wrapped, versions) => {
    const master = wrapped.masterKeyId === next.id ? next : current;
    const oldData = unwrapDataKey(master, vault, wrapped);
    const newData = generateKey();
    return {
      key: { dataKeyId: newData.id, masterKeyId: next.id, wrappedKey: wrapDataKey(next, vault, newData) },
      versions: versions.map((v) => {
        const plain = open(oldData, v.ciphertext, secretAad({ vault, secret: v.name, version: v.version, dataKeyId: v.dataKeyId }));
        const ciphertext = seal(newData, plain, secretAad({ vault, secret: v.name, version: v.version, dataKeyId: newData.id }));
        plain.fill(0);
        return { ...v, dataKeyId: newData.id, ciphertext };
      }),
    };
  });
  return { oldKeyId: current.id, newKeyId: next.id, ...counts };
}
