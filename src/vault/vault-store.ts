import type { Identity, SealedSecretVersion, SecretSummary, SecretVersion, Vault, VaultPolicy, WrappedDataKey } from './vault-model.js';

/**
 * Vaults and their sealed secret versions. Names compare case-insensitively; results carry the
 * name as it was created. Ciphertexts are opaque here: the store never sees a key or a value.
 */
export interface VaultStore {
  /** Throws VAULT_EXISTS when the name is taken. */
  createVault(vault: Vault, key: WrappedDataKey): Promise<void>;
  getVault(name: string): Promise<{ vault: Vault; key: WrappedDataKey } | undefined>;
  listVaults(): Promise<Vault[]>;
  /** Deletes the vault with its secrets and policies; false when there was none. */
  deleteVault(name: string): Promise<boolean>;
  /** Adds a version (it becomes the current one) and touches the vault's updatedAt. VAULT_NOT_FOUND when the vault is gone. */
  addSecretVersion(version: SealedSecretVersion, seq: number): Promise<void>;
  /** A version, or the current one when `version` is null. */
  getSecretVersion(vault: string, name: string, version: string | null): Promise<SealedSecretVersion | undefined>;
  listSecrets(vault: string): Promise<SecretSummary[]>;
  /** Newest first. */
  listVersions(vault: string, name: string): Promise<SecretVersion[]>;
  /** Deletes every version; false when there was none. */
  deleteSecret(vault: string, name: string): Promise<boolean>;
  /**
   * Rewrites every vault's data key and secret versions in ONE transaction (master key
   * rotation): `change` gets a vault's stored key and versions and returns their replacements.
   */
  rekeyAll(change: (vault: string, key: WrappedDataKey, versions: readonly SealedSecretVersion[]) => { key: WrappedDataKey; versions: SealedSecretVersion[] }): Promise<{ vaults: number; versions: number }>;
}

/** Identities and the policies that grant them permissions on a vault's secrets. */
export interface AccessStore {
  /** Throws IDENTITY_EXISTS when the name is taken. */
  createIdentity(identity: Identity): Promise<void>;
  getIdentity(name: string): Promise<Identity | undefined>;
  listIdentities(): Promise<Identity[]>;
  /** Deletes the identity and its policies; false when there was none. */
  deleteIdentity(name: string): Promise<boolean>;
  /** Replaces the identity's permissions on the vault; an empty list removes the policy. Both must exist. */
  setPolicy(policy: VaultPolicy): Promise<void>;
  getPolicy(vault: string, identity: string): Promise<VaultPolicy | undefined>;
  /** Policies of a vault, or of an identity. */
  listPolicies(filter: { readonly vault: string } | { readonly identity: string }): Promise<VaultPolicy[]>;
}
