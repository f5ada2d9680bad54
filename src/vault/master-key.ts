import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError, Errors } from '../core/errors/index.js';
import { KEY_BYTES, generateKey, toVaultKey, type VaultKey } from './vault-crypto.js';

/** Where the master key comes from: config `vault` (masterKey wins over the file). */
export interface MasterKeyOptions {
  readonly dataDir: string;
  /** Base64 (SLIPWAY_VAULT_MASTER_KEY). */
  readonly masterKey?: string | undefined;
  /** @defaultValue `<dataDir>/keys/vault-master.key` */
  readonly masterKeyFile?: string | undefined;
}

export function masterKeyPath(options: MasterKeyOptions): string {
  return options.masterKeyFile ?? join(options.dataDir, 'keys', 'vault-master.key');
}

/** Decodes a base64 key; the message never repeats the text (it is a key, or close to one). */
export function decodeKey(text: string, source: string): VaultKey {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== KEY_BYTES) {
    throw new AppError(Errors.CONFIG_INVALID, { message: `${source}: the vault master key must be ${KEY_BYTES} bytes in base64`, detail: { key: 'vault.masterKey' } });
  }
  return toVaultKey(key);
}

async function readKeyFile(file: string): Promise<VaultKey | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError(Errors.CONFIG_INVALID, { message: `vault.masterKeyFile: cannot read ${file}`, detail: { key: 'vault.masterKeyFile' }, cause: err });
  }
  return decodeKey(text, file);
}

/** Writes a key file 0600 (its folder 0700) through a temporary file, so a reader never sees half a key. */
export async function writeKeyFile(file: string, key: VaultKey, options: { readonly isExclusive?: boolean } = {}): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  if (options.isExclusive === true) {
    await writeFile(file, `${key.key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return;
  }
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, `${key.key.toString('base64')}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
}

/** The master key if one is configured or on disk; undefined when none exists yet. */
export async function readMasterKey(options: MasterKeyOptions): Promise<VaultKey | undefined> {
  if (options.masterKey !== undefined) return decodeKey(options.masterKey, 'SLIPWAY_VAULT_MASTER_KEY (vault.masterKey)');
  return readKeyFile(masterKeyPath(options));
}

/**
 * The master key, made on first use (32 random bytes, 0600) when neither the env var nor the
 * file holds one. Memoised; a failed attempt is retried on the next call.
 */
export function masterKeyProvider(options: MasterKeyOptions): () => Promise<VaultKey> {
  let pending: Promise<VaultKey> | undefined;
  const load = async (): Promise<VaultKey> => {
    const existing = await readMasterKey(options);
    if (existing !== undefined) return existing;
    const file = masterKeyPath(options);
    // Two servers starting at once: the second's exclusive create fails and it reads the first's key.
    await writeKeyFile(file, generateKey(), { isExclusive: true }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    });
    const created = await readKeyFile(file);
    if (created === undefined) throw new AppError(Errors.CONFIG_INVALID, { message: `vault.masterKeyFile: cannot create ${file}`, detail: { key: 'vault.masterKeyFile' } });
    return created;
  };
  return () => {
    pending ??= load().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
