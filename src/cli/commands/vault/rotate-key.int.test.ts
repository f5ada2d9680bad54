import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/load.js';
import { openRegistry } from '../../../app/open-registry.js';
import { VaultService, decodeKey, masterKeyPath, masterKeyProvider } from '../../../vault/index.js';
import { captureIo } from '../../output/capture-io.js';
import { vaultRotateKeyCommand } from './rotate-key.js';

describe('slipway vault rotate-key', () => {
  it('replaces the key file and leaves every secret readable with the new key only', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'slipway-rotate-'));
    try {
      const { config } = loadConfig({ env: {}, overrides: { dataDir } });
      const service = async (): Promise<{ vault: VaultService; close: () => Promise<void> }> => {
        const opened = await openRegistry(config);
        return { vault: new VaultService({ vaults: opened.vaultStore, access: opened.vaultStore, masterKey: masterKeyProvider({ dataDir }) }), close: () => opened.close() };
      };
      const before = await service();
      await before.vault.createVault('search');
      await before.vault.setSecret('search', 'k', 'rotate-me-value');
      await before.close();
      const oldKey = decodeKey(await readFile(masterKeyPath({ dataDir }), 'utf8'), 'old');

      const captured = captureIo();
      expect(await vaultRotateKeyCommand.run({ flags: { 'data-dir': dataDir, output: 'json' }, positionals: [] }, captured.io)).toBe(0);
      const report = JSON.parse(captured.stdout()) as { oldKeyId: string; newKeyId: string; vaults: number; versions: number };
      expect(report).toMatchObject({ oldKeyId: oldKey.id, vaults: 1, versions: 1 });
      const newKey = decodeKey(await readFile(masterKeyPath({ dataDir }), 'utf8'), 'new');
      expect(newKey.id).toBe(report.newKeyId);

      const after = await service();
      expect((await after.vault.reveal('search', 'k')).value).toBe('rotate-me-value');
      await after.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
