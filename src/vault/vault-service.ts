import { randomBytes } from 'node:crypto';
import { AppError, Errors } from '../core/errors/index.js';
import { READ_PERMISSION, type SecretReadRequest, type SecretSource } from './secret-source.js';
import { generateKey, open, seal, secretAad, unwrapDataKey, wrapDataKey, type VaultKey } from './vault-crypto.js';
import { SECRET_PERMISSIONS, isSecretPermission, isVaultName, type Identity, type SecretPermission, type SecretSummary, type SecretVersion, type Vault, type VaultPolicy } from './vault-model.js';
import type { AccessStore, VaultStore } from './vault-store.js';

export interface VaultServiceOptions {
  readonly vaults: VaultStore;
  readonly access: AccessStore;
  /** The master key, loaded (or made) on first use. */
  readonly masterKey: () => Promise<VaultKey>;
  readonly now?: () => Date;
}

/** Key Vault's limit is 25 KiB; a little more room for certificates and kubeconfigs. */
export const MAX_SECRET_BYTES = 64 * 1024;

function invalid(field: string, message: string): AppError {
  return new AppError(Errors.REQUEST_INVALID, { message, detail: { field } });
}

function checkName(field: 'vault' | 'secret' | 'identity', name: string): string {
  if (!isVaultName(name)) throw invalid(field, `${field} names are 1-127 letters, digits and dashes`);
  return name;
}

/**
 * The vault's domain: vaults, sealed secrets, identities and policies over the two stores, and
 * the SecretSource runs read through (a policy check before any decryption). Values are
 * decrypted only in `reveal` and `readSecret`.
 */
export class VaultService implements SecretSource {
  private readonly now: () => Date;

