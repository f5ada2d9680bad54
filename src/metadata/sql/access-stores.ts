import type { Kysely, Selectable } from 'kysely';
import type { AccessTokenRecord, AccessTokenStore, ScopeMapRecord, ScopeMapStore, TokenPasswordRecord, UserStore } from '../metadata-store.js';
import type { AccessTokensTable, Database } from './schema.js';

type Db = Kysely<Database>;

const changed = (res: { numUpdatedRows?: bigint; numDeletedRows?: bigint; numInsertedOrUpdatedRows?: bigint | undefined }): boolean =>
  Number(res.numUpdatedRows ?? res.numDeletedRows ?? res.numInsertedOrUpdatedRows ?? 0n) > 0;

export function userStore(db: Db): UserStore {
  const toUser = (row: Selectable<Database['users']>): Awaited<ReturnType<UserStore['get']>> => ({ name: row.name, passwordHash: row.password_hash, isAdmin: row.is_admin === 1, createdAt: row.created_at });
  return {
    async get(name) {
      const row = await db.selectFrom('users').selectAll().where('name', '=', name).executeTakeFirst();
      return row && toUser(row);
    },
    async create(u) {
      const res = await db
        .insertInto('users')
        .values({ name: u.name, password_hash: u.passwordHash, is_admin: u.isAdmin ? 1 : 0, created_at: u.createdAt })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return changed(res);
    },
    async setPassword(name, passwordHash) {
      await db.updateTable('users').set({ password_hash: passwordHash }).where('name', '=', name).execute();
    },
    async list() {
      return (await db.selectFrom('users').selectAll().orderBy('name').execute()).map((row) => toUser(row)!);
    },
    async delete(name) {
      await db.deleteFrom('role_assignments').where('user_name', '=', name).execute();
      return changed(await db.deleteFrom('users').where('name', '=', name).executeTakeFirst());
    },
    async roles(name) {
      const rows = await db.selectFrom('role_assignments').select('role').where('user_name', '=', name).orderBy('role').execute();
      return rows.map((r) => r.role);
    },
    async setRoles(name, roles, at) {
      await db.deleteFrom('role_assignments').where('user_name', '=', name).execute();
      if (roles.length === 0) return;
      await db.insertInto('role_assignments').values(roles.map((role) => ({ user_name: name, role, created_at: at }))).execute();
    },
  };
}

export function scopeMapStore(db: Db): ScopeMapStore {
  const toMap = (row: Selectable<Database['scope_maps']>): ScopeMapRecord => ({
    name: row.name,
    description: row.description,
    actions: JSON.parse(row.actions) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
  return {
    async get(name) {
      const row = await db.selectFrom('scope_maps').selectAll().where('name', '=', name).executeTakeFirst();
      return row && toMap(row);
    },
    async list() {
      return (await db.selectFrom('scope_maps').selectAll().orderBy('name').execute()).map(toMap);
    },
    async create(m) {
      const res = await db
        .insertInto('scope_maps')
        .values({ name: m.name, description: m.description, actions: JSON.stringify(m.actions), created_at: m.createdAt, updated_at: m.updatedAt })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return changed(res);
    },
    async update(m) {
      const res = await db.updateTable('scope_maps').set({ description: m.description, actions: JSON.stringify(m.actions), updated_at: m.updatedAt }).where('name', '=', m.name).executeTakeFirst();
      return changed(res);
    },
    async delete(name) {
      return changed(await db.deleteFrom('scope_maps').where('name', '=', name).executeTakeFirst());
    },
  };
}

function password(hash: string | null, createdAt: string | null, expiry: string | null): TokenPasswordRecord | null {
  return hash === null ? null : { hash, createdAt: createdAt ?? '', expiry };
}

function toToken(row: Selectable<AccessTokensTable>): AccessTokenRecord {
  return {
    name: row.name,
    scopeMap: row.scope_map,
    status: row.status === 'disabled' ? 'disabled' : 'enabled',
    password1: password(row.password1_hash, row.password1_created_at, row.password1_expiry),
    password2: password(row.password2_hash, row.password2_created_at, row.password2_expiry),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
  };
}

function tokenColumns(t: AccessTokenRecord): Omit<AccessTokensTable, 'name' | 'created_at' | 'last_used_at'> {
  return {
    scope_map: t.scopeMap,
    status: t.status,
    password1_hash: t.password1?.hash ?? null,
    password1_created_at: t.password1?.createdAt ?? null,
    password1_expiry: t.password1?.expiry ?? null,
    password2_hash: t.password2?.hash ?? null,
    password2_created_at: t.password2?.createdAt ?? null,
    password2_expiry: t.password2?.expiry ?? null,
    updated_at: t.updatedAt,
  };
}

export function accessTokenStore(db: Db): AccessTokenStore {
  return {
    async get(name) {
      const row = await db.selectFrom('access_tokens').selectAll().where('name', '=', name).executeTakeFirst();
      return row && toToken(row);
    },
    async list() {
      return (await db.selectFrom('access_tokens').selectAll().orderBy('name').execute()).map(toToken);
    },
    async create(t) {
      const res = await db
        .insertInto('access_tokens')
        .values({ name: t.name, created_at: t.createdAt, last_used_at: t.lastUsedAt, ...tokenColumns(t) })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return changed(res);
    },
    async update(t) {
      return changed(await db.updateTable('access_tokens').set(tokenColumns(t)).where('name', '=', t.name).executeTakeFirst());
    },
    async delete(name) {
      return changed(await db.deleteFrom('access_tokens').where('name', '=', name).executeTakeFirst());
    },
    async touch(name, at) {
      await db.updateTable('access_tokens').set({ last_used_at: at }).where('name', '=', name).execute();
    },
    async usingScopeMap(scopeMap) {
      return (await db.selectFrom('access_tokens').select('name').where('scope_map', '=', scopeMap).orderBy('name').execute()).map((r) => r.name);
    },
  };
}
