import type { Kysely, Selectable } from 'kysely';
import { AppError, Errors } from '../../core/errors/index.js';
import type { SqlDialectAdapter } from '../../metadata/sql/sql-metadata-store.js';
import type { Identity, SealedSecretVersion, SecretPermission, SecretSummary, SecretVersion, Vault, VaultPolicy, WrappedDataKey } from '../vault-model.js';
import type { AccessStore, VaultStore } from '../vault-store.js';

/** The tables of migration 0006 (kept here: only this adapter reads them). */
export type VaultTables = {
  vaults: { name: string; data_key_id: string; master_key_id: string; wrapped_key: Buffer; created_at: string; updated_at: string };
  vault_secrets: { vault_name: string; name: string; version: string; seq: number; data_key_id: string; ciphertext: Buffer; content_type: string | null; created_at: string };
  identities: { name: string; description: string | null; created_at: string };
  vault_policies: { vault_name: string; identity_name: string; secret_permissions: string; updated_at: string };
};

type Db = Kysely<VaultTables>;
type SecretRow = Selectable<VaultTables['vault_secrets']>;

function toVersion(row: SecretRow): SecretVersion {
  return { vault: row.vault_name, name: row.name, version: row.version, contentType: row.content_type, createdAt: row.created_at };
}

function toSealed(row: SecretRow): SealedSecretVersion {
  return { ...toVersion(row), dataKeyId: row.data_key_id, ciphertext: Buffer.from(row.ciphertext) };
}

function toPolicy(row: Selectable<VaultTables['vault_policies']>): VaultPolicy {
  return { vault: row.vault_name, identity: row.identity_name, secretPermissions: JSON.parse(row.secret_permissions) as SecretPermission[], updatedAt: row.updated_at };
}

function toIdentity(row: Selectable<VaultTables['identities']>): Identity {
  return { name: row.name, description: row.description, createdAt: row.created_at };
}

/** VaultStore and AccessStore for every SQL dialect, over the metadata store's connection. */
export class SqlVaultStore implements VaultStore, AccessStore {
  private readonly db: Db;

  constructor(private readonly adapter: SqlDialectAdapter) {
    this.db = adapter.db.withTables<VaultTables>() as unknown as Db;
  }

