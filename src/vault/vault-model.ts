/**
 * Slipway's vault (Azure Key Vault's role for ACR Tasks): named vaults of versioned secrets,
 * identities (a task's `--assign-identity`) and access policies granting an identity `get`
 * and/or `list` on the secrets of one vault. Values never leave VaultService unencrypted except
 * to a run whose identity may read them, or to an explicit `?reveal=true`.
 */

/** Key Vault's name rule, for vaults, secrets and identities. Names compare case-insensitively. */
export const VAULT_NAME = /^[a-zA-Z0-9-]{1,127}$/;

export const SECRET_PERMISSIONS = ['get', 'list'] as const;
export type SecretPermission = (typeof SECRET_PERMISSIONS)[number];

export function isVaultName(name: string): boolean {
  return VAULT_NAME.test(name);
}

export function isSecretPermission(value: string): value is SecretPermission {
  return (SECRET_PERMISSIONS as readonly string[]).includes(value);
}

export interface Vault {
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A vault's data key as stored: sealed with the master key whose id it records. */
export interface WrappedDataKey {
  readonly dataKeyId: string;
  readonly masterKeyId: string;
  readonly wrappedKey: Buffer;
}

/** One version of a secret, without its value. */
export interface SecretVersion {
  readonly vault: string;
  readonly name: string;
  /** 32 hex digits, as Key Vault's versions. */
  readonly version: string;
  readonly contentType: string | null;
  readonly createdAt: string;
}

/** A secret's current version, its first version's time and how many versions it has. */
export interface SecretSummary extends SecretVersion {
  readonly firstCreatedAt: string;
  readonly versionCount: number;
}

/** A stored version with its ciphertext (AES-256-GCM under the vault's data key `dataKeyId`). */
export interface SealedSecretVersion extends SecretVersion {
  readonly dataKeyId: string;
  readonly ciphertext: Buffer;
}

export interface Identity {
  readonly name: string;
  readonly description: string | null;
  readonly createdAt: string;
}

export interface VaultPolicy {
  readonly vault: string;
  readonly identity: string;
  readonly secretPermissions: readonly SecretPermission[];
  readonly updatedAt: string;
}
