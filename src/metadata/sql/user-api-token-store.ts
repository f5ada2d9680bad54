import type { Kysely, Selectable } from 'kysely';
import type { UserApiTokenRecord, UserApiTokenStore } from '../metadata-store.js';
import type { Database, UserApiTokensTable } from './schema.js';

function toToken(row: Selectable<UserApiTokensTable>): UserApiTokenRecord {
  return {
    user: row.user_name,
    name: row.name,
    lookup: row.lookup,
    hash: row.hash,
    roles: row.roles === null ? null : (JSON.parse(row.roles) as string[]),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
}

/** Users' personal API tokens (migration 0009). */
export function userApiTokenStore(db: Kysely<Database>): UserApiTokenStore {
  return {
    async get(user, name) {
      const row = await db.selectFrom('user_api_tokens').selectAll().where('user_name', '=', user).where('name', '=', name).executeTakeFirst();
      return row && toToken(row);
    },
    async byLookup(lookup) {
      const row = await db.selectFrom('user_api_tokens').selectAll().where('lookup', '=', lookup).executeTakeFirst();
      return row && toToken(row);
    },
    async list(user) {
      return (await db.selectFrom('user_api_tokens').selectAll().where('user_name', '=', user).orderBy('name').execute()).map(toToken);
    },
    async create(t) {
      const res = await db
        .insertInto('user_api_tokens')
        .values({ user_name: t.user, name: t.name, lookup: t.lookup, hash: t.hash, roles: t.roles === null ? null : JSON.stringify(t.roles), created_at: t.createdAt, expires_at: t.expiresAt, last_used_at: t.lastUsedAt })
        .onConflict((oc) => oc.columns(['user_name', 'name']).doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
    },
    async delete(user, name) {
      const res = await db.deleteFrom('user_api_tokens').where('user_name', '=', user).where('name', '=', name).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    },
    async touch(user, name, at) {
      await db.updateTable('user_api_tokens').set({ last_used_at: at }).where('user_name', '=', user).where('name', '=', name).execute();
    },
  };
}
