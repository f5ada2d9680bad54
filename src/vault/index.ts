/**
 * @module vault
 * Slipway's vault: vaults of versioned secrets sealed with envelope encryption, identities and
 * access policies, and the SecretSource runs read through (docs/vault.md).
 */
export { parseSecretReference, isVaultReference, showReference, type SecretReference } from './secret-reference.js';
export { READ_PERMISSION, type SecretReadRequest, type SecretSource } from './secret-source.js';
export { VaultService, MAX_SECRET_BYTES, type VaultServiceOptions } from './vault-service.js';
export { masterKeyProvider, masterKeyPath, readMasterKey, decodeKey, writeKeyFile, type MasterKeyOptions } from './master-key.js';
export { rotateMasterKey, type RotationReport } from './rotate-master-key.js';
export { generateKey, type VaultKey } from './vault-crypto.js';
export { SECRET_PERMISSIONS, VAULT_NAME, isVaultName, type Identity, type SecretPermission, type SecretSummary, type SecretVersion, type Vault, type VaultPolicy } from './vault-model.js';
export type { AccessStore, VaultStore } from './vault-store.js';
