/** /api/v1 vaults, secrets, identities and policies (src/api/vault-plugin.ts). Values appear only in ApiSecretValue. */

export type ApiSecretPermission = 'get' | 'list';

export interface ApiVault {
  readonly name: string;
  readonly createdTime: string;
  readonly lastUpdateTime: string;
}

export interface ApiVaultDetail extends ApiVault {
  readonly policies: readonly ApiPolicy[];
}

export interface ApiPolicy {
  readonly vault: string;
  readonly identity: string;
  readonly secretPermissions: readonly ApiSecretPermission[];
  readonly lastUpdateTime: string;
}

/** A secret without its value: its current version. */
export interface ApiSecret {
  readonly vault: string;
  readonly name: string;
  readonly version: string;
  readonly contentType: string | null;
  readonly createdTime: string;
  readonly lastUpdateTime: string;
  readonly versions?: number;
}

/** GET …/secrets/:name?reveal=true: the metadata and the value. */
export interface ApiSecretValue extends ApiSecret {
  readonly value: string;
}

export interface ApiSecretSetRequest {
  readonly value: string;
  readonly contentType?: string | null;
}

export interface ApiIdentity {
  readonly name: string;
  readonly description: string | null;
  readonly createdTime: string;
  readonly policies?: readonly ApiPolicy[];
}

export interface ApiPolicyRequest {
  readonly secretPermissions: readonly ApiSecretPermission[];
}