  private transaction<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    return this.adapter.transaction((db) => fn(db.withTables<VaultTables>() as unknown as Db));
  }

  async createVault(vault: Vault, key: WrappedDataKey): Promise<void> {
    const inserted = await this.db
      .insertInto('vaults')
      .values({ name: vault.name, data_key_id: key.dataKeyId, master_key_id: key.masterKeyId, wrapped_key: key.wrappedKey, created_at: vault.createdAt, updated_at: vault.updatedAt })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('name')
      .executeTakeFirst();
    if (inserted === undefined) throw new AppError(Errors.VAULT_EXISTS, { detail: { vault: vault.name } });
  }

  async getVault(name: string): Promise<{ vault: Vault; key: WrappedDataKey } | undefined> {
    const row = await this.db.selectFrom('vaults').selectAll().where('name', '=', name).executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      vault: { name: row.name, createdAt: row.created_at, updatedAt: row.updated_at },
      key: { dataKeyId: row.data_key_id, masterKeyId: row.master_key_id, wrappedKey: Buffer.from(row.wrapped_key) },
    };
  }

  async listVaults(): Promise<Vault[]> {
    const rows = await this.db.selectFrom('vaults').select(['name', 'created_at', 'updated_at']).orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, createdAt: r.created_at, updatedAt: r.updated_at }));
  }

  async deleteVault(name: string): Promise<boolean> {
    return (await this.db.deleteFrom('vaults').where('name', '=', name).returning('name').executeTakeFirst()) !== undefined;
  }

  addSecretVersion(v: SealedSecretVersion, seq: number): Promise<void> {
    return this.transaction(async (db) => {
      const touched = await db.updateTable('vaults').set({ updated_at: v.createdAt }).where('name', '=', v.vault).returning('name').executeTakeFirst();
      if (touched === undefined) throw new AppError(Errors.VAULT_NOT_FOUND, { detail: { vault: v.vault } });
      const last = await db.selectFrom('vault_secrets').select((eb) => eb.fn.max('seq').as('seq')).where('vault_name', '=', v.vault).where('name', '=', v.name).executeTakeFirst();
      await db
        .insertInto('vault_secrets')
        .values({ vault_name: touched.name, name: v.name, version: v.version, seq: Math.max(seq, Number(last?.seq ?? 0) + 1), data_key_id: v.dataKeyId, ciphertext: v.ciphertext, content_type: v.contentType, created_at: v.createdAt })
        .execute();
    });
  }

  async getSecretVersion(vault: string, name: string, version: string | null): Promise<SealedSecretVersion | undefined> {
    let query = this.db.selectFrom('vault_secrets').selectAll().where('vault_name', '=', vault).where('name', '=', name);
    query = version === null ? query.orderBy('seq', 'desc').limit(1) : query.where('version', '=', version.toLowerCase());
    const row = await query.executeTakeFirst();
    return row === undefined ? undefined : toSealed(row);
  }

  async listSecrets(vault: string): Promise<SecretSummary[]> {
    const rows = await this.db.selectFrom('vault_secrets').selectAll().where('vault_name', '=', vault).orderBy('name').orderBy('seq').execute();
    const byName = new Map<string, SecretRow[]>();
    for (const row of rows) byName.set(row.name.toLowerCase(), [...(byName.get(row.name.toLowerCase()) ?? []), row]);
    return [...byName.values()].map((versions) => {
      const current = versions[versions.length - 1]!;
      return { ...toVersion(current), firstCreatedAt: versions[0]!.created_at, versionCount: versions.length };
    });
  }

  async listVersions(vault: string, name: string): Promise<SecretVersion[]> {
    const rows = await this.db.selectFrom('vault_secrets').selectAll().where('vault_name', '=', vault).where('name', '=', name).orderBy('seq', 'desc').execute();
    return rows.map(toVersion);
  }

  async deleteSecret(vault: string, name: string): Promise<boolean> {
    const rows = await this.db.deleteFrom('vault_secrets').where('vault_name', '=', vault).where('name', '=', name).returning('version').execute();
    return rows.length > 0;
  }

  rekeyAll(change: (vault: string, key: WrappedDataKey, versions: readonly SealedSecretVersion[]) => { key: WrappedDataKey; versions: SealedSecretVersion[] }): Promise<{ vaults: number; versions: number }> {
    return this.transaction(async (db) => {
      const vaults = await db.selectFrom('vaults').selectAll().execute();
      let versions = 0;
      for (const row of vaults) {
        const stored = await db.selectFrom('vault_secrets').selectAll().where('vault_name', '=', row.name).execute();
        const next = change(row.name, { dataKeyId: row.data_key_id, masterKeyId: row.master_key_id, wrappedKey: Buffer.from(row.wrapped_key) }, stored.map(toSealed));
        await db.updateTable('vaults').set({ data_key_id: next.key.dataKeyId, master_key_id: next.key.masterKeyId, wrapped_key: next.key.wrappedKey }).where('name', '=', row.name).execute();
        for (const v of next.versions) {
          await db.updateTable('vault_secrets').set({ data_key_id: v.dataKeyId, ciphertext: v.ciphertext }).where('vault_name', '=', row.name).where('name', '=', v.name).where('version', '=', v.version).execute();
        }
        versions += next.versions.length;
      }
      return { vaults: vaults.length, versions };
    });
  }

  async createIdentity(identity: Identity): Promise<void> {
    const inserted = await this.db
      .insertInto('identities')
      .values({ name: identity.name, description: identity.description, created_at: identity.createdAt })
      .onConflict((oc) => oc.column('name').doNothing())
      .returning('name')
      .executeTakeFirst();
    if (inserted === undefined) throw new AppError(Errors.IDENTITY_EXISTS, { detail: { identity: identity.name } });
  }

  async getIdentity(name: string): Promise<Identity | undefined> {
    const row = await this.db.selectFrom('identities').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : toIdentity(row);
  }

  async listIdentities(): Promise<Identity[]> {
    return (await this.db.selectFrom('identities').selectAll().orderBy('name').execute()).map(toIdentity);
  }

  async deleteIdentity(name: string): Promise<boolean> {
    return (await this.db.deleteFrom('identities').where('name', '=', name).returning('name').executeTakeFirst()) !== undefined;
  }

  setPolicy(policy: VaultPolicy): Promise<void> {
    return this.transaction(async (db) => {
      const vault = await db.selectFrom('vaults').select('name').where('name', '=', policy.vault).executeTakeFirst();
      if (vault === undefined) throw new AppError(Errors.VAULT_NOT_FOUND, { detail: { vault: policy.vault } });
      const identity = await db.selectFrom('identities').select('name').where('name', '=', policy.identity).executeTakeFirst();
      if (identity === undefined) throw new AppError(Errors.IDENTITY_NOT_FOUND, { detail: { identity: policy.identity } });
      await db.deleteFrom('vault_policies').where('vault_name', '=', vault.name).where('identity_name', '=', identity.name).execute();
      if (policy.secretPermissions.length === 0) return;
      await db
        .insertInto('vault_policies')
        .values({ vault_name: vault.name, identity_name: identity.name, secret_permissions: JSON.stringify(policy.secretPermissions), updated_at: policy.updatedAt })
        .execute();
    });
  }

  async getPolicy(vault: string, identity: string): Promise<VaultPolicy | undefined> {
    const row = await this.db.selectFrom('vault_policies').selectAll().where('vault_name', '=', vault).where('identity_name', '=', identity).executeTakeFirst();
    return row === undefined ? undefined : toPolicy(row);
  }

  async listPolicies(filter: { readonly vault: string } | { readonly identity: string }): Promise<VaultPolicy[]> {
    const query = this.db.selectFrom('vault_policies').selectAll();
    const rows = await ('vault' in filter ? query.where('vault_name', '=', filter.vault) : query.where('identity_name', '=', filter.identity)).orderBy('vault_name').orderBy('identity_name').execute();
    return rows.map(toPolicy);
  }
}
