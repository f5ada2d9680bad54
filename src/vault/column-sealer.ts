import { hkdfSync } from 'node:crypto';
import { open, seal, type VaultKey } from './vault-crypto.js';

/**
 * Seals a database column's text (a task's secrets) with a key derived from the vault master
 * key, so the database file never holds those secrets in clear. Stored as
 * `sealed:v1:<masterKeyId>:<base64>`; text without that prefix (written before sealing existed)
 * is read as plaintext and sealed on its next write. The associated data binds each value to
 * its row (`task:<name>`), so a sealed value copied to another row does not open.
 */
export interface ColumnSealer {
  seal(plaintext: string, aad: string): Promise<string>;
  open(stored: string, aad: string): Promise<string>;
}

const PREFIX = 'sealed:v1:';

/** The column key: HKDF-SHA256 of the master key, so the master key itself seals only vault data keys. */
function columnKey(master: VaultKey): VaultKey {
  return { id: master.id, key: Buffer.from(hkdfSync('sha256', master.key, Buffer.alloc(0), 'slipway/column-key/v1', 32)) };
}

export function columnSealer(masterKey: () => Promise<VaultKey>): ColumnSealer {
  return {
    async seal(plaintext, aad) {
      const key = columnKey(await masterKey());
      return `${PREFIX}${key.id}:${seal(key, Buffer.from(plaintext, 'utf8'), aad).toString('base64')}`;
    },
    async open(stored, aad) {
      if (!stored.startsWith(PREFIX)) return stored;
      const rest = stored.slice(PREFIX.length);
      const colon = rest.indexOf(':');
      const key = columnKey(await masterKey());
      return open(key, Buffer.from(rest.slice(colon + 1), 'base64'), aad).toString('utf8');
    },
  };
}

/** A sealer with a fixed key, for rotation (open with the old key, seal with the new). */
export function fixedKeySealer(key: VaultKey): ColumnSealer {
  return columnSealer(async () => key);
}

/** Which master key sealed a stored value: `from` (old), `to` (new), or `plain` (never sealed). */
export function sealedBy(oldKey: VaultKey, newKey: VaultKey): (stored: string) => 'from' | 'to' | 'plain' {
  return (stored) => {
    if (!stored.startsWith(PREFIX)) return 'plain';
    const id = stored.slice(PREFIX.length).split(':', 1)[0];
    return id === newKey.id && id !== oldKey.id ? 'to' : 'from';
  };
}
