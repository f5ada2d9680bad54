import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../auth/auth-service.js';
import type { Config } from '../config/schema.js';
import { vaultPlugin } from '../api/vault-plugin.js';
import { VaultService, masterKeyProvider, type AccessStore, type VaultStore } from '../vault/index.js';

export interface WireVaultOptions {
  readonly config: Readonly<Config>;
  readonly store: VaultStore & AccessStore;
  readonly auth: AuthService;
}

/**
 * The vault service (master key from `vault.masterKey`, else `vault.masterKeyFile`, made on
 * first use) and its REST routes under /api/v1. The service is also the runs' SecretSource.
 */
export async function wireVault(app: FastifyInstance, { config, store, auth }: WireVaultOptions): Promise<VaultService> {
  const masterKey = masterKeyProvider({ dataDir: config.dataDir, masterKey: config.vault.masterKey, masterKeyFile: config.vault.masterKeyFile });
  const vault = new VaultService({ vaults: store, access: store, masterKey });
  await app.register(vaultPlugin, { auth, vault, prefix: '/api/v1' });
  return vault;
}
