import type { CommandSpec } from '../../command.js';
import { flagString } from '../../command.js';
import { OUTPUT_FLAGS, formatOutput, parseOutputFormat } from '../../output/format.js';
import { usageError } from '../../run-cli.js';

/**
 * `slipway vault rotate-key`: runs against the data dir like `slipway gc`, with the server
 * STOPPED (a running server keeps the old master key in memory and could not open the vault
 * afterwards). Every vault gets a new data key sealed with a new master key and every secret
 * version is re-encrypted, in one transaction. With the key in a file, the file is replaced
 * (written first as `<file>.new`, renamed after the commit, so a crash in between leaves both
 * keys on disk and running the command again finishes the job). With the key in
 * SLIPWAY_VAULT_MASTER_KEY, the new key is read from `--new-key-file` and the operator then
 * puts it in the environment.
 */
export const vaultRotateKeyCommand: CommandSpec = {
  path: ['vault', 'rotate-key'],
  summary: 'Re-encrypt the vault to a new master key (stop the server first)',
  usage: 'slipway vault rotate-key [--new-key-file FILE] [--data-dir DIR] [--config FILE] [-o json|table|tsv|yaml]',
  flags: {
    'new-key-file': { type: 'string', description: 'A file holding the new master key (32 bytes, base64); required when the key comes from SLIPWAY_VAULT_MASTER_KEY, else a new key is generated' },
    'data-dir': { type: 'string', description: 'State directory (env SLIPWAY_DATA_DIR, default ./.slipway)' },
    config: { type: 'string', description: 'YAML config file (env SLIPWAY_CONFIG)' },
    ...OUTPUT_FLAGS,
  },
  examples: ['slipway vault rotate-key --data-dir /var/lib/slipway', 'SLIPWAY_VAULT_MASTER_KEY=… slipway vault rotate-key --new-key-file new.key'],
  async run(input, io) {
    const overrides: Record<string, unknown> = {};
    const dataDir = flagString(input, 'data-dir');
    if (dataDir !== undefined) overrides.dataDir = dataDir;
    const file = flagString(input, 'config');
    const { loadConfig } = await import('../../../config/load.js');
    const { config } = loadConfig({ env: io.env, overrides, ...(file === undefined ? {} : { file }) });
    const vault = await import('../../../vault/index.js');
    const { readFile, rename } = await import('node:fs/promises');
    const keyOptions = { dataDir: config.dataDir, masterKey: config.vault.masterKey, masterKeyFile: config.vault.masterKeyFile };
    const current = await vault.readMasterKey(keyOptions);
    if (current === undefined) throw usageError(`no vault master key at ${vault.masterKeyPath(keyOptions)} and no SLIPWAY_VAULT_MASTER_KEY: nothing was ever encrypted`);
    const newKeyFile = flagString(input, 'new-key-file');
    const isEnvKey = config.vault.masterKey !== undefined;
    if (isEnvKey && newKeyFile === undefined) throw usageError('the master key comes from SLIPWAY_VAULT_MASTER_KEY: give the new one with --new-key-file');
    const pendingFile = `${vault.masterKeyPath(keyOptions)}.new`;
    const pending = isEnvKey ? undefined : await readFile(pendingFile, 'utf8').then((t) => vault.decodeKey(t, pendingFile), () => undefined);
    const next = newKeyFile !== undefined ? vault.decodeKey(await readFile(newKeyFile, 'utf8'), newKeyFile) : (pending ?? vault.generateKey());
    if (!isEnvKey) await vault.writeKeyFile(pendingFile, next);
    const { openRegistry } = await import('../../../app/open-registry.js');
    const opened = await openRegistry(config);
    try {
      const report = await vault.rotateMasterKey(opened.vaultStore, current, next);
      // Task secrets are sealed with a key derived from the master key: re-seal them too, before the key file moves.
      const sealing = await import('../../../vault/column-sealer.js');
      const tasks = await opened.taskStore.resealSecrets(sealing.fixedKeySealer(current), sealing.fixedKeySealer(next), sealing.sealedBy(current, next));
      const webhooks = await opened.webhookStore.resealSecrets(sealing.fixedKeySealer(current), sealing.fixedKeySealer(next), sealing.sealedBy(current, next));
      if (!isEnvKey) await rename(pendingFile, vault.masterKeyPath(keyOptions));
      const output = flagString(input, 'output');
      if (output !== undefined) io.out(formatOutput({ ...report, taskSecrets: tasks, webhookSecrets: webhooks }, { output: parseOutputFormat(output) }));
      else io.out(`vault re-encrypted to master key ${report.newKeyId} (was ${report.oldKeyId}): ${report.vaults} vaults, ${report.versions} secret versions, ${tasks} tasks' and ${webhooks} webhooks' secrets${isEnvKey ? '\nset SLIPWAY_VAULT_MASTER_KEY to the new key before starting the server' : ''}`);
      return 0;
    } finally {
      await opened.close();
    }
  },
};
