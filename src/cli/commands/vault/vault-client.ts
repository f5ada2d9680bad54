import type { ApiIdentity, ApiPolicy, ApiSecret, ApiSecretValue, ApiVault, ApiVaultDetail } from '../../../api/contract/vault.js';
import { ApiClient } from '../../client/api-client.js';

const enc = encodeURIComponent;
const jsonBody = (body: unknown): { body: string; contentType: string } => ({ body: JSON.stringify(body), contentType: 'application/json' });

/** The /api/v1 vault calls (src/api/contract/vault.ts), on the same transport as ApiClient. */
export class VaultClient extends ApiClient {
  static from(client: ApiClient): VaultClient {
    return new VaultClient(client.options);
  }

  createVault(name: string, signal: AbortSignal): Promise<ApiVault> {
    return this.json('POST', '/vaults', signal, jsonBody({ name }));
  }
  listVaults(signal: AbortSignal): Promise<{ vaults: ApiVault[] }> {
    return this.json('GET', '/vaults', signal);
  }
  showVault(name: string, signal: AbortSignal): Promise<ApiVaultDetail> {
    return this.json('GET', `/vaults/${enc(name)}`, signal);
  }
  async deleteVault(name: string, signal: AbortSignal): Promise<void> {
    await (await this.send('DELETE', `/vaults/${enc(name)}`, signal)).text();
  }
  setPolicy(vault: string, identity: string, secretPermissions: readonly string[], signal: AbortSignal): Promise<ApiPolicy> {
    return this.json('PUT', `/vaults/${enc(vault)}/policies/${enc(identity)}`, signal, jsonBody({ secretPermissions }));
  }
  setSecret(vault: string, name: string, value: string, signal: AbortSignal): Promise<ApiSecret> {
    return this.json('PUT', `/vaults/${enc(vault)}/secrets/${enc(name)}`, signal, jsonBody({ value }));
  }
  showSecret(vault: string, name: string, reveal: boolean, signal: AbortSignal): Promise<ApiSecret | ApiSecretValue> {
    return this.json('GET', `/vaults/${enc(vault)}/secrets/${enc(name)}${reveal ? '?reveal=true' : ''}`, signal);
  }
  listSecrets(vault: string, signal: AbortSignal): Promise<{ secrets: ApiSecret[] }> {
    return this.json('GET', `/vaults/${enc(vault)}/secrets`, signal);
  }
  async deleteSecret(vault: string, name: string, signal: AbortSignal): Promise<void> {
    await (await this.send('DELETE', `/vaults/${enc(vault)}/secrets/${enc(name)}`, signal)).text();
  }
  createIdentity(name: string, description: string | undefined, signal: AbortSignal): Promise<ApiIdentity> {
    return this.json('POST', '/identities', signal, jsonBody({ name, ...(description === undefined ? {} : { description }) }));
  }
  listIdentities(signal: AbortSignal): Promise<{ identities: ApiIdentity[] }> {
    return this.json('GET', '/identities', signal);
  }
  showIdentity(name: string, signal: AbortSignal): Promise<ApiIdentity> {
    return this.json('GET', `/identities/${enc(name)}`, signal);
  }
  async deleteIdentity(name: string, signal: AbortSignal): Promise<void> {
    await (await this.send('DELETE', `/identities/${enc(name)}`, signal)).text();
  }
}
