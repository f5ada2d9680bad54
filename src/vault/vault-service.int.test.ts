import { readFile, readdir, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../core/errors/index.js';
import { createSqliteBackends, type SqliteBackends } from '../metadata/sqlite/sqlite-adapter.js';
import { masterKeyPath, masterKeyProvider, readMasterKey } from './master-key.js';
import { rotateMasterKey } from './rotate-master-key.js';
import { generateKey, type VaultKey } from './vault-crypto.js';
import { VaultService } from './vault-service.js';

const VALUE = 'sk-live-Zq8P3xN1vR5tW7yB9dF2hJ4';
const signal = new AbortController().signal;

let dir: string;
let backends: SqliteBackends;
let master: VaultKey;
let service: VaultService;

function serviceWith(key: VaultKey): VaultService {
  return new VaultService({ vaults: backends.vaultStore, access: backends.vaultStore, masterKey: async () => key });
}

async function code(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return isAppError(err) ? err.code : String(err);
  }
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-vault-'));
  backends = createSqliteBackends({ path: join(dir, 'slipway.db') });
  await backends.init();
  master = generateKey();
  service = serviceWith(master);
  await service.createVault('search');
});

afterEach(async () => {
  await backends.close();
  await rm(dir, { recursive: true, force: true });
});

/** Every byte SQLite wrote: the database, its WAL and shared memory. */
async function databaseBytes(): Promise<Buffer> {
  const files = (await readdir(dir)).filter((f) => f.startsWith('slipway.db'));
  return Buffer.concat(await Promise.all(files.map((f) => readFile(join(dir, f)))));
}

describe('encryption at rest', () => {
  it('never writes a secret value into the database file, in UTF-8, UTF-16 or base64', async () => {
    await service.setSecret('search', 'SearchServiceApiKey', VALUE);
    await service.setSecret('search', 'SearchServiceApiKey', `${VALUE}-v2`);
    const bytes = await databaseBytes();
    expect(bytes.length).toBeGreaterThan(0);
    for (const form of [Buffer.from(VALUE), Buffer.from(VALUE, 'utf16le'), Buffer.from(Buffer.from(VALUE).toString('base64')), Buffer.from(VALUE.slice(0, 12))]) {
      expect(bytes.includes(form)).toBe(false);
    }
    expect(bytes.includes(master.key)).toBe(false);
    expect((await service.reveal('search', 'searchserviceapikey')).value).toBe(`${VALUE}-v2`);
  });

  it('reads older versions by id', async () => {
    const first = await service.setSecret('search', 'k', 'one-value');
    await service.setSecret('search', 'k', 'two-value');
    expect((await service.reveal('search', 'k', first.version)).value).toBe('one-value');
    expect((await service.secretVersions('search', 'k')).length).toBe(2);
  });

  it('refuses to open the vault with another master key', async () => {
    await service.setSecret('search', 'k', VALUE);
    expect(await code(serviceWith(generateKey()).reveal('search', 'k'))).toBe('VAULT_MASTER_KEY_MISMATCH');
  });
});

describe('policies', () => {
  beforeEach(async () => {
    await service.setSecret('search', 'SearchServiceApiKey', VALUE);
    await service.createIdentity('indexer');
  });

  const read = (identity: string | null, vault = 'search', secret = 'SearchServiceApiKey') => service.readSecret({ identity, vault, secret, version: null }, { signal });

  it('lets an identity with get read the value, and no one else', async () => {
    expect(await code(read('indexer'))).toBe('SECRET_ACCESS_DENIED');
    await service.setPolicy('search', 'indexer', ['list']);
    expect(await code(read('indexer'))).toBe('SECRET_ACCESS_DENIED');
    await service.setPolicy('search', 'indexer', ['get', 'list']);
    expect(await read('INDEXER')).toBe(VALUE);
    expect(await code(read(null))).toBe('SECRET_ACCESS_DENIED');
    expect(await code(read('stranger'))).toBe('SECRET_ACCESS_DENIED');
  });

  it('names the identity, the vault and the missing permission when it denies', async () => {
    try {
      await read('indexer');
      expect.unreachable();
    } catch (err) {
      expect(isAppError(err) && err.detail).toEqual({ vault: 'search', secret: 'SearchServiceApiKey', identity: 'indexer', permission: 'get' });
      expect((err as Error).message).toMatch(/identity "indexer" lacks the "get" secret permission on vault "search"/);
    }
  });

  it('checks the policy before telling whether a vault or secret exists', async () => {
    expect(await code(read('indexer', 'nope'))).toBe('SECRET_ACCESS_DENIED');
    await service.setPolicy('search', 'indexer', ['get']);
    expect(await code(read('indexer', 'search', 'missing'))).toBe('SECRET_NOT_FOUND');
  });

  it('revokes with an empty permission list, on identity delete and on vault delete', async () => {
    await service.setPolicy('search', 'indexer', ['get']);
    expect(await service.setPolicy('search', 'indexer', [])).toBeNull();
    expect(await code(read('indexer'))).toBe('SECRET_ACCESS_DENIED');
    expect(await code(service.setPolicy('search', 'indexer', ['write']))).toBe('REQUEST_INVALID');
  });

  it('validates names as Key Vault does', async () => {
    expect(await code(service.createVault('bad_name'))).toBe('REQUEST_INVALID');
    expect(await code(service.setSecret('search', 'x'.repeat(128), 'v'))).toBe('REQUEST_INVALID');
    expect(await code(service.createIdentity('a b'))).toBe('REQUEST_INVALID');
  });
});

describe('master key rotation', () => {
  it('re-encrypts every vault to a new key; the old key no longer opens anything', async () => {
    await service.createVault('billing');
    const v1 = await service.setSecret('search', 'k', VALUE);
    await service.setSecret('search', 'k', 'second');
    await service.setSecret('billing', 'card', 'card-value');
    const before = await databaseBytes();
    const next = generateKey();
    const report = await rotateMasterKey(backends.vaultStore, master, next);
    expect(report).toEqual({ oldKeyId: master.id, newKeyId: next.id, vaults: 2, versions: 3 });
    const rotated = serviceWith(next);
    expect((await rotated.reveal('search', 'k', v1.version)).value).toBe(VALUE);
    expect((await rotated.reveal('billing', 'card')).value).toBe('card-value');
    expect(await code(service.reveal('search', 'k'))).toBe('VAULT_MASTER_KEY_MISMATCH');
    expect(before.equals(await databaseBytes())).toBe(false);
    // Running it again (an interrupted rotation) is safe: vaults already on the new key stay readable.
    await rotateMasterKey(backends.vaultStore, master, next);
    expect((await rotated.reveal('search', 'k')).value).toBe('second');
  });
});

describe('master key file', () => {
  it('is made once on first use, 0600, and read back the same', async () => {
    const options = { dataDir: dir };
    expect(await readMasterKey(options)).toBeUndefined();
    const key = await masterKeyProvider(options)();
    const { stat } = await import('node:fs/promises');
    expect((await stat(masterKeyPath(options))).mode & 0o777).toBe(0o600);
    expect((await masterKeyProvider(options)()).id).toBe(key.id);
    const fromEnv = await readMasterKey({ dataDir: dir, masterKey: master.key.toString('base64') });
    expect(fromEnv?.id).toBe(master.id);
    await expect(readMasterKey({ dataDir: dir, masterKey: 'not-a-key' })).rejects.toThrow(/32 bytes in base64/);
  });
});