  constructor(private readonly options: VaultServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async createVault(name: string): Promise<Vault> {
    checkName('vault', name);
    const master = await this.options.masterKey();
    const at = this.now().toISOString();
    const vault: Vault = { name, createdAt: at, updatedAt: at };
    const dataKey = generateKey();
    await this.options.vaults.createVault(vault, { dataKeyId: dataKey.id, masterKeyId: master.id, wrappedKey: wrapDataKey(master, name, dataKey) });
    return vault;
  }

  listVaults(): Promise<Vault[]> {
    return this.options.vaults.listVaults();
  }

  async getVault(name: string): Promise<{ vault: Vault; policies: VaultPolicy[] }> {
    const found = await this.options.vaults.getVault(name);
    if (found === undefined) throw vaultNotFound(name);
    return { vault: found.vault, policies: await this.options.access.listPolicies({ vault: found.vault.name }) };
  }

  async deleteVault(name: string): Promise<void> {
    if (!(await this.options.vaults.deleteVault(name))) throw vaultNotFound(name);
  }

  /** Adds a version of the secret (creating the secret): sealed with the vault's data key. */
  async setSecret(vaultName: string, name: string, value: string, contentType: string | null = null): Promise<SecretVersion> {
    checkName('secret', name);
    const bytes = Buffer.from(value, 'utf8');
    if (bytes.length === 0) throw invalid('value', 'a secret value cannot be empty');
    if (bytes.length > MAX_SECRET_BYTES) throw invalid('value', `a secret value is at most ${MAX_SECRET_BYTES} bytes`);
    const { vault, dataKey } = await this.dataKey(vaultName);
    const version = randomBytes(16).toString('hex');
    const at = this.now().toISOString();
    const meta: SecretVersion = { vault: vault.name, name, version, contentType, createdAt: at };
    const ciphertext = seal(dataKey, bytes, secretAad({ vault: vault.name, secret: name, version, dataKeyId: dataKey.id }));
    await this.options.vaults.addSecretVersion({ ...meta, dataKeyId: dataKey.id, ciphertext }, this.now().getTime());
    return meta;
  }

  async listSecrets(vaultName: string): Promise<SecretSummary[]> {
    const vault = await this.vault(vaultName);
    return this.options.vaults.listSecrets(vault.name);
  }

  /** The secret's versions, newest (current) first. */
  async secretVersions(vaultName: string, name: string): Promise<SecretVersion[]> {
    const vault = await this.vault(vaultName);
    const versions = await this.options.vaults.listVersions(vault.name, name);
    if (versions.length === 0) throw secretNotFound(vault.name, name, null);
    return versions;
  }

  /** A version's value (the current one when `version` is null), for an explicit `?reveal=true`. */
  async reveal(vaultName: string, name: string, version: string | null = null): Promise<{ meta: SecretVersion; value: string }> {
    const { vault, dataKey } = await this.dataKey(vaultName);
    const sealed = await this.options.vaults.getSecretVersion(vault.name, name, version);
    if (sealed === undefined) throw secretNotFound(vault.name, name, version);
    const aad = secretAad({ vault: vault.name, secret: sealed.name, version: sealed.version, dataKeyId: sealed.dataKeyId });
    if (sealed.dataKeyId !== dataKey.id) throw new AppError(Errors.VAULT_CIPHERTEXT_INVALID, { detail: { vault: vault.name, secret: sealed.name } });
    const { dataKeyId: _k, ciphertext: _c, ...meta } = sealed;
    return { meta, value: open(dataKey, sealed.ciphertext, aad).toString('utf8') };
  }

  async deleteSecret(vaultName: string, name: string): Promise<void> {
    const vault = await this.vault(vaultName);
    if (!(await this.options.vaults.deleteSecret(vault.name, name))) throw secretNotFound(vault.name, name, null);
  }

  async createIdentity(name: string, description: string | null = null): Promise<Identity> {
    checkName('identity', name);
    const identity: Identity = { name, description, createdAt: this.now().toISOString() };
    await this.options.access.createIdentity(identity);
    return identity;
  }

  listIdentities(): Promise<Identity[]> {
    return this.options.access.listIdentities();
  }

  async getIdentity(name: string): Promise<{ identity: Identity; policies: VaultPolicy[] }> {
    const identity = await this.options.access.getIdentity(name);
    if (identity === undefined) throw identityNotFound(name);
    return { identity, policies: await this.options.access.listPolicies({ identity: identity.name }) };
  }

  async deleteIdentity(name: string): Promise<void> {
    if (!(await this.options.access.deleteIdentity(name))) throw identityNotFound(name);
  }

  /** Replaces what the identity may do with the vault's secrets; an empty list revokes. */
  async setPolicy(vault: string, identity: string, permissions: readonly string[]): Promise<VaultPolicy | null> {
    const unknown = permissions.filter((p) => !isSecretPermission(p));
    if (unknown.length > 0) throw invalid('secretPermissions', `unknown secret permissions ${unknown.join(', ')}: use ${SECRET_PERMISSIONS.join(', ')}`);
    const secretPermissions = SECRET_PERMISSIONS.filter((p) => permissions.includes(p));
    await this.options.access.setPolicy({ vault, identity, secretPermissions, updatedAt: this.now().toISOString() });
    return (await this.options.access.getPolicy(vault, identity)) ?? null;
  }

  async listPolicies(vaultName: string): Promise<VaultPolicy[]> {
    const vault = await this.vault(vaultName);
    return this.options.access.listPolicies({ vault: vault.name });
  }

  /** SecretSource: the policy is checked before the vault or the secret is even looked up. */
  async readSecret(request: SecretReadRequest, options?: { readonly signal: AbortSignal }): Promise<string> {
    options?.signal.throwIfAborted();
    await this.checkAccess(request, READ_PERMISSION);
    return (await this.reveal(request.vault, request.secret, request.version)).value;
  }

  private async checkAccess(request: SecretReadRequest, permission: SecretPermission): Promise<void> {
    const { identity, vault } = request;
    const detail = { vault, secret: request.secret, identity, permission };
    if (identity === null) {
      throw new AppError(Errors.SECRET_ACCESS_DENIED, { message: `the run has no identity, so it has no "${permission}" permission on the secrets of vault "${vault}" (assign one: task create --assign-identity)`, detail });
    }
    const policy = await this.options.access.getPolicy(vault, identity);
    if (policy?.secretPermissions.includes(permission) !== true) {
      throw new AppError(Errors.SECRET_ACCESS_DENIED, { message: `identity "${identity}" lacks the "${permission}" secret permission on vault "${vault}" (slipway vault set-policy --name ${vault} --identity ${identity} --secret-permissions ${permission})`, detail });
    }
  }

  private async vault(name: string): Promise<Vault> {
    const found = await this.options.vaults.getVault(name);
    if (found === undefined) throw vaultNotFound(name);
    return found.vault;
  }

  private async dataKey(name: string): Promise<{ vault: Vault; dataKey: VaultKey }> {
    const found = await this.options.vaults.getVault(name);
    if (found === undefined) throw vaultNotFound(name);
    return { vault: found.vault, dataKey: unwrapDataKey(await this.options.masterKey(), found.vault.name, found.key) };
  }
}

function vaultNotFound(vault: string): AppError {
  return new AppError(Errors.VAULT_NOT_FOUND, { detail: { vault: vault.slice(0, 130) } });
}

function secretNotFound(vault: string, secret: string, version: string | null): AppError {
  return new AppError(Errors.SECRET_NOT_FOUND, { detail: { vault, secret: secret.slice(0, 130), ...(version === null ? {} : { version: version.slice(0, 70) }) } });
}

function identityNotFound(identity: string): AppError {
  return new AppError(Errors.IDENTITY_NOT_FOUND, { detail: { identity: identity.slice(0, 130) } });
}
