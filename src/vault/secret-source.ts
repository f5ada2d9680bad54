import type { SecretPermission } from './vault-model.js';

/** What a run asks the vault for: one secret, on behalf of the run's identity (null: none). */
export interface SecretReadRequest {
  readonly identity: string | null;
  readonly vault: string;
  readonly secret: string;
  /** A version id; null: the current version. */
  readonly version: string | null;
}

/**
 * The port the runner reads vault secrets through. An implementation checks that `identity`
 * holds `get` on the vault before it decrypts anything.
 */
export interface SecretSource {
  /**
   * The secret's value. Throws SECRET_ACCESS_DENIED (no identity, an unknown identity, or no
   * `get` on the vault; checked first, so a denied caller learns nothing about what exists),
   * then VAULT_NOT_FOUND or SECRET_NOT_FOUND. Reads only; `signal` cancels.
   */
  readSecret(request: SecretReadRequest, options: { readonly signal: AbortSignal }): Promise<string>;
}

/** The permission a run needs to read a secret's value. */
export const READ_PERMISSION: SecretPermission = 'get';
