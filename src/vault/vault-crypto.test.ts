import { describe, expect, it } from 'vitest';
import { isAppError } from '../core/errors/index.js';
import { generateKey, keyId, open, seal, secretAad, unwrapDataKey, wrapDataKey } from './vault-crypto.js';

const aad = secretAad({ vault: 'search', secret: 'SearchServiceApiKey', version: 'a'.repeat(32), dataKeyId: 'k1' });

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return isAppError(err) ? err.code : 'NOT_APP_ERROR';
  }
}

describe('vault crypto', () => {
  it('round-trips a value and never stores it in clear', () => {
    const key = generateKey();
    const plain = Buffer.from('hunter2-api-key-value');
    const sealed = seal(key, plain, aad);
    expect(sealed.includes(plain)).toBe(false);
    expect(open(key, sealed, aad).toString()).toBe('hunter2-api-key-value');
  });

  it('uses a fresh nonce for every seal, so the same value never gives the same ciphertext', () => {
    const key = generateKey();
    expect(seal(key, Buffer.from('same'), aad).equals(seal(key, Buffer.from('same'), aad))).toBe(false);
  });

  it('detects a flipped bit anywhere in the ciphertext', () => {
    const key = generateKey();
    const sealed = seal(key, Buffer.from('value'), aad);
    for (const index of [1, 13, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[index] = tampered[index]! ^ 1;
      expect(code(() => open(key, tampered, aad))).toBe('VAULT_CIPHERTEXT_INVALID');
    }
    expect(code(() => open(key, sealed.subarray(0, 20), aad))).toBe('VAULT_CIPHERTEXT_INVALID');
  });

  it('refuses a ciphertext moved to another secret, vault or version (wrong associated data)', () => {
    const key = generateKey();
    const sealed = seal(key, Buffer.from('value'), aad);
    const elsewhere = [
      secretAad({ vault: 'search', secret: 'Other', version: 'a'.repeat(32), dataKeyId: 'k1' }),
      secretAad({ vault: 'billing', secret: 'SearchServiceApiKey', version: 'a'.repeat(32), dataKeyId: 'k1' }),
      secretAad({ vault: 'search', secret: 'SearchServiceApiKey', version: 'b'.repeat(32), dataKeyId: 'k1' }),
    ];
    for (const other of elsewhere) expect(code(() => open(key, sealed, other))).toBe('VAULT_CIPHERTEXT_INVALID');
    // Names compare case-insensitively, as Key Vault's do.
    expect(open(key, sealed, secretAad({ vault: 'SEARCH', secret: 'searchserviceapikey', version: 'a'.repeat(32), dataKeyId: 'k1' })).toString()).toBe('value');
  });

  it('refuses another key', () => {
    const sealed = seal(generateKey(), Buffer.from('value'), aad);
    expect(code(() => open(generateKey(), sealed, aad))).toBe('VAULT_CIPHERTEXT_INVALID');
  });

  it('wraps a data key for one vault and master key only', () => {
    const master = generateKey();
    const data = generateKey();
    const wrapped = { dataKeyId: data.id, masterKeyId: master.id, wrappedKey: wrapDataKey(master, 'search', data) };
    expect(unwrapDataKey(master, 'search', wrapped).key.equals(data.key)).toBe(true);
    expect(code(() => unwrapDataKey(master, 'billing', wrapped))).toBe('VAULT_CIPHERTEXT_INVALID');
    expect(code(() => unwrapDataKey(generateKey(), 'search', wrapped))).toBe('VAULT_MASTER_KEY_MISMATCH');
  });

  it('gives a key a stable id that is not the key', () => {
    const key = generateKey();
    expect(keyId(key.key)).toBe(key.id);
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(key.key.toString('hex').includes(key.id)).toBe(false);
  });
});
