import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError, Errors } from '../core/errors/index.js';

/*
 * Envelope encryption for the vault. Each vault has a random 256-bit data key; every secret
 * version is sealed with it (AES-256-GCM, a random 96-bit nonce per seal). The data key is itself
 * sealed ("wrapped") with the master key, which never enters the database. Associated data binds
 * each ciphertext to where it belongs (vault, secret, version, key ids), so a row copied onto
 * another row fails to open instead of revealing the wrong secret.
 */

/** Sealed layout: format byte, nonce, ciphertext, tag. */
const FORMAT = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** A 256-bit key and its id (a fingerprint: the same key always has the same id). */
export interface VaultKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The id of a key: 16 hex digits of a domain-separated SHA-256, safe to store and show. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('slipway-vault-key-id\0').update(key).digest('hex').slice(0, 16);
}

export function toVaultKey(key: Buffer): VaultKey {
  if (key.length !== KEY_BYTES) throw new AppError(Errors.CONFIG_INVALID, { message: `a vault key must be ${KEY_BYTES} bytes, not ${key.length}`, detail: { key: 'vault.masterKey' } });
  return { id: keyId(key), key };
}

export function generateKey(): VaultKey {
  return toVaultKey(randomBytes(KEY_BYTES));
}

function sealed(): AppError {
  return new AppError(Errors.VAULT_CIPHERTEXT_INVALID);
}

/** AES-256-GCM with a fresh random nonce; `aad` is authenticated, not stored. */
export function seal(key: VaultKey, plaintext: Buffer, aad: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT]), nonce, body, cipher.getAuthTag()]);
}

/** Opens what `seal` made with the same key and aad; any change to either fails with VAULT_CIPHERTEXT_INVALID. */
export function open(key: VaultKey, data: Buffer, aad: string): Buffer {
  if (data.length < 1 + NONCE_BYTES + TAG_BYTES || data[0] !== FORMAT) throw sealed();
  const nonce = data.subarray(1, 1 + NONCE_BYTES);
  const tag = data.subarray(data.length - TAG_BYTES);
  const body = data.subarray(1 + NONCE_BYTES, data.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw sealed();
  }
}

/** Names compare case-insensitively (Key Vault's rule; ACR lower-cases secret URLs), so the AAD uses lower case. */
export function dataKeyAad(vault: string, dataKeyId: string, masterKeyId: string): string {
  return ['slipway/vault-data-key/v1', vault.toLowerCase(), dataKeyId, masterKeyId].join('\0');
}

export function secretAad(ref: { vault: string; secret: string; version: string; dataKeyId: string }): string {
  return ['slipway/vault-secret/v1', ref.vault.toLowerCase(), ref.secret.toLowerCase(), ref.version, ref.dataKeyId].join('\0');
}

/** A vault's data key sealed with the master key. */
export function wrapDataKey(master: VaultKey, vault: string, dataKey: VaultKey): Buffer {
  return seal(master, dataKey.key, dataKeyAad(vault, dataKey.id, master.id));
}

export function unwrapDataKey(master: VaultKey, vault: string, wrapped: { readonly dataKeyId: string; readonly masterKeyId: string; readonly wrappedKey: Buffer }): VaultKey {
  if (wrapped.masterKeyId !== master.id) {
    throw new AppError(Errors.VAULT_MASTER_KEY_MISMATCH, { detail: { vault, expectedKeyId: wrapped.masterKeyId, masterKeyId: master.id } });
  }
  const key = toVaultKey(open(master, wrapped.wrappedKey, dataKeyAad(vault, wrapped.dataKeyId, master.id)));
  if (key.id !== wrapped.dataKeyId) throw sealed();
  return key;
}
