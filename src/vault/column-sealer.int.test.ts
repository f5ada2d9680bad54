import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteBackends } from '../metadata/sqlite/sqlite-adapter.js';
import type { Task } from '../tasks/task-model.js';
import { columnSealer, fixedKeySealer, sealedBy } from './column-sealer.js';
import { generateKey } from './vault-crypto.js';

const TOKEN = 'git-token-never-in-clear-7c1d';
const PASSWORD = 'registry-password-never-in-clear-2b9e';

function task(name: string): Task {
  const at = new Date().toISOString();
  return {
    name, status: 'Enabled', platform: 'linux/amd64', agentCpu: 2, agentPoolName: null, timeoutSeconds: 600,
    step: { type: 'EncodedTask', taskFile: 'steps: []\n', valuesFile: null, values: [], secretValueNames: [] },
    triggers: { source: null, baseImage: null, timers: [] }, credentials: [], identity: null, createdAt: at, updatedAt: at,
  };
}

describe('column sealer', () => {
  it('round-trips, binds a value to its row, and reads values written before sealing existed', async () => {
    const sealer = fixedKeySealer(generateKey());
    const stored = await sealer.seal('{"a":1}', 'task:one');
    expect(stored).toMatch(/^sealed:v1:[0-9a-f]{16}:/);
    expect(await sealer.open(stored, 'task:one')).toBe('{"a":1}');
    await expect(sealer.open(stored, 'task:two')).rejects.toMatchObject({ code: 'VAULT_CIPHERTEXT_INVALID' });
    await expect(fixedKeySealer(generateKey()).open(stored, 'task:one')).rejects.toMatchObject({ code: 'VAULT_CIPHERTEXT_INVALID' });
    expect(await sealer.open('{"legacy":true}', 'task:one')).toBe('{"legacy":true}');
  });

  it('keeps task and webhook secrets out of the database file, and re-seals them to a new master key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-sealed-'));
    const file = join(dir, 'slipway.db');
    const oldKey = generateKey();
    const newKey = generateKey();
    try {
      const backends = createSqliteBackends({ path: file, taskSecretsSealer: columnSealer(async () => oldKey) });
      await backends.init();
      const secrets = { gitAccessToken: TOKEN, secretArguments: [], secretValues: [], registryPasswords: { 'r.example.invalid': PASSWORD }, webhookSecret: 'hook-secret-x' };
      await backends.taskStore.create(task('sealed-one'), secrets);
      const at = new Date().toISOString();
      await backends.webhookStore.create(
        { name: 'hook1', actions: ['push'], scope: '', status: 'enabled', cursor: 0, health: { state: 'healthy', consecutiveFailures: 0, failingSince: null, nextAttemptAt: null, lastDeliveryAt: null }, createdAt: at, updatedAt: at },
        { serviceUri: 'https://hooks.example.invalid/in?key=uri-secret-5d', customHeaders: { Authorization: 'Bearer header-secret-8a' }, signingSecret: 'signing-secret-3f' },
      );
      await backends.webhookStore.update('hook1', { customHeaders: { Authorization: 'Bearer header-secret-8b' } }, at);
      await backends.taskStore.update('sealed-one', (t, s) => ({ task: { ...t, timeoutSeconds: 700 }, secrets: s }));
      expect((await backends.taskStore.getWithSecrets('sealed-one'))?.secrets).toEqual(secrets);
      expect(await backends.taskStore.resealSecrets(fixedKeySealer(oldKey), fixedKeySealer(newKey), sealedBy(oldKey, newKey))).toBe(1);
      expect(await backends.webhookStore.resealSecrets(fixedKeySealer(oldKey), fixedKeySealer(newKey), sealedBy(oldKey, newKey))).toBe(1);
      // Run again (an interrupted rotation): nothing left to do.
      expect(await backends.taskStore.resealSecrets(fixedKeySealer(oldKey), fixedKeySealer(newKey), sealedBy(oldKey, newKey))).toBe(0);
      await backends.close();

      const reopened = createSqliteBackends({ path: file, taskSecretsSealer: columnSealer(async () => newKey) });
      await reopened.init();
      expect((await reopened.taskStore.getWithSecrets('sealed-one'))?.secrets.gitAccessToken).toBe(TOKEN);
      expect(await reopened.webhookStore.secrets('hook1')).toEqual({ serviceUri: 'https://hooks.example.invalid/in?key=uri-secret-5d', customHeaders: { Authorization: 'Bearer header-secret-8b' }, signingSecret: 'signing-secret-3f' });
      await reopened.close();
      const raw = new BetterSqlite3(file);
      raw.pragma('wal_checkpoint(TRUNCATE)');
      raw.close();
      const bytes = await readFile(file);
      for (const secret of [TOKEN, PASSWORD, 'hook-secret-x', 'uri-secret-5d', 'header-secret-8a', 'header-secret-8b', 'signing-secret-3f']) expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
