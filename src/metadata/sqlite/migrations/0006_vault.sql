-- Slipway's vault (src/vault/): vaults, their secrets' versions (sealed), identities and the
-- policies granting an identity permissions on a vault's secrets. No value and no key is stored
-- in clear: a vault's data key is sealed with the master key (kept outside the database), and
-- every secret version is sealed with its vault's data key (AES-256-GCM; docs/vault.md).
-- Names follow Key Vault: case-insensitive.

CREATE TABLE vaults (
  name TEXT PRIMARY KEY COLLATE NOCASE,
  -- Id of the vault's data key, and of the master key that sealed it (fingerprints, not keys).
  data_key_id TEXT NOT NULL,
  master_key_id TEXT NOT NULL,
  -- The data key sealed with the master key: format byte, nonce, ciphertext, tag.
  wrapped_key BLOB NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE vault_secrets (
  vault_name TEXT NOT NULL COLLATE NOCASE REFERENCES vaults (name) ON DELETE CASCADE,
  name TEXT NOT NULL COLLATE NOCASE,
  -- 32 hex digits, as Key Vault's versions; seq orders them (the highest is current).
  version TEXT NOT NULL,
  seq INTEGER NOT NULL,
  -- The vault data key the value is sealed with; the value sealed, bound to vault/name/version.
  data_key_id TEXT NOT NULL,
  ciphertext BLOB NOT NULL,
  content_type TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (vault_name, name, version),
  UNIQUE (vault_name, name, seq)
);

CREATE TABLE identities (
  name TEXT PRIMARY KEY COLLATE NOCASE,
  description TEXT,
  created_at TEXT NOT NULL
);

CREATE TABLE vault_policies (
  vault_name TEXT NOT NULL COLLATE NOCASE REFERENCES vaults (name) ON DELETE CASCADE,
  identity_name TEXT NOT NULL COLLATE NOCASE REFERENCES identities (name) ON DELETE CASCADE,
  -- JSON array of 'get' | 'list'.
  secret_permissions TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (vault_name, identity_name)
);
CREATE INDEX vault_policies_identity ON vault_policies (identity_name);
